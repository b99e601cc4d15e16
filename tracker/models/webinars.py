"""Webinars of the series."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class Webinar(Base):
    __tablename__ = "webinars"

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(index=True)
    organizer: Mapped[Optional[str]] = mapped_column(String(200))
    speakers: Mapped[Optional[str]] = mapped_column(Text)  # one narasumber per line
    summary: Mapped[Optional[str]] = mapped_column(Text)
    link: Mapped[Optional[str]] = mapped_column(String(500))
    # Last item number handed out; codes are S<series>-<number>.
    last_item_number: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __str__(self) -> str:
        return f"Seri {self.series}: {self.title}"

    @property
    def speaker_list(self) -> list[str]:
        """The speakers, one per non-empty line of the speakers field."""
        return [line.strip() for line in (self.speakers or "").splitlines() if line.strip()]
