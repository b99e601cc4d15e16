"""Installation settings for administrators: the report letterhead, signature block and numbering."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.forms.settings import SettingsForm
from tracker.i18n import gettext as _
from tracker.permissions import can_manage_users, require
from tracker.services.errors import InvalidInput
from tracker.services.settings import DEFAULTS, get_settings, set_settings

bp = Blueprint("settings", __name__, url_prefix="/admin")


@bp.before_request
@require(can_manage_users)
def _admins_only():
    """Only administrators change settings."""


@bp.route("/settings", methods=["GET", "POST"])
def edit():
    """Show the installation settings and save them (administrators only)."""
    form = SettingsForm(data=get_settings())
    if form.validate_on_submit():
        try:
            set_settings({name: form[name].data for name in SettingsForm.FIELDS}, current_user)
        except InvalidInput as error:
            for name, message in error.fields.items():
                form[name].errors = list(form[name].errors) + [message]
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.edit"))
    status = 422 if form.errors else 200
    return render_template("settings/edit.html", form=form, defaults=DEFAULTS), status
