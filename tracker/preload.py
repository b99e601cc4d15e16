"""What a preloading server (gunicorn.conf.py) does once in its master, so that every worker shares it.

Work a worker would otherwise do on its first requests, each in memory of its own: compiling the
templates and configuring the ORM's mappers. Done before the fork, the pages holding them are shared
(copy-on-write) by all workers. The heavy libraries that only a few pages need (PDF, XLSX, ICS,
holidays, QR codes, images) stay out: they are imported where they are used.
"""
from flask import Flask
from sqlalchemy.orm import configure_mappers


def warm_up(app: Flask) -> int:
    """Compile every template and configure the mappers; returns how many templates were compiled."""
    configure_mappers()
    names = [name for name in app.jinja_env.list_templates() if name.endswith((".html", ".txt"))]
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)
