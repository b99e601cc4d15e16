"""Forms for action items: edit, status change, comment, extension request and decision, delete and restore."""
from sqlalchemy import select
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.display import PRIORITY_LABELS, STATUS_LABELS
from tracker.extensions import db
from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l
from tracker.models import Priority, Status, Theme, Unit, User, Webinar
from tracker.services.webinar_picker import option_label


def _optional_int(value):
    """Coerce a select value to int; the empty choice becomes None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class ItemForm(Form):
    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    webinar_id = SelectField(_l("Webinar"), coerce=int, validators=[InputRequired()])
    owner_id = SelectField(_l("Owner"), coerce=_optional_int, validators=[Optional()])
    # Checkboxes, not a <select multiple>: a phone has no Ctrl key to pick several (see checkbox_list).
    supporter_ids = SelectMultipleField(_l("Supporting members"), coerce=int, validators=[Optional()],
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    theme_id = SelectField(_l("Theme"), coerce=_optional_int, validators=[Optional()])
    unit_id = SelectField(_l("Unit (OPD)"), coerce=_optional_int, validators=[Optional()])
    priority = SelectField(_l("Priority"), default=Priority.MEDIUM.value)
    due_date = DateField(_l("Due date"), validators=[Optional()])
    progress = IntegerField(_l("Progress (%)"), default=0, validators=[
        InputRequired(), NumberRange(min=0, max=100, message=_l("Progress is a number from 0 to 100."))])
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=500)])
    source = StringField(_l("Source (who or what prompted it)"), validators=[Optional(), Length(max=300)])
    version = HiddenField()

    def load_choices(self, language: str = "id") -> None:
        """Fill the select lists from the database (active people, themes and units)."""
        webinars = db.session.execute(select(Webinar.id, Webinar.series, Webinar.title).order_by(Webinar.series.desc()))
        self.webinar_id.choices = [(w.id, option_label(w.series, w.title)) for w in webinars]
        people = db.session.execute(
            select(User.id, User.full_name)
            .where(User.may_own)
            .order_by(User.full_name)
        ).all()
        self.owner_id.choices = [("", "–")] + [(p.id, p.full_name) for p in people]
        self.supporter_ids.choices = [(p.id, p.full_name) for p in people]
        themes = db.session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.sort_order))
        self.theme_id.choices = [("", "–")] + [(t.id, t.label(language)) for t in themes]
        units = db.session.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True)).order_by(Unit.name))
        self.unit_id.choices = [("", "–")] + [(u.id, u.name) for u in units]
        self.priority.choices = [(p.value, label) for p, label in PRIORITY_LABELS.items()]

    def item_fields(self) -> dict:
        """The submitted values as model fields (what the items service accepts)."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "webinar_id": self.webinar_id.data,
            "owner_id": self.owner_id.data,
            "theme_id": self.theme_id.data,
            "unit_id": self.unit_id.data,
            "priority": self.priority.data,
            "due_date": self.due_date.data,
            "progress": self.progress.data,
            "evidence_url": self.evidence_url.data,
            "source": self.source.data,
        }


class StatusForm(Form):
    status = SelectField(_l("New status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()])
    note = TextAreaField(_l("Note or reason"), validators=[Optional(), Length(max=5000)])
    evidence_url = StringField(_l("Evidence link"), validators=[Optional(), Length(max=500)])
    version = HiddenField()

    def limit_to(self, statuses: list[Status]) -> None:
        """Offer only the moves the current user may make."""
        self.status.choices = [(s.value, STATUS_LABELS[s]) for s in statuses]


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


class ExtensionForm(Form):
    new_due_date = DateField(_l("Proposed new due date"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class ExtensionDecisionForm(Form):
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    # The item page also shows the status form's "note": a distinct id keeps each label on its own field.
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)], id="decision-note")


class DeleteItemForm(Form):
    # The status form's "note" and the decision's note are on the same page: distinct ids keep the labels apart.
    reason = TextAreaField(_l("Reason for deleting"), validators=[Optional(), Length(max=5000)], id="delete-reason")
    version = HiddenField(id="delete-version")


class RestoreItemForm(Form):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)], id="restore-note")
    version = HiddenField(id="restore-version")
