"""The application under test: create_app() plus the two floor pages R1 and R2 (and a byte counter)."""
import threading

from flask import Flask, current_app, jsonify, render_template

from config import Config
from tracker import create_app
from tracker.security import public

R1_URL = "/_bench/r1"
R2_URL = "/_bench/r2"
BYTES_URL = "/_bench/bytes"
# gunicorn adds Server, Date and Connection to every answer ("Server: gunicorn\r\nDate: Sun, 06 Dec 2026
# 13:28:08 GMT\r\nConnection: close\r\n"): counted as a constant, since the app never sees them.
SERVER_HEADER_BYTES = 74


def r1():
    """Floor R1: a view that returns a constant (public: no session, no query)."""
    return "ok"


def r2():
    """Floor R2: the base layout for a signed-in user, with no data queries of its own."""
    return render_template("base.html")


class ByteCounter:
    """WSGI middleware: every response's bytes as sent (status line, headers, body), one record each."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.records: list[dict] = []
        self.in_flight = 0  # responses started and not yet closed

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == BYTES_URL:
            return self.app(environ, start_response)
        query = environ.get("QUERY_STRING")
        record = {"method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO", "") + (
            f"?{query}" if query else ""), "status": 0, "bytes": SERVER_HEADER_BYTES, "type": "", "encoding": ""}

        def counting_start_response(status, headers, exc_info=None):
            record["status"] = int(status.split()[0])
            record["bytes"] += len(f"HTTP/1.1 {status}\r\n\r\n".encode("latin-1")) + sum(
                len(f"{name}: {value}\r\n".encode("latin-1")) for name, value in headers)
            found = {name.lower(): value for name, value in headers}
            record["type"] = found.get("content-type", "").split(";")[0]
            record["encoding"] = found.get("content-encoding", "")
            write = start_response(status, headers, exc_info)

            def counting_write(data):
                record["bytes"] += len(data)
                return write(data)
            return counting_write

        with self.lock:
            self.in_flight += 1
        try:
            return _CountedBody(self.app(environ, counting_start_response), record, self)
        except BaseException:
            self.keep(record)
            raise

    def keep(self, record: dict) -> None:
        with self.lock:
            self.records.append(record)
            self.in_flight -= 1

    def take(self) -> list[dict]:
        """The records since the last take, oldest first; the counter starts again from nothing."""
        with self.lock:
            records, self.records = self.records, []
        return records


class _CountedBody:
    """The response body, passed through chunk by chunk while its length is added to the record."""

    def __init__(self, body, record: dict, counter: ByteCounter):
        self.body, self.record, self.counter = body, record, counter

    def __iter__(self):
        for chunk in self.body:
            self.record["bytes"] += len(chunk)
            yield chunk

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.counter.keep(self.record)


def taken_bytes():
    """What the byte counter saw since the last call (and start again): total, each response, and how
    many responses are still being sent."""
    counter = current_app.extensions["bench_bytes"]
    records = counter.take()
    return jsonify({"bytes": sum(r["bytes"] for r in records), "responses": records, "in_flight": counter.in_flight})


def create_bench_app(config_class: type = Config, count_bytes: bool = False) -> Flask:
    """The real app with the floor pages; gunicorn runs `bench.app:create_bench_app()`.

    count_bytes wraps the whole app (static files included) in a ByteCounter read at /_bench/bytes;
    only bench/transfer.py asks for it, with one worker so that one process holds the count.
    """
    app = create_app(config_class)
    app.add_url_rule(R1_URL, "bench_r1", public(r1))
    app.add_url_rule(R2_URL, "bench_r2", r2)
    if count_bytes:
        app.extensions["bench_bytes"] = counter = ByteCounter(app.wsgi_app)
        app.wsgi_app = counter
        app.add_url_rule(BYTES_URL, "bench_bytes", public(taken_bytes))
    return app
