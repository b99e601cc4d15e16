"""One action item: create, detail with history, edit, status, comments, extension requests, delete, restore."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from tracker import status_drafts
from tracker.display import status_label, timeline_entries
from tracker.extensions import db
from tracker.forms import (
    CommentForm,
    DeleteItemForm,
    EvidenceForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ItemForm,
    RestoreItemForm,
    StatusForm,
)
from tracker.i18n import gettext as _
from tracker.models import ActionItem, ExtensionRequest, Webinar
from tracker.models.rules import evidence_is_final, may_move_due_date
from tracker.permissions import (
    can_assign,
    can_attach_evidence,
    can_comment,
    can_create_items,
    can_decide_extension,
    can_delete_item,
    can_edit_item,
    can_request_extension,
    can_restore_item,
    can_see_deleted,
    require,
    require_item,
)
from tracker.services import conflicts
from tracker.services.corrections import delete_item, restore_item
from tracker.services.deadline_extensions import decide_extension, request_extension
from tracker.services.errors import NotAllowed, ServiceError, StaleVersion
from tracker.services.evidence import files_of
from tracker.services.history import timeline
from tracker.services.horizon import current_horizon
from tracker.services.items import add_comment, create_item, people_by_ids, raw, update_item
from tracker.services.versions import parse_version
from tracker.services.workflow import allowed_moves, change_status
from tracker.transactions import discard
from tracker.urls import safe_next

bp = Blueprint("items", __name__, url_prefix="/items")


# Everything the item page shows but its history, built once (the id is a bound parameter). Supporters
# come in a second query: joining the association table makes SQLite scan all of it.
_ITEM_PAGE = (
    select(ActionItem)
    .options(
        joinedload(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.theme),
        joinedload(ActionItem.unit), joinedload(ActionItem.verified_by), joinedload(ActionItem.deleted_by),
        selectinload(ActionItem.supporters),
        joinedload(ActionItem.pending_extension).joinedload(ExtensionRequest.requested_by),
    )
    .where(ActionItem.id == bindparam("item_id"))
)


def get_item(item_id: int, *, deleted_ok: bool = False) -> ActionItem:
    """The item with everything its pages show, or 404.

    A deleted item is a 404 too, except where `deleted_ok` and the user may still see it (heads and
    administrators: its page, and the restore).
    """
    item = db.session.scalar(_ITEM_PAGE, {"item_id": item_id}) or abort(404)
    if not item.is_visible and not (deleted_ok and can_see_deleted(current_user)):
        abort(404)
    return item


def _correction_forms(item: ActionItem, delete_form=None, restore_form=None) -> dict:
    """The delete confirmation (heads, on a visible item) or the restore button (admins, on a deleted one)."""
    if item.is_visible and can_delete_item(current_user, item):
        delete_form = delete_form or DeleteItemForm(formdata=None)
        delete_form.version.data = item.version
        return {"delete_form": delete_form, "restore_form": None}
    if not item.is_visible and can_restore_item(current_user, item):
        restore_form = restore_form or RestoreItemForm(formdata=None)
        restore_form.version.data = item.version
        return {"delete_form": None, "restore_form": restore_form}
    return {"delete_form": None, "restore_form": None}


def render_detail(item: ActionItem, *, status_form=None, comment_form=None, extension_form=None,
                  decision_form=None, delete_form=None, restore_form=None, evidence_form=None,
                  error: str | None = None, code: int = 200):
    """The item page with the actions the current user may take, and only those (none on a deleted item)."""
    live = item.is_visible
    moves = allowed_moves(current_user, item) if live else []
    if status_form is None:
        status_form = _status_form(item)
    status_form.limit_to(moves)
    status_form.version.data = item.version
    pending = item.pending_extension
    history, history_more = timeline(item.id, everything=request.args.get("history") == "all")
    current_horizon()  # due badges read it: loaded now, not while the page renders
    g.tracker_shown_version = item.version  # a copy kept for offline reading names the version it shows
    return render_template(
        "items/detail.html",
        item=item,
        history=timeline_entries(history),
        history_more=history_more,
        moves=moves,
        status_form=status_form,
        # Only the forms this user is shown are built.
        comment_form=comment_form or (CommentForm(formdata=None)
                                      if live and can_comment(current_user, item) else None),
        extension_form=extension_form or (ExtensionForm(formdata=None) if live and not pending
                                          and can_request_extension(current_user, item) else None),
        decision_form=decision_form or (ExtensionDecisionForm(formdata=None) if live and pending
                                        and can_decide_extension(current_user, item) else None),
        **_correction_forms(item, delete_form, restore_form),
        evidence_files=files_of(item.id),
        evidence_form=evidence_form or (EvidenceForm(formdata=None) if live and can_attach_evidence(current_user, item)
                                        and not evidence_is_final(item) else None),
        pending=pending,
        error=error,
    ), code


def _status_form(item: ActionItem) -> StatusForm:
    """The status form: empty, or as the user sent it just before a refusal (status_drafts)."""
    draft = status_drafts.take(item.id)
    if draft is None:
        return StatusForm(formdata=None, version=item.version)
    form = StatusForm(formdata=None, status=draft["status"], note=draft["note"], evidence_url=draft["evidence_url"])
    for name, messages in draft["errors"].items():
        form[name].errors = list(messages)
    return form


def _refused(item: ActionItem, error: ServiceError, **forms):
    """Answer a refused change: nothing saved, the page shows the stored item and explains why.

    A message that has its place under a field is shown there only; the banner says what has none.
    """
    discard()
    item = get_item(item.id, deleted_ok=True)
    placed = False
    for form in forms.values():
        for field, message in error.fields.items():
            if field in form:
                form[field].errors = list(form[field].errors or []) + [message]
                placed = True
    banner = _("Please check the form.") if placed else error.message
    return render_detail(item, error=banner, code=error.status_code, **forms)


@bp.route("/<int:item_id>")
def detail(item_id: int):
    """The item with its history and the actions the current user may take (a deleted one: heads, admins)."""
    return render_detail(get_item(item_id, deleted_ok=True))


def _item_form(item: ActionItem | None = None, submitted: bool = False) -> ItemForm:
    """The item form: from the posted data, or showing the item as it is now."""
    if submitted:
        form = ItemForm()
    elif item is not None:
        form = ItemForm(formdata=None, obj=item)
        form.supporter_ids.data = [member.id for member in item.supporters]
        form.version.data = item.version
    else:
        form = ItemForm(formdata=None)
    form.load_choices(current_user.language)
    return form


@bp.route("/new", methods=["GET", "POST"])
@require(can_create_items)
def new():
    """Create an item (heads for anyone, members for themselves)."""
    form = _item_form(submitted=request.method == "POST")
    if request.method == "GET":
        form.webinar_id.data = request.args.get("webinar_id", type=int)
        form.owner_id.data = current_user.id if not can_assign(current_user) else None
    if form.validate_on_submit():
        webinar = db.session.get(Webinar, form.webinar_id.data) or abort(404)
        fields = form.item_fields()
        fields.pop("webinar_id")
        if not can_assign(current_user):
            fields["owner_id"] = current_user.id  # members create items they own themselves
        supporters = people_by_ids(form.supporter_ids.data) if can_assign(current_user) else []
        try:
            item = create_item(webinar, current_user, supporters=supporters, **fields)
        except ServiceError as error:
            form.add_refusal(error)
        else:
            flash(_("Item %(code)s created.", code=item.code), "success")
            return redirect(url_for("items.detail", item_id=item.id))
    code = 422 if form.errors else 200
    return render_template("items/form.html", form=form, item=None), code


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int):
    """Edit an item; a save from an outdated form shows what changed instead (409)."""
    item = get_item(item_id)
    require_item(can_edit_item, item)
    form = _item_form(item, submitted=request.method == "POST")
    code = 200
    if form.validate_on_submit():
        supporters = people_by_ids(form.supporter_ids.data) if can_assign(current_user) else None
        try:
            changed = update_item(item, current_user, version=form.version.data, supporters=supporters,
                                  **_edit_fields(form))
        except StaleVersion:
            discard()
            return _edit_conflict(item_id, form)
        except ServiceError as error:
            form.add_refusal(error)
            code = error.status_code  # a member moving the due date: 403, nothing saved
        else:
            if changed:
                flash(_("Item %(code)s saved.", code=item.code), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("items.detail", item_id=item.id))
    if code == 200 and form.errors:
        code = 422
    return render_template("items/form.html", form=form, item=item), code


def _edit_fields(form: ItemForm) -> dict:
    """The fields this user's edit form sends: no owner unless a head's; no due date unless sent.

    A member's form has no due-date field, so the date stays as it is; a due date a member sends
    anyway reaches the service, which refuses to move it (403) rather than ignoring it silently.
    """
    fields = form.item_fields()
    if not can_assign(current_user):
        fields.pop("owner_id")
    if not may_move_due_date(current_user) and "due_date" not in request.form:
        fields.pop("due_date")
    return fields


def _submitted_raw(form: ItemForm) -> dict:
    values = {name: raw(value) for name, value in _edit_fields(form).items()}
    if form.supporter_ids.data is not None and can_assign(current_user):
        values["supporters"] = ",".join(str(i) for i in sorted(form.supporter_ids.data))
    return values


def _edit_conflict(item_id: int, submitted: ItemForm):
    """409: show what the other person changed and offer the user's changes on top of theirs."""
    item = get_item(item_id)
    version = parse_version(submitted.version.data)
    merged, field_conflicts = conflicts.merge(item, version, _submitted_raw(submitted))
    current = conflicts.current_raw(item)
    form = _item_form(item)  # the item as it is now, with its current version
    for field, value in merged.items():
        if value != current[field]:  # a change of the user's: carry it over
            name = "supporter_ids" if field == "supporters" else field
            form[name].data = submitted[name].data
    return render_template(
        "items/form.html", form=form, item=item, conflict=True,
        changes=conflicts.changes_since(item, version), field_conflicts=field_conflicts,
    ), 409


