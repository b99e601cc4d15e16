"""The JSON API (/api/v1): the same services, permissions and workflow as the web pages.

Callers authenticate with `Authorization: Bearer <token>` (a personal API token), or with the
signed-in session cookie, in which case writes need the `X-CSRFToken` header. Every error is JSON:
{"error": {"code", "message", "fields"}}.
"""

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
from tracker.models import ActionItem, Webinar
from tracker.models.rules import may_move_due_date, may_verify
from tracker.permissions import (
    can_assign,
    can_create_items,
    can_delete_item,
    can_manage_webinars,
    require,
)
from tracker.security import public
from tracker.services import api_json, tokens
from tracker.services.api_json import BodyError, item_json, parse_body, webinar_json
from tracker.services.errors import ServiceError, StaleVersion
from tracker.services.horizon import current_horizon
from tracker.services.openapi import openapi_document
from tracker.services.webinars import create_webinar, webinar_summaries
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
               412: "precondition_failed", 422: "invalid", 428: "precondition_required",
               429: "too_many_requests"}
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
        item = get_item(exc.item.id)
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


def read_body(spec) -> dict:
    """The JSON body checked against a spec (api_json.parse_body); deep nesting is refused."""
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # thousands of nested brackets: refuse, do not crash
        raise BodyError(_("The request body is nested too deeply.")) from None
    return parse_body(body, spec)


def get_item(item_id: int) -> ActionItem:
    """The item with everything its JSON shows, or 404 (a deleted item too: it leaves every API answer)."""
    if item_id > api_json.MAX_ID:  # no such id (and too large for SQLite to bind)
        abort(404)
    item = db.session.scalar(
        select(ActionItem)
        .options(joinedload(ActionItem.webinar), joinedload(ActionItem.owner), joinedload(ActionItem.theme),
                 joinedload(ActionItem.unit), selectinload(ActionItem.supporters))
        .where(ActionItem.id == item_id, ActionItem.is_visible)
    )
    return item or abort(404)


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
        # verify: done items they neither own nor support (four eyes); the item's allowed_statuses says it per item.
        "can": {"create_items": can_create_items(user), "assign": can_assign(user),
                "manage_webinars": can_manage_webinars(user), "verify": may_verify(user),
                "move_due_dates": may_move_due_date(user), "delete_items": can_delete_item(user)},
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
        select(ActionItem).where(ActionItem.webinar_id == found.id, ActionItem.is_visible)
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
    fields = read_body(api_json.WEBINAR_CREATE)
    created = create_webinar(current_user, **fields)
    return jsonify(webinar_json(created)), 201, {"Location": url_for("api.webinar", webinar_id=created.id)}


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

