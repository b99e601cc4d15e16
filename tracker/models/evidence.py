"""Evidence files (bukti dukung) attached to action items, kept in the database.

In the database rather than on disk, so that every app server sees the same files and every backup
holds them. The content and its thumbnail are deferred and raise when touched unloaded: lists and
item pages read the small columns only, and a download asks for the content explicitly.
"""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.items import ActionItem
from tracker.models.rules import EvidenceRules
from tracker.models.users import User

# Media types shown as a picture (a thumbnail is stored with each of them).
PREVIEW_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
CURRENT_ONLY = "withdrawn_at IS NULL"


class EvidenceFile(EvidenceRules, Base):
    """One file attached to an item: who, when, what (name, type, size, SHA-256), and its bytes."""

    __tablename__ = "evidence_files"
    __table_args__ = (
        # The same content twice on one item is refused; the index also closes the race of two uploads.
        Index("ix_evidence_files_item_sha256_current", "item_id", "sha256", unique=True,
              sqlite_where=text(CURRENT_ONLY), postgresql_where=text(CURRENT_ONLY)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[Optional[str]] = mapped_column(Text)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[Optional[datetime]]
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    # Last in the row: SQLite reads the small columns before it without walking the blob's pages.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    thumbnail: Mapped[Optional[bytes]] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)

    item: Mapped[ActionItem] = relationship()
    uploaded_by: Mapped[Optional[User]] = relationship(foreign_keys=[uploaded_by_id])
    withdrawn_by: Mapped[Optional[User]] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def has_preview(self) -> bool:
        """Whether the file is a picture with a stored thumbnail."""
        return self.media_type in PREVIEW_TYPES
