"""Keeping an uploaded sheet until it is confirmed, and saving a checked import all or nothing.

New items are added together (their numbers reserved per webinar in one statement, one flush for all);
changed items go through services.items.update_item and services.workflow.change_status, so each change
gets the history an edit gets. Every history row the import writes carries "Imported from <file>".
"""
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, HistoryKind, ImportUpload, Status, User, Webinar, utcnow
from tracker.models.rules import COMPLETED
from tracker.permissions import can_bulk_enter
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.history import record
from tracker.services.import_check import ImportPlan, ImportRow
from tracker.services.items import item_code, update_item
from tracker.services.workflow import REASON_REQUIRED, change_status

KEEP_UPLOADS = timedelta(days=1)


def may_import(user: User) -> bool:
    """Importing is entering many items at once: heads and administrators."""
    return can_bulk_enter(user)


def store_upload(actor: User, file_name: str, content: bytes) -> ImportUpload:
    """Keep the file for the confirmation under a random token; uploads older than a day are dropped."""
    db.session.execute(delete(ImportUpload).where(ImportUpload.uploaded_at < utcnow() - KEEP_UPLOADS))
    upload = ImportUpload(token=secrets.token_urlsafe(24), file_name=(file_name or "import")[:200],
                          size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                          uploaded_by_id=actor.id, content=content)
    db.session.add(upload)
    db.session.flush()
    return upload


def find_upload(actor: User, token: str) -> ImportUpload | None:
    """The actor's own upload with this token whose bytes are still the ones uploaded, else None."""
    upload = db.session.scalar(select(ImportUpload).where(ImportUpload.token == (token or "")[:64],
                                                          ImportUpload.uploaded_by_id == actor.id))
    if upload is None or hashlib.sha256(upload.content).hexdigest() != upload.sha256:
        return None
    return upload


def import_note(file_name: str) -> str:
    """The note on every history row an import writes."""
    return _("Imported from %(file)s", file=file_name)


def _reserve_numbers(webinar: Webinar, count: int, at_least: int) -> int:
    """Move the webinar's counter past at_least and then count further; returns the new last number."""
    counter = Webinar.last_item_number
    return db.session.scalar(
        update(Webinar).where(Webinar.id == webinar.id)
        .values(last_item_number=case((counter < at_least, at_least), else_=counter) + count)
        .returning(Webinar.last_item_number)
        .execution_options(synchronize_session=False)
    )


def _new_item(row: ImportRow, number: int, actor: User, note: str) -> ActionItem:
    status = row.status or Status.NEW
    values = {name: value for name, value in row.values.items() if value is not None and name != "webinar_id"}
    item = ActionItem(webinar=row.webinar, number=number, code=row.code or item_code(row.webinar.series, number),
                      created_by=actor, status=status, **values)
    item.supporters = list(row.supporters or [])
    if status in COMPLETED:
        item.completed_at = utcnow()
    if status == Status.VERIFIED:
        item.verified_at = item.completed_at
    if status in REASON_REQUIRED:
        item.status_note = note
    db.session.add(item)
    record(item, actor, HistoryKind.CREATED, new=item.code, note=note)
    if status != Status.NEW:
        record(item, actor, HistoryKind.STATUS, field="status", old=Status.NEW.value, new=status.value, note=note)
    return item


def _create(rows: list[ImportRow], actor: User, note: str) -> list[ActionItem]:
    """Add the new items, numbering them per webinar: a code such as S28-07 keeps its number."""
    by_webinar = defaultdict(list)
    for row in rows:
        by_webinar[row.webinar].append(row)
    created = []
    for webinar, group in by_webinar.items():
        free = [row for row in group if not row.number]
        last = _reserve_numbers(webinar, len(free), max((row.number for row in group if row.number), default=0))
        numbers = iter(range(last - len(free) + 1, last + 1))
        created += [_new_item(row, row.number or next(numbers), actor, note) for row in group]
    return created


def _update(row: ImportRow, actor: User, note: str) -> None:
    """Apply a row's changes to its item as an edit and a status change would."""
    item = row.item
    fields = {name: row.values[name] for name in row.changes if name in row.values}
    supporters = row.supporters if "supporters" in row.changes else None
    if fields or supporters is not None:
        update_item(item, actor, version=item.version, supporters=supporters, note=note, **fields)
    if "status" in row.changes:
        change_status(item, actor, row.status.value, version=item.version, note=note)


@dataclass
class ImportResult:
    """What an import saved."""

    created: int
    updated: int


def save_plan(plan: ImportPlan, actor: User, file_name: str) -> ImportResult:
    """Save every row of a checked plan, or nothing: a plan with any problem is refused whole."""
    if not may_import(actor):
        raise NotAllowed(_("You may not import items."))
    if plan.problem:
        raise InvalidInput(_("Nothing was saved. %(problem)s", problem=plan.problem))
    note = import_note(file_name)
    try:
        with db.session.no_autoflush:
            created = _create([row for row in plan.rows if row.action == "create"], actor, note)
        updates = [row for row in plan.rows if row.action == "update"]
        for row in updates:
            _update(row, actor, note)
        db.session.flush()
    except IntegrityError:
        raise InvalidInput(_("Nothing was saved: an item with one of these codes or numbers was added meanwhile. "
                             "Check the file again.")) from None
    return ImportResult(created=len(created), updated=len(updates))
