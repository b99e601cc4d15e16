"""The JSON API's item routes (/api/v1/items…), on the `api` blueprint of views/api.py.

Item answers carry an `ETag` (the item's id and version); PATCH and status changes honour
`If-Match` (412 when the item changed since), beside the `version` field of the body. Answers carry
no history: it is its own paginated resource, /items/<id>/history.
"""
import math

from flask import abort, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, ItemHistory, User, Webinar
from tracker.permissions import (
    can_assign,
    can_attach_evidence,
    can_change_status,
    can_comment,
    can_create_items,
    can_edit_item,
    require,
    require_item,
)
from tracker.security import public
from tracker.services import api_json, evidence
from tracker.services.api_json import item_json
from tracker.services.errors import InvalidInput
from tracker.services.horizon import current_horizon
from tracker.services.item_filter import MAX_QUERY, ItemFilter
from tracker.services.item_pages import paginate_search
from tracker.services.items import add_comment, create_item, people_by_ids, update_item
from tracker.services.workflow import allowed_moves, change_status
from tracker.validation import MAX_ID, positive_int
from tracker.views.api import LIST_ARGS, OVERDUE_VALUES, bp, error, get_item, read_body

HISTORY_PAGE, HISTORY_PAGE_MAX = 50, 200


def etag_of(item: ActionItem) -> str:
    """The item's entity tag: it changes with every saved change (the version)."""
    return f"{item.id}-{item.version}"


def item_detail(item: ActionItem) -> dict:
    """One item as the API shows it: fields, allowed moves and current evidence files (no history)."""
    data = item_json(item, current_horizon())
    data["allowed_statuses"] = [status.value for status in allowed_moves(current_user, item)]
    data["evidence_files"] = [api_json.evidence_json(file) for file in evidence.files_of(item.id) if file.is_current]
    data["history_url"] = url_for("api.item_history", item_id=item.id)
    return data


def _answer(item_id: int, status: int = 200, **extra):
    """The item as stored now, with its ETag (read again: the answer shows what was saved)."""
    stored = get_item(item_id)
    response = jsonify({**item_detail(stored), **extra})
    response.status_code = status
    response.set_etag(etag_of(stored))
    return response


def _checked_version(item: ActionItem, fields: dict) -> int:
    """The version a change was made on: from If-Match (412 when stale) or from the body's `version`."""
    if request.if_match:
        if not request.if_match.contains(etag_of(item)) and not request.if_match.star_tag:
            abort(error(412, _("The item changed since you read it. Read it again, then decide."),
                        item=item_json(item, current_horizon())))
        return fields.pop("version", None) or item.version
    if fields.get("version") is None:
        message = _("This field is required.")
        raise InvalidInput(message, {"version": message})
    return fields.pop("version")


def _filter() -> ItemFilter:
    """The /items filter; in the API a value the list page would ignore is a 422 instead."""
    problems = {str(name)[:100]: _("Unknown filter.") for name in request.args if name not in LIST_ARGS}
    for name in LIST_ARGS:
        values = request.args.getlist(name)
        if any("\x00" in value for value in values):
            problems[name] = _("Unexpected characters.")
            continue
        if any(not value.strip() for value in values):
            problems[name] = _("Leave out a filter that has no value.")
        elif name == "overdue" and any(value not in OVERDUE_VALUES for value in values):
            problems[name] = _("Use overdue=1 or overdue=0.")
        elif name == "q" and any(len(value) > MAX_QUERY for value in values):
            problems[name] = _("The search text has at most %(max)d characters.", max=MAX_QUERY)
        elif values:
            _ignored, notices = ItemFilter.from_args(_Args({name: values}))
            if notices:
                problems[name] = " ".join(notices)
    if problems:
        raise InvalidInput(_("Please check the filter."), problems)
    item_filter, _notices = ItemFilter.from_args(request.args)
    return item_filter


class _Args(dict):
    """A minimal MultiDict for ItemFilter.from_args (get returns the first value)."""

    def get(self, name, default=None):
        values = super().get(name)
        return values[0] if values else default

    def getlist(self, name):
        return super().get(name, [])


@bp.route("/items")
@public
def items():
    """A page of items matching the list filter, with exact totals."""
    item_filter = _filter()
    page, _searched, _correction = paginate_search(item_filter, with_reference=True, exact=True)
    if page.items:  # supporters of the whole page in one query
        db.session.scalars(select(ActionItem).where(ActionItem.id.in_([i.id for i in page.items]))
                           .options(selectinload(ActionItem.supporters))).all()
    horizon = current_horizon()
    return jsonify({
        "items": [item_json(item, horizon) for item in page.items],
        "page": page.page, "per_page": page.per_page, "total": page.total,
        "pages": max(1, math.ceil(page.total / page.per_page)),
    })


