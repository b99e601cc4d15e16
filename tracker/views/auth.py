"""Sign in and sign out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from tracker.audit import security_event
from tracker.extensions import db
from tracker.forms import LoginForm
from tracker.i18n import gettext as _
from tracker.models import User, utcnow
from tracker.security import public, start_session
from tracker.services.throttle import clear_failures, is_throttled, record_failure
from tracker.transactions import keep_despite_error
from tracker.urls import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in; failed attempts are counted per account and address, and too many are refused."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    username = form.username.data.strip().lower()
    address = request.remote_addr or "-"
    if is_throttled(username, address):
        security_event("login_throttled", username=username)
        form.form_errors.append(_("Too many failed sign-ins. Please wait 15 minutes and try again."))
        response = render_template("auth/login.html", form=form), 429
        return response[0], 429, {"Retry-After": "900"}
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    if user is not None and user.check_password(form.password.data):
        if not user.active:
            security_event("login_refused_inactive", username=username)
            form.form_errors.append(_("This account has been deactivated. Contact an administrator."))
            return render_template("auth/login.html", form=form), 401
        user.last_login_at = utcnow()
        clear_failures(username)
        start_session(user)
        security_event("login", username=username)
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    record_failure(username, address)
    keep_despite_error()  # the 401 below must not undo the count that throttles guessing
    security_event("login_failed", username=username)
    form.form_errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form), 401


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session and every other session of the user (the token is rotated)."""
    current_user.rotate_session_token()
    security_event("logout")
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))
