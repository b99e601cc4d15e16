"""Installation settings for administrators: the report letterhead and logo, signature block and numbering."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.forms.settings import SettingsForm
from tracker.i18n import gettext as _
from tracker.permissions import can_manage_users, require
from tracker.services import logo as logos
from tracker.services.errors import InvalidInput
from tracker.services.settings import DEFAULTS, get_settings, set_settings
from tracker.transactions import discard

bp = Blueprint("settings", __name__, url_prefix="/admin")

# The logo is an image, never a page: an SVG opened on its own cannot run anything or load anything.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.before_request
@require(can_manage_users)
def _admins_only():
    """Only administrators change settings."""


def _save(form: SettingsForm) -> None:
    """Store the form's settings and its logo change (raises InvalidInput, nothing kept then)."""
    set_settings({name: form[name].data for name in SettingsForm.FIELDS}, current_user)
    upload = form.logo.data
    if upload and getattr(upload, "filename", ""):
        logos.save_logo(upload.read(logos.MAX_BYTES + 1), current_user)
    elif form.remove_logo.data:
        logos.remove_logo()


@bp.route("/settings", methods=["GET", "POST"])
def edit():
    """Show the installation settings and save them (administrators only)."""
    form = SettingsForm(data=get_settings())
    if form.validate_on_submit():
        try:
            _save(form)
        except InvalidInput as error:
            discard()
            for name, message in error.fields.items():
                form[name].errors = list(form[name].errors) + [message]
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.edit"))
    status = 422 if form.errors else 200
    return render_template("settings/edit.html", form=form, defaults=DEFAULTS,
                           has_uploaded_logo=logos.has_uploaded_logo()), status


@bp.route("/settings/logo")
def logo():
    """The letterhead logo (uploaded, or the default) as an image with a safe content type."""
    current = logos.current_logo() or abort(404)
    media_type, content = current
    response = Response(content, mimetype=media_type)
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
