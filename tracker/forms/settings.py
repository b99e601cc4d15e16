"""The administrator's settings form: letterhead, signature block and report numbering."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class SettingsForm(FlaskForm):
    agency_name = StringField(_l("Agency name"), validators=[Optional(), Length(max=200)])
    agency_address = TextAreaField(_l("Agency address"), validators=[Optional(), Length(max=500)],
                                   render_kw={"rows": 2})
    logo_path = StringField(_l("Logo (a file in the static folder)"), validators=[Optional(), Length(max=200)])
    report_signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=200)])
    report_signer_nip = StringField(_l("Signer's NIP"), validators=[Optional(), Length(max=32)])
    report_signer_position = StringField(_l("Signer's position"), validators=[Optional(), Length(max=200)])
    report_number_prefix = StringField(_l("Report number prefix"), validators=[Optional(), Length(max=40)])

    FIELDS = ("agency_name", "agency_address", "logo_path", "report_signer_name", "report_signer_nip",
              "report_signer_position", "report_number_prefix")
