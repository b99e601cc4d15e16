"""The public check of a frozen report: its seal (fingerprint, QR code of /verify/<code>) and what
/verify shows. Nothing here reveals an item: only the report's number, dates, signer and fingerprint."""
import hmac
import json
import re
from datetime import date

from sqlalchemy import Text, cast, select

from tracker.extensions import db
from tracker.models import ReportSnapshot
from tracker.models.integrity import snapshot_fingerprint
from tracker.urls import absolute_url

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")  # what secrets.token_urlsafe gives, within the column


def verification_url(snapshot: ReportSnapshot) -> str:
    """The public address (BASE_URL) where anyone can check the snapshot."""
    return absolute_url("verify.report", code=snapshot.verification_code)


def qr_data_uri(text: str) -> str:
    """A QR code of the text as a PNG data: URI (pages and PDFs carry it without fetching anything)."""
    import segno  # only frozen reports need it: loaded on first use

    return segno.make(text, error="m").png_data_uri(scale=8, border=4)


def seal(snapshot: ReportSnapshot) -> dict:
    """What a frozen report prints about its authenticity: fingerprint, verification URL, its QR code."""
    url = verification_url(snapshot)
    return {"fingerprint": snapshot.fingerprint, "url": url, "qr": qr_data_uri(url)}


def _parsed(text: str | None):
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return None


def _report_date(data) -> date | None:
    try:
        return date.fromisoformat(data["date"])
    except (KeyError, TypeError, ValueError):
        return None


def check(code: str) -> dict | None:
    """What /verify shows of the snapshot with this code (None: no such snapshot).

    The stored JSON is read as text, so data changed into anything at all is reported as altered.
    """
    if not CODE_PATTERN.fullmatch(code):
        return None
    row = db.session.execute(
        select(ReportSnapshot.number, ReportSnapshot.title, ReportSnapshot.created_at, ReportSnapshot.fingerprint,
               cast(ReportSnapshot.scope, Text).label("scope"), cast(ReportSnapshot.data, Text).label("data"))
        .where(ReportSnapshot.verification_code == code)
    ).first()
    if row is None:
        return None
    scope, data = _parsed(row.scope), _parsed(row.data)
    computed = snapshot_fingerprint(row.number, row.title, scope, data, row.created_at)
    signer = data.get("signer") if isinstance(data, dict) and isinstance(data.get("signer"), dict) else {}
    return {
        "number": row.number,
        "report_date": _report_date(data),
        "frozen_at": row.created_at,
        "signer_name": signer.get("name"),
        "signer_position": signer.get("position"),
        "fingerprint": row.fingerprint,
        "genuine": data is not None and hmac.compare_digest(computed, row.fingerprint or ""),
    }
