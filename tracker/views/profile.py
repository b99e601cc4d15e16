"""The signed-in user's own settings: language, reminders, password."""
from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.audit import security_event
from tracker.extensions import db
from tracker.forms import PasswordChangeForm, PreferencesForm
from tracker.security import start_session

bp = Blueprint("profile", __name__)


@bp.route("/profile", methods=["GET"])
def show():
    return _render()


def _render(preferences=None, password=None, status=200):
    preferences = preferences or PreferencesForm(
        prefix="pref", language=current_user.language, reminders_enabled=current_user.reminders_enabled
    )
    password = password or PasswordChangeForm(prefix="pw")
    return render_template("profile/show.html", preferences=preferences, password=password), status


@bp.route("/profile/preferences", methods=["POST"])
def preferences():
    form = PreferencesForm(prefix="pref")
    if not form.validate_on_submit():
        return _render(preferences=form, status=422)
    current_user.language = form.language.data
    current_user.reminders_enabled = form.reminders_enabled.data
    session["lang"] = form.language.data
    db.session.commit()
    flash(_("Your preferences were saved."), "success")
    return redirect(url_for("profile.show"))


@bp.route("/profile/password", methods=["POST"])
def password():
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            current_user.set_password(form.new_password.data)  # ends every other session
            db.session.commit()
            start_session(current_user._get_current_object())  # keep this session, new token
            security_event("password_changed")
            flash(_("Your password was changed. Other sessions have been signed out."), "success")
            return redirect(url_for("profile.show"))
        form.current_password.errors.append(_("The current password is wrong."))
    return _render(password=form, status=422)
