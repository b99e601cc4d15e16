"""The decision queue (perlu keputusan): what waits for a head, oldest first, and the head's decisions.

Two kinds of work wait: done items for verification (since their completion) and extension requests
for a decision (since they were sent). Each is read as pages of QUEUE_LIMIT on its own index
(ix_action_items_status_completed, ix_extension_requests_state_created), with a keyset cursor to the
next page, so a page costs the same with ten items or 100,000. The decisions themselves go through
the workflow and extension services: this module adds only the item version check and the queue's
own condition (an item decided here is one still waiting for verification).
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, func, literal, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, ExtensionRequest, ExtensionState, ItemTally, Status, User
from tracker.models.rules import may_verify
from tracker.permissions import owns, supports
from tracker.services.deadline_extensions import decide_extension
from tracker.services.errors import InvalidInput
from tracker.services.versions import check_version
from tracker.services.workflow import change_status
from tracker.validation import positive_int

QUEUE_LIMIT = 50  # rows of each kind on one page of the queue
CURSOR_SEPARATOR = "~"
CURSOR_MAX_LENGTH = 60


@dataclass(frozen=True)
class Waiting:
    """How many done items wait for verification and how many extension requests for a decision."""

    items: int
    requests: int

    @property
    def total(self) -> int:
        """Everything that waits for a head: the navigation badge."""
        return self.items + self.requests


@dataclass
class QueuePage:
    """One page of one kind of waiting work, and the cursor of the next page (None: no more)."""

    rows: list
    next_cursor: str | None
    after: str | None  # the cursor this page starts after (None: the oldest)


def _done_count():
    # From the item tallies (kept exact by triggers): a handful of rows whatever the number of items.
    # The theme grain holds every item once (key 0: no theme).
    return (select(func.coalesce(func.sum(ItemTally.n), 0))
            .where(ItemTally.grain == "theme", ItemTally.status == Status.DONE.value)
            .scalar_subquery())


def _pending_count():
    return (select(func.count(ExtensionRequest.id))
            .join(ActionItem, ExtensionRequest.item_id == ActionItem.id)
            .where(ExtensionRequest.state == ExtensionState.PENDING, ActionItem.is_visible)
            .scalar_subquery())


def waiting_columns() -> tuple:
    """The two counts as labelled columns, for a query that reads them along with something else."""
    return _done_count().label("waiting_items"), _pending_count().label("waiting_requests")


def waiting_from(row) -> Waiting:
    """The counts read by a query that selected waiting_columns()."""
    return Waiting(int(row.waiting_items), int(row.waiting_requests))


def waiting_counts() -> Waiting:
    """Both counts in one query: the done items from the tallies, the pending requests from their index."""
    return waiting_from(db.session.execute(select(*waiting_columns())).one())


def cursor_of(moment: datetime, row_id: int) -> str:
    """A row's position in the queue, written into the link to the next page."""
    return f"{moment.astimezone(UTC).isoformat()}{CURSOR_SEPARATOR}{row_id}"


def parse_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """The position in a link, or None when there is none or it is not one (an edited link)."""
    if not raw or len(raw) > CURSOR_MAX_LENGTH or raw.count(CURSOR_SEPARATOR) != 1:
        return None
    moment_text, id_text = raw.split(CURSOR_SEPARATOR)
    try:
        moment = datetime.fromisoformat(moment_text)
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # not a moment, or one that UTC cannot hold (year 1 at +01:00)
        return None
    row_id = positive_int(id_text)
    return (moment, row_id) if row_id is not None else None


def _after(moment_column, id_column, raw: str | None) -> list:
    """Rows after the cursor in (moment, id) order: a seek on the queue's index on both databases."""
    position = parse_cursor(raw)
    if position is None:
        return []
    moment = literal(position[0], moment_column.type)
    return [and_(moment_column >= moment, tuple_(moment_column, id_column) > tuple_(moment, literal(position[1])))]


def _page(rows: list, limit: int, after: str | None, position) -> QueuePage:
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage(rows, cursor_of(*position(rows[-1])) if more else None, after if parse_cursor(after) else None)


def queue_items(after: str | None = None, limit: int | None = None) -> QueuePage:
    """Done items waiting for verification, longest waiting first, with what a head decides on."""
    limit = limit or QUEUE_LIMIT
    rows = db.session.scalars(
        select(ActionItem)
        .options(joinedload(ActionItem.owner), joinedload(ActionItem.webinar), selectinload(ActionItem.supporters))
        .where(ActionItem.is_visible, ActionItem.is_done,
               *_after(ActionItem.completed_at, ActionItem.id, after))
        .order_by(ActionItem.completed_at, ActionItem.id)
        .limit(limit + 1)
    ).all()
    return _page(list(rows), limit, after, lambda item: (item.completed_at, item.id))


def queue_requests(after: str | None = None, limit: int | None = None) -> QueuePage:
    """Extension requests waiting for a decision, oldest first, with their item."""
    limit = limit or QUEUE_LIMIT
    rows = db.session.scalars(
        select(ExtensionRequest)
        .join(ExtensionRequest.item)
        .options(contains_eager(ExtensionRequest.item).joinedload(ActionItem.owner),
                 contains_eager(ExtensionRequest.item).joinedload(ActionItem.webinar),
                 joinedload(ExtensionRequest.requested_by))
        .where(ExtensionRequest.state == ExtensionState.PENDING, ActionItem.is_visible,
               *_after(ExtensionRequest.created_at, ExtensionRequest.id, after))
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id)
        .limit(limit + 1)
    ).all()
    return _page(list(rows), limit, after, lambda request: (request.created_at, request.id))


def verify_refusal(user: User, item: ActionItem) -> str | None:
    """Why this person may not verify this item (models/rules.py decides), or None when they may."""
    if may_verify(user, item):
        return None
    if owns(user, item):
        return _("You own this item: someone else verifies it.")
    if supports(user, item):
        return _("You support this item: someone else verifies it.")
    return _("You may not verify this item.")


def _still_waiting(item: ActionItem, version) -> None:
    """Refuse a decision made on an older version, or on an item no longer waiting for verification."""
    check_version(item, version)
    if not item.is_done:
        raise InvalidInput(_("%(code)s is no longer waiting for verification.", code=item.code))


def verify(item: ActionItem, actor: User, *, version, note: str | None = None) -> None:
    """Verify a done item (the workflow decides who may), or raise and change nothing."""
    _still_waiting(item, version)
    change_status(item, actor, Status.VERIFIED.value, version=version, note=note)


def reopen(item: ActionItem, actor: User, *, version, note: str | None) -> None:
    """Send a done item back to in progress with a note saying what is missing (the workflow requires it)."""
    _still_waiting(item, version)
    change_status(item, actor, Status.IN_PROGRESS.value, version=version, note=(note or "").strip() or None)


def decide_request(extension: ExtensionRequest, actor: User, *, approve: bool, note: str | None, version) -> None:
    """Approve or reject an extension request decided on the item version the head saw, or raise."""
    check_version(extension.item, version)
    decide_extension(extension, actor, approve, note)
