"""WTForms classes, one module per area."""
from tracker.forms.accounts import (
    EmptyForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    ResetPasswordForm,
    UserForm,
)
from tracker.forms.evidence import EvidenceForm
from tracker.forms.items import (
    CommentForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ItemForm,
    StatusForm,
)
from tracker.forms.webinars import BulkEntryForm, WebinarForm

__all__ = [
    "BulkEntryForm", "CommentForm", "EmptyForm", "EvidenceForm",
    "ExtensionDecisionForm", "ExtensionForm", "ItemForm", "LoginForm", "PasswordChangeForm",
    "PreferencesForm", "ResetPasswordForm", "StatusForm", "UserForm", "WebinarForm",
]