def _status_refused(item: ActionItem, form: StatusForm, message: str, fields: dict[str, str] | None = None):
    """Answer a refused status form with a redirect, so that a refresh cannot post it again.

    From My tasks (`next`) the user goes back to the list with the reason; from the item page the
    form comes back filled in, with each message under its field (shown once, not also in a banner).
    """
    discard()
    errors = {name: list(messages) for name, messages in form.errors.items() if name in form}
    for name, field_message in (fields or {}).items():
        if name in form:
            errors.setdefault(name, []).append(field_message)
    back = safe_next(request.form.get("next"))
    if back:
        reason = " ".join(m for messages in errors.values() for m in messages) or message
        flash(_("%(code)s was not changed: %(reason)s", code=item.code, reason=reason), "danger")
        return redirect(f"{back}#task-{item.id}")
    status_drafts.keep(item.id, form.status.data, form.note.data, form.evidence_url.data, errors)
    flash(_("Please check the form.") if errors else message, "danger")
    return redirect(url_for("items.detail", item_id=item.id) + "#status-heading")


@bp.route("/<int:item_id>/status", methods=["POST"])
def status(item_id: int):
    """Move the item to another status the workflow allows for this user."""
    item = get_item(item_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _status_refused(item, form, _("Please check the form."))
    try:
        change_status(item, current_user, form.status.data, version=form.version.data,
                      note=form.note.data, evidence_url=form.evidence_url.data)
    except StaleVersion:
        discard()
        item = get_item(item_id)
        return render_template(
            "items/status_conflict.html", item=item, form=form,
            changes=conflicts.changes_since(item, parse_version(form.version.data)),
            still_allowed=form.status.data in [s.value for s in allowed_moves(current_user, item)],
        ), 409
    except NotAllowed as error:  # not this user's move: a 403 page, as for any forbidden action
        return _refused(item, error, status_form=form)
    except ServiceError as error:
        return _status_refused(item, form, error.message, error.fields)
    flash(_("%(code)s is now: %(status)s.", code=item.code, status=status_label(item.status)), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("items.detail", item_id=item.id))


@bp.route("/<int:item_id>/comments", methods=["POST"])
def comment(item_id: int):
    """Add a comment to the item's history."""
    item = get_item(item_id)
    form = CommentForm()
    form.validate_on_submit()  # the service says what is wrong with the body, in one place
    try:
        add_comment(item, current_user, form.body.data)
    except ServiceError as error:
        return _refused(item, error, comment_form=form)
    flash(_("Comment added."), "success")
    return redirect(url_for("items.detail", item_id=item.id) + "#riwayat")


@bp.route("/<int:item_id>/extension", methods=["POST"])
def extension(item_id: int):
    """The owner asks the heads for a later due date."""
    item = get_item(item_id)
    form = ExtensionForm()
    form.validate_on_submit()
    try:
        request_extension(item, current_user, form.new_due_date.data, form.reason.data)
    except ServiceError as error:
        return _refused(item, error, extension_form=form)
    flash(_("Your request for more time was sent to the heads."), "success")
    return redirect(url_for("items.detail", item_id=item.id))


@bp.route("/<int:item_id>/extension/<int:request_id>", methods=["POST"])
def decide(item_id: int, request_id: int):
    """A head approves or rejects a request for a later due date."""
    item = get_item(item_id)
    extension_request = db.session.get(ExtensionRequest, request_id)
    if extension_request is None or extension_request.item_id != item.id:
        abort(404)
    form = ExtensionDecisionForm()
    if not form.validate_on_submit():
        return render_detail(item, decision_form=form, error=_("Please check the form."), code=422)
    try:
        decide_extension(extension_request, current_user, form.decision.data == "approve", form.note.data)
    except ServiceError as error:
        return _refused(item, error, decision_form=form)
    if form.decision.data == "approve":
        flash(_("The new due date was approved."), "success")
    else:
        flash(_("The request was rejected."), "success")
    return redirect(url_for("items.detail", item_id=item.id))


@bp.route("/<int:item_id>/delete", methods=["POST"])
def delete(item_id: int):
    """Delete an item entered by mistake (heads and admins): a reason is required, version-checked."""
    item = get_item(item_id)
    require_item(can_delete_item, item)
    form = DeleteItemForm()
    if not form.validate_on_submit():
        return render_detail(item, delete_form=form, error=_("Please check the form."), code=422)
    try:
        delete_item(item, current_user, form.reason.data, version=form.version.data)
    except ServiceError as error:
        return _refused(item, error, delete_form=form)
    flash(_("%(code)s was deleted: it no longer appears in any list, figure or report.", code=item.code), "success")
    return redirect(url_for("items.detail", item_id=item.id))


@bp.route("/<int:item_id>/restore", methods=["POST"])
def restore(item_id: int):
    """Restore a deleted item (administrators), version-checked; it counts again everywhere."""
    item = get_item(item_id, deleted_ok=True)
    require_item(can_restore_item, item)
    form = RestoreItemForm()
    if not form.validate_on_submit():
        return render_detail(item, restore_form=form, error=_("Please check the form."), code=422)
    try:
        restore_item(item, current_user, version=form.version.data, note=form.note.data)
    except ServiceError as error:
        return _refused(item, error, restore_form=form)
    flash(_("%(code)s was restored.", code=item.code), "success")
    return redirect(url_for("items.detail", item_id=item.id))
