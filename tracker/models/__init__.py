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
from tracker.models.notifications import SentNotification
from tracker.models.reference import Theme, Unit
from tracker.models.reports import ReportSnapshot
from tracker.models.security import LoginFailure
from tracker.models.settings import NonWorkingDay, Setting
from tracker.models.tokens import AccessToken, TokenKind
from tracker.models.users import User
from tracker.models.webinars import Webinar

__all__ = [
    "AccessToken", "LoginFailure", "NonWorkingDay", "ReportSnapshot", "SentNotification", "Setting", "TokenKind",
    "ActionItem", "AppendOnlyError", "Base", "CLOSED_STATUSES", "Comment", "ExtensionRequest",
    "ExtensionState", "HistoryKind", "ItemHistory", "OPEN_STATUSES", "Priority", "Role", "Status",
    "Theme", "UTCDateTime", "Unit", "User", "Webinar", "item_supporters", "utcnow",
]
