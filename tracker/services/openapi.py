"""The OpenAPI 3.1 document of /api/v1, built from the same field specs the API checks bodies with."""
from flask import current_app

from tracker.models import HistoryKind, Priority, Role, Status
from tracker.services import api_json, evidence, file_types
from tracker.services.item_filter import MAX_PAGE, MAX_QUERY, PER_PAGE_CHOICES, SORTS
from tracker.services.openapi_notifications import notification_paths, notification_schemas

MAX_ID = api_json.MAX_ID


def _nullable(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]} if "type" in schema else {"anyOf": [schema, {"type": "null"}]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _field_schema(field: api_json.Field) -> dict:
    """The JSON Schema of one request field, exactly what api_json.parse_body accepts."""
    if field.kind == "integer":
        schema = {"type": "integer", "minimum": field.minimum, "maximum": field.maximum}
    elif field.kind == "string":
        schema = {"type": "string", "maxLength": field.max_length}
    elif field.kind == "enum":
        schema = {"type": "string", "enum": list(field.choices)}
    elif field.kind == "date":
        schema = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    else:  # id_list
        schema = {"type": "array", "maxItems": api_json.MAX_SUPPORTERS,
                  "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
    return _nullable(schema) if field.nullable else schema


def _body_schema(spec: dict[str, api_json.Field]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _field_schema(field) for name, field in spec.items()},
        "required": [name for name, field in spec.items() if field.required],
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIMESTAMP = {"type": "string", "format": "date-time"}
NULLABLE_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
INTEGER = {"type": "integer"}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


def _item_schema() -> dict:
    """The Item schema: one action item as the API returns it."""
    return _object({
        "id": INTEGER, "code": STRING, "title": STRING, "description": NULLABLE_STRING, "source": NULLABLE_STRING,
        "webinar": _object({"id": INTEGER, "series": INTEGER, "title": STRING}),
        "theme": {"anyOf": [_object({"id": INTEGER, "slug": STRING, "name": STRING}), {"type": "null"}]},
        "unit": {"anyOf": [_object({"id": INTEGER, "name": STRING}), {"type": "null"}]},
        "owner": {"anyOf": [_ref("UserRef"), {"type": "null"}]},
        "supporters": {"type": "array", "items": _ref("UserRef")},
        "priority": {"type": "string", "enum": [p.value for p in Priority]},
        "status": {"type": "string", "enum": [s.value for s in Status]},
        "status_note": NULLABLE_STRING,
        "due_date": NULLABLE_DATE,
        "overdue": {"type": "boolean"},
        "due_soon": {"type": "boolean"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "evidence_url": NULLABLE_STRING,
        "version": INTEGER,
        "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
        "completed_at": NULLABLE_TIMESTAMP, "verified_at": NULLABLE_TIMESTAMP,
        "url": {"type": "string", "format": "uri"},
    })


def _evidence_schema() -> dict:
    """An evidence file (bukti dukung) as the API lists it; `url` downloads it."""
    return _object({
        "id": INTEGER, "name": STRING,
        "media_type": {"type": "string", "enum": list(file_types.EXTENSIONS)},
        "size": {"type": "integer", "minimum": 1}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "uploaded_by": {"anyOf": [_ref("UserRef"), {"type": "null"}]}, "uploaded_at": TIMESTAMP,
        "note": NULLABLE_STRING, "url": {"type": "string", "format": "uri"},
    })


def _item_schemas() -> dict:
    """Schemas of items, their history and pages of items."""
    history = _object({
        "id": INTEGER, "kind": {"type": "string", "enum": [k.value for k in HistoryKind]},
        "field": NULLABLE_STRING, "old_value": NULLABLE_STRING, "new_value": NULLABLE_STRING,
        "old_label": NULLABLE_STRING, "new_label": NULLABLE_STRING, "note": NULLABLE_STRING,
        "actor": {"anyOf": [_ref("UserRef"), {"type": "null"}]},
        "item_version": {"type": ["integer", "null"]}, "created_at": TIMESTAMP,
    })
    item_detail = {"allOf": [_ref("Item"), _object({
        "history_url": {"type": "string", "description": "The item's history, a page at a time."},
        "allowed_statuses": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Status]}},
        "evidence_files": {"type": "array", "items": _ref("EvidenceFile"),
                           "description": "The files attached and not withdrawn, oldest first."},
    })]}
    return {
        "UserRef": _object({"id": INTEGER, "username": STRING, "full_name": STRING}),
        "EvidenceFile": _evidence_schema(),
        "Item": _item_schema(),
        "HistoryEntry": history,
        "HistoryPage": _object({
            "history": {"type": "array", "items": _ref("HistoryEntry")},
            "next": {"type": ["string", "null"], "description": "The next page, or null on the last."},
        }),
        "ItemDetail": item_detail,
        "ItemPage": _object({
            "items": {"type": "array", "items": _ref("Item")},
            "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "enum": list(PER_PAGE_CHOICES)},
            "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1},
        }),
        "ItemEdited": {"allOf": [_ref("ItemDetail"), _object({"changed": {"type": "array", "items": STRING}})]},
    }


