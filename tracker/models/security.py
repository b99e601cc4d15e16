"""Failed sign-ins, kept in the database so throttling holds across workers and servers."""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, utcnow


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_created", "username", "created_at"),
        Index("ix_login_failures_address_created", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))  # as typed, lowercased
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
