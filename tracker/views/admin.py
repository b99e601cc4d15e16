"""Administration: accounts (list, create, edit, deactivate, reset password), extra non-working days, deleted items."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.audit import security_event
from tracker.extensions import db
from tracker.forms import EmptyForm, ResetPasswordForm, UserForm
from tracker.forms.tokens import NonWorkingDayForm
from tracker.i18n import gettext as _
from tracker.i18n import show_date
from tracker.models import NonWorkingDay, Role, Unit, User
from tracker.permissions import can_manage_users, require
from tracker.services import corrections, working_days
from tracker.services.accounts import AccountError, create_user, update_user
from tracker.services.errors import ServiceError
from tracker.services.throttle import accounts_under_attack
from tracker.timeutil import local_today
from tracker.transactions import discard

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@require(can_manage_users)
def _admins_only():
    """Every page of this blueprint is for administrators."""


def _get_user(user_id: int) -> User:
    """The account, or 404."""
    return db.session.get(User, user_id) or abort(404)


def _user_form(obj: User | None = None) -> UserForm:
    """The account form with the active units to choose from."""
    form = UserForm(obj=obj)
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name))
    form.unit_id.choices = [(0, "–")] + [(unit.id, unit.name) for unit in units]
    if obj is not None and form.unit_id.data is None:
        form.unit_id.data = 0
    return form


def _profile_fields(form: UserForm) -> dict:
    """The submitted profile fields, tidied (blank optional fields become None)."""
    return {
        "full_name": form.full_name.data.strip(),
        "email": (form.email.data or "").strip() or None,
        "nip": (form.nip.data or "").replace(" ", "") or None,
        "position": (form.position.data or "").strip() or None,
        "unit_id": form.unit_id.data or None,
        "language": form.language.data,
    }


@bp.route("/users")
def users():
    """Every account, active ones first, and the accounts under a distributed sign-in attack."""
    accounts = db.session.scalars(
        select(User).options(joinedload(User.unit)).order_by(User.active.desc(), User.full_name)
    ).all()
    return render_template("admin/users.html", users=accounts, button_form=EmptyForm(),
                           under_attack=accounts_under_attack())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account with a first password."""
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A new account needs a password."))
        else:
            try:
                user = create_user(
                    form.username.data,
                    form.full_name.data,
                    form.password.data,
                    role=Role(form.role.data),
                    active=form.active.data,
                    **{k: v for k, v in _profile_fields(form).items() if k != "full_name"},
                )
            except AccountError as error:
                form.username.errors.append(str(error))
            else:
                flash(_("Account %(username)s created.", username=user.username), "success")
                return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change an account's profile, role, status or password."""
    user = _get_user(user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            update_user(
                user,
                role=Role(form.role.data),
                active=form.active.data,
                username=form.username.data.strip().lower(),
                **_profile_fields(form),
            )
        except AccountError as error:
            form.form_errors.append(str(error))
        else:
            if form.password.data:
                user.set_password(form.password.data)
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    """Deactivate an account; its sessions end at once."""
    user = _get_user(user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        update_user(user, role=user.role, active=False)
    except AccountError as error:
        discard()  # refused: the redirect below must not save anything
        flash(str(error), "danger")
        return redirect(url_for("admin.users")), 303
    flash(_("Account %(username)s deactivated; its sessions, API tokens and calendar links have ended.",
            username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    """Set a new password for an account; its sessions end."""
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        security_event("password_reset", target=user.username)
        flash(_("The password of %(username)s was reset.", username=user.username), "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/reset_password.html", form=form, user=user), status


# --- Extra non-working days ----------------------------------------------------------------


def _render_days(form: NonWorkingDayForm | None = None, status: int = 200):
    """The non-working days page: the extra days, this year's and next year's national holidays."""
    year = local_today().year
    return render_template(
        "admin/non_working_days.html",
        form=form or NonWorkingDayForm(formdata=None),
        days=working_days.non_working_days(),
        holidays=working_days.national_holidays(year) + working_days.national_holidays(year + 1),
        button_form=EmptyForm(formdata=None),
    ), status


@bp.route("/non-working-days", methods=["GET", "POST"])
def non_working_days():
    """List the extra non-working days and add one (deadlines in working days skip them)."""
    form = NonWorkingDayForm()
    if not form.validate_on_submit():
        return _render_days(form, 422 if form.errors else 200)
    try:
        row = working_days.add_non_working_day(current_user, form.day.data, form.description.data)
    except ServiceError as error:
        for field, message in error.fields.items():
            form[field].errors = list(form[field].errors or []) + [message]
        return _render_days(form, error.status_code)
    flash(_("%(date)s is now a non-working day.", date=show_date(row.day)), "success")
    return redirect(url_for("admin.non_working_days"))


@bp.route("/non-working-days/<int:day_id>/delete", methods=["POST"])
def delete_non_working_day(day_id: int):
    """Remove an extra non-working day."""
    row = db.session.get(NonWorkingDay, day_id) or abort(404)
    working_days.delete_non_working_day(current_user, row)
    flash(_("The non-working day was removed."), "success")
    return redirect(url_for("admin.non_working_days"))


# --- Corrections ---------------------------------------------------------------------------


@bp.route("/deleted-items")
def deleted_items():
    """The items deleted as entered by mistake, newest deletion first, each with a restore button."""
    return render_template("admin/deleted_items.html", items=corrections.deleted_items(),
                           limit=corrections.DELETED_LIST_LIMIT)
