"""Action items (tindak lanjut) and what hangs off them: history, comments, extension requests."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import CHAR, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, and_, event
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.enums import ExtensionState, HistoryKind, Priority, Status, enum_column
from tracker.models.reference import Theme, Unit
from tracker.models.rules import ItemRules
from tracker.models.users import User
from tracker.models.webinars import Webinar

item_supporters = Table(
    "item_supporters",
    Base.metadata,
    Column("item_id", ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ActionItem(ItemRules, Base):
    """An action item (tindak lanjut); which items count is decided by ItemRules (models/rules.py)."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        Index("ix_action_items_webinar_number", "webinar_id", "number", unique=True),
        Index("ix_action_items_status_due", "status", "due_date", "deleted_at"),
        # My tasks and the owner filter: one owner's open items in due-date order.
        Index("ix_action_items_owner_status_due", "owner_id", "status", "due_date", "deleted_at"),
        # The list's default order, and keyset pages that seek on (due_date, id).
        Index("ix_action_items_due_id", "due_date", "id"),
        # The dashboard's overdue figures of the webinars it shows.
        Index("ix_action_items_webinar_status_due", "webinar_id", "status", "due_date", "deleted_at"),
        # Overdue items per unit (OPD) on the dashboard: a seek per shown unit, read from the index alone.
        Index("ix_action_items_unit_status_due", "unit_id", "status", "due_date", "deleted_at"),
        # Items of a shown webinar verified in the last weeks (the projection): a seek each, from the index alone.
        Index("ix_action_items_webinar_verified", "webinar_id", "status", "verified_at", "deleted_at"),
        # The dashboard's latest blocked items.
        Index("ix_action_items_status_updated", "status", "updated_at"),
        # The decision queue: done items waiting for verification, oldest first (services/decisions.py).
        Index("ix_action_items_status_completed", "status", "completed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(ForeignKey("webinars.id"), index=True)
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[Optional[str]] = mapped_column(Text)
    source: Mapped[Optional[str]] = mapped_column(String(300))  # sumber: who/what prompted it
    theme_id: Mapped[Optional[int]] = mapped_column(ForeignKey("themes.id"), index=True)
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("units.id"), index=True)
    priority: Mapped[Priority] = mapped_column(
        enum_column(Priority), default=Priority.MEDIUM, index=True
    )
    due_date: Mapped[Optional[date]]
    progress: Mapped[int] = mapped_column(default=0)
    evidence_url: Mapped[Optional[str]] = mapped_column(String(500))
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.NEW, index=True)
    # The reason or note given with the latest status change (blocked/cancelled reasons).
    status_note: Mapped[Optional[str]] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    completed_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    verified_at: Mapped[Optional[datetime]]
    verified_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    # A correction (hapus karena salah input): the item stays as a row but leaves every list and figure
    # (ItemRules.is_visible); an administrator can restore it.
    deleted_at: Mapped[Optional[datetime]]
    deleted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    delete_reason: Mapped[Optional[str]] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": version}

    webinar: Mapped[Webinar] = relationship()
    theme: Mapped[Optional[Theme]] = relationship()
    unit: Mapped[Optional[Unit]] = relationship()
    owner: Mapped[Optional[User]] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[Optional[User]] = relationship(foreign_keys=[created_by_id])
    verified_by: Mapped[Optional[User]] = relationship(foreign_keys=[verified_by_id])
    deleted_by: Mapped[Optional[User]] = relationship(foreign_keys=[deleted_by_id])
    supporters: Mapped[list[User]] = relationship(secondary=item_supporters, order_by=User.full_name)
    history: WriteOnlyMapped["ItemHistory"] = relationship(
        back_populates="item", order_by="ItemHistory.id"
    )
    comments: WriteOnlyMapped["Comment"] = relationship(back_populates="item", order_by="Comment.id")
    # The extension request waiting for a decision (at most one), read-only: loaded with the item page.
    pending_extension: Mapped[Optional["ExtensionRequest"]] = relationship(
        primaryjoin=lambda: and_(ExtensionRequest.item_id == ActionItem.id,
                                 ExtensionRequest.state == ExtensionState.PENDING),
        viewonly=True, uselist=False,
    )

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# The list's due order, undated items last, and its keyset seeks: on the due_key rule itself, so
# that the indexed expression is the one queries write. due_date and deleted_at last make it covering:
# SQLite (before 3.41) and PostgreSQL read an indexed expression from its column, not from the index,
# and every list asks whether an item is visible (deleted_at IS NULL).
Index("ix_action_items_due_key", ActionItem.due_key, ActionItem.id, ActionItem.due_date, ActionItem.deleted_at)
# The same order within one status: a list filtered by status reads its page without sorting.
Index("ix_action_items_status_due_key", ActionItem.status, ActionItem.due_key, ActionItem.id, ActionItem.due_date,
      ActionItem.deleted_at)
# The administrator's list of deleted items: a small partial index (it never serves the visible items).
Index("ix_action_items_deleted_at", ActionItem.deleted_at, sqlite_where=ActionItem.deleted_at.is_not(None),
      postgresql_where=ActionItem.deleted_at.is_not(None))


class ItemHistory(Base):
    """One append-only record of a change to an item: who, when, from → to, note."""

    __tablename__ = "item_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[HistoryKind] = mapped_column(enum_column(HistoryKind), index=True)
    # The item version this change produced (comments: the version they were made on).
    item_version: Mapped[Optional[int]]
    field: Mapped[Optional[str]] = mapped_column(String(40))
    # Raw values (ids, ISO dates, enum values); for references also the name shown at the time.
    old_value: Mapped[Optional[str]] = mapped_column(Text)
    new_value: Mapped[Optional[str]] = mapped_column(Text)
    old_label: Mapped[Optional[str]] = mapped_column(Text)
    new_label: Mapped[Optional[str]] = mapped_column(Text)
    note: Mapped[Optional[str]] = mapped_column(Text)
    # The hash chain (models/integrity.py): filled for every insert, checked by `flask verify-history`.
    prev_hash: Mapped[str] = mapped_column(CHAR(64))
    row_hash: Mapped[str] = mapped_column(CHAR(64))

    item: Mapped[ActionItem] = relationship(back_populates="history")
    actor: Mapped[Optional[User]] = relationship()


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ActionItem] = relationship(back_populates="comments")
    author: Mapped[Optional[User]] = relationship()


class ExtensionRequest(Base):
    """A proposal (usulan perpanjangan waktu) to move an item's due date."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        # The decision queue: requests waiting for a decision, oldest first (services/decisions.py).
        Index("ix_extension_requests_state_created", "state", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id"), index=True)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    old_due_date: Mapped[Optional[date]]
    new_due_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ExtensionState] = mapped_column(
        enum_column(ExtensionState), default=ExtensionState.PENDING, index=True
    )
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[Optional[datetime]]
    decision_note: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ActionItem] = relationship()
    requested_by: Mapped[Optional[User]] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a history record."""


@event.listens_for(ItemHistory, "before_update")
@event.listens_for(ItemHistory, "before_delete")
def _refuse_history_change(mapper, connection, target):
    raise AppendOnlyError("item history is append-only")
