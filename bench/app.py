"""The application under test: create_app() plus the two floor pages R1 and R2."""
from flask import Flask, render_template

from config import Config
from tracker import create_app
from tracker.security import public

R1_URL = "/_bench/r1"
R2_URL = "/_bench/r2"


def r1():
    """Floor R1: a view that returns a constant (public: no session, no query)."""
    return "ok"


def r2():
    """Floor R2: the base layout for a signed-in user, with no data queries of its own."""
    return render_template("base.html")


def create_bench_app(config_class: type = Config) -> Flask:
    """The real app with the floor pages; gunicorn runs `bench.app:create_bench_app()`."""
    app = create_app(config_class)
    app.add_url_rule(R1_URL, "bench_r1", public(r1))
    app.add_url_rule(R2_URL, "bench_r2", r2)
    return app
