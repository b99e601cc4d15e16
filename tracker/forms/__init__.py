"""WTForms classes, one module per area."""
from tracker.forms.accounts import (
    EmptyForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    ResetPasswordForm,
    UserForm,
)
from tracker.forms.items import (
    PRIORITY_LABELS,
    CommentForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ItemForm,
    StatusForm,
)
from tracker.forms.webinars import BulkEntryForm, WebinarForm

__all__ = [
    "PRIORITY_LABELS", "BulkEntryForm", "CommentForm", "EmptyForm",
    "ExtensionDecisionForm", "ExtensionForm", "ItemForm", "LoginForm", "PasswordChangeForm",
    "PreferencesForm", "ResetPasswordForm", "StatusForm", "UserForm", "WebinarForm",
]
