"""Forms for sign-in, profile and account administration."""
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.forms.base import Form
from tracker.i18n import lazy_gettext as _l
from tracker.models import NotificationKind, Role
from tracker.services.passwords import PASSWORD_MAX, password_problem


def alarm_days(value) -> int | None:
    """A calendar alarm choice as days before the due date; empty means no alarm."""
    return None if value in (None, "", "None") else int(value)


def alarm_choices():
    """When the calendar feed's alarm rings, as (days before the due date, label) choices."""
    return [
        ("", _l("No reminder")),
        ("0", _l("On the due date, at 09.00")),
        ("1", _l("1 day before, at 09.00")),
        ("2", _l("2 days before, at 09.00")),
        ("3", _l("3 days before, at 09.00")),
        ("7", _l("1 week before, at 09.00")),
    ]


def role_choices():
    """The roles an account can have, as (value, label) choices."""
    return [
        (Role.MEMBER.value, _l("Member")),
        (Role.HEAD.value, _l("Head")),
        (Role.VIEWER.value, _l("Viewer")),
        (Role.ADMIN.value, _l("Administrator")),
    ]


def language_choices():
    """The interface languages a user can choose, as (code, name) choices."""
    return [("id", "Bahasa Indonesia"), ("en", "English")]


def acceptable_password(form, field):
    """WTForms validator: the password rules of services.passwords (empty is left to others)."""
    if field.data:
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


def _new_password_field(label):
    return PasswordField(label, validators=[DataRequired(), acceptable_password])


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = _new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class PreferencesForm(Form):
    language = SelectField(_l("Language"), choices=language_choices())
    reminders_enabled = BooleanField(_l("Send me email reminders about my deadlines"))
    calendar_alarm_days = SelectField(_l("Reminder in my calendar app"), choices=alarm_choices(),
                                      coerce=alarm_days)
    email_events = SelectMultipleField(
        _l("Also e-mail me when"), choices=lambda: EMAIL_EVENT_CHOICES, validators=[Optional()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )


# What each notification kind is, as the profile offers it by e-mail (models/inbox.py).
EMAIL_EVENT_CHOICES = [
    (NotificationKind.ASSIGNED.value, _l("someone makes me the owner of an item")),
    (NotificationKind.SUPPORTER.value, _l("someone makes me a supporting member")),
    (NotificationKind.STATUS.value, _l("the status of my item changes")),
    (NotificationKind.DUE_DATE.value, _l("the due date of my item moves")),
    (NotificationKind.COMMENT.value, _l("someone comments on my item")),
    (NotificationKind.MENTION.value, _l("someone mentions me (@username)")),
    (NotificationKind.EXTENSION.value, _l("my request for more time is decided")),
    (NotificationKind.VERIFY.value, _l("a done item waits for my verification")),
]


class UserForm(Form):
    """Create or edit an account (admin)."""

    username = StringField(
        _l("Username"),
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(r"^[a-z0-9._-]+$", message=_l("Use lowercase letters, digits, dots, dashes or underscores.")),
        ],
    )
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Length(max=254), Email(message=_l("This is not a valid email address."))],
    )
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=32), Regexp(r"^[0-9 ]+$", message=_l("A NIP has digits only."))])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices())
    unit_id = SelectField(_l("Unit (OPD)"), coerce=int, choices=[])
    language = SelectField(_l("Language"), choices=language_choices())
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password"), validators=[Optional(), acceptable_password])


class ResetPasswordForm(Form):
    password = _new_password_field(_l("New password"))


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons that post."""
