"""Frozen report snapshots (pemutakhiran data)."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.users import User


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

    created_by: Mapped[Optional[User]] = relationship()
