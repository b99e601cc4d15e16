"""The JSON API (/api/v1): the same services, permissions and workflow as the web pages.

Callers authenticate with `Authorization: Bearer <token>` (a personal API token), or with the
signed-in session cookie, in which case writes need the `X-CSRFToken` header. Every error is JSON:
{"error": {"code", "message", "fields"}}.
"""
import math

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, PathConverter
from wtforms.validators import ValidationError

from tracker import idempotency
from tracker.extensions import csrf, db
from tracker.i18n import gettext as _
from tracker.models import ActionItem, ItemHistory, User, Webinar
from tracker.models.rules import may_verify
from tracker.permissions import (
    can_assign,
    can_change_status,
    can_comment,
    can_create_items,
    can_edit_item,
    can_manage_webinars,
    require,
    require_item,
)
from tracker.security import public
from tracker.services import api_json, tokens
from tracker.services.api_json import BodyError, item_json, parse_body, webinar_json
from tracker.services.errors import InvalidInput, ServiceError, StaleVersion
from tracker.services.horizon import current_horizon
from tracker.services.item_filter import MAX_QUERY, ItemFilter
from tracker.services.item_pages import paginate
from tracker.services.items import add_comment, create_item, people_by_ids, update_item
from tracker.services.openapi import openapi_document
from tracker.services.webinars import create_webinar, webinar_summaries
from tracker.services.workflow import allowed_moves, change_status
from tracker.transactions import discard

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token requests carry no CSRF token; cookie writes are checked in _authenticate


class AnyNumberConverter(IntegerConverter):
    """Ids in API URLs: any digits match, so a number too large to be an id is a JSON 404 from the
    view (the app's own int converter refuses it while routing, which answers in HTML)."""


class AnyPathConverter(PathConverter):
    """The rest of an unknown API path, whatever characters it holds (even a newline)."""

    regex = r"[\s\S]+"
    part_isolating = False  # it spans slashes


@bp.record_once
def _add_converters(state) -> None:
    state.app.url_map.converters.setdefault("api_id", AnyNumberConverter)
    state.app.url_map.converters.setdefault("api_rest", AnyPathConverter)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
UNAUTHENTICATED_ENDPOINTS = {"api.openapi", "api.not_found"}
ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request",
               422: "invalid", 429: "too_many_requests"}
OVERDUE_VALUES = ("0", "1", "true", "false")
LIST_ARGS = ("webinar", "status", "owner", "theme", "unit", "priority", "overdue", "due_from", "due_to",
             "q", "sort", "page", "per_page")


def error(status: int, message: str, fields: dict | None = None, **extra):
    """A JSON error response: a code, a message in the user's language and the fields at fault."""
    body = {"error": {"code": ERROR_CODES.get(status, "error"), "message": message, "fields": fields or {}}}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tindak-lanjut"'
    return response


@bp.before_request
def _authenticate():
    """A Bearer token, else the signed-in session (with CSRF for writes), else 401."""
    if request.endpoint in UNAUTHENTICATED_ENDPOINTS:
        return None
    if request.headers.get("Authorization") is not None:
        # security.load_token_user made the token's user current_user (no session) and kept the token.
        token = g.get("api_token") if current_user.is_authenticated else None
        if token is None:
            return error(401, _("The API token is missing, wrong or revoked."))
        g.api_auth = "token"
        tokens.touch(token)
        return None
    if not current_user.is_authenticated:
        return error(401, _("Send an API token: Authorization: Bearer <token>."))
    g.api_auth = "session"
    if request.method not in SAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except ValidationError:
            return error(400, _("A request from a signed-in browser needs the X-CSRFToken header."))
    return None


idempotency.protect(bp, error)  # after _authenticate: a key is looked up for a known user


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    """A refused change as JSON (the boundary rolls it back); a conflict also shows the stored item."""
    if isinstance(exc, StaleVersion):
        discard()
        item = _get_item(exc.item.id)
        return error(409, exc.message, item=item_json(item, current_horizon()))
    return error(exc.status_code, exc.message, exc.fields)


