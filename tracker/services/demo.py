"""Demo data: Webinar Seri 28 and its follow-ups, plus clearly labelled example webinars."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import HistoryKind, Priority, Role, Status, Theme, Unit, User, Webinar, utcnow
from tracker.models.rules import COMPLETED
from tracker.services.accounts import create_user
from tracker.services.history import record
from tracker.services.items import create_item
from tracker.services.reference import ensure_themes, ensure_units
from tracker.timeutil import local_today

DEMO_PASSWORD = "tindaklanjut28"
# Reserved for examples (RFC 2606): valid in every form, delivered to nobody.
DEMO_EMAIL_DOMAIN = "demo.example.org"

DEMO_USERS = [
    ("admin", "Administrator Aplikasi", Role.ADMIN, None),
    ("kepala", "Ketua Tim Kerja (demo)", Role.HEAD, "BPSDM"),
    ("anggota", "Anggota Tim Kerja Satu (demo)", Role.MEMBER, "BPSDM"),
    ("anggota2", "Anggota Tim Kerja Dua (demo)", Role.MEMBER, "BKD"),
    ("pemantau", "Pemantau Pimpinan (demo)", Role.VIEWER, None),
]

SERI_28 = dict(
    series=28,
    title="Transformasi Agile Government: Tantangan dan Peluang Pemerintah Daerah",
    held_on=date(2023, 12, 18),
    organizer="BPSDM Provinsi Sulawesi Barat",
    speakers="Prof. Zudan Arif Fakrulloh (Pj. Gubernur Sulawesi Barat)\n"
    "Muhammad Idris (Sekretaris Daerah Sulawesi Barat)\n"
    "Prof. Rhenald Kasali\n"
    "Farid Wajdi (Kepala BPSDM Sulawesi Barat)",
    summary="Birokrasi Sulawesi Barat perlu bertransformasi menjadi agile: cepat, tepat dan "
    "profesional. Tujuh unsur ekosistem birokrasi yang harus dibenahi: kerangka regulasi, SDM, "
    "struktur organisasi, tata kelola IT dan keuangan, sistem karier, sistem kesejahteraan dan "
    "sistem perlindungan hukum. BPSDM membentuk tim kerja untuk menindaklanjuti.",
    link="https://sulbarprov.go.id/",
)

# (title, theme slug, unit short name, owner, priority, due in days, status, progress, source, note)
SERI_28_ITEMS = [
    ("Menetapkan SK tim kerja tindak lanjut Webinar Seri 28", "kelembagaan", "BPSDM", "kepala",
     Priority.HIGH, -30, Status.VERIFIED, 100, "Kepala BPSDM Farid Wajdi", None),
    ("Menginventarisasi peraturan daerah dan pergub yang memperlambat pelayanan publik", "regulasi",
     "Biro Hukum", "anggota", Priority.HIGH, -10, Status.IN_PROGRESS, 40,
     "Pj. Gubernur: tujuh unsur ekosistem birokrasi", None),
    ("Pelatihan literasi digital dan keamanan siber untuk ASN", "sdm", "BPSDM", "anggota2",
     Priority.HIGH, 5, Status.IN_PROGRESS, 60, "Prof. Rhenald Kasali", None),
    ("Memetakan ulang alur layanan OPD untuk memangkas prosedur yang panjang", "kelembagaan",
     "Biro Organisasi", "anggota", Priority.MEDIUM, 30, Status.NEW, 0,
     "Pj. Gubernur: pelayanan lambat dan prosedur panjang", None),
    ("Menyusun peta jalan digitalisasi layanan dan tata kelola anggaran TI", "it-keuangan",
     "Diskominfo", "anggota", Priority.HIGH, 2, Status.BLOCKED, 25, "Pj. Gubernur",
     "Menunggu data belanja TI dari BPKAD."),
    ("Merancang pola karier ASN berbasis kinerja dan inovasi", "karier", "BKD", "anggota2",
     Priority.MEDIUM, -3, Status.DONE, 100, "Pj. Gubernur: sistem karier",
     "Draf pola karier sudah diserahkan ke BKD."),
    ("Mengkaji tunjangan kinerja yang menghargai ASN yang lincah", "kesejahteraan", "BKD", "anggota",
     Priority.LOW, 45, Status.NEW, 0, "Pj. Gubernur: sistem kesejahteraan", None),
    ("Menyiapkan pendampingan hukum bagi ASN yang berinovasi", "hukum", "Biro Hukum", "anggota2",
     Priority.MEDIUM, -20, Status.VERIFIED, 100, "Pj. Gubernur: sistem perlindungan hukum", None),
    ("Mengukur waktu layanan Dinkes, Dinas PUPR dan DLH sebagai titik awal", "sdm", "Dinkes", "anggota",
     Priority.HIGH, 0, Status.IN_PROGRESS, 20, "Sekda Muhammad Idris", None),
    ("Webinar lanjutan tatap muka tentang agile government", "sdm", "BPSDM", "kepala",
     Priority.LOW, 14, Status.CANCELLED, 0, "Peserta webinar",
     "Digabung ke agenda Webinar Seri 29."),
]

EXAMPLE_WEBINARS = [
    (27, "[Contoh] Penguatan Budaya Kerja BerAKHLAK", date(2023, 11, 20)),
    (29, "[Contoh] Inovasi Pelayanan Publik Berbasis Data", date(2024, 1, 22)),
]

# Short example items for the example webinars: (title, theme, owner, due in days, status, progress)
EXAMPLE_ITEMS = [
    ("[Contoh] Sosialisasi nilai BerAKHLAK di setiap OPD", "sdm", "anggota", -40, Status.VERIFIED, 100),
    ("[Contoh] Survei budaya kerja ASN", "sdm", "anggota2", -5, Status.IN_PROGRESS, 70),
    ("[Contoh] Dasbor data layanan publik", "it-keuangan", "anggota", 20, Status.IN_PROGRESS, 30),
    ("[Contoh] Standar waktu layanan di OPD percontohan", "regulasi", "anggota2", 60, Status.NEW, 0),
]

STATUS_PATH = {
    Status.NEW: [],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.BLOCKED: [Status.IN_PROGRESS, Status.BLOCKED],
    Status.DONE: [Status.IN_PROGRESS, Status.DONE],
    Status.VERIFIED: [Status.IN_PROGRESS, Status.DONE, Status.VERIFIED],
    Status.CANCELLED: [Status.CANCELLED],
}


def database_is_empty() -> bool:
    """True when no user account exists yet (a fresh installation)."""
    return not db.session.scalar(select(func.count(User.id)))


@dataclass
class _Seed:
    """What the demo rows are built from: reference data, the demo users and today's date."""

    units: dict[str, Unit]
    themes: dict[str, Theme]
    users: dict[str, User]
    today: date

    @property
    def head(self) -> User:
        return self.users["kepala"]


