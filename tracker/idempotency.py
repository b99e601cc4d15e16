"""Idempotency-Key on API writes: a replayed request gets the first answer and is applied only once.

After draft-ietf-httpapi-idempotency-key-header: a client (the offline queue of a phone) sends
`Idempotency-Key: <unique string>` with a POST or PATCH. The first successful answer (2xx) is kept
with the key, per user, in the same transaction as the change itself; the same request sent again
with that key gets the kept answer (marked `Idempotent-Replayed: true`) and changes nothing. The key
reused for a different request (another body, method or address) is refused with 422. A refused
request (4xx) keeps nothing, so it may be sent again with the same key. Keys expire after
IDEMPOTENCY_KEY_HOURS.

Two requests with the same key at the same moment are serialised by the unique (user, key) row the
first one inserts before it acts: the second waits for the first to commit, then replays its answer.
"""
import hashlib
import json
import re
from datetime import timedelta

from flask import Response, current_app, g, request
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tracker.database import READ_ONLY_METHODS
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Visible ASCII; the draft's structured-field form "..." is accepted as well as the bare key.
KEY_PATTERN = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')
PENDING = 0  # response_status of a row whose request is still being answered


def parse_key(value: str) -> str | None:
    """The key named by an Idempotency-Key header value, or None when the value is not a valid key."""
    match = KEY_PATTERN.match(value.strip())
    return match.group(1) if match else None


def request_fingerprint() -> str:
    """sha256 of the method, the path and the body (JSON compared by value, not by spacing).

    A multipart body (an evidence file) is compared by its fields and files: a browser sending the
    same FormData again chooses a new boundary, so its bytes differ while the request is the same.
    """
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        _digest_form(digest)
        return digest.hexdigest()
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):  # not JSON: the bytes as sent
        body = raw
    digest.update(body)
    return digest.hexdigest()


def _digest_form(digest) -> None:
    """Add a multipart body's fields and files (name, file name, content) to the digest, in name order."""
    # A crafted part may come without a name: it sorts as "" (never compared with a str).
    fields = sorted(((name or "", values) for name, values in request.form.lists()), key=lambda pair: pair[0])
    digest.update(json.dumps(fields).encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda pair: pair[0] or ""):
        digest.update(json.dumps([name, upload.filename or ""]).encode())
        while chunk := upload.stream.read(64 * 1024):
            digest.update(chunk)
        upload.stream.seek(0)  # the view reads the file again
        digest.update(b"\n")


def _stored(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                          IdempotencyKey.key == key))


def _forget_expired(user_id: int) -> None:
    """Drop this user's keys older than the configured lifetime (their requests may be applied again)."""
    cutoff = utcnow() - timedelta(hours=current_app.config["IDEMPOTENCY_KEY_HOURS"])
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                    IdempotencyKey.created_at < cutoff))


def _reserve(user_id: int, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key's row (None when another request holds the key: it has committed by then)."""
    row = IdempotencyKey(user_id=user_id, key=key, method=request.method, path=request.path[:255],
                         request_hash=fingerprint, response_status=PENDING, response_body="")
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def _answer(stored: IdempotencyKey, fingerprint: str, error):
    """The kept answer for the same request; 422 for a different request under the same key."""
    if stored.request_hash != fingerprint:
        return error(422, _("This Idempotency-Key was already used for a different request."),
                     {HEADER: _("Use a new key for a new request.")})
    response = Response(stored.response_body, status=stored.response_status, mimetype="application/json")
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _replay_or_reserve(key: str, error):
    """The kept answer when the key is known; otherwise reserve it (on g) and let the view act."""
    fingerprint = request_fingerprint()
    user_id = current_user.id
    _forget_expired(user_id)
    for _attempt in range(2):  # a second look when a concurrent request held the key and gave it up
        stored = _stored(user_id, key)
        if stored is not None and stored.response_status != PENDING:
            return _answer(stored, fingerprint, error)
        if stored is None:
            g.idempotency_row = _reserve(user_id, key, fingerprint)
            if g.idempotency_row is not None:
                return None
    return error(409, _("A request with this Idempotency-Key is still being answered. Try again shortly."))


def protect(blueprint, error) -> None:
    """Honour Idempotency-Key on the blueprint's writes; `error(status, message, fields)` words refusals.

    Call it after the blueprint's own authentication hook, so that a key is looked up for a known user.
    """

    @blueprint.before_request
    def replay_or_reserve():
        """A request seen before gets its first answer; a new one reserves its key."""
        value = request.headers.get(HEADER)
        if value is None or request.method in READ_ONLY_METHODS or not current_user.is_authenticated:
            return None
        key = parse_key(value)
        if key is None:
            message = _("The Idempotency-Key header must be 1 to %(max)d visible characters.", max=MAX_KEY_LENGTH)
            return error(400, message, {HEADER: message})
        return _replay_or_reserve(key, error)

    @blueprint.after_request
    def remember(response):
        """Keep a successful answer with its key, in the transaction of the change it answers."""
        row = g.pop("idempotency_row", None)
        if row is not None and response.status_code < 400:
            row.response_status = response.status_code
            row.response_body = response.get_data(as_text=True)
            db.session.flush()
        return response
