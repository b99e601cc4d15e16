"""The JSON API's inbox (/api/v1/notifications), on the `api` blueprint of views/api.py."""
from flask import abort, jsonify, request, url_for
from flask_login import current_user

from tracker.i18n import gettext as _
from tracker.models import Notification
from tracker.security import public
from tracker.services import api_json, inbox
from tracker.services.errors import InvalidInput
from tracker.validation import positive_int
from tracker.views.api import bp

NOTIFICATION_ARGS = ("before", "unread")
TRUE_FALSE = {"1": True, "true": True, "0": False, "false": False}


def notification_json(notification: Notification) -> dict:
    """One notification as the API shows it: what happened (also in words), to which item, by whom."""
    item = notification.item
    return {
        "id": notification.id,
        "kind": notification.kind.value,
        "text": inbox.describe(notification),
        "detail": notification.detail,
        "item": {"id": item.id, "code": item.code, "title": item.title},
        "url": api_json.item_url(item),
        "actor": api_json.user_ref(notification.actor),
        "created_at": api_json.timestamp(notification.created_at),
        "read_at": api_json.timestamp(notification.read_at),
    }


def _query_args() -> tuple[int | None, bool]:
    """`before` (an id) and `unread` (true/false), or a 422 naming what is wrong."""
    problems = {str(name)[:100]: _("Unknown parameter.") for name in request.args if name not in NOTIFICATION_ARGS}
    before = request.args.get("before")
    if before is not None and positive_int(before) is None:
        problems["before"] = _("A notification id is a whole number from 1.")
    unread = request.args.get("unread", "false").lower()
    if unread not in TRUE_FALSE:
        problems["unread"] = _("Write true or false.")
    if problems:
        raise InvalidInput(_("Please check the parameters."), problems)
    return (positive_int(before) if before is not None else None), TRUE_FALSE[unread]


@bp.route("/notifications")
@public
def notifications():
    """The caller's notifications, newest first, a page at a time, with their unread count."""
    before, unread_only = _query_args()
    shown = inbox.page(current_user, before=before, unread_only=unread_only)
    following = (url_for("api.notifications", before=shown.next_before, unread="true" if unread_only else None)
                 if shown.next_before else None)
    return jsonify({"notifications": [notification_json(n) for n in shown.rows],
                    "unread": inbox.unread_count(current_user.id), "next": following})


@bp.route("/notifications/<api_id:notification_id>/read", methods=["POST"])
@public
def notification_read(notification_id: int):
    """Mark one of the caller's notifications read (another person's is a 404)."""
    found = inbox.own_notification(current_user, notification_id) if notification_id <= api_json.MAX_ID else None
    if found is None:
        abort(404)
    inbox.mark_read(found)
    return jsonify(notification_json(found))


@bp.route("/notifications/read-all", methods=["POST"])
@public
def notifications_read_all():
    """Mark every unread notification of the caller read."""
    return jsonify({"marked": inbox.mark_all_read(current_user), "unread": 0})
