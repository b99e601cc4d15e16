"""The secret calendar feed, the profile's token buttons, and the admin's extra non-working days."""
from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from icalendar import Calendar, Event
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.forms.tokens import ApiTokenForm, NonWorkingDayForm
from tracker.i18n import show_date
from tracker.models import AccessToken, ActionItem, NonWorkingDay, TokenKind, User, item_supporters
from tracker.permissions import can_manage_users, require
from tracker.security import public
from tracker.services import tokens
from tracker.services.errors import ServiceError
from tracker.services.working_days import (
    add_non_working_day,
    delete_non_working_day,
    national_holidays,
    non_working_days,
)
from tracker.timeutil import local_today

bp = Blueprint("calendar", __name__)

NEW_SECRET_KEY = "new_token"  # session key: a secret shown once on the next profile page


# --- The feed ------------------------------------------------------------------------------


def calendar_items(user: User) -> list[ActionItem]:
    """The user's open items (owned or supported) that have a due date."""
    supported = select(item_supporters.c.item_id).where(item_supporters.c.user_id == user.id)
    return list(db.session.scalars(
        select(ActionItem)
        .where(or_(ActionItem.owner_id == user.id, ActionItem.id.in_(supported)),
               ActionItem.is_visible, ActionItem.is_open, ActionItem.due_date.is_not(None))
        .options(joinedload(ActionItem.webinar))
        .order_by(ActionItem.due_date, ActionItem.id)
    ))


def build_calendar(user: User, items: list[ActionItem]) -> bytes:
    """An iCalendar with one all-day event per item on its due date, linking back to the item."""
    base = current_app.config["BASE_URL"].rstrip("/")
    stamp = datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//BPSDM Sulawesi Barat//Tindak Lanjut//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Tindak Lanjut: %(name)s", name=user.full_name))
    calendar.add("x-wr-timezone", str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    for item in items:
        link = f"{base}/items/{item.id}"
        event = Event()
        event.add("uid", f"item-{item.id}@tindaklanjut")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)
        event.add("dtend", item.due_date + timedelta(days=1))
        event.add("summary", f"{item.code} {item.title}")
        event.add("url", link)
        event.add("description", _("Due date of %(code)s (Seri %(series)d). Open the item: %(url)s",
                                   code=item.code, series=item.webinar.series, url=link))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


@bp.route("/calendar/<string:token>.ics")
@public
def feed(token: str):
    """A user's deadlines for a calendar app; the secret in the URL is the only credential."""
    access = tokens.find_active(token, TokenKind.CALENDAR)
    if access is None:
        abort(404)
    user = access.user
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = build_calendar(user, calendar_items(user))
    if tokens.touch(access):
        db.session.commit()
    return body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="tindak-lanjut.ics"',
        "Cache-Control": "private, max-age=300",
    }


# --- Profile: API tokens and the calendar URL ----------------------------------------------


@bp.app_template_global()
def token_panel() -> dict:
    """What profile/_tokens.html shows: the user's tokens and a secret created just now (once)."""
    return {
        "api_tokens": tokens.user_tokens(current_user, TokenKind.API),
        "calendar": next(iter(tokens.user_tokens(current_user, TokenKind.CALENDAR)), None),
        "new": session.pop(NEW_SECRET_KEY, None),
        "api_form": ApiTokenForm(formdata=None, prefix="token"),
        "button_form": EmptyForm(formdata=None),
    }


def _show_once(kind: TokenKind, secret: str) -> None:
    value = secret if kind == TokenKind.API else url_for("calendar.feed", token=secret, _external=True)
    session[NEW_SECRET_KEY] = {"kind": kind.value, "value": value}


def _back():
    return redirect(url_for("profile.show") + "#tokens")


def _own_token(token_id: int, kind: TokenKind) -> AccessToken:
    """The current user's token, or 404 (another person's token does not exist for them)."""
    token = db.session.get(AccessToken, token_id)
    if token is None or token.user_id != current_user.id or token.kind != kind:
        abort(404)
    return token


@bp.route("/profile/tokens", methods=["POST"])
def create_api_token():
    form = ApiTokenForm(prefix="token")
    if not form.validate_on_submit():
        flash(_("A token name has at most %(max)d characters.", max=tokens.MAX_NAME), "danger")
        return _back()
    try:
        _token, secret = tokens.create_token(current_user, TokenKind.API, form.name.data)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return _back()
    db.session.commit()
    _show_once(TokenKind.API, secret)
    flash(_("API token created. Copy it now: it is shown only once."), "success")
    return _back()


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_api_token(token_id: int):
    token = _own_token(token_id, TokenKind.API)
    tokens.revoke(token, current_user)
    db.session.commit()
    flash(_("The API token was revoked."), "success")
    return _back()


@bp.route("/profile/calendar", methods=["POST"])
def create_calendar_url():
    _token, secret = tokens.create_token(current_user, TokenKind.CALENDAR)
    db.session.commit()
    _show_once(TokenKind.CALENDAR, secret)
    flash(_("Your calendar address was created. Copy it now: it is shown only once."), "success")
    return _back()


@bp.route("/profile/calendar/revoke", methods=["POST"])
def revoke_calendar_url():
    tokens.revoke_all(current_user, TokenKind.CALENDAR)
    db.session.commit()
    flash(_("Your calendar address was revoked; calendar apps can no longer read it."), "success")
    return _back()


# --- Admin: extra non-working days ---------------------------------------------------------


def _render_days(form: NonWorkingDayForm | None = None, status: int = 200):
    year = local_today().year
    return render_template(
        "admin/non_working_days.html",
        form=form or NonWorkingDayForm(formdata=None),
        days=non_working_days(),
        holidays=national_holidays(year) + national_holidays(year + 1),
        button_form=EmptyForm(formdata=None),
    ), status


@bp.route("/admin/non-working-days", methods=["GET", "POST"])
@require(can_manage_users)
def non_working_days_page():
    form = NonWorkingDayForm()
    if not form.validate_on_submit():
        return _render_days(form, 422 if form.errors else 200)
    try:
        row = add_non_working_day(current_user, form.day.data, form.description.data)
    except ServiceError as error:
        db.session.rollback()
        for field, message in error.fields.items():
            form[field].errors = list(form[field].errors or []) + [message]
        return _render_days(form, error.status_code)
    db.session.commit()
    flash(_("%(date)s is now a non-working day.", date=show_date(row.day)), "success")
    return redirect(url_for("calendar.non_working_days_page"))


@bp.route("/admin/non-working-days/<int:day_id>/delete", methods=["POST"])
@require(can_manage_users)
def delete_non_working_day_view(day_id: int):
    row = db.session.get(NonWorkingDay, day_id) or abort(404)
    delete_non_working_day(current_user, row)
    db.session.commit()
    flash(_("The non-working day was removed."), "success")
    return redirect(url_for("calendar.non_working_days_page"))
