"""Sessions: Flask-Login with a per-user session token, the login wall, idle and absolute timeouts."""
import time
from functools import cache

from flask import Flask, current_app, flash, g, request, session
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy import bindparam, select

from tracker import navigation
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.models import TokenKind, User
from tracker.services import tokens

# Idle time is counted in whole minutes: a page refreshes the "last seen" mark when it is a minute old.
SEEN_AT_STEP = 60


def init_login(app: Flask, login_manager: LoginManager) -> None:
    """Every page requires login unless its view is marked public."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_token_user)
    app.before_request(_enforce_session_age)
    app.before_request(_require_login)


def load_user(session_id: str) -> User | None:
    """Find the user of a session id "<user id>:<session token>"; a stale token means no user."""
    if api_authorization() is not None:
        return None  # an API request that sends credentials is judged by them alone
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = db.session.execute(_user_with_badges(), {"user_id": int(user_id)}).one_or_none()
    if row is None or not row.User.active or row.User.session_token != token:
        return None
    navigation.keep_badges(row)
    return row.User


@cache
def _user_with_badges():
    """The user and the navigation's badge counts, one statement built once (the id is a bound parameter)."""
    return select(User, *navigation.badge_columns()).where(User.id == bindparam("user_id"))


def api_authorization() -> str | None:
    """The Authorization header of an API request (then its only credential), else None."""
    if request.blueprint != "api":
        return None
    return request.headers.get("Authorization")


def load_token_user(_request) -> User | None:
    """The user of a valid `Authorization: Bearer` API token (kept on g.api_token), else None."""
    header = api_authorization()
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    token = tokens.find_active(secret.strip(), TokenKind.API) if scheme.lower() == "bearer" else None
    if token is None:
        return None
    g.api_token = token
    return token.user


def start_session(user: User) -> None:
    """A fresh session at sign-in: nothing carried over from before but the language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user)
    session["signed_in_at"] = session["seen_at"] = int(time.time())


def public(view):
    """Mark a view as reachable without signing in."""
    view.is_public = True
    return view


def _enforce_session_age():
    """Sign out a session idle too long, or older than the absolute limit."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    now = int(time.time())
    config = current_app.config
    idle = now - session.get("seen_at", 0) > config["SESSION_IDLE_MINUTES"] * 60
    too_old = now - session.get("signed_in_at", 0) > config["SESSION_ABSOLUTE_HOURS"] * 3600
    if idle or too_old:
        logout_user()
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        flash(_("Your session has ended. Please sign in again."), "info")
        return None  # the login wall below sends the visitor to /login
    if now - session.get("seen_at", 0) >= SEEN_AT_STEP:
        session["seen_at"] = now  # at most once a minute, so most pages need not re-sign the cookie
    return None


def _require_login():
    """Send a visitor who is not signed in to the sign-in page, unless the view is public."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False) or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()


