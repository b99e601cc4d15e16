"""The navigation bar: each entry shows only for roles that may open it, some with a count badge.

Badges are counted before a page renders (a context processor), never while it renders, and only
for the people who see them: a member's or a viewer's page runs no query for the heads' queue. Every
signed-in person's page runs one indexed COUNT of their unread notifications.
"""
from flask import current_app, g, has_request_context
from flask_login import current_user

from tracker import permissions
from tracker.i18n import lazy_gettext as _l
from tracker.services.decisions import Waiting, waiting_counts
from tracker.services.inbox import unread_count

# (endpoint, label, predicate); entries whose endpoint is not registered are skipped.
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


def nav_items():
    """Navigation entries for the current user as (endpoint, label, visible)."""
    endpoints = current_app.view_functions
    return [
        (endpoint, label, endpoint in endpoints and predicate(current_user))
        for endpoint, label, predicate in NAV
    ]


def waiting_decisions() -> Waiting | None:
    """What waits for a head's decision, counted once per request; None for everyone else."""
    if not has_request_context() or g.get("tracker_no_badges") or not permissions.is_lead(current_user):
        return None
    if "tracker_waiting" not in g:
        g.tracker_waiting = waiting_counts()
    return g.tracker_waiting


def unread_notifications() -> int:
    """The signed-in person's unread notifications, counted once per request (0 without badges)."""
    if not has_request_context() or g.get("tracker_no_badges") or not current_user.is_authenticated:
        return 0
    if "tracker_unread" not in g:
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
