"""Language and time-zone selection, the app's one gettext, and dates shown the Indonesian way.

Every module translates through this module's gettext/ngettext/lazy_gettext, and switches the
language through `force_language`/`refresh_language` (a test keeps it so). A page calls gettext
hundreds of times; Flask-Babel's own gettext resolves the domain, the locale and the catalog through
several context proxies on every call. `language()` asks Flask-Babel (public `get_locale()`) once per
request and keeps the answer on `flask.g` under our own name; switching the language drops it.
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal as babel_format_decimal
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import Babel, force_locale, get_locale, get_translations, refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user

from tracker.timeutil import local_zone, zone_label


class Language(NamedTuple):
    """The request's locale object, its name and catalog, and the zone dates are shown in."""

    locale: object
    name: str
    catalog: NullTranslations
    zone: ZoneInfo


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


def language() -> Language:
    """The current language, looked up once per request (and again after a switch) instead of once per string."""
    try:
        return g.tracker_language  # the common case, asked hundreds of times per page
    except (AttributeError, RuntimeError):  # not chosen yet in this request, or no app context at all
        pass
    locale = get_locale()  # Flask-Babel's answer
    found = Language(locale, str(locale or "id"), get_translations(), local_zone())
    if locale is not None and has_app_context():
        g.tracker_language = found
    return found


@contextmanager
def force_language(code: str):
    """Write something in another language (an e-mail, a calendar) within this request or command."""
    saved = g.pop("tracker_language", None) if has_app_context() else None
    try:
        with force_locale(code):
            yield
    finally:
        if has_app_context():
            g.pop("tracker_language", None)
            if saved is not None:
                g.tracker_language = saved


def refresh_language() -> None:
    """Choose the language afresh (the user switched it within this request)."""
    refresh()
    if has_app_context():
        g.pop("tracker_language", None)


def gettext(string: str, **variables) -> str:
    """The message in the current language, with %(name)s variables filled in."""
    text = language().catalog.ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural message for num in the current language; %(num)d is filled in too."""
    variables.setdefault("num", num)
    return language().catalog.ungettext(singular, plural, num) % variables


def N_(string: str) -> str:  # noqa: N802 (the conventional name, which extraction knows)
    """Marks a message id for extraction; translate it with gettext where it is shown."""
    return string


# The local zone's label (WIB/WITA/WIT), read when shown: for module-level labels that name the zone.
LOCAL_ZONE_LABEL = LazyString(zone_label)


def lazy_gettext(string: str, **variables) -> LazyString:
    """A string translated when it is shown (for module-level labels)."""
    return LazyString(gettext, string, **variables)


DATE_PATTERNS = {"medium": "d MMM y", "long": "d MMMM y", "month": "MMMM y"}  # show_date's formats


@lru_cache(maxsize=16384)
def _formatted_date(value: date, pattern: str, locale: str) -> str:
    return babel_format_date(value, pattern, locale=locale)


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    """A stored timestamp (UTC; naive means UTC) in the display zone."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)


def show_date(value: date | datetime | None, fmt: str = "medium") -> str:
    """18 Des 2023 (or 18 Dec 2023 in English); datetimes are first moved to the local zone."""
    if value is None:
        return "–"
    current = language()
    pattern = DATE_PATTERNS.get(fmt, "d MMM y")
    if isinstance(value, datetime):
        value = _local(value, current.zone).date()
    return _formatted_date(value, pattern, current.name)


@lru_cache(maxsize=4096)
def _formatted_decimal(value: float, pattern: str, locale: str) -> str:
    return babel_format_decimal(value, pattern, locale=locale)


def show_decimal(value: float, pattern: str = "#,##0.#") -> str:
    """3,5 in Indonesian, 3.5 in English (a page shows the same few numbers many times: kept formatted)."""
    return _formatted_decimal(value, pattern, language().name)


def show_datetime(value: datetime | None) -> str:
    """18 Des 2023 09.00 WITA: a UTC timestamp shown in the local zone, with its label (WIB/WITA/WIT)."""
    if value is None:
        return "–"
    current = language()
    local = _local(value, current.zone)
    return f"{_formatted_date(local.date(), 'd MMM y', current.name)} {local.hour:02d}.{local.minute:02d} {zone_label(current.zone)}"


def init_app(app: Flask, babel: Babel) -> None:
    """Choose the locale per request; templates translate and show dates through this module."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: language().catalog.ugettext(s),
        ngettext=lambda s, p, n: language().catalog.ungettext(s, p, n),
        pgettext=lambda c, s: language().catalog.upgettext(c, s),
        npgettext=lambda c, s, p, n: language().catalog.unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["date"] = show_date
    app.jinja_env.filters["datetime"] = show_datetime
    app.jinja_env.globals["current_locale"] = lambda: language().name
    app.jinja_env.globals["zone_label"] = zone_label
