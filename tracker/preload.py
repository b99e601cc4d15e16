"""What a preloading server (gunicorn.conf.py) does once in its master, so that every worker shares it.

Work a worker would otherwise do on its first requests, each in memory of its own: compiling the
templates, configuring the ORM's mappers, and loading the data nearly every worker needs soon (the
national holidays that "due soon" counts working days with, about 10 MB with the `holidays` package;
the Indonesian stemmer that every item change indexes with, about 3 MB). Done before the fork, the
pages holding them are shared (copy-on-write) by all workers. The heavy libraries that only a few
pages need (PDF, XLSX, ICS, QR codes, images) stay out: they are imported where they are used.
"""
from flask import Flask
from sqlalchemy.orm import configure_mappers

from tracker.services import search_text
from tracker.services.working_days import national_holidays
from tracker.timeutil import local_today


def warm_up(app: Flask) -> int:
    """Compile every template, configure the mappers and load the shared data; returns the templates compiled."""
    configure_mappers()
    names = [name for name in app.jinja_env.list_templates() if name.endswith((".html", ".txt"))]
    for name in names:
        app.jinja_env.get_template(name)
    with app.app_context():
        this_year = local_today().year
        for year in (this_year, this_year + 1):  # the "due soon" horizon reaches at most a few months ahead
            national_holidays(year)
    search_text.stem("pelatihan")  # builds Sastrawi's stemmer and its dictionary
    search_text.stop_words()
    return len(names)
