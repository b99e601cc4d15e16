"""The navigation bar: each entry shows only for roles that may open it, some with a count badge.

Badges are counted before a page renders, never while it renders: the heads' queue and the person's
unread notifications are columns of the one query that loads the signed-in user (security.py), and
the queue is counted only for the people who see it.
"""
from flask import current_app, g, has_request_context, request, url_for
from flask_login import current_user
from sqlalchemy import case

from tracker import permissions
from tracker.i18n import language
from tracker.i18n import lazy_gettext as _l
from tracker.models import User
from tracker.models.rules import LEAD_ROLES
from tracker.services.decisions import Waiting, waiting_columns, waiting_counts, waiting_from
from tracker.services.inbox import unread_column, unread_count

# (endpoint, label, predicate); entries whose endpoint is not registered are skipped. A predicate
# looks at the user's role only: the menu is built once per role, language and mount point.
NAV = [
    ("dashboard.index", _l("Dashboard"), permissions.can_view_dashboard),
    ("decisions.index", _l("Needs decision"), permissions.is_lead),
    ("lists.my", _l("My tasks"), permissions.has_tasks),
    ("webinars.index", _l("Webinars"), lambda user: True),
    ("lists.items", _l("Action items"), lambda user: True),
    ("reports.index", _l("Reports"), permissions.can_view_dashboard),
    ("notifications.index", _l("Notifications"), lambda user: True),
    ("admin.users", _l("Users"), permissions.can_manage_users),
    ("settings.edit", _l("Settings"), permissions.can_manage_users),
    ("admin.non_working_days", _l("Days off"), permissions.can_manage_users),
    ("admin.deleted_items", _l("Deleted items"), permissions.can_manage_users),
]


def nav_items() -> tuple[tuple[str, str, str], ...]:
    """The current user's navigation entries as (endpoint, url, label), built once per role and language."""
    if not current_user.is_authenticated:
        return ()
    menus = current_app.extensions.setdefault("tracker_menus", {})
    key = (current_user.role, language().name, request.script_root)
    if key not in menus:
        endpoints = current_app.view_functions
        menus[key] = tuple(
            (endpoint, url_for(endpoint), str(label))
            for endpoint, label, predicate in NAV
            if endpoint in endpoints and predicate(current_user)
        )
    return menus[key]


def badge_columns() -> tuple:
    """The badge counts as columns of the query that loads the signed-in user (one query per page).

    The heads' queue counts are guarded by the role that sees them (0 for anyone else); the unread
    notifications are counted for everyone. Both are read before the request's work, so a page that a
    write renders without redirecting shows the counts from before it (every write here redirects).
    """
    leads = User.role.in_(LEAD_ROLES)
    waiting = tuple(case((leads, column.element), else_=0).label(column.name) for column in waiting_columns())
    return (*waiting, unread_column(User.id))


def keep_badges(row) -> None:
    """Remember the badge counts read along with the signed-in user for this request."""
    g.tracker_waiting = waiting_from(row)
    g.tracker_unread = int(row.unread or 0)


def waiting_decisions() -> Waiting | None:
    """What waits for a head's decision, counted once per request; None for everyone else."""
    if not has_request_context() or g.get("tracker_no_badges") or not permissions.is_lead(current_user):
        return None
    if "tracker_waiting" not in g:  # a user not loaded through the session (an API token)
        g.tracker_waiting = waiting_counts()
    return g.tracker_waiting


def unread_notifications() -> int:
    """The signed-in person's unread notifications, counted once per request (0 without badges)."""
    if not has_request_context() or g.get("tracker_no_badges") or not current_user.is_authenticated:
        return 0
    if "tracker_unread" not in g:  # a user not loaded through the session (an API token)
        g.tracker_unread = unread_count(current_user.id)
    return g.tracker_unread


def leave_out_badges() -> None:
    """This request's pages show no badges (error pages: the database may be what failed)."""
    g.tracker_no_badges = True


def nav_badges() -> dict:
    """Template context: the count shown next to a navigation entry, by endpoint."""
    waiting = waiting_decisions()
    badges = {"decisions.index": waiting.total} if waiting else {}
    unread = unread_notifications()
    if unread:
        badges["notifications.index"] = unread
    return {"nav_badges": badges}


def register(app) -> None:
    """Make nav_items available to every template and count the badges before each page renders."""
    app.jinja_env.globals["nav_items"] = nav_items
    app.context_processor(nav_badges)
