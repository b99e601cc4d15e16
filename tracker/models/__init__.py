"""All models, importable from one place."""
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.enums import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ExtensionState,
    HistoryKind,
    Priority,
    Role,
    Status,
)
from tracker.models.items import (
    ActionItem,
    AppendOnlyError,
    Comment,
    ExtensionRequest,
    ItemHistory,
    item_supporters,
)
from tracker.models.reference import Theme, Unit
from tracker.models.users import User
from tracker.models.webinars import Webinar

__all__ = [
    "ActionItem", "AppendOnlyError", "Base", "CLOSED_STATUSES", "Comment", "ExtensionRequest",
    "ExtensionState", "HistoryKind", "ItemHistory", "OPEN_STATUSES", "Priority", "Role", "Status",
    "Theme", "UTCDateTime", "Unit", "User", "Webinar", "item_supporters", "utcnow",
]
