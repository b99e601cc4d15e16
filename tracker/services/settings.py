"""Installation settings (letterhead, signature, report numbering): read with defaults, saved by admins."""
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.security import safe_join

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Setting, User, utcnow
from tracker.services.errors import InvalidInput

# Every key the app knows, with the value used while an administrator has not set one. The letterhead
# (kop surat) lines are those an official letter of a provincial agency carries; empty lines are left out.
DEFAULTS: dict[str, str] = {
    "government_name": "PEMERINTAH PROVINSI SULAWESI BARAT",
    "agency_name": "Badan Pengembangan Sumber Daya Manusia Provinsi Sulawesi Barat",
    "agency_address": "Jl. Abdul Malik Pattana Endeng, Mamuju, Sulawesi Barat",
    "agency_phone": "",
    "agency_email": "",
    "agency_website": "",
    "agency_postcode": "",
    "report_place": "Mamuju",
    "report_signer_name": "",
    "report_signer_nip": "",
    "report_signer_position": "Kepala Badan Pengembangan Sumber Daya Manusia Provinsi Sulawesi Barat",
    "report_number_prefix": "800/TL",
    "due_in_working_days": "0",  # "1": bulk entry's due:+N counts working days
    "due_soon_working_days": "3",  # reminders: "due soon" within this many working days
}
MAX_LENGTH = {"agency_address": 500, "report_signer_nip": 32, "report_number_prefix": 40, "agency_phone": 60,
              "agency_postcode": 5, "report_place": 60}
DEFAULT_MAX_LENGTH = 200


def get_settings() -> dict[str, str]:
    """Every setting in one query; a key never set (or set empty) reads as its default."""
    stored = dict(db.session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(DEFAULTS))).all())
    return {key: (stored.get(key) or default) for key, default in DEFAULTS.items()}


def get_setting(key: str) -> str:
    """One setting, or its default."""
    if key not in DEFAULTS:
        raise KeyError(key)
    value = db.session.scalar(select(Setting.value).where(Setting.key == key))
    return value or DEFAULTS[key]


def static_file(relative: str | None) -> Path | None:
    """The absolute path of a file inside the static folder, or None if outside it or missing."""
    if not relative:
        return None
    path = safe_join(current_app.static_folder, relative)
    if path is None:
        return None
    path = Path(path)
    return path if path.is_file() else None


def set_settings(values: dict[str, str | None], actor: User | None) -> None:
    """Store the given settings (empty means: back to the default) and flush."""
    cleaned: dict[str, str | None] = {}
    for key, value in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        value = " ".join((value or "").split()) if key != "agency_address" else (value or "").strip()
        if len(value) > MAX_LENGTH.get(key, DEFAULT_MAX_LENGTH):
            message = _("This text is too long.")
            raise InvalidInput(message, {key: message})
        cleaned[key] = value or None
    existing = {row.key: row for row in db.session.scalars(select(Setting).where(Setting.key.in_(cleaned)))}
    for key, value in cleaned.items():
        row = existing.get(key)
        if row is None:
            db.session.add(Setting(key=key, value=value, updated_by_id=actor.id if actor else None))
        elif row.value != value:
            row.value = value
            row.updated_at = utcnow()
            row.updated_by_id = actor.id if actor else None
    db.session.flush()
