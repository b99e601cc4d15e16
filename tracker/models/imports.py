"""Uploaded import files, kept between the preview and the confirmation."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class ImportUpload(Base):
    """A spreadsheet uploaded for import: in the database, so every app server sees it.

    The confirmation names the upload by its random token and parses the stored bytes again (nothing
    the browser sends back about the rows is trusted); the SHA-256 detects a changed row.
    """

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
