"""The administrator's settings form: letterhead, signature block and report numbering."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l


class SettingsForm(Form):
    agency_name = StringField(_l("Agency name"), validators=[Optional(), Length(max=200)])
    agency_address = TextAreaField(_l("Agency address"), validators=[Optional(), Length(max=500)],
                                   render_kw={"rows": 2})
    logo_path = StringField(_l("Logo (a file in the static folder)"), validators=[Optional(), Length(max=200)])
    report_signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])
    report_signer_nip = StringField(_l("Signer's NIP"), validators=[Optional(), Length(max=32)])
    report_signer_position = StringField(_l("Signer's position"), validators=[Optional(), Length(max=200)])
    report_number_prefix = StringField(_l("Report number prefix"), validators=[Optional(), Length(max=40)])

    due_in_working_days = SelectField(_l("Bulk entry due:+N counts"), choices=[
        ("0", _l("calendar days")), ("1", _l("working days (no weekends, holidays or days off)"))])
    due_soon_working_days = StringField(_l("Reminders: due soon means within this many working days"), validators=[
        Optional(), Regexp(r"^([0-9]|[12][0-9]|30)$", message=_l("A whole number from 0 to 30."))])

    FIELDS = ("agency_name", "agency_address", "logo_path", "report_signer_name", "report_signer_nip",
              "report_signer_position", "report_number_prefix", "due_in_working_days", "due_soon_working_days")
