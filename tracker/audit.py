"""The security log: one JSON object per line (so user input cannot forge lines), in UTC."""
import json
import logging
from pathlib import Path

from flask import has_request_context, request
from flask_login import current_user

from tracker.models import utcnow

logger = logging.getLogger("tracker.security")


def security_event(event: str, **details) -> None:
    """Log a security-relevant event with who and from where; never pass passwords or tokens."""
    record = {"time": utcnow().isoformat(timespec="seconds"), "event": event}
    if has_request_context():
        record["address"] = request.remote_addr
        record["path"] = request.path
        if current_user and current_user.is_authenticated:
            record["user"] = current_user.username
    record.update({key: str(value)[:200] for key, value in details.items()})
    logger.warning(json.dumps(record, ensure_ascii=True))


def init_app(app) -> None:
    """Send the security log to stderr (collected by gunicorn/systemd) and to a file if configured."""
    logger.setLevel(logging.INFO)
    if logger.handlers:
        return
    path = app.config.get("SECURITY_LOG_FILE")
    handler = file_handler(path) if path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False


def file_handler(path: str) -> logging.FileHandler:
    """A handler appending to SECURITY_LOG_FILE; its folder is created when missing.

    A folder that cannot be created or a file that cannot be written stops the start with a
    message that names the setting, instead of a bare FileNotFoundError.
    """
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        raise RuntimeError(
            f"SECURITY_LOG_FILE={path} cannot be written ({error.strerror or error}): create its folder "
            "and let the app's user write to it, or unset SECURITY_LOG_FILE to log to stderr"
        ) from None
