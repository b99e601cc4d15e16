"""The administrator's settings form: letterhead, logo, signature block, report numbering, deadlines."""
import re

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional, Regexp

from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l


class SettingsForm(Form):
    government_name = StringField(_l("Government (first line)"), validators=[Optional(), Length(max=200)])
    agency_name = StringField(_l("Agency name"), validators=[Optional(), Length(max=200)])
    agency_address = TextAreaField(_l("Agency address"), validators=[Optional(), Length(max=500)],
                                   render_kw={"rows": 2})
    agency_phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=60), Regexp(
        r"^[0-9 ()+./-]+$", message=_l("Digits, spaces and ( ) + - / only, e.g. (0426) 21234."))])
    agency_email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200), Email()])
    agency_website = StringField(_l("Website"), validators=[Optional(), Length(max=200), Regexp(
        r"^(https?://)?[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$", flags=re.IGNORECASE,
        message=_l("A web address such as bpsdm.sulbarprov.go.id."))])
    agency_postcode = StringField(_l("Postcode"), validators=[Optional(), Regexp(
        r"^[0-9]{5}$", message=_l("Five digits, e.g. 91511."))])
    logo = FileField(_l("Logo (PNG or SVG)"), render_kw={"accept": ".png,.svg,image/png,image/svg+xml"})
    remove_logo = BooleanField(_l("Remove the uploaded logo (use the default)"))
    report_place = StringField(_l("Place of signing"), validators=[Optional(), Length(max=60)])
    report_signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])
    report_signer_nip = StringField(_l("Signer's NIP"), validators=[Optional(), Length(max=32)])
    report_signer_position = StringField(_l("Signer's position"), validators=[Optional(), Length(max=200)])
    report_number_prefix = StringField(_l("Report number prefix"), validators=[Optional(), Length(max=40)])

    due_in_working_days = SelectField(_l("Bulk entry due:+N counts"), choices=[
        ("0", _l("calendar days")), ("1", _l("working days (no weekends, holidays or days off)"))])
    due_soon_working_days = StringField(_l("Reminders: due soon means within this many working days"), validators=[
        Optional(), Regexp(r"^([0-9]|[12][0-9]|30)$", message=_l("A whole number from 0 to 30."))])

    FIELDS = ("government_name", "agency_name", "agency_address", "agency_phone", "agency_email", "agency_website",
              "agency_postcode", "report_place", "report_signer_name", "report_signer_nip", "report_signer_position",
              "report_number_prefix", "due_in_working_days", "due_soon_working_days")
