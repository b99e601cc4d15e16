"""Action items: creating them with their code, editing with a field-by-field history, comments."""
from datetime import date

from sqlalchemy import select, update

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import (
    ActionItem,
    Comment,
    HistoryKind,
    Priority,
    Theme,
    Unit,
    User,
    Webinar,
)
from tracker.models.rules import may_move_due_date
from tracker.permissions import can_assign, can_comment, can_create_items, can_edit_item
from tracker.services import notifier
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
# Reference fields: the model they point to and how its rows are named in the history.
REFERENCES = {
    "owner_id": (User, lambda user: user.full_name),
    "theme_id": (Theme, lambda theme: theme.name),
    "unit_id": (Unit, lambda unit: unit.name),
    "webinar_id": (Webinar, lambda webinar: f"Seri {webinar.series}"),
}
MAX_COMMENT = 5000
MAX_TEXT = 10000


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
    """The item's code from its webinar series and number, e.g. S28-03."""
    return f"S{series}-{number:02d}"


def raw(value) -> str | None:
    """The value as stored in history: ids and numbers as text, dates ISO, enums by value."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def label_of(field: str, value) -> str | None:
    """The human name of a reference value (the owner's name for an owner id), else None."""
    if field not in REFERENCES or value is None:
        return None
    model, name = REFERENCES[field]
    row = db.session.get(model, int(value))
    return name(row) if row is not None else None


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, {field: message})


def check_fields(fields: dict) -> dict:
    """Normalise and validate an item's values (shared by create, edit, bulk entry and the API)."""
    fields = dict(fields)
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
        if not fields["title"]:
            raise _invalid("title", _("A title is required."))
        if len(fields["title"]) > 300:
            raise _invalid("title", _("A title has at most %(max)d characters.", max=300))
    for name in ("description", "source"):
        if name in fields:
            fields[name] = (fields[name] or "").strip() or None
            if fields[name] and len(fields[name]) > (300 if name == "source" else MAX_TEXT):
                raise _invalid(name, _("This text is too long."))
    if fields.get("progress") is not None:
        try:
            fields["progress"] = int(fields["progress"])
        except (TypeError, ValueError):
            fields["progress"] = -1
        if not 0 <= fields["progress"] <= 100:
            raise _invalid("progress", _("Progress is a number from 0 to 100."))
    if fields.get("priority") is not None:
        try:
            fields["priority"] = Priority(fields["priority"])
        except ValueError:
            raise _invalid("priority", _("Unknown priority.")) from None
    if "evidence_url" in fields:
        fields["evidence_url"] = clean_evidence_url(fields["evidence_url"])
    if fields.get("owner_id") is not None:
        owner = db.session.get(User, fields["owner_id"])
        if owner is None or not owner.may_own:
            raise _invalid("owner_id", _("Choose an active member or head as owner."))
    for name, message in (("theme_id", _("Unknown theme.")), ("unit_id", _("Unknown unit.")),
                          ("webinar_id", _("Unknown webinar."))):
        if fields.get(name) is not None and db.session.get(REFERENCES[name][0], fields[name]) is None:
            raise _invalid(name, message)
    return fields


def check_owner_not_supporter(owner_id: int | None, supporters) -> None:
    """The owner (penanggung jawab) is never also a supporter of the same item: refuse it, naming them."""
    clash = next((member for member in supporters if owner_id is not None and member.id == owner_id), None)
    if clash is not None:
        raise _invalid("supporter_ids", _("%(name)s is the owner and cannot also be a supporting member.",
                                          name=clash.full_name))


def create_item(webinar: Webinar, actor: User | None, *, supporters=(), **fields) -> ActionItem:
    """Add an item to a webinar with the next code (S28-03) and record its creation.

    Anyone who may create an item may give it its first due date: moving it later is a head's
    decision (or an approved extension request), see update_item.
    """
    owner_id = fields.get("owner_id", getattr(fields.get("owner"), "id", None))
    if actor is not None:
        if not can_create_items(actor):
            raise NotAllowed(_("You may not create items."))
        if owner_id not in (None, actor.id) and not can_assign(actor):
            raise _invalid("owner_id", _("Only a head can give an item to someone else."))
    check_owner_not_supporter(owner_id, supporters)
    fields = check_fields(fields)
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
    notifier.created(item, actor)
    return item


def supporter_ids_raw(members) -> str:
    """The members' ids, sorted and comma-separated, as history stores supporters."""
    return ",".join(str(member_id) for member_id in sorted(member.id for member in members))


def update_item(item: ActionItem, actor: User, *, version, supporters=None, note: str | None = None,
                **changes) -> list[str]:
    """Apply an edit; every changed field gets its own history row (with the note). Returns the changed fields."""
    if not can_edit_item(actor, item):
        raise NotAllowed(_("You may not edit this item."))
    check_version(item, version)
    changes = check_fields(changes)
    if "owner_id" in changes and changes["owner_id"] != item.owner_id and not can_assign(actor):
        raise _invalid("owner_id", _("Only a head can give an item to someone else."))
    if "due_date" in changes and raw(changes["due_date"]) != raw(item.due_date) and not may_move_due_date(actor):
        raise NotAllowed(_("Only a head can move a due date. Ask for more time with an extension request instead."))
    if supporters is not None and not can_assign(actor):
        supporters = None  # only heads choose who supports an item
    if supporters is not None or changes.get("owner_id", item.owner_id) != item.owner_id:
        check_owner_not_supporter(changes.get("owner_id", item.owner_id),
                                  item.supporters if supporters is None else supporters)
    old_supporter_ids = {member.id for member in item.supporters}
    # One save is one version: no autoflush while the history rows are being written.
    with db.session.no_autoflush:
        changed = []
        for name, value in changes.items():
            if name not in EDITABLE_FIELDS:
                raise ValueError(f"not an editable field: {name}")
            old = getattr(item, name)
            if raw(old) != raw(value):
                record(item, actor, EDITABLE_FIELDS[name], field=name, old=raw(old), new=raw(value),
                       old_label=label_of(name, old), new_label=label_of(name, value), note=note)
                setattr(item, name, value)
                changed.append(name)
        if supporters is not None and supporter_ids_raw(item.supporters) != supporter_ids_raw(supporters):
            record(item, actor, HistoryKind.EDITED, field="supporters",
                   old=supporter_ids_raw(item.supporters), new=supporter_ids_raw(supporters),
                   old_label=", ".join(m.full_name for m in item.supporters) or None,
                   new_label=", ".join(m.full_name for m in supporters) or None, note=note)
            item.supporters = list(supporters)
            changed.append("supporters")
    if changed:
        save(item)
        notifier.edited(item, actor, changed, old_supporter_ids)
    return changed


def add_comment(item: ActionItem, actor: User, body: str) -> Comment:
    """Add a comment; it also appears in the item's history timeline."""
    if not can_comment(actor, item):
        raise NotAllowed(_("You may not comment on this item."))
    body = (body or "").strip()
    if not body:
        raise _invalid("body", _("The comment is empty."))
    if len(body) > MAX_COMMENT:
        raise _invalid("body", _("A comment has at most %(max)d characters.", max=MAX_COMMENT))
    comment = Comment(item=item, author=actor, body=body)
    db.session.add(comment)
    record(item, actor, HistoryKind.COMMENT, note=body, changes_item=False)
    db.session.flush()
    notifier.commented(item, actor, body)
    return comment


def people_by_ids(ids) -> list[User]:
    """The users with these ids (no query when there are none)."""
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids))))
