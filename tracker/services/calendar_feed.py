"""The iCalendar (RFC 5545) feed of a user's deadlines: all-day events with an optional alarm."""
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, User, item_supporters
from tracker.timeutil import local_zone

if TYPE_CHECKING:
    from icalendar import Event

ALARM_HOUR = 9  # an alarm rings at 09.00 local time, never at midnight
REFRESH = timedelta(hours=1)  # how often calendar apps should fetch the feed again


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


def alarm_trigger(days_before: int) -> timedelta:
    """From the start of an all-day event (00.00 on the due date) to 09.00 that many days earlier."""
    return timedelta(hours=ALARM_HOUR) - timedelta(days=days_before)


def build_calendar(user: User, items: list[ActionItem]) -> bytes:
    """An iCalendar with one all-day event per item on its due date, linking back to the item.

    The app's zone goes in as a VTIMEZONE even though all-day dates need none: RFC 5545 wants at
    least one component in a calendar, so a feed with nothing due is still valid (a placeholder
    event would show up in people's calendars), and clients learn the zone the dates are meant in.
    """
    base = current_app.config["BASE_URL"].rstrip("/")
    host = urlsplit(base).hostname or "localhost"
    stamp = datetime.now(UTC)
    from icalendar import Calendar, Timezone, vDuration  # loaded by the first feed, not at start

    calendar = Calendar()
    calendar.add("prodid", "-//BPSDM Sulawesi Barat//Tindak Lanjut//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Tindak Lanjut: %(name)s", name=user.full_name))
    calendar.add("x-wr-timezone", str(local_zone()))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", vDuration(REFRESH))  # the same for Outlook
    calendar.add_component(Timezone.from_tzid(str(local_zone())))
    for item in items:
        calendar.add_component(_event(item, base, host, stamp, user.calendar_alarm_days))
    return calendar.to_ical()


def _event(item: ActionItem, base: str, host: str, stamp: datetime, alarm_days: int | None) -> "Event":
    link = f"{base}/items/{item.id}"
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", f"item-{item.id}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.due_date)
    event.add("dtend", item.due_date + timedelta(days=1))
    event.add("summary", f"{item.code} {item.title}")
    event.add("url", link)
    event.add("description", _("Due date of %(code)s (Series %(series)d). Open the item: %(url)s",
                               code=item.code, series=item.webinar.series, url=link))
    event.add("transp", "TRANSPARENT")
    if alarm_days is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Due: %(code)s %(title)s", code=item.code, title=item.title))
        alarm.add("trigger", alarm_trigger(alarm_days))
        event.add_component(alarm)
    return event
