"""Sign in and sign out."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.forms import LoginForm
from tracker.models import User, utcnow
from tracker.security import public
from tracker.urls import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.username) == form.username.data.strip().lower())
        )
        if user is not None and user.check_password(form.password.data) and user.active:
            user.last_login_at = utcnow()
            db.session.commit()
            language = session.get("lang")
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            if language:
                session["lang"] = language
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        if user is not None and user.active is False and user.check_password(form.password.data):
            form.form_errors.append(_("This account has been deactivated. Contact an administrator."))
        else:
            form.form_errors.append(_("Wrong username or password."))
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End this session and every other session of the user (the token is rotated)."""
    current_user.rotate_session_token()
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))
