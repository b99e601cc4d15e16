"""The production server setup: gunicorn.conf.py preloads the app, warms it up in the master (templates
compiled, mappers configured) and forks workers that serve pages."""
import os
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from tests.live_server import free_port
from tracker.preload import warm_up
from tracker.services.working_days import WorkCalendar
from tracker.timeutil import local_today

ROOT = Path(__file__).resolve().parent.parent


def test_warm_up_compiles_every_page_template(app):
    compiled = warm_up(app)
    assert compiled > 50
    assert "base.html" in {template.name for template in app.jinja_env.cache.values()}


def test_warm_up_loads_what_every_worker_soon_needs_so_that_workers_share_it(app):
    # The national holidays ("due soon" counts working days) and the stemmer (every item change is
    # indexed) cost each worker 10 MB and 3 MB of its own when loaded after the fork.
    warm_up(app)
    assert {"holidays", "Sastrawi.Stemmer.StemmerFactory"} <= set(sys.modules)
    with app.app_context():
        new_year = date(local_today().year + 1, 1, 1)
        assert not WorkCalendar().is_working_day(new_year)  # answered from what warm_up loaded


def test_the_production_config_serves_pages_from_a_preloaded_master(database_url, _schema, tmp_path):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="preload-test-key", APP_ENV="production",
               INSTANCE_PATH=str(tmp_path), BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2",
               SECURITY_LOG_FILE=str(tmp_path / "security.log"))
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py",
                               "tracker:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    try:
        body, deadline = None, time.monotonic() + 60
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None and 'name="csrf_token"' in body, server.stderr.read1().decode() if server.poll() else ""
    finally:
        server.terminate()
        server.wait(timeout=20)
