"""The signed-in person's inbox (/notifications): what happened to their items, marked read one by one or all.

Posts are CSRF-checked by the app-wide CSRFProtect; each person reaches only their own notifications.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.forms import EmptyForm
from tracker.i18n import gettext as _
from tracker.navigation import unread_notifications
from tracker.services import inbox

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("")
def index():
    """The inbox, newest first, a page at a time (`before`: the last id of the previous page)."""
    shown = inbox.page(current_user, before=request.args.get("before"))
    entries = [(notification, inbox.describe(notification)) for notification in shown.rows]
    return render_template("notifications/index.html", entries=entries, next_before=shown.next_before,
                           paged=request.args.get("before") is not None, form=EmptyForm(formdata=None),
                           unread=unread_notifications())


@bp.route("/<int:notification_id>/read", methods=["POST"])
def read(notification_id: int):
    """Mark one notification read; with `open`, go on to its item."""
    notification = inbox.own_notification(current_user, notification_id) or abort(404)
    inbox.mark_read(notification)
    if request.form.get("open") and notification.item.is_visible:
        return redirect(url_for("items.detail", item_id=notification.item_id))
    return redirect(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
def read_all():
    """Mark every unread notification read."""
    count = inbox.mark_all_read(current_user)
    flash(_("%(count)d notification(s) marked as read.", count=count), "success")
    return redirect(url_for("notifications.index"))