@bp.errorhandler(BodyError)
def _body_error(exc: BodyError):
    return error(400, exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    messages = {
        400: _("The request could not be understood."),
        403: _("Your role does not allow this."),
        404: _("Not found."),
        405: _("This address does not accept this method."),
        413: _("What you sent is larger than the app accepts."),
    }
    return error(exc.code or 500, messages.get(exc.code, exc.description or ""))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    current_app.logger.exception("unhandled API error")
    return error(500, _("An unexpected error happened. It has been logged; please try again."))


def _body(spec) -> dict:
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # thousands of nested brackets: refuse, do not crash
        raise BodyError(_("The request body is nested too deeply.")) from None
    return parse_body(body, spec)


def _get_item(item_id: int) -> ActionItem:
    """The item with everything its JSON shows, or 404."""
    if item_id > api_json.MAX_ID:  # no such id (and too large for SQLite to bind)
        abort(404)
    item = db.session.scalar(
        select(ActionItem)
        .options(joinedload(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.theme),
                 joinedload(ActionItem.unit), selectinload(ActionItem.supporters))
        .where(ActionItem.id == item_id)
    )
    return item or abort(404)


def _item_detail(item: ActionItem) -> dict:
    history = db.session.scalars(
        select(ItemHistory).options(joinedload(ItemHistory.actor))
        .where(ItemHistory.item_id == item.id).order_by(ItemHistory.id)
    )
    data = item_json(item, current_horizon())
    data["history"] = [api_json.history_json(entry) for entry in history]
    data["allowed_statuses"] = [status.value for status in allowed_moves(current_user, item)]
    return data


# --- Me and webinars -----------------------------------------------------------------------


@bp.route("/me")
@public
def me():
    """The signed-in user (or token owner) and what they may do."""
    user = current_user
    return jsonify({
        "id": user.id, "username": user.username, "full_name": user.full_name, "email": user.email,
        "role": user.role.value, "language": user.language,
        "unit": {"id": user.unit.id, "name": user.unit.name} if user.unit else None,
        "auth": g.api_auth,
        "can": {"create_items": can_create_items(user), "assign": can_assign(user),
                "manage_webinars": can_manage_webinars(user), "verify": may_verify(user)},
    })


@bp.route("/webinars")
@public
def webinars():
    """Every webinar with its item figures."""
    rows = webinar_summaries()
    return jsonify({"webinars": [
        {**webinar_json(row.webinar),
         "figures": api_json.figures_json(row.items, row.verified, row.countable, row.overdue, row.completion)}
        for row in rows
    ]})


@bp.route("/webinars/<api_id:webinar_id>")
@public
def webinar(webinar_id: int):
    """One webinar and its items."""
    found = db.session.get(Webinar, webinar_id) if webinar_id <= api_json.MAX_ID else None
    if found is None:
        abort(404)
    items = db.session.scalars(
        select(ActionItem).where(ActionItem.webinar_id == found.id)
        .options(joinedload(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.theme),
                 joinedload(ActionItem.unit), selectinload(ActionItem.supporters))
        .order_by(ActionItem.number)
    ).all()
    horizon = current_horizon()
    return jsonify({**webinar_json(found), "items": [item_json(item, horizon) for item in items]})


@bp.route("/webinars", methods=["POST"])
@public
@require(can_manage_webinars)
def new_webinar():
    """Create a webinar (heads and admins)."""
    fields = _body(api_json.WEBINAR_CREATE)
    created = create_webinar(current_user, **fields)
    return jsonify(webinar_json(created)), 201, {"Location": url_for("api.webinar", webinar_id=created.id)}


# --- Items ---------------------------------------------------------------------------------


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
    page = paginate(item_filter, with_reference=True, exact=True)
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
    """One item with its supporters and history."""
    return jsonify(_item_detail(_get_item(item_id)))


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
    fields = _body(api_json.ITEM_CREATE)
    found = db.session.get(Webinar, fields.pop("webinar_id"))
    if found is None:
        message = _("Unknown webinar.")
        raise InvalidInput(message, {"webinar_id": message})
    supporters = _supporters(fields.pop("supporter_ids", None)) or []
    if "owner_id" not in fields and not can_assign(current_user):
        fields["owner_id"] = current_user.id  # members create items they own themselves
    created = create_item(found, current_user, supporters=supporters if can_assign(current_user) else [], **fields)
    return jsonify(_item_detail(_get_item(created.id))), 201, {"Location": url_for("api.item", item_id=created.id)}


@bp.route("/items/<api_id:item_id>", methods=["PATCH"])
@public
def edit_item(item_id: int):
    """Change an item's fields, version-checked."""
    found = _get_item(item_id)
    require_item(can_edit_item, found)
    fields = _body(api_json.ITEM_PATCH)
    version = fields.pop("version")
    supporters = _supporters(fields.pop("supporter_ids", None))
    changed = update_item(found, current_user, version=version, supporters=supporters, **fields)
    data = _item_detail(_get_item(item_id))
    data["changed"] = changed
    return jsonify(data)


@bp.route("/items/<api_id:item_id>/status", methods=["POST"])
@public
def item_status(item_id: int):
    """Move an item to another status, version-checked."""
    found = _get_item(item_id)
    require_item(can_change_status, found)
    fields = _body(api_json.STATUS_CHANGE)
    change_status(found, current_user, fields["status"], version=fields["version"],
                  note=fields.get("note"), evidence_url=fields.get("evidence_url"))
    return jsonify(_item_detail(_get_item(item_id)))


@bp.route("/items/<api_id:item_id>/comments", methods=["POST"])
@public
def item_comment(item_id: int):
    """Add a comment to an item."""
    found = _get_item(item_id)
    require_item(can_comment, found)
    fields = _body(api_json.COMMENT_CREATE)
    comment = add_comment(found, current_user, fields["body"])
    return jsonify({"id": comment.id, "item_id": found.id, "body": comment.body,
                    "author": api_json.user_ref(comment.author),
                    "created_at": api_json.timestamp(comment.created_at)}), 201


# --- The document and JSON 404/405 ---------------------------------------------------------


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.route("/", defaults={"anything": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<api_rest:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
def not_found(anything: str):
    """Unknown API addresses (and wrong methods on known ones) answer in JSON too."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = set()
    for method in ("GET", "POST", "PATCH"):
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "api.not_found":
            allowed.add(method)
    if allowed:
        response = error(405, _("This address does not accept this method."))
        response.headers["Allow"] = ", ".join(sorted(allowed))
        return response
    abort(404)
