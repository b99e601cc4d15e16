"""The inbox part of the OpenAPI document (/notifications), merged into services/openapi.py's document."""
from tracker.models import NotificationKind


def notification_schemas(ref, obj, user_ref: dict) -> dict:
    """Schemas of a notification, a page of them, and the answer to marking them all read."""
    string, nullable = {"type": "string"}, {"type": ["string", "null"]}
    return {
        "Notification": obj({
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": [kind.value for kind in NotificationKind]},
            "text": {"type": "string", "description": "What happened, in the caller's language."},
            "detail": {**nullable, "description": "The new status, the new due date, or approved/rejected."},
            "item": obj({"id": {"type": "integer"}, "code": string, "title": string}),
            "url": {"type": "string", "format": "uri", "description": "The item's web page."},
            "actor": {"anyOf": [user_ref, {"type": "null"}]},
            "created_at": {"type": "string", "format": "date-time"},
            "read_at": {"type": ["string", "null"], "format": "date-time"},
        }),
        "NotificationPage": obj({
            "notifications": {"type": "array", "items": ref("Notification")},
            "unread": {"type": "integer", "minimum": 0},
            "next": {**nullable, "description": "The next (older) page, or null on the last."},
        }),
        "NotificationsMarked": obj({"marked": {"type": "integer", "minimum": 0}, "unread": {"type": "integer"}}),
    }


def notification_paths(responses, id_parameter) -> dict:
    """The inbox paths: list, mark one read, mark all read."""
    parameters = [
        {"name": "before", "in": "query", "required": False, "description": "The last id of the previous page.",
         "schema": {"type": "integer", "minimum": 1, "maximum": id_parameter["schema"]["maximum"]}},
        {"name": "unread", "in": "query", "required": False, "description": "Only the unread ones.",
         "schema": {"type": "string", "enum": ["true", "false", "1", "0"]}},
    ]
    return {
        "/notifications": {"get": {
            "operationId": "listNotifications", "summary": "The caller's notifications, newest first",
            "parameters": parameters, "responses": responses("200", "NotificationPage", "422")}},
        "/notifications/{notification_id}/read": {"post": {
            "operationId": "markNotificationRead", "summary": "Mark one notification read",
            "parameters": [id_parameter], "responses": responses("200", "Notification", "404")}},
        "/notifications/read-all": {"post": {
            "operationId": "markAllNotificationsRead", "summary": "Mark every unread notification read",
            "responses": responses("200", "NotificationsMarked")}},
    }
