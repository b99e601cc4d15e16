"""Forms of the decision queue: a head's decision on a done item or on an extension request."""
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l


class ItemDecisionForm(Form):
    """Verify a done item, or reopen it (the note is then required: the service says so)."""

    action = SelectField(_l("Decision"), choices=[("verify", _l("Verify")), ("reopen", _l("Reopen"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()


class RequestDecisionForm(Form):
    """Approve or reject an extension request (the note is then required: the service says so)."""

    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()
