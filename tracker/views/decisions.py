"""The decision queue (perlu keputusan): heads verify or reopen done items and decide extension requests."""
from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.display import status_label
from tracker.extensions import db
from tracker.forms import ItemDecisionForm, RequestDecisionForm, StatusForm
from tracker.i18n import gettext as _
from tracker.models import ExtensionRequest, Status
from tracker.navigation import waiting_decisions
from tracker.permissions import is_lead, require
from tracker.services import conflicts
from tracker.services.decisions import decide_request, queue_items, queue_requests, reopen, verify, verify_refusal
from tracker.services.errors import ServiceError, StaleVersion
from tracker.services.evidence import current_files_by_item
from tracker.services.versions import parse_version
from tracker.services.workflow import allowed_moves
from tracker.transactions import discard
from tracker.views.items import get_item

bp = Blueprint("decisions", __name__)


@dataclass
class Refusal:
    """A decision that was refused: which row, why, and what the head had typed (shown again)."""

    kind: str  # "item" or "request"
    row_id: int
    message: str
    fields: dict = field(default_factory=dict)
    note: str = ""


def render_queue(refusal: Refusal | None = None, code: int = 200):
    """The queue page: both kinds of waiting work, each oldest first, with the decisions a head may take."""
    waiting = waiting_decisions()
    items = queue_items(request.args.get("items_after"))
    requests = queue_requests(request.args.get("requests_after"))
    refusals = {item.id: verify_refusal(current_user, item) for item in items.rows}
    files = current_files_by_item([item.id for item in items.rows])  # the verifier sees the evidence first
    return render_template("decisions/index.html", waiting=waiting, items=items, requests=requests,
                           refusals=refusals, refusal=refusal, files=files), code


@bp.route("/decisions")
@require(is_lead)
def index():
    """What waits for a head's decision: done items to verify and extension requests, oldest first."""
    return render_queue()


def _refused(kind: str, row_id: int, error: ServiceError, note: str | None):
    """Nothing saved: the queue again from the stored state, the refusal next to its row."""
    discard()
    return render_queue(Refusal(kind, row_id, error.message, error.fields, note or ""), error.status_code)


@bp.route("/decisions/items/<int:item_id>", methods=["POST"])
@require(is_lead)
def decide_item(item_id: int):
    """Verify a done item, or reopen it with a note, on the version the head saw."""
    item = get_item(item_id)
    form = ItemDecisionForm()
    if not form.validate_on_submit():
        return _refused("item", item.id, ServiceError(_("Please check the form.")), form.note.data)
    decide = verify if form.action.data == "verify" else reopen
    try:
        decide(item, current_user, version=form.version.data, note=form.note.data)
    except StaleVersion:
        discard()
        return _item_conflict(item_id, form)
    except ServiceError as error:
        return _refused("item", item.id, error, form.note.data)
    if item.status == Status.VERIFIED:
        flash(_("%(code)s is verified.", code=item.code), "success")
    else:
        flash(_("%(code)s was reopened: %(status)s.", code=item.code, status=status_label(item.status)), "success")
    return redirect(url_for("decisions.index"))


def _item_conflict(item_id: int, form: ItemDecisionForm):
    """409: the item page's status conflict: what changed, and the head's decision offered again."""
    item = get_item(item_id)
    target = Status.VERIFIED if form.action.data == "verify" else Status.IN_PROGRESS
    status_form = StatusForm(formdata=None, status=target.value, note=form.note.data)
    return render_template(
        "items/status_conflict.html", item=item, form=status_form,
        changes=conflicts.changes_since(item, parse_version(form.version.data)),
        still_allowed=item.is_done and target in allowed_moves(current_user, item),
        back_url=url_for("decisions.index"),
    ), 409


def _get_request(request_id: int) -> ExtensionRequest:
    """The extension request with its item, or 404 (also when its item is not shown at all)."""
    extension = db.session.get(ExtensionRequest, request_id)
    if extension is None:
        abort(404)
    get_item(extension.item_id)  # 404 when the item is not there to be shown
    return extension


@bp.route("/decisions/requests/<int:request_id>", methods=["POST"])
@require(is_lead)
def decide_extension_request(request_id: int):
    """Approve an extension request, or reject it with a note, on the item version the head saw."""
    extension = _get_request(request_id)
    form = RequestDecisionForm()
    if not form.validate_on_submit():
        return _refused("request", extension.id, ServiceError(_("Please check the form.")), form.note.data)
    approve = form.decision.data == "approve"
    try:
        decide_request(extension, current_user, approve=approve, note=form.note.data, version=form.version.data)
    except StaleVersion:
        discard()
        return _request_conflict(request_id, form)
    except ServiceError as error:
        return _refused("request", extension.id, error, form.note.data)
    code = extension.item.code
    if approve:
        flash(_("The new due date of %(code)s was approved.", code=code), "success")
    else:
        flash(_("The extension request for %(code)s was rejected.", code=code), "success")
    return redirect(url_for("decisions.index"))


def _request_conflict(request_id: int, form: RequestDecisionForm):
    """409: what changed on the item since the head opened the queue, and the decision offered again."""
    extension = _get_request(request_id)
    item = get_item(extension.item_id)
    return render_template(
        "decisions/request_conflict.html", item=item, extension=extension, form=form,
        changes=conflicts.changes_since(item, parse_version(form.version.data)),
    ), 409
