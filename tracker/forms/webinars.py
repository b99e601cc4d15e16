"""Forms for webinars and for bulk entry of action items from meeting notes."""
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l


class WebinarForm(Form):
    series = IntegerField(_l("Series number"), validators=[
        InputRequired(), NumberRange(min=1, max=100000, message=_l("The series number is a whole number from 1."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    organizer = StringField(_l("Organiser"), validators=[Optional(), Length(max=200)])
    speakers = TextAreaField(_l("Speakers (one per line)"), validators=[Optional(), Length(max=5000)],
                             render_kw={"rows": 3})
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6})
    link = StringField(_l("Link to the recording or article"), validators=[
        Optional(), Length(max=500), URL(require_tld=False, message=_l("Enter a web address starting with http:// or https://."))])


class BulkEntryForm(Form):
    lines = TextAreaField(_l("Action items, one per line"), validators=[DataRequired(), Length(max=50000)],
                          render_kw={"rows": 10, "spellcheck": "false"})
