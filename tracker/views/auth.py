"""Sign in and sign out."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from tracker.audit import security_event
from tracker.forms import LoginForm
from tracker.i18n import gettext as _
from tracker.models import utcnow
from tracker.security import public, start_session
from tracker.services.sign_in import check_password, throttled_message
from tracker.urls import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in; failures are throttled per account and address (services/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    attempt = check_password(form.username.data, form.password.data, request.remote_addr or "-")
    if not attempt.verdict.allowed:
        form.form_errors.append(throttled_message(attempt.verdict))
        headers = {"Retry-After": str(attempt.verdict.retry_after)}
        return render_template("auth/login.html", form=form), 429, headers
    if attempt.inactive:
        security_event("login_refused_inactive", username=attempt.user.username)
        form.form_errors.append(_("This account has been deactivated. Contact an administrator."))
        return render_template("auth/login.html", form=form), 401
    if not attempt.ok:
        form.form_errors.append(_("Wrong username or password."))
        return render_template("auth/login.html", form=form), 401
    attempt.user.last_login_at = utcnow()
    start_session(attempt.user)
    security_event("login", username=attempt.user.username)
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session and every other session of the user (the token is rotated)."""
    current_user.rotate_session_token()
    security_event("logout")
    logout_user()
    flash(_("You have signed out."), "success")
    response = redirect(url_for("auth.login"))
    # The phone forgets the pages and queued changes it kept for offline use (tracker/views/pwa.py).
    response.headers["Clear-Site-Data"] = '"storage"'
    return response
