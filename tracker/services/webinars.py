"""Webinars: creating and editing them, the figures of the list, and the items a detail page shows."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, User, Webinar
from tracker.models.rules import completion_rate
from tracker.permissions import can_manage_webinars
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.timeutil import local_today
from tracker.validation import is_web_url

WEBINAR_FIELDS = ("series", "title", "held_on", "organizer", "speakers", "summary", "link")


@dataclass(frozen=True)
class WebinarSummary:
    """One row of the webinar list: the webinar and the figures of its items."""

    webinar: Webinar
    items: int
    verified: int
    countable: int  # items that are not cancelled
    overdue: int

    @property
    def completion(self) -> int | None:
        """Verified share of the items that still count (rules.completion_rate)."""
        return completion_rate(self.verified, self.countable)


def webinar_summaries(today: date | None = None) -> list[WebinarSummary]:
    """Every webinar, newest series first, with its item figures from one GROUP BY query.

    Completion = verified (terverifikasi) items / items that are not cancelled (dibatalkan):
    a cancelled item will never be done, so it must not hold the rate down; a done item still
    awaiting verification does not count as complete yet.
    """
    today = today or local_today()
    item_id = ActionItem.id
    query = (
        select(
            Webinar,
            func.count(item_id),
            func.count(case((ActionItem.is_verified, item_id))),
            func.count(case((ActionItem.counts_toward_completion, item_id))),
            func.count(case((ActionItem.is_overdue(today), item_id))),
        )
        .outerjoin(ActionItem, and_(ActionItem.webinar_id == Webinar.id, ActionItem.is_visible))
        .group_by(Webinar.id)
        .order_by(Webinar.series.desc())
    )
    return [WebinarSummary(*row) for row in db.session.execute(query)]


def summary_of(webinar: Webinar, items: list[ActionItem], today: date | None = None) -> WebinarSummary:
    """The same figures as the list's, from items already loaded (no query)."""
    today = today or local_today()
    return WebinarSummary(
        webinar=webinar,
        items=len(items),
        verified=sum(item.is_verified for item in items),
        countable=sum(item.counts_toward_completion for item in items),
        overdue=sum(item.is_overdue(today) for item in items),
    )


def webinar_items(webinar: Webinar) -> list[ActionItem]:
    """The items of a webinar in code order, with owner and theme loaded in the same query."""
    return list(db.session.scalars(
        select(ActionItem)
        .where(ActionItem.webinar_id == webinar.id, ActionItem.is_visible)
        .options(joinedload(ActionItem.owner), joinedload(ActionItem.theme))
        .order_by(ActionItem.number)
    ))


def earlier_than(webinar: Webinar):
    """Webinars held before this one; on the same date, the lower series came first."""
    return or_(
        Webinar.held_on < webinar.held_on,
        and_(Webinar.held_on == webinar.held_on, Webinar.series < webinar.series),
    )


def carry_over_items(webinar: Webinar) -> list[ActionItem]:
    """Unfinished items (baru, dikerjakan, terhambat) of earlier webinars, oldest webinar first."""
    return list(db.session.scalars(
        select(ActionItem)
        .join(ActionItem.webinar)
        .where(ActionItem.is_visible, ActionItem.is_open, earlier_than(webinar))
        .options(contains_eager(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.theme))
        .order_by(Webinar.held_on, Webinar.series, ActionItem.number)
    ))


def _clean(fields: dict) -> dict:
    """Trim the text fields and check the link (only http/https ever becomes an href)."""
    cleaned = {}
    for name in WEBINAR_FIELDS:
        value = fields.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        cleaned[name] = value
    if not cleaned["title"]:
        raise InvalidInput(_("A title is required."), {"title": _("A title is required.")})
    if cleaned["link"] and not is_web_url(cleaned["link"]):
        message = _("Enter a web address starting with http:// or https://.")
        raise InvalidInput(message, {"link": message})
    if cleaned["speakers"]:
        cleaned["speakers"] = "\n".join(line.strip() for line in cleaned["speakers"].splitlines() if line.strip())
    return cleaned


def _series_taken(series: int, webinar: Webinar | None = None) -> InvalidInput | None:
    query = select(Webinar.id).where(Webinar.series == series)
    if webinar is not None and webinar.id is not None:
        query = query.where(Webinar.id != webinar.id)
    if db.session.scalar(query) is None:
        return None
    message = _("Series %(series)d already exists; each webinar has its own series number.", series=series)
    return InvalidInput(message, {"series": message})


def _flush_unique(webinar: Webinar) -> None:
    """Flush, turning a series taken by a concurrent save into the same message as the check."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        error = _series_taken(webinar.series, webinar)
        if error is None:
            raise
        raise error from None


def create_webinar(actor: User, **fields) -> Webinar:
    """Add a webinar with a series number no other webinar has."""
    if not can_manage_webinars(actor):
        raise NotAllowed(_("You may not manage webinars."))
    fields = _clean(fields)
    error = _series_taken(fields["series"])
    if error:
        raise error
    webinar = Webinar(created_by_id=actor.id, **fields)
    db.session.add(webinar)
    _flush_unique(webinar)
    return webinar


def update_webinar(webinar: Webinar, actor: User, **fields) -> None:
    """Change a webinar; its series stays fixed once items carry codes built from it."""
    if not can_manage_webinars(actor):
        raise NotAllowed(_("You may not manage webinars."))
    fields = _clean(fields)
    if fields["series"] != webinar.series:
        error = _series_taken(fields["series"], webinar)
        if error:
            raise error
        if webinar.last_item_number:
            message = _(
                "The series number cannot change: the codes of this webinar's items (S%(series)d-01 …) are built from it.",
                series=webinar.series,
            )
            raise InvalidInput(message, {"series": message})
    for name, value in fields.items():
        setattr(webinar, name, value)
    _flush_unique(webinar)