def _webinar_schemas() -> dict:
    """Schemas of webinars, the webinar list with its figures, and one webinar with its items."""
    webinar = _object({
        "id": INTEGER, "series": INTEGER, "title": STRING, "held_on": DATE, "organizer": NULLABLE_STRING,
        "speakers": {"type": "array", "items": STRING}, "summary": NULLABLE_STRING, "link": NULLABLE_STRING,
        "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
    })
    figures = _object({"items": INTEGER, "verified": INTEGER, "countable": INTEGER, "overdue": INTEGER,
                       "completion": {"type": ["integer", "null"], "minimum": 0, "maximum": 100}})
    return {
        "Webinar": webinar,
        "WebinarList": _object({"webinars": {"type": "array", "items": {
            "allOf": [_ref("Webinar"), _object({"figures": figures})]}}}),
        "WebinarDetail": {"allOf": [_ref("Webinar"), _object({"items": {"type": "array", "items": _ref("Item")}})]},
    }


def _other_schemas() -> dict:
    """Schemas of comments, the signed-in user and error bodies."""
    error = _object({"error": _object({
        "code": STRING, "message": STRING,
        "fields": {"type": "object", "additionalProperties": STRING},
    })})
    return {
        "Comment": _object({"id": INTEGER, "item_id": INTEGER, "body": STRING,
                            "author": {"anyOf": [_ref("UserRef"), {"type": "null"}]}, "created_at": TIMESTAMP}),
        "Me": _object({
            "id": INTEGER, "username": STRING, "full_name": STRING, "email": NULLABLE_STRING,
            "role": {"type": "string", "enum": [r.value for r in Role]}, "language": STRING,
            "unit": {"anyOf": [_object({"id": INTEGER, "name": STRING}), {"type": "null"}]},
            "auth": {"type": "string", "enum": ["token", "session"]},
            "can": _object({name: {"type": "boolean"} for name in
                            ("create_items", "assign", "manage_webinars", "verify", "move_due_dates",
                             "delete_items")}),
        }),
        "Error": error,
        "Conflict": {"allOf": [_ref("Error"), _object({"item": _ref("Item")})]},
    }


def _request_schemas() -> dict:
    """Schemas of request bodies, from the field specs api_json checks them with."""
    return {
        "ItemCreate": _body_schema(api_json.ITEM_CREATE),
        "ItemPatch": _body_schema(api_json.ITEM_PATCH),
        "StatusChange": _body_schema(api_json.STATUS_CHANGE),
        "CommentCreate": _body_schema(api_json.COMMENT_CREATE),
        "WebinarCreate": _body_schema(api_json.WEBINAR_CREATE),
        "EvidenceUpload": _object({
            "file": {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream",
                     "description": f"The file: {file_types.ALLOWED_NAMES}, recognised by its content."},
            "note": {"type": "string", "maxLength": evidence.MAX_NOTE},
        }, required=["file"]),
    }


def _schemas() -> dict:
    """Every schema under components/schemas, in the order the document lists them."""
    return {**_item_schemas(), **_webinar_schemas(), **_other_schemas(), **_request_schemas(),
            **notification_schemas(_ref, _object, _ref("UserRef"))}


