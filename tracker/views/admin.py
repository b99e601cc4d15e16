"""Account administration for admins: list, create, edit, deactivate, reset password."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.audit import security_event
from tracker.extensions import db
from tracker.forms import EmptyForm, ResetPasswordForm, UserForm
from tracker.models import Role, Unit, User
from tracker.permissions import can_manage_users, require
from tracker.services.accounts import AccountError, create_user, update_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@require(can_manage_users)
def _admins_only():
    """Every page of this blueprint is for administrators."""


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _user_form(obj: User | None = None) -> UserForm:
    form = UserForm(obj=obj)
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.name))
    form.unit_id.choices = [(0, "–")] + [(unit.id, unit.name) for unit in units]
    if obj is not None and form.unit_id.data is None:
        form.unit_id.data = 0
    return form


def _profile_fields(form: UserForm) -> dict:
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
    accounts = db.session.scalars(select(User).order_by(User.active.desc(), User.full_name)).all()
    return render_template("admin/users.html", users=accounts, button_form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
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
                db.session.commit()
                flash(_("Account %(username)s created.", username=user.username), "success")
                return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
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
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            if form.password.data:
                user.set_password(form.password.data)
            db.session.commit()
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    user = _get_user(user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        update_user(user, role=user.role, active=False)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("admin.users")), 303
    db.session.commit()
    flash(_("Account %(username)s deactivated; its sessions have ended.", username=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = _get_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        db.session.commit()
        security_event("password_reset", target=user.username)
        flash(_("The password of %(username)s was reset.", username=user.username), "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/reset_password.html", form=form, user=user), status
