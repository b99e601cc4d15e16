"""What reminder and digest emails were sent, so a second run on the same day sends nothing twice."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class SentNotification(Base):
    __tablename__ = "sent_notifications"
    __table_args__ = (UniqueConstraint("user_id", "kind", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "reminder" or "digest"
    sent_on: Mapped[date]  # the WITA date of the run
    item_ids: Mapped[str] = mapped_column(Text, default="")  # the items the email listed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