ERROR_TEXT = {
    "400": "Bad request: the body is not a JSON object, or a signed-in browser sent no X-CSRFToken header.",
    "401": "No valid API token (missing, wrong or revoked).",
    "403": "Your role or relation to the item does not allow this.",
    "404": "Not found.",
    "409": "The item changed since the version you sent; the body holds the current item.",
    "412": "If-Match no longer matches the item's ETag: it changed since you read it.",
    "413": "The request body (or the evidence file) is too large.",
    "422": "Invalid input; `fields` says which field and why (also: an Idempotency-Key reused for another request).",
}


IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "The item's ETag as last read; instead of (or beside) the body's `version`."}
HISTORY_PARAMETERS = [
    {"name": "after", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
     "description": "The last history id already read."},
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 200},
     "description": "Entries per page (50 by default)."},
]


def _responses(ok_status: str, ok_schema: str, *errors: str) -> dict:
    responses = {ok_status: {"description": "OK", "content": {"application/json": {"schema": _ref(ok_schema)}}}}
    for code in ("400", "401", *errors):
        schema = "Conflict" if code == "409" else "Error"
        responses[code] = {"description": ERROR_TEXT[code], "content": {"application/json": {"schema": _ref(schema)}}}
    return responses


def _body(schema: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(schema)}}}


