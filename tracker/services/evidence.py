"""Evidence files (bukti dukung): attach, list, read and withdraw them, each with its history record.

Attaching adds to the record and leaves the item itself alone: its history row is written with
changes_item=False, so nobody's open form of the item goes stale because a file arrived.
Withdrawing takes away something a verifier may be judging: it does bump the item's version, so a
status change or verification made from a page that still showed the file is refused as stale
(409) and the conflict page says the file was withdrawn.
"""
import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import show_datetime
from tracker.models import ActionItem, EvidenceFile, HistoryKind, User, utcnow
from tracker.models.rules import evidence_is_final
from tracker.permissions import can_attach_evidence, withdraws_as
from tracker.services import file_types, search_index
from tracker.services.errors import InvalidInput, NotAllowed, ServiceError
from tracker.services.history import record
from tracker.services.versions import save

MAX_NOTE = 2000
CHUNK = 64 * 1024


class TooLarge(ServiceError):
    """The file is larger than EVIDENCE_MAX_MB (413)."""

    status_code = 413


@dataclass(frozen=True)
class Download:
    """What a download sends: the stored bytes with their name and media type."""

    file_name: str
    media_type: str
    content: bytes


def max_bytes() -> int:
    """The largest file one may attach, in bytes (setting EVIDENCE_MAX_MB)."""
    return current_app.config["EVIDENCE_MAX_MB"] * 1024 * 1024


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, {"file": message})


def _read_limited(upload: FileStorage) -> bytes:
    """The upload's bytes; past the limit reading stops and the file is refused."""
    limit, chunks, size = max_bytes(), [], 0
    while chunk := upload.stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            message = _("The file is too large: at most %(max)d MB.", max=current_app.config["EVIDENCE_MAX_MB"])
            raise TooLarge(message, {"file": message})
        chunks.append(chunk)
    return b"".join(chunks)


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if "\x00" in note:
        raise InvalidInput(_("The note contains a character that cannot be saved."), {"note": _("Remove the NUL byte.")})
    if len(note) > MAX_NOTE:
        message = _("A note has at most %(max)d characters.", max=MAX_NOTE)
        raise InvalidInput(message, {"note": message})
    return note or None


def _content(upload: FileStorage | None) -> tuple[str, bytes, bytes | None]:
    """The type, the bytes to store and the thumbnail of an upload, or raise and store nothing."""
    if upload is None or not (upload.filename or "").strip():
        raise _invalid(_("Choose a file to attach."))
    data = _read_limited(upload)
    if not data:
        raise _invalid(_("The file is empty."))
    media_type = file_types.sniff(data)
    if media_type is None:
        raise _invalid(_("This kind of file cannot be attached. Allowed: %(types)s.", types=file_types.ALLOWED_NAMES))
    if media_type not in file_types.PILLOW_FORMATS:
        return media_type, data, None
    try:
        content, thumbnail = file_types.clean_image(data, media_type)
    except file_types.UnreadableImage:
        raise _invalid(_("The picture cannot be read (damaged, or larger than 50 megapixels).")) from None
    return media_type, content, thumbnail


def _same_file(item_id: int, sha256: str) -> EvidenceFile | None:
    return db.session.scalar(
        select(EvidenceFile).options(joinedload(EvidenceFile.uploaded_by))
        .where(EvidenceFile.item_id == item_id, EvidenceFile.sha256 == sha256, EvidenceFile.is_current)
    )


def _duplicate(earlier: EvidenceFile) -> InvalidInput:
    return _invalid(_("This file is already attached: %(name)s, by %(who)s on %(when)s.",
                      name=earlier.file_name, who=earlier.uploaded_by.full_name if earlier.uploaded_by else "–",
                      when=show_datetime(earlier.uploaded_at)))


def attach(item: ActionItem, actor: User, upload: FileStorage | None, note: str | None = None) -> EvidenceFile:
    """Attach an uploaded file to an item, or raise and store nothing.

    The type comes from the content; photos are stored re-encoded without EXIF. The same content twice on
    one item (SHA-256 of what is stored) is refused, naming the earlier upload.
    """
    if not can_attach_evidence(actor, item):
        raise NotAllowed(_("You may not attach files to this item."))
    if evidence_is_final(item):
        raise _invalid(_("This item is verified: its evidence is final. A head can reopen it."))
    note = _clean_note(note)
    media_type, content, thumbnail = _content(upload)
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = _same_file(item.id, sha256)
    if earlier is not None:
        raise _duplicate(earlier)
    evidence = EvidenceFile(
        item=item, file_name=file_types.safe_file_name(upload.filename, media_type), media_type=media_type,
        size=len(content), sha256=sha256, note=note, uploaded_by=actor, content=content, thumbnail=thumbnail,
    )
    try:
        with db.session.begin_nested():  # two uploads of one file at once: the unique index decides
            db.session.add(evidence)
            db.session.flush()
    except IntegrityError:
        raise _duplicate(_same_file(item.id, sha256)) from None
    record(item, actor, HistoryKind.EVIDENCE_ADDED, field="evidence_file", new=evidence.id,
           new_label=evidence.file_name, note=note, changes_item=False)
    db.session.flush()
    return evidence


