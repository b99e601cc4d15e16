"""Reference data every installation starts with: the seven themes of Seri 28 and common units."""
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Theme, Unit

# The seven elements of the bureaucracy ecosystem named by Prof. Zudan in Webinar Seri 28.
# The first migration inserts the same rows; this copy serves tests and the demo seed.
THEMES = [
    ("regulasi", "Kerangka regulasi", "Regulatory framework"),
    ("sdm", "Sumber daya manusia", "Human resources"),
    ("kelembagaan", "Struktur organisasi/kelembagaan", "Organisation structure"),
    ("it-keuangan", "Tata kelola IT dan keuangan", "IT and finance governance"),
    ("karier", "Sistem karier", "Career system"),
    ("kesejahteraan", "Sistem kesejahteraan", "Welfare system"),
    ("hukum", "Sistem perlindungan hukum", "Legal protection"),
]

UNITS = [
    ("Badan Pengembangan Sumber Daya Manusia", "BPSDM"),
    ("Badan Kepegawaian Daerah", "BKD"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Komunikasi, Informatika, Statistik dan Persandian", "Diskominfo"),
    ("Biro Hukum Sekretariat Daerah", "Biro Hukum"),
    ("Biro Organisasi Sekretariat Daerah", "Biro Organisasi"),
]


def ensure_themes() -> None:
    """Insert any of the seven themes that is missing (by slug)."""
    existing = set(db.session.scalars(select(Theme.slug)))
    for order, (slug, name, name_en) in enumerate(THEMES, start=1):
        if slug not in existing:
            db.session.add(Theme(slug=slug, name=name, name_en=name_en, sort_order=order))
    db.session.flush()


def ensure_units() -> None:
    """Insert any of the common units that is missing (by name)."""
    existing = set(db.session.scalars(select(Unit.name)))
    for name, short in UNITS:
        if name not in existing:
            db.session.add(Unit(name=name, short_name=short))
    db.session.flush()
