"""The status workflow of an action item: the one place that owns its rules.

baru → dikerjakan ⇄ terhambat → selesai → terverifikasi, plus dibatalkan. Members move the items
they own or support along the working path; heads (and admins) also verify, reopen and cancel.
"""
from tracker.display import STATUS_LABELS
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, HistoryKind, Status, User, utcnow
from tracker.models.rules import COMPLETED, may_verify
from tracker.permissions import can_change_status, is_lead
from tracker.services import notifier
from tracker.services.errors import InvalidInput, NotAllowed
from tracker.services.evidence import has_current_files
from tracker.services.history import record
from tracker.services.versions import check_version, save
from tracker.validation import clean_evidence_url

# Moves along the working path: the owner, a supporter, or a head.
WORKING_MOVES: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.BLOCKED, Status.DONE}),
    Status.BLOCKED: frozenset({Status.IN_PROGRESS, Status.DONE}),
}
# Moves only a head may make: reopen and cancel (verifying is `may_verify`'s decision).
LEAD_MOVES: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.CANCELLED}),
    Status.BLOCKED: frozenset({Status.CANCELLED}),
    Status.DONE: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
    Status.VERIFIED: frozenset({Status.IN_PROGRESS, Status.CANCELLED}),
}
REASON_REQUIRED = frozenset({Status.BLOCKED, Status.CANCELLED})

def is_reopening(item: ActionItem, target: Status) -> bool:
    """Whether the move takes a done or verified item back to work (it needs a reason)."""
    return target == Status.IN_PROGRESS and item.status in COMPLETED


def allowed_moves(user: User, item: ActionItem) -> list[Status]:
    """The statuses this user may move this item to, in workflow order."""
    if not can_change_status(user, item):
        return []
    moves = set(WORKING_MOVES.get(item.status, ()))
    if is_lead(user):
        moves |= LEAD_MOVES.get(item.status, frozenset())
    if item.is_done and may_verify(user, item):
        moves.add(Status.VERIFIED)
    return [status for status in Status if status in moves]


def change_status(
    item: ActionItem,
    actor: User,
    new_status: str,
    *,
    version: int | None,
    note: str | None = None,
    evidence_url: str | None = None,
) -> None:
    """Move an item to a new status, or raise and change nothing."""
    if not can_change_status(actor, item):
        raise NotAllowed(_("You may not change the status of this item."))
    check_version(item, version)
    try:
        target = Status(new_status)
    except ValueError:
        raise InvalidInput(_("Unknown status."), {"status": _("Unknown status.")}) from None
    note = (note or "").strip() or None
    evidence_url = clean_evidence_url(evidence_url)
    if target == Status.VERIFIED and item.is_done and is_lead(actor) and not may_verify(actor, item):
        message = _("You own or support this item, so you cannot verify it yourself: another head "
                    "or an administrator verifies it (four eyes).")
        raise NotAllowed(message, {"status": message})
    if target not in allowed_moves(actor, item):
        message = _(
            "An item cannot go from %(old)s to %(new)s%(who)s.",
            old=STATUS_LABELS[item.status], new=STATUS_LABELS[target],
            who="" if is_lead(actor) else _(" by a member"),
        )
        raise InvalidInput(message, {"status": message})
    if target in REASON_REQUIRED and not note:
        message = _("Please give a reason.")
        raise InvalidInput(message, {"note": message})
    if is_reopening(item, target) and not note:
        message = _("Please say why the item is reopened.")
        raise InvalidInput(message, {"note": message})
    if target == Status.DONE and not (note or evidence_url or item.evidence_url or has_current_files(item.id)):
        message = _("A finished item needs an evidence file, an evidence link or a note.")
        raise InvalidInput(message, {"evidence_url": message, "note": message})

    with db.session.no_autoflush:  # one save is one version
        _apply(item, actor, target, note, evidence_url)
    save(item)
    notifier.status_changed(item, actor)


def _apply(item: ActionItem, actor: User, target: Status, note: str | None, evidence_url: str | None) -> None:
    old = item.status
    if evidence_url and evidence_url != item.evidence_url:
        record(item, actor, HistoryKind.EDITED, field="evidence_url", old=item.evidence_url, new=evidence_url)
        item.evidence_url = evidence_url
    record(item, actor, HistoryKind.STATUS, field="status", old=old.value, new=target.value, note=note)
    item.status = target
    item.status_note = note
    now = utcnow()
    if target == Status.DONE:
        item.completed_at = now
        if item.progress != 100:
            record(item, actor, HistoryKind.EDITED, field="progress", old=item.progress, new=100)
            item.progress = 100
    elif target == Status.VERIFIED:
        item.verified_at, item.verified_by = now, actor
    elif target == Status.IN_PROGRESS and old in COMPLETED:  # reopened
        item.completed_at = item.verified_at = item.verified_by = None
