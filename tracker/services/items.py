"""Creating action items: codes per webinar and the 'created' history record."""
from sqlalchemy import update

from tracker.extensions import db
from tracker.models import ActionItem, HistoryKind, User, Webinar
from tracker.services.history import record


def next_item_number(webinar: Webinar) -> int:
    """Reserve the next item number of a webinar with an atomic counter update."""
    number = db.session.scalar(
        update(Webinar)
        .where(Webinar.id == webinar.id)
        .values(last_item_number=Webinar.last_item_number + 1)
        .returning(Webinar.last_item_number)
    )
    return number


def item_code(series: int, number: int) -> str:
    return f"S{series}-{number:02d}"


def create_item(webinar: Webinar, actor: User | None, *, supporters=(), **fields) -> ActionItem:
    """Add an item to a webinar with the next code (S28-03) and record its creation."""
    number = next_item_number(webinar)
    item = ActionItem(
        webinar=webinar,
        number=number,
        code=item_code(webinar.series, number),
        created_by=actor,
        **fields,
    )
    item.supporters = list(supporters)
    db.session.add(item)
    record(item, actor, HistoryKind.CREATED, new=item.code)
    db.session.flush()
    return item