def withdraw(evidence: EvidenceFile, actor: User, note: str | None = None) -> None:
    """Withdraw a file (it stays stored for the audit trail), or raise and change nothing."""
    item = evidence.item
    if not withdraws_as(actor, item, evidence):
        raise NotAllowed(_("Only a head or the person who attached the file may withdraw it."))
    if evidence_is_final(item):
        raise InvalidInput(_("This item is verified: its files can no longer be withdrawn."))
    if not evidence.is_current:
        raise InvalidInput(_("This file was already withdrawn."))
    note = _clean_note(note)
    if item.is_done and not (item.evidence_url or item.status_note) and current_count(item.id) == 1:
        raise InvalidInput(_("This is the only evidence of a finished item. Add a link or another file first, "
                             "or ask a head to reopen the item."))
    # Only a row still current is withdrawn: of two people withdrawing at once, one does.
    changed = db.session.execute(
        update(EvidenceFile).where(EvidenceFile.id == evidence.id, EvidenceFile.is_current)
        .values(withdrawn_at=utcnow(), withdrawn_by_id=actor.id).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise InvalidInput(_("This file was already withdrawn."))
    db.session.expire(evidence, ["withdrawn_at", "withdrawn_by_id", "withdrawn_by"])
    search_index.mark_item(db.session, item.id)  # its file name and note leave the search
    record(item, actor, HistoryKind.EVIDENCE_WITHDRAWN, field="evidence_file", old=evidence.id,
           old_label=evidence.file_name, note=note)
    save(item)


# Built once; the item id is a bound parameter. The content and thumbnail are deferred: never read here.
_ON_ITEM = (
    select(EvidenceFile)
    .options(joinedload(EvidenceFile.uploaded_by), joinedload(EvidenceFile.withdrawn_by))
    .where(EvidenceFile.item_id == bindparam("item_id"))
    .order_by(EvidenceFile.id)
)


def files_of(item_id: int) -> list[EvidenceFile]:
    """Every file of an item, oldest first, withdrawn ones included (with who uploaded and withdrew them)."""
    return list(db.session.scalars(_ON_ITEM, {"item_id": item_id}))


def current_files_by_item(item_ids: list[int]) -> dict[int, list[EvidenceFile]]:
    """The current (not withdrawn) files of several items in one query, oldest first, by item id."""
    if not item_ids:
        return {}
    files: dict[int, list[EvidenceFile]] = {item_id: [] for item_id in item_ids}
    rows = db.session.scalars(
        select(EvidenceFile).options(joinedload(EvidenceFile.uploaded_by))
        .where(EvidenceFile.item_id.in_(item_ids), EvidenceFile.is_current).order_by(EvidenceFile.id)
    )
    for file in rows:
        files[file.item_id].append(file)
    return files


def current_count(item_id: int) -> int:
    """How many files of the item count as evidence (attached and not withdrawn)."""
    return db.session.scalar(
        select(db.func.count(EvidenceFile.id)).where(EvidenceFile.item_id == item_id, EvidenceFile.is_current)
    )


def has_current_files(item_id: int) -> bool:
    """Whether the item has a file that counts as evidence (for the move to `selesai`)."""
    return bool(db.session.scalar(
        select(exists().where(EvidenceFile.item_id == item_id, EvidenceFile.is_current))
    ))


def get_file(evidence_id: int) -> EvidenceFile | None:
    """A file's record with its item (not its bytes), or None."""
    return db.session.scalar(
        select(EvidenceFile).options(joinedload(EvidenceFile.item)).where(EvidenceFile.id == evidence_id)
    )


def download(evidence: EvidenceFile) -> Download:
    """The stored bytes of a file."""
    content = db.session.scalar(select(EvidenceFile.content).where(EvidenceFile.id == evidence.id))
    return Download(evidence.file_name, evidence.media_type, content)


def thumbnail(evidence: EvidenceFile) -> bytes | None:
    """The stored JPEG thumbnail of a picture, or None for other files."""
    return db.session.scalar(select(EvidenceFile.thumbnail).where(EvidenceFile.id == evidence.id))
