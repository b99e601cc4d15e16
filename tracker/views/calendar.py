"""The secret calendar feed: a user's deadlines for a calendar app (created on the profile page)."""
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app
from flask_babel import force_locale
from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, TokenKind, User, item_supporters
from tracker.security import public
from tracker.services import tokens

bp = Blueprint("calendar", __name__)


def calendar_items(user: User) -> list[ActionItem]:
    """The user's open items (owned or supported) that have a due date."""
    supported = select(item_supporters.c.item_id).where(item_supporters.c.user_id == user.id)
    return list(db.session.scalars(
        select(ActionItem)
        .where(or_(ActionItem.owner_id == user.id, ActionItem.id.in_(supported)),
               ActionItem.is_visible, ActionItem.is_open, ActionItem.due_date.is_not(None))
        .options(joinedload(ActionItem.webinar))
        .order_by(ActionItem.due_date, ActionItem.id)
    ))


def build_calendar(user: User, items: list[ActionItem]) -> bytes:
    """An iCalendar with one all-day event per item on its due date, linking back to the item."""
    base = current_app.config["BASE_URL"].rstrip("/")
    stamp = datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//BPSDM Sulawesi Barat//Tindak Lanjut//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Tindak Lanjut: %(name)s", name=user.full_name))
    calendar.add("x-wr-timezone", str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    for item in items:
        link = f"{base}/items/{item.id}"
        event = Event()
        event.add("uid", f"item-{item.id}@tindaklanjut")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        event.add("summary", f"{item.code} {item.title}")
        event.add("url", link)
        event.add("description", _("Due date of %(code)s (Series %(series)d). Open the item: %(url)s",
                                   code=item.code, series=item.webinar.series, url=link))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


@bp.route("/calendar/<string:token>.ics")
@public
def feed(token: str):
    """A user's deadlines for a calendar app; the secret in the URL is the only credential."""
    access = tokens.find_active(token, TokenKind.CALENDAR)
    if access is None:
        abort(404)
    user = access.user
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = build_calendar(user, calendar_items(user))
    tokens.touch(access)  # in a short transaction of its own: this GET commits nothing
    return body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="tindak-lanjut.ics"',
        "Cache-Control": "private, max-age=300",
    }
