"""Session handling: Flask-Login wiring with a per-user session token."""
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from tracker.extensions import db
from tracker.models import User


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Every page requires login unless its view is marked public."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.before_request(_require_login)


def load_user(session_id: str) -> User | None:
    """Find the user of a session id "<user id>:<session token>"; a stale token means no user."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def public(view):
    """Mark a view as reachable without signing in."""
    view.is_public = True
    return view


def _require_login():
    from flask import current_app, request
    from flask_login import current_user

    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()
