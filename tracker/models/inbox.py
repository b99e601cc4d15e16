"""In-app notifications: what happened to a person's items, read in their inbox and optionally e-mailed."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.enums import enum_column
from tracker.models.items import ActionItem
from tracker.models.users import User


class NotificationKind(enum.StrEnum):
    """What happened; a person chooses per kind whether it also reaches them by e-mail."""

    ASSIGNED = "assigned"  # made the owner (penanggung jawab)
    SUPPORTER = "supporter"  # made a supporting member
    STATUS = "status"  # the status of my item changed
    DUE_DATE = "due_date"  # the due date of my item moved
    COMMENT = "comment"  # someone commented on my item
    MENTION = "mention"  # someone wrote @me in a comment
    EXTENSION = "extension"  # my extension request was decided
    VERIFY = "verify"  # a done item waits for my verification


class Notification(Base):
    """One event for one recipient, about one item; unread until read_at is set."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The navigation badge counts a person's unread ones (read_at IS NULL) on every page.
        Index("ix_notifications_user_read", "user_id", "read_at"),
        # The inbox: a person's notifications newest first, a page at a time.
        Index("ix_notifications_user_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    # What changed, as stored values: the new status, the new due date (ISO), "approved"/"rejected".
    detail: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]]
    # Set when the recipient wanted this kind by e-mail; cleared when it is sent or read first.
    email_pending: Mapped[bool] = mapped_column(default=False, index=True)
    emailed_at: Mapped[Optional[datetime]]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[Optional[User]] = relationship(foreign_keys=[actor_id])
    item: Mapped[ActionItem] = relationship()