@bp.route("/items/<api_id:item_id>")
@public
def item(item_id: int):
    """One item with its supporters and evidence files, and its ETag (304 when If-None-Match still holds)."""
    return _answer(item_id).make_conditional(request)


@bp.route("/items/<api_id:item_id>/history")
@public
def item_history(item_id: int):
    """An item's history, oldest first, a page at a time (`after`: the last id seen; `limit` ≤ 200)."""
    found = get_item(item_id)
    after, limit = _history_page_args()
    entries = db.session.scalars(
        select(ItemHistory).options(joinedload(ItemHistory.actor))
        .where(ItemHistory.item_id == found.id, ItemHistory.id > after)
        .order_by(ItemHistory.id).limit(limit + 1)
    ).all()
    more = len(entries) > limit
    entries = entries[:limit]
    following = url_for("api.item_history", item_id=found.id, after=entries[-1].id, limit=limit) if more else None
    return jsonify({"history": [api_json.history_json(entry) for entry in entries], "next": following})


def _history_page_args() -> tuple[int, int]:
    """`after` and `limit` of a history page; a value that is not a whole number in range is a 422."""
    values, problems = {}, {}
    for name, maximum, default in (("after", MAX_ID, 0), ("limit", HISTORY_PAGE_MAX, HISTORY_PAGE)):
        raw = request.args.get(name)
        values[name] = default if raw is None else positive_int(raw, maximum)
        if values[name] is None:
            problems[name] = _("Expected a whole number from %(min)d to %(max)d.", min=1, max=maximum)
    if problems:
        raise InvalidInput(_("Please check the filter."), problems)
    return values["after"], values["limit"]


def _supporters(ids: list[int] | None) -> list[User] | None:
    """The chosen supporting members; an id that is not an active member or head is refused."""
    if ids is None:
        return None
    people = people_by_ids(ids)
    if len(people) != len(ids) or any(not p.may_own for p in people):
        message = _("Choose active members or heads as supporting members.")
        raise InvalidInput(message, {"supporter_ids": message})
    return people


@bp.route("/items", methods=["POST"])
@public
@require(can_create_items)
def new_item():
    """Create an item (the same rules as the form)."""
    fields = read_body(api_json.ITEM_CREATE)
    found = db.session.get(Webinar, fields.pop("webinar_id"))
    if found is None:
        message = _("Unknown webinar.")
        raise InvalidInput(message, {"webinar_id": message})
    supporters = _supporters(fields.pop("supporter_ids", None)) or []
    if "owner_id" not in fields and not can_assign(current_user):
        fields["owner_id"] = current_user.id  # members create items they own themselves
    created = create_item(found, current_user, supporters=supporters if can_assign(current_user) else [], **fields)
    response = _answer(created.id, 201)
    response.headers["Location"] = url_for("api.item", item_id=created.id)
    return response


@bp.route("/items/<api_id:item_id>", methods=["PATCH"])
@public
def edit_item(item_id: int):
    """Change an item's fields, version-checked."""
    found = get_item(item_id)
    require_item(can_edit_item, found)
    fields = read_body(api_json.ITEM_PATCH)
    version = _checked_version(found, fields)
    supporters = _supporters(fields.pop("supporter_ids", None))
    changed = update_item(found, current_user, version=version, supporters=supporters, **fields)
    db.session.expire(found)  # a changed owner_id: the answer shows the new owner, not the one loaded before
    return _answer(item_id, changed=changed)


@bp.route("/items/<api_id:item_id>/status", methods=["POST"])
@public
def item_status(item_id: int):
    """Move an item to another status, version-checked."""
    found = get_item(item_id)
    require_item(can_change_status, found)
    fields = read_body(api_json.STATUS_CHANGE)
    change_status(found, current_user, fields["status"], version=_checked_version(found, fields),
                  note=fields.get("note"), evidence_url=fields.get("evidence_url"))
    return _answer(item_id)


@bp.route("/items/<api_id:item_id>/comments", methods=["POST"])
@public
def item_comment(item_id: int):
    """Add a comment to an item."""
    found = get_item(item_id)
    require_item(can_comment, found)
    fields = read_body(api_json.COMMENT_CREATE)
    comment = add_comment(found, current_user, fields["body"])
    return jsonify({"id": comment.id, "item_id": found.id, "body": comment.body,
                    "author": api_json.user_ref(comment.author),
                    "created_at": api_json.timestamp(comment.created_at)}), 201


@bp.route("/items/<api_id:item_id>/evidence", methods=["POST"])
@public
def item_evidence(item_id: int):
    """Attach an evidence file (multipart/form-data: `file`, optional `note`)."""
    found = get_item(item_id)
    require_item(can_attach_evidence, found)
    stored = evidence.attach(found, current_user, request.files.get("file"), request.form.get("note"))
    return jsonify(api_json.evidence_json(stored)), 201
