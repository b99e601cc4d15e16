"""The JSON API's shapes: models to JSON, and request bodies checked field by field.

Input checks here are only about JSON types and sizes (so nothing odd reaches the database); the
rules of the domain stay in the services that the web pages call too.
"""
import re
from datetime import UTC, date, datetime

from flask import current_app, url_for
from flask_babel import get_locale

from tracker.i18n import gettext as _
from tracker.models import ActionItem, EvidenceFile, Horizon, ItemHistory, Priority, Status, User, Webinar
from tracker.services.errors import InvalidInput
from tracker.validation import MAX_ID

MAX_SERIES = 100000
MAX_SUPPORTERS = 50
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- Output --------------------------------------------------------------------------------


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    """A date as YYYY-MM-DD, or None."""
    return value.isoformat() if value else None


def user_ref(user: User | None) -> dict | None:
    """A user as {id, username, full_name}, or None."""
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "full_name": user.full_name}


def item_url(item: ActionItem) -> str:
    """The absolute URL of the item's web page."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/items/{item.id}"


def item_json(item: ActionItem, horizon: Horizon, *, supporters: bool = True) -> dict:
    """An item with its webinar, owner, theme and unit (all loaded by the caller's query)."""
    language = str(get_locale() or "id")
    data = {
        "id": item.id,
        "code": item.code,
        "title": item.title,
        "description": item.description,
        "source": item.source,
        "webinar": {"id": item.webinar.id, "series": item.webinar.series, "title": item.webinar.title},
        "theme": {"id": item.theme.id, "slug": item.theme.slug, "name": item.theme.label(language)} if item.theme else None,
        "unit": {"id": item.unit.id, "name": item.unit.name} if item.unit else None,
        "owner": user_ref(item.owner),
        "priority": item.priority.value,
        "status": item.status.value,
        "status_note": item.status_note,
        "due_date": day(item.due_date),
        "overdue": item.is_overdue(horizon.today),
        "due_soon": item.is_due_soon(horizon),
        "progress": item.progress,
        "evidence_url": item.evidence_url,
        "version": item.version,
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
        "completed_at": timestamp(item.completed_at),
        "verified_at": timestamp(item.verified_at),
        "url": item_url(item),
    }
    if supporters:
        data["supporters"] = [user_ref(member) for member in item.supporters]
    return data


def evidence_json(evidence: EvidenceFile) -> dict:
    """An evidence file as the API lists it; its bytes are at `url` (same sign-in, same rules)."""
    return {
        "id": evidence.id,
        "name": evidence.file_name,
        "media_type": evidence.media_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "uploaded_by": user_ref(evidence.uploaded_by),
        "uploaded_at": timestamp(evidence.uploaded_at),
        "note": evidence.note,
        "url": current_app.config["BASE_URL"].rstrip("/") + url_for("evidence.download", evidence_id=evidence.id),
    }


def history_json(entry: ItemHistory) -> dict:
    """One history entry as the API returns it."""
    return {
        "id": entry.id,
        "kind": entry.kind.value,
        "field": entry.field,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
        "old_label": entry.old_label,
        "new_label": entry.new_label,
        "note": entry.note,
        "actor": user_ref(entry.actor),
        "item_version": entry.item_version,
        "created_at": timestamp(entry.created_at),
    }


def webinar_json(webinar: Webinar) -> dict:
    """A webinar as the API returns it, without its items or figures."""
    return {
        "id": webinar.id,
        "series": webinar.series,
        "title": webinar.title,
        "held_on": day(webinar.held_on),
        "organizer": webinar.organizer,
        "speakers": webinar.speaker_list,
        "summary": webinar.summary,
        "link": webinar.link,
        "created_at": timestamp(webinar.created_at),
        "updated_at": timestamp(webinar.updated_at),
    }


def figures_json(items: int, verified: int, countable: int, overdue: int, completion: int | None) -> dict:
    """A webinar's item figures as the API returns them."""
    return {"items": items, "verified": verified, "countable": countable, "overdue": overdue,
            "completion": completion}


# --- Input ---------------------------------------------------------------------------------


class Field:
    """One JSON field: its kind, whether null is allowed, and its bounds."""

    def __init__(self, kind: str, *, required: bool = False, nullable: bool = False,
                 max_length: int | None = None, minimum: int = 1, maximum: int = MAX_ID, choices=()):
        self.kind, self.required, self.nullable = kind, required, nullable
        self.max_length, self.minimum, self.maximum, self.choices = max_length, minimum, maximum, tuple(choices)


def _text(length: int, **options) -> Field:
    return Field("string", max_length=length, **options)


ITEM_FIELDS = {
    "webinar_id": Field("integer"),
    "title": _text(300),
    "description": _text(10000, nullable=True),
    "source": _text(300, nullable=True),
    "theme_id": Field("integer", nullable=True),
    "unit_id": Field("integer", nullable=True),
    "owner_id": Field("integer", nullable=True),
    "supporter_ids": Field("id_list"),
    "priority": Field("enum", choices=[p.value for p in Priority]),
    "due_date": Field("date", nullable=True),
    "progress": Field("integer", minimum=0, maximum=100),
    "evidence_url": _text(500, nullable=True),
}
ITEM_CREATE = {**ITEM_FIELDS, "webinar_id": Field("integer", required=True), "title": _text(300, required=True)}
# `version` (or an If-Match header) is required: views/api_items.py checks that one of them is there.
ITEM_PATCH = {**ITEM_FIELDS, "version": Field("integer")}
STATUS_CHANGE = {
    "status": Field("enum", required=True, choices=[s.value for s in Status]),
    "note": _text(5000, nullable=True),
    "evidence_url": _text(500, nullable=True),
    "version": Field("integer"),
}
COMMENT_CREATE = {"body": _text(5000, required=True)}
WEBINAR_CREATE = {
    "series": Field("integer", required=True, maximum=MAX_SERIES),
    "title": _text(300, required=True),
    "held_on": Field("date", required=True),
    "organizer": _text(200, nullable=True),
    "speakers": _text(5000, nullable=True),
    "summary": _text(20000, nullable=True),
    "link": _text(500, nullable=True),
}


def _clean_string(value) -> str | None:
    """The string, or None when it is not a string the database can store."""
    if not isinstance(value, str) or "\x00" in value:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
        return None
    return value


def _check(field: Field, value):
    """The value converted for the services, or raise ValueError with the message to show."""
    if value is None:
        if field.nullable:
            return None
        raise ValueError(_("This field cannot be null."))
    if field.kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("Expected a whole number."))
        if not field.minimum <= value <= field.maximum:
            raise ValueError(_("Expected a whole number from %(min)d to %(max)d.", min=field.minimum, max=field.maximum))
        return value
    if field.kind == "string":
        text = _clean_string(value)
        if text is None:
            raise ValueError(_("Expected text."))
        if field.max_length and len(text) > field.max_length:
            raise ValueError(_("At most %(max)d characters.", max=field.max_length))
        return text
    if field.kind == "enum":
        if not isinstance(value, str) or value not in field.choices:
            raise ValueError(_("Expected one of: %(choices)s.", choices=", ".join(field.choices)))
        return value
    if field.kind == "date":
        if not isinstance(value, str) or not ISO_DATE.match(value):
            raise ValueError(_("Expected a date as YYYY-MM-DD."))
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("Expected a date as YYYY-MM-DD.")) from None
    if field.kind == "id_list":
        if not isinstance(value, list) or len(value) > MAX_SUPPORTERS or any(
                isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID for v in value):
            raise ValueError(_("Expected a list of at most %(max)d user ids.", max=MAX_SUPPORTERS))
        return list(dict.fromkeys(value))
    raise AssertionError(field.kind)


def parse_body(body, spec: dict[str, Field]) -> dict:
    """Check a JSON object against a spec: unknown, missing and mistyped fields are all reported."""
    if not isinstance(body, dict):
        raise BodyError(_("The request body must be a JSON object."))
    errors: dict[str, str] = {}
    values = {}
    for name in body:
        if name not in spec:
            errors[str(name)[:100]] = _("Unknown field.")
    for name, field in spec.items():
        if name not in body:
            if field.required:
                errors[name] = _("This field is required.")
            continue
        try:
            values[name] = _check(field, body[name])
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise InvalidInput(_("Please check the fields."), errors)
    return values


class BodyError(Exception):
    """The body is not a JSON object at all (400)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
