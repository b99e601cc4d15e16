"""Enumerations stored as their (Indonesian) string values."""
import enum

from sqlalchemy import Enum as SAEnum


class Role(enum.StrEnum):
    ADMIN = "admin"
    HEAD = "head"
    MEMBER = "member"
    VIEWER = "viewer"


class Status(enum.StrEnum):
    NEW = "baru"
    IN_PROGRESS = "dikerjakan"
    BLOCKED = "terhambat"
    DONE = "selesai"
    VERIFIED = "terverifikasi"
    CANCELLED = "dibatalkan"


class Priority(enum.StrEnum):
    LOW = "rendah"
    MEDIUM = "sedang"
    HIGH = "tinggi"


class HistoryKind(enum.StrEnum):
    CREATED = "created"
    EDITED = "edited"
    STATUS = "status"
    OWNER = "owner"
    DUE_DATE = "due_date"
    COMMENT = "comment"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    DELETED = "deleted"
    RESTORED = "restored"
    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_WITHDRAWN = "evidence_withdrawn"


class ExtensionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def enum_column(enum_cls: type[enum.Enum]) -> SAEnum:
    """A portable VARCHAR column that stores the enum's values, not its names."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=20,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )
