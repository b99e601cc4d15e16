"""All models, importable from one place."""
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.enums import (
    ExtensionState,
    HistoryKind,
    Priority,
    Role,
    Status,
)
from tracker.models.evidence import EvidenceFile
from tracker.models.idempotency import IdempotencyKey
from tracker.models.imports import ImportUpload
from tracker.models.inbox import Notification, NotificationKind
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
from tracker.models.rules import ACTIVE, CLOSED, OPEN, Horizon
from tracker.models.search import ItemSearch, SearchWord
from tracker.models.security import LoginFailure
from tracker.models.settings import NonWorkingDay, Setting, SettingFile
from tracker.models.tallies import ItemTally
from tracker.models.tokens import AccessToken, TokenKind
from tracker.models.users import User
from tracker.models.webinars import Webinar

__all__ = [
    "AccessToken", "EvidenceFile", "IdempotencyKey", "ImportUpload", "ItemSearch", "ItemTally", "LoginFailure",
    "NonWorkingDay", "Notification", "NotificationKind", "ReportSnapshot", "SearchWord", "SentNotification",
    "Setting", "SettingFile", "TokenKind",
    "ACTIVE", "CLOSED", "OPEN", "Horizon",
    "ActionItem", "AppendOnlyError", "Base", "Comment", "ExtensionRequest",
    "ExtensionState", "HistoryKind", "ItemHistory", "Priority", "Role", "Status",
    "Theme", "UTCDateTime", "Unit", "User", "Webinar", "item_supporters", "utcnow",
]
