"""A refused status change survives its redirect: the typed note and the errors come back on the item page.

The status form answers a refusal with a redirect (post/redirect/get), so a refresh never posts again.
What the user typed rides along in the session for exactly one page view; the session is a signed
cookie, so a long note is cut to keep the cookie well under the browsers' 4 KB limit (measured as
the session stores it: JSON with non-ASCII letters escaped, six bytes or more each).
"""
import json

from flask import session

KEY = "status_draft"
MAX_NOTE = 1200  # bytes of JSON
MAX_LINK = 400


def _fit(text: str | None, limit: int) -> str:
    """The text, cut so that its JSON form has at most `limit` characters."""
    text = (text or "")[:limit]
    while len(json.dumps(text)) > limit:
        text = text[: len(text) * 3 // 4]
    return text


def keep(item_id: int, status: str | None, note: str | None, evidence_url: str | None,
         errors: dict[str, list[str]]) -> None:
    """Remember a refused status form of this item for the next view of its page."""
    session[KEY] = {
        "item": item_id,
        "status": _fit(status, 40),
        "note": _fit(note, MAX_NOTE),
        "evidence_url": _fit(evidence_url, MAX_LINK),
        "errors": {name: [str(message) for message in messages] for name, messages in errors.items()},
    }


def take(item_id: int) -> dict | None:
    """The remembered form of this item, once (it is forgotten as it is read); None when there is none."""
    draft = session.get(KEY)
    if not draft or draft.get("item") != item_id:
        return None
    session.pop(KEY, None)
    return draft
