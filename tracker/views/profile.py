"""The signed-in user's own settings: language, reminders, password, API tokens and calendar address."""
from datetime import datetime
from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from tracker.audit import security_event
from tracker.extensions import db
from tracker.forms import EmptyForm, PasswordChangeForm, PreferencesForm
from tracker.forms.tokens import ApiTokenForm
from tracker.i18n import gettext as _
from tracker.models import AccessToken, TokenKind, User
from tracker.security import start_session
from tracker.services import tokens
from tracker.services.errors import ServiceError
from tracker.services.notifier import email_kinds
from tracker.services.sign_in import check_password, throttled_message
from tracker.transactions import discard
from tracker.urls import absolute_url

bp = Blueprint("profile", __name__)

NEW_SECRET_KEY = "new_token"  # session key: a secret shown once on the next profile page


class TokenRow(NamedTuple):
    """What the profile shows of a token (never its secret)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


def token_panel(user: User) -> dict:
    """What profile/_tokens.html shows: the user's tokens and a secret created just now (shown once)."""
    rows = {kind: [TokenRow(t.id, t.name, t.prefix, t.created_at, t.last_used_at)
                   for t in tokens.user_tokens(user, kind)] for kind in (TokenKind.API, TokenKind.CALENDAR)}
    return {
        "api_tokens": rows[TokenKind.API],
        "calendar": next(iter(rows[TokenKind.CALENDAR]), None),
        "new": session.pop(NEW_SECRET_KEY, None),
        "api_form": ApiTokenForm(formdata=None, prefix="token"),
        "button_form": EmptyForm(formdata=None),
    }


@bp.route("/profile", methods=["GET"])
def show():
    """The user's profile: preferences, password, API tokens and calendar address."""
    return _render()


def _render(preferences=None, password=None, status=200):
    """The profile page; everything it shows is worked out here, before the template renders."""
    preferences = preferences or PreferencesForm(
        prefix="pref", language=current_user.language, reminders_enabled=current_user.reminders_enabled,
        calendar_alarm_days=current_user.calendar_alarm_days,
        email_events=sorted(email_kinds(current_user)),
    )
    password = password or PasswordChangeForm(prefix="pw")
    return render_template("profile/show.html", preferences=preferences, password=password,
                           panel=token_panel(current_user)), status


@bp.route("/profile/preferences", methods=["POST"])
def preferences():
    """Save the language, whether reminders are e-mailed, which notifications are too, and the calendar's alarm."""
    form = PreferencesForm(prefix="pref")
    if not form.validate_on_submit():
        return _render(preferences=form, status=422)
    current_user.language = form.language.data
    current_user.reminders_enabled = form.reminders_enabled.data
    current_user.calendar_alarm_days = form.calendar_alarm_days.data
    current_user.email_events = ",".join(sorted(set(form.email_events.data or [])))
    session["lang"] = form.language.data
    flash(_("Your preferences were saved."), "success")
    return redirect(url_for("profile.show"))


@bp.route("/profile/password", methods=["POST"])
def password():
    """Change the password after checking the current one; other sessions end."""
    form = PasswordChangeForm(prefix="pw")
    if form.validate_on_submit():
        attempt = check_password(current_user.username, form.current_password.data, request.remote_addr or "-")
        if not attempt.verdict.allowed:
            form.current_password.errors.append(throttled_message(attempt.verdict))
            return _render(password=form, status=429)
        if attempt.ok and attempt.user.id == current_user.id:
            user = attempt.user
            user.set_password(form.new_password.data)  # ends every other session
            start_session(user)  # keep this session, new token
            security_event("password_changed")
            flash(_("Your password was changed. Other sessions have been signed out."), "success")
            return redirect(url_for("profile.show"))
        form.current_password.errors.append(_("The current password is wrong."))
    return _render(password=form, status=422)


# --- API tokens and the calendar address ---------------------------------------------------


def _show_once(kind: TokenKind, secret: str) -> None:
    """Keep a new secret for the next profile page, the only time it is shown."""
    value = secret if kind == TokenKind.API else absolute_url("calendar.feed", token=secret)  # never the Host header
    session[NEW_SECRET_KEY] = {"kind": kind.value, "value": value}


def _back():
    """Back to the tokens part of the profile page."""
    return redirect(url_for("profile.show") + "#tokens")


def _own_token(token_id: int, kind: TokenKind) -> AccessToken:
    """The current user's token, or 404 (another person's token does not exist for them)."""
    token = db.session.get(AccessToken, token_id)
    if token is None or token.user_id != current_user.id or token.kind != kind:
        abort(404)
    return token


@bp.route("/profile/tokens", methods=["POST"])
def create_api_token():
    """Create a personal API token; its secret is shown once."""
    form = ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        flash(_("A token name has at most %(max)d characters.", max=tokens.MAX_NAME), "danger")
        return _back()
    try:
        _token, secret = tokens.create_token(current_user, TokenKind.API, form.name.data)
    except ServiceError as error:
        discard()  # refused: the redirect below must not save anything
        flash(error.message, "danger")
        return _back()
    _show_once(TokenKind.API, secret)
    flash(_("API token created. Copy it now: it is shown only once."), "success")
    return _back()


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(token_id: int):
    """Revoke one of the user's API tokens."""
    tokens.revoke(_own_token(token_id, TokenKind.API), current_user)
    flash(_("The API token was revoked."), "success")
    return _back()


@bp.route("/profile/calendar", methods=["POST"])
def create_calendar_url():
    """Create the user's secret calendar address (the old one stops working); shown once."""
    _token, secret = tokens.create_token(current_user, TokenKind.CALENDAR)
    _show_once(TokenKind.CALENDAR, secret)
    flash(_("Your calendar address was created. Copy it now: it is shown only once."), "success")
    return _back()


@bp.route("/profile/calendar/revoke", methods=["POST"])
def revoke_calendar_url():
    """Revoke the user's calendar address."""
    tokens.revoke_all(current_user, TokenKind.CALENDAR)
    flash(_("Your calendar address was revoked; calendar apps can no longer read it."), "success")
    return _back()
