"""Action items: creating them with their code, editing with a field-by-field history, comments."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import update

from tracker.extensions import db
from tracker.models import ActionItem, Comment, HistoryKind, Priority, User, Webinar
from tracker.permissions import can_assign, can_comment, can_create_items, can_edit_item
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.history import record
from tracker.services.versions import check_version, save
from tracker.validation import clean_evidence_url

# Fields a plain edit may change, with the history kind each one is recorded under.
EDITABLE_FIELDS = {
    "title": HistoryKind.EDITED,
    "description": HistoryKind.EDITED,
    "source": HistoryKind.EDITED,
    "webinar_id": HistoryKind.EDITED,
    "theme_id": HistoryKind.EDITED,
    "unit_id": HistoryKind.EDITED,
    "priority": HistoryKind.EDITED,
    "progress": HistoryKind.EDITED,
    "evidence_url": HistoryKind.EDITED,
    "owner_id": HistoryKind.OWNER,
    "due_date": HistoryKind.DUE_DATE,
}
MAX_COMMENT = 5000


def next_item_number(webinar: Webinar) -> int:
    """Reserve the next item number of a webinar with an atomic counter update."""
    return db.session.scalar(
        update(Webinar)
        .where(Webinar.id == webinar.id)
        .values(last_item_number=Webinar.last_item_number + 1)
        .returning(Webinar.last_item_number)
        .execution_options(synchronize_session=False)
    )


def item_code(series: int, number: int) -> str:
    return f"S{series}-{number:02d}"


def _check_fields(fields: dict) -> dict:
    """Normalise and validate the values of an item (shared by create and edit)."""
    fields = dict(fields)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise InvalidInput(_("A title is required."), {"title": _("A title is required.")})
    if "progress" in fields and fields["progress"] is not None:
        if not 0 <= int(fields["progress"]) <= 100:
            message = _("Progress is a number from 0 to 100.")
            raise InvalidInput(message, {"progress": message})
    if "priority" in fields and fields["priority"] is not None:
        fields["priority"] = Priority(fields["priority"])
    if "evidence_url" in fields:
        fields["evidence_url"] = clean_evidence_url(fields["evidence_url"])
    for name in ("description", "source"):
        if name in fields:
            fields[name] = (fields[name] or "").strip() or None
    return fields


def create_item(webinar: Webinar, actor: User | None, *, supporters=(), **fields) -> ActionItem:
    """Add an item to a webinar with the next code (S28-03) and record its creation."""
    if actor is not None:
        if not can_create_items(actor):
            raise NotAllowed(_("You may not create items."))
        owner_id = fields.get("owner_id", getattr(fields.get("owner"), "id", None))
        if owner_id not in (None, actor.id) and not can_assign(actor):
            message = _("Only a head can give an item to someone else.")
            raise InvalidInput(message, {"owner_id": message})
    fields = _check_fields(fields)
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


def _display(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def update_item(item: ActionItem, actor: User, *, version, supporters=None, **changes) -> list[str]:
    """Apply an edit; every changed field gets its own history row. Returns the changed fields."""
    if not can_edit_item(actor, item):
        raise NotAllowed(_("You may not edit this item."))
    check_version(item, version)
    changes = _check_fields(changes)
    if "owner_id" in changes and changes["owner_id"] != item.owner_id and not can_assign(actor):
        message = _("Only a head can give an item to someone else.")
        raise InvalidInput(message, {"owner_id": message})
    changed = []
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"not an editable field: {name}")
        old = getattr(item, name)
        if _display(old) != _display(value):
            record(item, actor, EDITABLE_FIELDS[name], field=name, old=_display(old), new=_display(value))
            setattr(item, name, value)
            changed.append(name)
    if supporters is not None:
        old_ids = sorted(member.id for member in item.supporters)
        new_ids = sorted(member.id for member in supporters)
        if old_ids != new_ids:
            record(item, actor, HistoryKind.EDITED, field="supporters",
                   old=",".join(map(str, old_ids)), new=",".join(map(str, new_ids)))
            item.supporters = list(supporters)
            changed.append("supporters")
    if changed:
        save(item)
    return changed


def add_comment(item: ActionItem, actor: User, body: str) -> Comment:
    """Add a comment; it also appears in the item's history timeline."""
    if not can_comment(actor, item):
        raise NotAllowed(_("You may not comment on this item."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("The comment is empty."), {"body": _("The comment is empty.")})
    if len(body) > MAX_COMMENT:
        message = _("A comment has at most %(max)d characters.", max=MAX_COMMENT)
        raise InvalidInput(message, {"body": message})
    comment = Comment(item=item, author=actor, body=body)
    db.session.add(comment)
    record(item, actor, HistoryKind.COMMENT, note=body, changes_item=False)
    db.session.flush()
    return comment
