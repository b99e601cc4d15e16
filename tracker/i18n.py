"""Language and time-zone selection, and template filters that show dates the Indonesian way."""
from datetime import date, datetime

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's language, else the one chosen this session, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def show_date(value: date | datetime | None, fmt: str = "medium") -> str:
    """18 Des 2023 (or 18 Dec 2023 in English); datetimes are first moved to WITA."""
    if value is None:
        return "–"
    pattern = "d MMMM y" if fmt == "long" else "d MMM y"
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def show_datetime(value: datetime | None) -> str:
    """18 Des 2023 09.00 WITA: a UTC timestamp shown in the local zone."""
    if value is None:
        return "–"
    return format_datetime(value, "d MMM y HH.mm") + " WITA"


def init_app(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = show_date
    app.jinja_env.filters["datetime"] = show_datetime
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
