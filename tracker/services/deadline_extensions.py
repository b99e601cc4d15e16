"""Deadline extension requests (usulan perpanjangan waktu): proposed by the owner, decided by a head."""
from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, ExtensionRequest, ExtensionState, HistoryKind, User, utcnow
from tracker.permissions import can_decide_extension, can_request_extension
from tracker.services import notifier
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.history import record
from tracker.services.versions import save
from tracker.timeutil import local_today


def pending_request(item: ActionItem) -> ExtensionRequest | None:
    """The item's extension request still waiting for a decision, or None."""
    return db.session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.item_id == item.id, ExtensionRequest.state == ExtensionState.PENDING
        )
    )


def request_extension(item: ActionItem, actor: User, new_due_date: date | None, reason: str) -> ExtensionRequest:
    """The owner proposes a later due date with a reason."""
    if not can_request_extension(actor, item):
        raise NotAllowed(_("Only the owner of an open item can ask for more time."))
    reason = (reason or "").strip()
    errors = {}
    if new_due_date is None:
        errors["new_due_date"] = _("Choose the proposed new due date.")
    elif new_due_date < local_today():
        errors["new_due_date"] = _("The new due date cannot be in the past.")
    elif item.due_date and new_due_date <= item.due_date:
        errors["new_due_date"] = _("The new due date must be later than the current one.")
    if not reason:
        errors["reason"] = _("Please give a reason.")
    if pending_request(item) is not None:
        errors["new_due_date"] = _("There is already a request waiting for a decision.")
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)
    extension = ExtensionRequest(
        item=item, requested_by=actor, old_due_date=item.due_date, new_due_date=new_due_date, reason=reason
    )
    db.session.add(extension)
    record(item, actor, HistoryKind.EXTENSION_REQUESTED, field="due_date",
           old=item.due_date, new=new_due_date, note=reason, changes_item=False)
    db.session.flush()
    return extension


def decide_extension(extension: ExtensionRequest, actor: User, approve: bool, note: str | None) -> None:
    """A head approves (the due date moves) or rejects (a note is required) a pending request."""
    item = extension.item
    if not can_decide_extension(actor, item):
        raise NotAllowed(_("Only a head can decide on an extension request."))
    if extension.state != ExtensionState.PENDING:
        raise InvalidInput(_("This request has already been decided."))
    note = (note or "").strip() or None
    if not approve and not note:
        message = _("Please say why the request is rejected.")
        raise InvalidInput(message, {"note": message})
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, utcnow(), note
    if approve:
        record(item, actor, HistoryKind.EXTENSION_APPROVED, field="due_date",
               old=item.due_date, new=extension.new_due_date, note=note)
        record(item, actor, HistoryKind.DUE_DATE, field="due_date",
               old=item.due_date, new=extension.new_due_date, note=extension.reason)
        item.due_date = extension.new_due_date
        save(item)
    else:
        record(item, actor, HistoryKind.EXTENSION_REJECTED, field="due_date",
               old=item.due_date, new=extension.new_due_date, note=note, changes_item=False)
        db.session.flush()
    notifier.extension_decided(item, actor, extension.requested_by, approve)
