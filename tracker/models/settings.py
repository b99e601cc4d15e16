"""Installation settings (report letterhead, signature, deadlines), the letterhead logo, extra non-working days."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class Setting(Base):
    """One key/value setting that an administrator can change without a deployment."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Optional[str]] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)


class NonWorkingDay(Base):
    """A day off beyond weekends and national holidays, e.g. cuti bersama."""

    __tablename__ = "non_working_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SettingFile(Base):
    """A file an administrator uploads as a setting (the letterhead logo), kept in the database.

    In the database rather than in the static folder, so that every app server shows it and every
    backup holds it (as evidence files are kept).
    """

    __tablename__ = "setting_files"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
