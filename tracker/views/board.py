"""The board (papan): the list's items by status; a card dragged to another column changes its status.

A move goes through the JSON API's status route (workflow rules, version check, CSRF header), so the
board obeys exactly what the item page and the API obey.
"""
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tracker.display import status_label
from tracker.i18n import gettext as _
from tracker.models import Status
from tracker.models.rules import COMPLETED
from tracker.services.board import board_columns
from tracker.services.horizon import current_horizon
from tracker.services.item_filter import ItemFilter
from tracker.services.workflow import REASON_REQUIRED

bp = Blueprint("board", __name__)


def board_texts() -> dict:
    """What board.js says, in the user's language ({name} marks a value the script fills in)."""
    return {
        "moving": _("Moving %(code)s…", code="{code}"),
        "moved": _("%(code)s is now: %(status)s.", code="{code}", status="{status}"),
        "refused": _("%(code)s was not moved: %(message)s", code="{code}", message="{message}"),
        "conflict": _("Someone else changed %(code)s meanwhile; it is now: %(status)s. Nothing was moved: "
                      "reload the board to see it, then decide.", code="{code}", status="{status}"),
        "offline": _("%(code)s was not moved: there is no connection. Try again when it returns.", code="{code}"),
        "signin": _("%(code)s was not moved: your session has ended. Sign in again, then move it.", code="{code}"),
        "dialog_title": _("Move %(code)s", code="{code}"),
        "statuses": {status.value: status_label(status) for status in Status},
    }


@bp.route("/board")
def index():
    """The board for the list filter in the query string: one column per status, first cards by due date."""
    item_filter, notices = ItemFilter.from_args(request.args)
    columns = board_columns(item_filter, current_user)
    current_horizon()  # due badges read it: loaded now, not while the page renders
    filter_args = item_filter.query_args()
    filter_args.pop("status", None)
    settings = {
        "api": url_for("api.item_status", item_id=1).replace("/1/", "/{id}/"),
        "needsNote": sorted(status.value for status in (*REASON_REQUIRED, Status.DONE)),
        "completed": [status.value for status in COMPLETED],  # moving one back to work needs a reason
        "reopen": Status.IN_PROGRESS.value,
        "csrf": generate_csrf(),
        "texts": board_texts(),
    }
    movable = any(moves for column in columns for moves in column.moves.values())
    return render_template("board/index.html", columns=columns, item_filter=item_filter, notices=notices,
                           list_args=item_filter.query_args(), filter_args=filter_args, settings=settings,
                           movable=movable)
