"""The HTTP part: R1, E2, E3 requests per second and E4 with concurrent writers under gunicorn."""
from bench import http_load
from bench.app import R1_URL, R2_URL, create_bench_app
from bench.databases import bench_config
from bench.generate import HEAD, PASSWORD, WRITERS
from bench.inprocess import find_landmarks
from bench.server import Gunicorn, can_pin, session
from tracker.extensions import db


def run(database_url: str, instance_path: str, duration: float, writers: int = 8, no_wrk: bool = False,
        log=print) -> dict:
    """Start gunicorn on the database, load it, read the workers' peak memory, stop it."""
    app = create_bench_app(bench_config(database_url, instance_path))
    with app.app_context():
        marks = find_landmarks(WRITERS[:writers])
        db.engine.dispose()
    server = Gunicorn(database_url, instance_path)
    results = {"pinned": can_pin()}
    try:
        head_cookie, _token = session(server.url, HEAD, PASSWORD)
        # R2 too: how much of a page's cost is being a signed-in page at all (session, user, layout).
        for name, path, cookie in (("R1", R1_URL, None), ("R2", R2_URL, head_cookie), ("E2", "/items", head_cookie),
                                   ("E3", f"/items/{marks.long_item}", head_cookie)):
            results[name] = http_load.load({"mode": "get", "base": server.url, "path": path, "cookie": cookie,
                                            "duration": duration, "no_wrk": no_wrk})
            log(f"    {name:4} {results[name]['rps']:8.1f} req/s  ({results[name]['requests']} requests, "
                f"{results[name]['errors']} errors, {results[name]['tool']})")
        specs = []
        for username, items in marks.writer_items.items():
            if not items:
                log(f"    (writer {username} owns no item in progress: left out)")
                continue
            cookie, token = session(server.url, username, PASSWORD)
            item_id, version, status = items[-1]
            specs.append({"cookie": cookie, "csrf": token, "item": item_id, "version": version, "status": status})
        results["E4"] = http_load.load({"mode": "status", "base": server.url, "duration": duration,
                                        "writers": specs})
        results["E4"]["writers"] = len(specs)
        log(f"    E4   {results['E4']['rps']:8.1f} req/s  ({len(specs)} writers: {results['E4']['ok']} saved, "
            f"{results['E4']['conflicts']} 409, {results['E4']['errors']} errors)")
        results["memory_mb"] = server.peak_rss_mb()
        log(f"    peak RSS per worker: {results['memory_mb']} MB")
    finally:
        server.stop()
    return results
