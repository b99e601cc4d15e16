"""The base of every form: WTForms' own messages ("This field is required.") in the user's language.

WTForms ships no Indonesian catalog, so its built-in messages are listed here for extraction into
our catalogs, and forms translate through Flask-Babel instead of WTForms' own domain.
"""
from flask_wtf import FlaskForm

from tracker.i18n import gettext, language, ngettext
from tracker.i18n import lazy_gettext as _l

# Extraction only: the messages WTForms' validators and fields produce.
WTFORMS_MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid URL."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


def _plural_messages():  # never called; gives the extractor the plural messages
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)


class _BabelTranslations:
    """WTForms asks this object for its messages; our Flask-Babel catalogs answer."""

    def gettext(self, string):
        return gettext(string)

    def ngettext(self, singular, plural, n):
        # The raw catalog: WTForms fills %(max)d itself; Flask-Babel's ngettext would format the
        # message with only %(num)s and fail on %(max)d (a 500 on every over-long input).
        return language().catalog.ungettext(singular, plural, n)


class Form(FlaskForm):
    """FlaskForm whose built-in messages follow the user's language."""

    def add_refusal(self, error) -> None:
        """Show a service's refusal: each message next to its field, or on top of the form."""
        placed = False
        for name, message in error.fields.items():
            if name in self:
                self[name].errors = list(self[name].errors or []) + [message]
                placed = True
        if not placed:
            self.form_errors.append(error.message)

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _BabelTranslations()
