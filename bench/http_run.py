"""The HTTP part: R1, R2, E2, E3 requests per second, E4 with concurrent writers, then a mixed phase
and the memory of each gunicorn worker."""
from bench import http_load
from bench.app import R1_URL, R2_URL, create_bench_app
from bench.databases import bench_config
from bench.generate import BUSY_MEMBER, HEAD, PASSWORD, WRITERS
from bench.inprocess import find_landmarks
from bench.server import Gunicorn, can_pin, session
from tracker.extensions import db

MIXED_REQUESTS = 1000  # the memory target is "after 1,000 mixed requests"


def run(database_url: str, instance_path: str, duration: float, writers: int = 8, no_wrk: bool = False,
        mixed_requests: int = MIXED_REQUESTS, loads: bool = True, log=print) -> dict:
    """Start gunicorn on the database, load it, read the workers' memory, stop it.

    loads=False leaves out the timed loads (R1 … E4): only the mixed phase, then the memory.
    """
    app = create_bench_app(bench_config(database_url, instance_path))
    with app.app_context():
        marks = find_landmarks(WRITERS[:writers])
        db.engine.dispose()
    server = Gunicorn(database_url, instance_path)
    results = {"pinned": can_pin()}
    try:
        head_cookie, _token = session(server.url, HEAD, PASSWORD)
        # R2 too: how much of a page's cost is being a signed-in page at all (session, user, layout).
        gets = (("R1", R1_URL, None), ("R2", R2_URL, head_cookie), ("E2", "/items", head_cookie),
                ("E3", f"/items/{marks.long_item}", head_cookie))
        for name, path, cookie in gets if loads else ():
            results[name] = http_load.load({"mode": "get", "base": server.url, "path": path, "cookie": cookie,
                                            "duration": duration, "no_wrk": no_wrk})
            log(f"    {name:4} {results[name]['rps']:8.1f} req/s  ({results[name]['requests']} requests, "
                f"{results[name]['errors']} errors, {results[name]['tool']})")
        specs = _writer_specs(server.url, marks, log)
        if loads:
            results["E4"] = http_load.load({"mode": "status", "base": server.url, "duration": duration,
                                            "writers": specs})
            results["E4"]["writers"] = len(specs)
            log(f"    E4   {results['E4']['rps']:8.1f} req/s  ({len(specs)} writers: {results['E4']['ok']} saved, "
                f"{results['E4']['conflicts']} 409, {results['E4']['errors']} errors)")
        results["mixed"] = http_load.load({"mode": "mixed", "base": server.url, "count": mixed_requests,
                                           "requests": _mixed_requests(server.url, marks, head_cookie, specs)})
        log(f"    mixed {results['mixed']['requests']} requests (lists, item pages, dashboard, /my, comments): "
            f"{results['mixed']['errors']} errors {results['mixed']['statuses']}")
        results["served"] = sum(results[name]["requests"] for name in ("R1", "R2", "E2", "E3", "E4", "mixed")
                                if name in results)
        results["memory_mb"] = server.peak_rss_mb()
        results["workers_memory"] = server.unique_memory_mb()
        log(f"    peak RSS per worker: {results['memory_mb']} MB; after {results['served']:,} requests USS / PSS: "
            + ", ".join(f"{w['uss_mb']} / {w['pss_mb']} MB" for w in results["workers_memory"]))
    finally:
        server.stop()
    return results


def _writer_specs(base_url: str, marks, log) -> list[dict]:
    """Each writer signed in on its own session, with the last of its items in progress."""
    specs = []
    for username, items in marks.writer_items.items():
        if not items:
            log(f"    (writer {username} owns no item in progress: left out)")
            continue
        cookie, token = session(base_url, username, PASSWORD)
        item_id, version, status = items[-1]
        specs.append({"cookie": cookie, "csrf": token, "item": item_id, "version": version, "status": status})
    return specs


def _mixed_requests(base_url: str, marks, head_cookie: str, specs: list[dict]) -> list[dict]:
    """What the mixed phase asks in turn: a head's lists, dashboard and item pages, a member's /my,
    and a writer's own item with a comment on it (a write that needs no version)."""
    member_cookie, _token = session(base_url, BUSY_MEMBER, PASSWORD)
    requests = [{"method": "GET", "path": path, "cookie": head_cookie} for path in (
        "/dashboard", "/items", "/items?page=2", "/items?status=dikerjakan&q=regulasi",
        f"/items/{marks.long_item}", f"/items/{marks.touched_item}")]
    requests += [{"method": "GET", "path": path, "cookie": member_cookie} for path in ("/my", "/items")]
    for spec in specs[:2]:
        requests.append({"method": "GET", "path": f"/items/{spec['item']}", "cookie": spec["cookie"]})
        requests.append({"method": "POST", "path": f"/items/{spec['item']}/comments", "cookie": spec["cookie"],
                         "body": f"body=Sudah+dikoordinasikan.&csrf_token={spec['csrf']}"})
    return requests
