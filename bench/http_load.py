"""Load over real HTTP on loopback: requests per second with wrk or a small threaded client.

Run by bench.run as a subprocess pinned to CPU 0 (the server is on CPU 1):
    python -m bench.http_load < spec.json    (spec: mode "get", "status" or "mixed"; prints JSON)
"""
import http.client
import itertools
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

from bench.server import ROOT, pinned

GET_THREADS = 4


def _request(base: str, method: str, path: str, headers: dict, body: str | None = None) -> int:
    """One request on a fresh connection (gunicorn's sync workers close it after each response)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _tally(results: list[dict], duration: float, expected: int | tuple[int, ...]) -> dict:
    statuses: dict[str, int] = {}
    for result in results:
        for code, count in result.items():
            statuses[str(code)] = statuses.get(str(code), 0) + count
    total = sum(statuses.values())
    ok = sum(statuses.get(str(code), 0) for code in (expected if isinstance(expected, tuple) else (expected,)))
    conflicts = statuses.get("409", 0)
    return {"requests": total, "rps": round(ok / duration, 1), "ok": ok, "conflicts": conflicts,
            "errors": total - ok - conflicts, "statuses": statuses, "seconds": round(duration, 2)}


def run_get(spec: dict) -> dict:
    """GET one URL from several threads for a fixed time."""
    headers = {"Cookie": spec["cookie"]} if spec.get("cookie") else {}
    deadline = time.monotonic() + spec["duration"]
    results = [dict() for _ in range(spec.get("threads", GET_THREADS))]

    def loop(counts: dict) -> None:
        while time.monotonic() < deadline:
            try:
                code = _request(spec["base"], "GET", spec["path"], headers)
            except OSError as error:
                code = type(error).__name__
            counts[code] = counts.get(code, 0) + 1

    started = time.monotonic()
    _run_threads(loop, results)
    return _tally(results, time.monotonic() - started, 200)


def run_status(spec: dict) -> dict:
    """Each writer (own session, own item) toggles dikerjakan ⇄ terhambat for a fixed time."""
    deadline = time.monotonic() + spec["duration"]
    writers = spec["writers"]
    results = [dict() for _ in writers]

    def loop(counts: dict, writer: dict) -> None:
        item, version, status = writer["item"], writer["version"], writer["status"]
        headers = {"Cookie": writer["cookie"], "Content-Type": "application/x-www-form-urlencoded"}
        while time.monotonic() < deadline:
            target = "terhambat" if status == "dikerjakan" else "dikerjakan"
            note = "Menunggu+data+dari+OPD" if target == "terhambat" else ""
            body = f"status={target}&note={note}&evidence_url=&version={version}&csrf_token={writer['csrf']}"
            try:
                code = _request(spec["base"], "POST", f"/items/{item}/status", headers, body)
            except OSError as error:
                code = type(error).__name__
            counts[code] = counts.get(code, 0) + 1
            if code == 302:
                version, status = version + 1, target
            elif code != 409:
                break  # the writer no longer knows the item's state: stop rather than pile up errors

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(counts, writer)) for counts, writer in zip(results, writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _tally(results, time.monotonic() - started, 302)


def run_mixed(spec: dict) -> dict:
    """A fixed number of requests taken in turn from a list of GETs and POSTs, from several threads."""
    requests, total = spec["requests"], spec["count"]
    taken = itertools.count()  # next() on it is atomic under the GIL: each request number is served once
    results = [dict() for _ in range(spec.get("threads", GET_THREADS))]

    def loop(counts: dict) -> None:
        while (number := next(taken)) < total:
            request = requests[number % len(requests)]
            headers = {"Cookie": request["cookie"]}
            if request.get("body") is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                code = _request(spec["base"], request["method"], request["path"], headers, request.get("body"))
            except OSError as error:
                code = type(error).__name__
            counts[code] = counts.get(code, 0) + 1

    started = time.monotonic()
    _run_threads(loop, results)
    return _tally(results, time.monotonic() - started, (200, 302))


def _run_threads(loop, results: list[dict]) -> None:
    threads = [threading.Thread(target=loop, args=(counts,)) for counts in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_wrk(base: str, path: str, cookie: str | None, duration: float, connections: int = GET_THREADS) -> dict:
    """The same GET load with wrk (one thread, a few connections), pinned to CPU 0."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(pinned(0, command + [base + path]), capture_output=True, text=True,
                            check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    seconds = max(1, round(duration))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    # wrk counts a server closing the connection after its response as a read error; not a failure.
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.group(1, 3, 4)) if socket_errors else 0)
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "ok": requests - errors, "conflicts": 0, "errors": errors, "tool": "wrk", "seconds": seconds}


def load(spec: dict) -> dict:
    """Run a load described by spec in a pinned subprocess (or wrk for plain GETs when present)."""
    if spec["mode"] == "get" and shutil.which("wrk") and not spec.get("no_wrk"):
        return run_wrk(spec["base"], spec["path"], spec.get("cookie"), spec["duration"])
    command = pinned(0, [sys.executable, "-m", "bench.http_load"])
    output = subprocess.run(command, input=json.dumps(spec), capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout
    result = json.loads(output)
    result["tool"] = "python"
    return result


def main() -> None:
    spec = json.load(sys.stdin)
    result = {"get": run_get, "status": run_status, "mixed": run_mixed}[spec["mode"]](spec)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