def _ensure_demo_users(units: dict[str, Unit], created: list[str]) -> dict[str, User]:
    """Each demo user by username, created (and noted in `created`) when missing."""
    users = {}
    for username, full_name, role, unit in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(
                username, full_name, DEMO_PASSWORD, role=role, unit=units.get(unit),
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            )
            created.append(f"user {username}")
        users[username] = user
    return users


def _add_item(seed: _Seed, webinar, title, theme, unit, owner, priority, due_days, status, progress, source, note):
    """Add one demo item and walk it, with history, along the workflow to `status`."""
    head = seed.head
    item = create_item(
        webinar, head, title=title, theme=seed.themes[theme], unit=seed.units.get(unit),
        owner=seed.users[owner], priority=priority, due_date=seed.today + timedelta(days=due_days),
        source=source,
    )
    previous = Status.NEW
    for step in STATUS_PATH[status]:
        record(item, seed.users[owner] if step != Status.VERIFIED else head, HistoryKind.STATUS,
               field="status", old=previous.value, new=step.value, note=note)
        previous = step
    item.status = status
    item.progress = progress
    item.status_note = note
    if status in COMPLETED:
        item.completed_at = utcnow()
        item.evidence_url = "https://sulbarprov.go.id/"
    if status == Status.VERIFIED:
        item.verified_at = utcnow()
        item.verified_by = head
    return item


def _seed_seri_28(seed: _Seed, created: list[str]) -> None:
    """Add Webinar Seri 28 and its follow-ups unless series 28 exists."""
    if db.session.scalar(select(Webinar.id).where(Webinar.series == 28)):
        return
    seri28 = Webinar(created_by_id=seed.head.id, **SERI_28)
    db.session.add(seri28)
    db.session.flush()
    items = [_add_item(seed, seri28, *row) for row in SERI_28_ITEMS]
    items[2].supporters = [seed.users["anggota"]]
    created.append("webinar 28")


def _seed_example_webinars(seed: _Seed, created: list[str]) -> None:
    """Add each example webinar whose series is missing, with two example items each."""
    for index, (series, title, held_on) in enumerate(EXAMPLE_WEBINARS):
        if db.session.scalar(select(Webinar.id).where(Webinar.series == series)):
            continue
        webinar = Webinar(series=series, title=title, held_on=held_on, created_by_id=seed.head.id,
                          organizer="BPSDM Provinsi Sulawesi Barat",
                          summary="Webinar contoh untuk demonstrasi aplikasi.")
        db.session.add(webinar)
        db.session.flush()
        for title_, theme, owner, due, status, progress in EXAMPLE_ITEMS[index * 2:index * 2 + 2]:
            _add_item(seed, webinar, title_, theme, "BPSDM", owner, Priority.MEDIUM, due, status, progress,
                      "Contoh", None)
        created.append(f"webinar {series}")


def seed_demo() -> list[str]:
    """Create the demo accounts and webinars that are missing; return what was created."""
    created: list[str] = []
    ensure_themes()
    ensure_units()
    units = {unit.short_name: unit for unit in db.session.scalars(select(Unit))}
    themes = {theme.slug: theme for theme in db.session.scalars(select(Theme))}
    users = _ensure_demo_users(units, created)
    seed = _Seed(units=units, themes=themes, users=users, today=local_today())
    _seed_seri_28(seed, created)
    _seed_example_webinars(seed, created)
    db.session.flush()
    return created
