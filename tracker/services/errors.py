"""Errors that services raise and views translate into 4xx answers."""


class ServiceError(Exception):
    """A refused change; `message` is already translated for the user."""

    status_code = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(ServiceError):
    status_code = 422


class NotAllowed(ServiceError):
    status_code = 403


class StaleVersion(ServiceError):
    """Someone saved the item after the form was opened (optimistic locking)."""

    status_code = 409

    def __init__(self, message: str, item, submitted_version: int | None):
        super().__init__(message)
        self.item = item
        self.submitted_version = submitted_version
