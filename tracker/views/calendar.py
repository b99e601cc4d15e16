"""The secret calendar feed: a user's deadlines for a calendar app (created on the profile page)."""
from flask import Blueprint, abort, current_app

from tracker.i18n import force_language
from tracker.models import TokenKind
from tracker.security import public
from tracker.services import tokens
from tracker.services.calendar_feed import build_calendar, calendar_items

bp = Blueprint("calendar", __name__)


@bp.route("/calendar/<string:token>.ics")
@public
def feed(token: str):
    """A user's deadlines for a calendar app; the secret in the URL is the only credential."""
    access = tokens.find_active(token, TokenKind.CALENDAR)
    if access is None:
        abort(404)
    user = access.user
    with force_language(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = build_calendar(user, calendar_items(user))
    tokens.touch(access)  # in a short transaction of its own: this GET commits nothing
    return body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="tindak-lanjut.ics"',
        "Cache-Control": "private, max-age=300",
    }
