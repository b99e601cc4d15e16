"""Frozen report snapshots (pemutakhiran data)."""
import secrets
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import CHAR, JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.integrity import snapshot_fingerprint
from tracker.models.users import User


def new_verification_code() -> str:
    """A random, unguessable, URL-safe code (128 bits) for the public "is this genuine" page."""
    return secrets.token_urlsafe(16)


class ReportSnapshot(Base):
    """A report frozen at a moment: its scope, figures and rows, shown later exactly as it was."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80))  # the report number printed on it
    title: Mapped[str] = mapped_column(String(300))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)  # webinar id, period, as in the query string
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # figures, categories, rows, letterhead
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # SHA-256 of what it froze (models/integrity.py), printed on it with a QR code to /verify/<code>.
    fingerprint: Mapped[str] = mapped_column(CHAR(64))
    verification_code: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_verification_code)

    created_by: Mapped[Optional[User]] = relationship()

    def computed_fingerprint(self) -> str:
        """The fingerprint of the data as stored now (equal to `fingerprint` while nothing changed)."""
        return snapshot_fingerprint(self.number, self.title, self.scope, self.data, self.created_at)
