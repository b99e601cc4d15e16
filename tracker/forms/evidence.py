"""The form that attaches an evidence file (its fields `file` and `note` are the upload contract)."""
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l

# A hint for the phone's file picker only: the type is decided by the content.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,.odt,.ods,application/pdf,image/jpeg,image/png,image/webp"


class EvidenceForm(Form):
    """A file and an optional note; the evidence service judges both (type, size, duplicates)."""

    # Ids of their own: the item page also has the status form's `note` (field names are the API's contract).
    file = FileField(_l("File"), id="evidence-file", render_kw={"accept": ACCEPT})
    note = TextAreaField(_l("Note about the file"), id="evidence-note", validators=[Optional(), Length(max=2000)])
