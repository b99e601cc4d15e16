"""Who may do what: can_* predicates for views and templates, require_* helpers for views."""
from functools import wraps

from flask import abort
from flask_login import current_user

from tracker.models import Role, User


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def can_view_dashboard(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.ADMIN, Role.HEAD, Role.VIEWER)


def can_manage_webinars(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.ADMIN, Role.HEAD)


def has_tasks(user: User) -> bool:
    """Members and heads own items; viewers and admins only read or administer."""
    return user.is_authenticated and user.role in (Role.HEAD, Role.MEMBER)


def require(predicate):
    """Decorator: 403 unless predicate(current_user) holds."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def register_template_helpers(app) -> None:
    """Expose the predicates to templates so buttons hide exactly when the view would refuse."""
    app.jinja_env.globals.update(
        can_manage_users=can_manage_users,
        can_view_dashboard=can_view_dashboard,
        can_manage_webinars=can_manage_webinars,
        has_tasks=has_tasks,
    )
    from tracker.navigation import nav_items

    app.jinja_env.globals["nav_items"] = nav_items
