"""User accounts."""
import secrets
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.models.base import Base, utcnow
from tracker.models.enums import Role, enum_column
from tracker.models.rules import UserRules


def new_session_token() -> str:
    """A random token that identifies the current generation of a user's sessions."""
    return secrets.token_urlsafe(24)


class User(UserRules, UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[Optional[str]] = mapped_column(String(254))
    nip: Mapped[Optional[str]] = mapped_column(String(32))
    position: Mapped[Optional[str]] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MEMBER, index=True)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="id")
    reminders_enabled: Mapped[bool] = mapped_column(default=True)
    # The calendar feed's alarm: this many days before a due date at 09.00 (0: on the day; None: no alarm).
    calendar_alarm_days: Mapped[Optional[int]] = mapped_column(default=1, server_default="1")
    # Which notification kinds (models/inbox.py) also reach this person by e-mail, comma-separated.
    email_events: Mapped[str] = mapped_column(String(200), default="", server_default="")
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("units.id"), index=True)
    # Rotated by logout, password change and deactivation: old session cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[Optional[datetime]]

    unit: Mapped[Optional["Unit"]] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        """Whether the account is active (not deactivated)."""
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the user id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        """Hash and store a new password, ending every other session."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Give the user a new session token, so existing session cookies stop working."""
        self.session_token = new_session_token()

    @property
    def is_admin(self) -> bool:
        """Whether the user is an administrator."""
        return self.role == Role.ADMIN

    @property
    def is_head(self) -> bool:
        """Whether the user is a head (ketua tim kerja)."""
        return self.role == Role.HEAD
