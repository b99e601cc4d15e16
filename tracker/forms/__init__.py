"""WTForms classes, one module per area."""
from tracker.forms.accounts import (
    EmptyForm,
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    ResetPasswordForm,
    UserForm,
)
from tracker.forms.decisions import ItemDecisionForm, RequestDecisionForm
from tracker.forms.evidence import EvidenceForm
from tracker.forms.items import (
    CommentForm,
    DeleteItemForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ItemForm,
    RestoreItemForm,
    StatusForm,
)
from tracker.forms.webinars import BulkEntryForm, WebinarForm

__all__ = [
    "BulkEntryForm", "CommentForm", "DeleteItemForm", "EmptyForm", "EvidenceForm",
    "ExtensionDecisionForm", "ExtensionForm", "ItemDecisionForm", "ItemForm", "LoginForm", "PasswordChangeForm",
    "PreferencesForm", "RequestDecisionForm", "ResetPasswordForm", "RestoreItemForm", "StatusForm", "UserForm",
    "WebinarForm",
]
