"""gunicorn settings for `make serve` and production (override any of them with GUNICORN_CMD_ARGS)."""
import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then: bounded memory
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app is imported once in the master and the workers share its memory (copy-on-write).
preload_app = True


def when_ready(server):
    """Before the first fork: the master compiles the templates and configures the ORM, for all workers."""
    from tracker.preload import warm_up

    app = server.app.wsgi()
    if hasattr(app, "jinja_env"):
        warm_up(app)


def pre_fork(server, worker):
    """Keep the preloaded objects out of the garbage collector's sweeps, so workers do not copy their pages."""
    gc.freeze()


def post_fork(server, worker):
    """Each worker opens its own database connections (never share SQLite handles across a fork)."""
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions") and "sqlalchemy" in app.extensions:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose(close=False)
