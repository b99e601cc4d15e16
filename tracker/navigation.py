"""The navigation bar: each entry shows only for roles that may open it."""
from flask import current_app
from flask_login import current_user

from tracker import permissions
from tracker.i18n import lazy_gettext as _l

# (endpoint, label, predicate); entries whose endpoint is not registered are skipped.
NAV = [
    ("dashboard.index", _l("Dashboard"), permissions.can_view_dashboard),
    ("lists.my", _l("My tasks"), permissions.has_tasks),
    ("webinars.index", _l("Webinars"), lambda user: True),
    ("lists.items", _l("Action items"), lambda user: True),
    ("reports.index", _l("Reports"), permissions.can_view_dashboard),
    ("admin.users", _l("Users"), permissions.can_manage_users),
    ("settings.edit", _l("Settings"), permissions.can_manage_users),
    ("admin.non_working_days", _l("Days off"), permissions.can_manage_users),
    ("admin.deleted_items", _l("Deleted items"), permissions.can_manage_users),
]


def nav_items():
    """Navigation entries for the current user as (endpoint, label, visible)."""
    endpoints = current_app.view_functions
    return [
        (endpoint, label, endpoint in endpoints and predicate(current_user))
        for endpoint, label, predicate in NAV
    ]


def register(app) -> None:
    """Make nav_items available to every template."""
    app.jinja_env.globals["nav_items"] = nav_items
