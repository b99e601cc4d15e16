"""Forms for personal API tokens and the administrator's extra non-working days."""
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.i18n import lazy_gettext as _l


class ApiTokenForm(FlaskForm):
    name = StringField(_l("What is the token for?"), validators=[Optional(), Length(max=100)])


class NonWorkingDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    description = StringField(_l("Description (e.g. cuti bersama)"), validators=[DataRequired(), Length(max=200)])