def _id_parameter(name: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def _idempotency_parameter() -> dict:
    """The optional Idempotency-Key header of every write (tracker/idempotency.py)."""
    return {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!#-~]{1,255}$"},
        "description": (
            "A unique string per change (e.g. a UUID). The first successful answer is kept for this key for "
            "IDEMPOTENCY_KEY_HOURS (72 by default); the same request sent again with the same key gets that "
            "answer again, with the header `Idempotent-Replayed: true`, and is not applied twice. The key reused "
            "with a different body, method or address is refused with 422. A refused request keeps nothing."
        ),
    }


def _list_parameters() -> list[dict]:
    """The /items filter, as the list page reads it (a value it would ignore is a 422 here)."""
    def query(name, schema, description):
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    reference = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return [
        query("webinar", reference, "Webinar id."),
        {"name": "status", "in": "query", "required": False, "style": "form", "explode": True,
         "schema": {"type": "array", "items": {"type": "string", "enum": [s.value for s in Status]}},
         "description": "One or more statuses (repeat the parameter)."},
        query("owner", reference, "Owner's user id."),
        query("theme", reference, "Theme id."),
        query("unit", reference, "Unit id."),
        query("priority", {"type": "string", "enum": [p.value for p in Priority]}, "Priority."),
        query("overdue", {"type": "string", "enum": ["1", "0", "true", "false"]}, "Only open items past their due date."),
        query("due_from", {"type": "string", "format": "date"}, "Due on or after (YYYY-MM-DD)."),
        query("due_to", {"type": "string", "format": "date"}, "Due on or before (YYYY-MM-DD)."),
        query("q", {"type": "string", "maxLength": MAX_QUERY, "pattern": "^[^\\x00]*$"},
              "Words that must each appear in what the item says (code, title, description, sumber, comments, "
              "evidence, theme, unit, webinar, owner), by their Indonesian root; a word found nowhere is "
              "replaced by the nearest indexed word."),
        query("sort", {"type": "string", "enum": list(SORTS)},
              "Order (default: due date; with q, relevance: code and title matches first); the id breaks ties."),
        query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page (past the end: the last page)."),
        query("per_page", {"type": "integer", "enum": list(PER_PAGE_CHOICES)}, "Rows per page."),
    ]


def _evidence_path(item_id: dict, key: dict) -> dict:
    """POST /items/{item_id}/evidence: a multipart upload, not JSON (a replay compares fields and files)."""
    return {"post": {
        "operationId": "attachEvidence", "summary": "Attach an evidence file (bukti dukung) to an item",
        "description": (f"Multipart upload. At most EVIDENCE_MAX_MB (default 10) MB; {file_types.ALLOWED_NAMES} "
                        "only, recognised by content; photos are stored without EXIF; the same file twice on "
                        "one item is refused (422). With an Idempotency-Key, the same fields and file sent again "
                        "(whatever the multipart boundary) get the first answer and store one file."),
        "parameters": [item_id, key],
        "requestBody": {"required": True, "content": {"multipart/form-data": {
            "schema": _ref("EvidenceUpload"), "encoding": {"file": {"contentType": "application/octet-stream"}}}}},
        "responses": _responses("201", "EvidenceFile", "403", "404", "413", "422"),
    }}


def _item_paths(item_id: dict, key: dict) -> dict:
    """The paths of one item: read, edit, status, history, evidence and comments (`key`: Idempotency-Key)."""
    return {
        "/items/{item_id}": {
            "get": {"operationId": "getItem", "summary": "An item (its ETag in the header)", "parameters": [item_id],
                    "responses": _responses("200", "ItemDetail", "404")},
            "patch": {"operationId": "updateItem", "summary": "Edit an item (needs its version)",
                      "parameters": [item_id, IF_MATCH, key], "requestBody": _body("ItemPatch"),
                      "responses": _responses("200", "ItemEdited", "403", "404", "409", "412", "413", "422")},
        },
        "/items/{item_id}/status": {"post": {
            "operationId": "changeStatus", "summary": "Move an item along the workflow",
            "parameters": [item_id, IF_MATCH, key], "requestBody": _body("StatusChange"),
            "responses": _responses("200", "ItemDetail", "403", "404", "409", "412", "413", "422")}},
        "/items/{item_id}/history": {"get": {
            "operationId": "getItemHistory", "summary": "An item's history, oldest first, a page at a time",
            "parameters": [item_id, *HISTORY_PARAMETERS], "responses": _responses("200", "HistoryPage", "404", "422")}},
        "/items/{item_id}/evidence": _evidence_path(item_id, key),
        "/items/{item_id}/comments": {"post": {
            "operationId": "addComment", "summary": "Comment on an item", "parameters": [item_id, key],
            "requestBody": _body("CommentCreate"),
            "responses": _responses("201", "Comment", "403", "404", "413", "422")}},
    }


def openapi_document() -> dict:
    """The whole document; servers point at this installation's BASE_URL."""
    item_id, webinar_id = _id_parameter("item_id"), _id_parameter("webinar_id")
    key = _idempotency_parameter()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tindak Lanjut API",
            "version": "1.0.0",
            "description": (
                "Action items (tindak lanjut) of the BPSDM Sulawesi Barat webinar series. Authenticate with a "
                "personal API token from your profile page: `Authorization: Bearer <token>`. The same roles, "
                "workflow and validation apply as on the web pages. Dates are YYYY-MM-DD; timestamps are ISO 8601 "
                "in UTC. Changing an item needs the `version` you last read (or its `ETag` in `If-Match`); a stale "
                "version gets 409 with the current item, a stale If-Match 412. History is paged at "
                "/items/{item_id}/history."
            ),
        },
        "servers": [{"url": current_app.config["BASE_URL"].rstrip("/") + "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/me": {"get": {"operationId": "getMe", "summary": "The authenticated user",
                            "responses": _responses("200", "Me")}},
            "/webinars": {
                "get": {"operationId": "listWebinars", "summary": "Webinars, newest series first, with figures",
                        "responses": _responses("200", "WebinarList")},
                "post": {"operationId": "createWebinar", "summary": "Add a webinar (heads and admins)",
                         "parameters": [key], "requestBody": _body("WebinarCreate"),
                         "responses": _responses("201", "Webinar", "403", "413", "422")},
            },
            "/webinars/{webinar_id}": {"get": {
                "operationId": "getWebinar", "summary": "A webinar with its items", "parameters": [webinar_id],
                "responses": _responses("200", "WebinarDetail", "404")}},
            "/items": {
                "get": {"operationId": "listItems", "summary": "Items, filtered like the /items page",
                        "parameters": _list_parameters(), "responses": _responses("200", "ItemPage", "422")},
                "post": {"operationId": "createItem", "summary": "Add an item to a webinar",
                         "parameters": [key], "requestBody": _body("ItemCreate"),
                         "responses": _responses("201", "ItemDetail", "403", "413", "422")},
            },
            **_item_paths(item_id, key),
            **notification_paths(_responses, _id_parameter("notification_id")),
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
        },
    }
