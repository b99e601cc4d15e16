"""A reproducible dataset (fixed seed) written with SQLAlchemy Core into a migrated database.

Shape at 100k: 200 users (10 heads), 1,000 webinars of which 20 % hold 80 % of the items,
about 300,000 history rows; one item with a long history (E3), one busy member (E5) and
eight writers that each own items in progress (E4).
"""
import functools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import DDL, insert, select, text
from werkzeug.security import generate_password_hash

from tracker.extensions import db
from tracker.models import ActionItem, Comment, ItemHistory, Theme, Unit, User, Webinar, item_supporters
from tracker.models.tallies import create_statements, drop_statements, rebuild_statement
from tracker.services import search_index
from tracker.services.items import item_code
from tracker.services.reference import UNITS

SEED = 20231218  # the day of Webinar Seri 28
GENERATOR_VERSION = 3  # bump when the shape of the data changes: caches are rebuilt (3: history hash chain)
PASSWORD = "bench-rahasia-123"
CHUNK = 5_000
BUSY_MEMBER = "anggota001"
WRITERS = tuple(f"anggota{n:03d}" for n in range(2, 10))
LONG_HISTORY_OWNER = "anggota010"
HEAD = "kepala01"
LONG_HISTORY_TOGGLES = 200


@dataclass(frozen=True)
class Size:
    name: str
    items: int
    webinars: int
    users: int
    heads: int


SIZES = {
    "tiny": Size("tiny", 50, 5, 12, 2),
    "1k": Size("1k", 1_000, 20, 40, 4),
    "10k": Size("10k", 10_000, 100, 100, 6),
    "100k": Size("100k", 100_000, 1_000, 200, 10),
}

STATUS_MIX = {"baru": 20, "dikerjakan": 30, "terhambat": 10, "selesai": 10, "terverifikasi": 25, "dibatalkan": 5}
STATUS_PATH = {
    "baru": [], "dikerjakan": ["dikerjakan"], "terhambat": ["dikerjakan", "terhambat"],
    "selesai": ["dikerjakan", "selesai"], "terverifikasi": ["dikerjakan", "selesai", "terverifikasi"],
    "dibatalkan": ["dibatalkan"],
}
OPEN = ("baru", "dikerjakan", "terhambat")
PRIORITY_MIX = {"rendah": 30, "sedang": 50, "tinggi": 20}
FIRST_NAMES = ["Andi", "Muhammad", "Nur", "Sitti", "Ahmad", "Rahmat", "Dewi", "Hasan", "Fitri", "Irwan",
               "Yusuf", "Rina", "Syamsul", "Halimah", "Arif", "Wahyuni", "Baso", "Ilham", "Nurul", "Akbar"]
LAST_NAMES = ["Mappanyukki", "Pattola", "Daeng Rani", "Saleh", "Haris", "Latif", "Rahman", "Mandar",
              "Tahir", "Kadir", "Lestari", "Basri", "Amir", "Hamzah", "Sulaiman", "Rauf"]
VERBS = ["Kajian", "Penyusunan", "Evaluasi", "Revisi", "Sosialisasi", "Pelatihan", "Pemetaan", "Digitalisasi",
         "Koordinasi", "Penyederhanaan"]
OBJECTS = ["regulasi daerah", "peraturan gubernur", "SOP pelayanan", "jabatan fungsional", "pola karier ASN",
           "tunjangan kinerja", "struktur organisasi", "anggaran TIK", "sistem merit", "literasi digital",
           "perlindungan hukum ASN", "tata naskah dinas", "manajemen talenta", "regulasi perizinan"]
PLACES = ["Dinas Kesehatan", "Dinas PUPR", "DLH", "BKD", "BPSDM", "Diskominfo", "Kab. Majene", "Kab. Polewali Mandar",
          "Kab. Mamuju", "Kab. Pasangkayu", "Kab. Mamasa", "Kab. Mamuju Tengah"]
SPEAKERS = ["Prof. Zudan Arif Fakrulloh", "Dr. Muh. Idris", "Kepala BPSDM Sulbar", "Sekda Sulbar", "Narasumber KemenPAN-RB"]
BLOCK_NOTES = ["Menunggu data dari OPD", "Anggaran belum tersedia", "Menunggu persetujuan pimpinan"]
COMMENTS = ["Sudah dikoordinasikan dengan OPD terkait.", "Mohon dipercepat.", "Draf sudah dikirim lewat email.",
            "Rapat lanjutan minggu depan."]


@functools.cache
def password_hash() -> str:
    """One scrypt hash shared by every generated account (hashing is slow on purpose)."""
    return generate_password_hash(PASSWORD, method="scrypt")


def _weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(1, 0), tzinfo=UTC) + timedelta(seconds=rng.randrange(9 * 3600))


def _chunks(rows, size: int = CHUNK):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Writer:
    """Collects rows per table and inserts them in chunks with Core executemany."""

    def __init__(self, connection):
        self.connection = connection
        self.pending: dict = {}

    def add(self, table, row: dict) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush(table)

    def flush(self, table=None) -> None:
        # Parents before children: the foreign keys are checked on SQLite and PostgreSQL.
        order = [ActionItem.__table__, ItemHistory.__table__, Comment.__table__, item_supporters]
        for target in [table] if table is not None else order:
            rows = self.pending.pop(target, None)
            if rows:
                if target is not ActionItem.__table__ and ActionItem.__table__ in self.pending:
                    self.flush(ActionItem.__table__)
                self.connection.execute(insert(target), rows)


def _webinar_sizes(rng: random.Random, size: Size) -> list[int]:
    """Items per webinar: 20 % of the webinars hold 80 % of the items."""
    hot = set(rng.sample(range(size.webinars), max(1, size.webinars // 5)))
    weights = [(0.8 / len(hot) if i in hot else 0.2 / max(1, size.webinars - len(hot))) * rng.uniform(0.7, 1.3)
               for i in range(size.webinars)]
    total = sum(weights)
    counts = [max(1, int(size.items * w / total)) for w in weights]
    biggest = max(range(size.webinars), key=counts.__getitem__)
    counts[biggest] += size.items - sum(counts)
    return counts


def generate(size: Size, seed: int = SEED, today: date | None = None) -> dict:
    """Fill the (migrated, empty) database of the current app context; return what was written."""
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(UTC)
    db.session.remove()  # one connection does everything: SQLite allows one writer
    with db.engine.begin() as connection:
        themes = list(connection.execute(select(Theme.id).order_by(Theme.id)).scalars())
        if not connection.execute(select(Unit.id).limit(1)).first():
            connection.execute(insert(Unit.__table__), [{"name": n, "short_name": s, "active": True} for n, s in UNITS])
        units = list(connection.execute(select(Unit.id).order_by(Unit.id)).scalars())
        heads, members = _users(connection, rng, size, units, now)
        counts = _webinars(connection, rng, size, today, heads[0], now)
        writer = Writer(connection)
        # The item tallies are counted once at the end, as their migration does for existing items: a
        # trigger per row would update the same tally rows 100,000 times in one transaction, which
        # PostgreSQL makes slower with every version of a row it keeps.
        _run_ddl(connection, drop_statements(connection.dialect.name))
        stats = _items(writer, rng, size, counts, today, now, heads, members, themes, units)
        writer.flush()
        _run_ddl(connection, [rebuild_statement(connection.dialect.name), *create_statements(connection.dialect.name)])
        search_index.rebuild(connection)  # the search index of every item, as `flask reindex` writes it
        if connection.dialect.name == "postgresql":
            for table in ("users", "webinars", "action_items", "item_history", "comments", "units"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return stats


def _run_ddl(connection, statements: list[str]) -> None:
    for statement in statements:
        connection.execute(DDL(statement.replace("%", "%%")))


def _users(connection, rng, size: Size, units, now) -> tuple[list[int], list[int]]:
    rows = []
    for n in range(1, size.users + 1):
        head = n <= size.heads
        username = f"kepala{n:02d}" if head else f"anggota{n - size.heads:03d}"
        rows.append({
            "id": n, "username": username, "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}",
            "email": f"{username}@sulbarprov.go.id", "role": "head" if head else "member", "active": True,
            "password_hash": password_hash(), "language": "id", "reminders_enabled": True,
            "unit_id": rng.choice(units), "session_token": f"bench-{n}-{rng.getrandbits(64):x}", "created_at": now,
        })
    connection.execute(insert(User.__table__), rows)
    return list(range(1, size.heads + 1)), list(range(size.heads + 1, size.users + 1))


def _webinars(connection, rng, size: Size, today: date, creator: int, now) -> list[int]:
    counts = _webinar_sizes(rng, size)
    rows = []
    for series, count in enumerate(counts, start=1):
        held = today - timedelta(days=3 * (size.webinars - series) + 5)
        rows.append({
            "id": series, "series": series, "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} (Seri {series})",
            "held_on": held, "organizer": "BPSDM Sulbar", "speakers": "\n".join(rng.sample(SPEAKERS, 2)),
            "summary": "Ringkasan webinar.", "link": f"https://bpsdm.sulbarprov.go.id/webinar/{series}",
            "last_item_number": count, "created_by_id": creator, "created_at": now, "updated_at": now,
        })
    for batch in _chunks(rows):
        connection.execute(insert(Webinar.__table__), batch)
    return counts


def _items(writer: Writer, rng, size: Size, counts, today, now, heads, members, themes, units) -> dict:
    people = heads + members
    owner_weights = [1.0 / (1 + i % 17) for i in range(len(people))]  # a few people own much more
    busy, writers = members[0], members[1:9]
    long_owner = members[9] if len(members) > 9 else members[-1]
    biggest = max(range(len(counts)), key=counts.__getitem__)
    writer_quota = {w: min(6, max(1, size.items // 100)) for w in writers}
    writer_step = max(2, size.items // 200)
    # The busy member owns 2 % of the items but at least 250, so /my shows full groups at every size.
    busy_share = min(0.25, max(0.02, 250 / size.items))
    item_id = history_id = comment_id = 0
    stats = {"items": 0, "history": 0, "supporters": 0, "long_history_item": None}
    for index, count in enumerate(counts):
        series = index + 1
        held = today - timedelta(days=3 * (size.webinars - series) + 5)
        for number in range(1, count + 1):
            item_id += 1
            status = _weighted(rng, STATUS_MIX)
            owner = rng.choices(people, weights=owner_weights)[0] if rng.random() > 0.03 else None
            if rng.random() < busy_share:
                owner, status = busy, rng.choice(OPEN + ("selesai",))
            quota = next((w for w, left in writer_quota.items() if left), None)
            if quota and item_id % writer_step == 0:
                owner, status = quota, "dikerjakan"
                writer_quota[quota] -= 1
            long_history = index == biggest and number == 1
            if long_history:
                owner, status = long_owner, "dikerjakan"
                stats["long_history_item"] = item_id
            created = _at(held + timedelta(days=rng.randrange(3)), rng)
            creator = rng.choice(heads)
            events = _events(rng, status, long_history)
            span = max(60.0, (now - created).total_seconds() - 60)
            moments = sorted(created + timedelta(seconds=rng.uniform(60, span)) for _ in events)
            version, previous, code, note, comments = 1, "baru", item_code(series, number), None, []
            history = [{"id": None, "item_id": item_id, "actor_id": creator, "created_at": created, "kind": "created",
                        "item_version": 1, "field": None, "old_value": None, "new_value": code, "note": None}]
            for (kind, value), moment in zip(events, moments):
                actor = owner or creator
                row = {"id": None, "item_id": item_id, "actor_id": actor, "created_at": moment, "kind": kind,
                       "item_version": version, "field": None, "old_value": None, "new_value": None, "note": None}
                if kind == "status":
                    version += 1
                    row.update(item_version=version, field="status", old_value=previous, new_value=value,
                               note=rng.choice(BLOCK_NOTES) if value in ("terhambat", "dibatalkan") else None)
                    if value == "terverifikasi":
                        row["actor_id"] = rng.choice(heads)
                    previous, note = value, row["note"]
                elif kind == "edited":
                    version += 1
                    old = rng.randrange(0, 90, 10)
                    row.update(item_version=version, field="progress", old_value=str(old), new_value=str(old + 10))
                else:
                    comment_id += 1
                    row["note"] = rng.choice(COMMENTS)
                    comments.append({"id": comment_id, "item_id": item_id, "author_id": actor,
                                     "body": row["note"], "created_at": moment})
                history.append(row)
            updated = moments[-1] if moments else created
            done = status in ("selesai", "terverifikasi")
            due = None if rng.random() < 0.05 else today + timedelta(days=int(rng.gauss(-10, 60)))
            writer.add(ActionItem.__table__, {
                "id": item_id, "webinar_id": series, "number": number, "code": code,
                "title": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} di {rng.choice(PLACES)}",
                "description": None if rng.random() < 0.3 else f"Tindak lanjut arahan {rng.choice(SPEAKERS)}: "
                                                               f"{rng.choice(VERBS).lower()} {rng.choice(OBJECTS)}.",
                "source": rng.choice(SPEAKERS), "theme_id": rng.choice(themes) if rng.random() < 0.9 else None,
                "owner_id": owner, "unit_id": rng.choice(units) if rng.random() < 0.7 else None,
                "priority": _weighted(rng, PRIORITY_MIX), "due_date": due,
                "progress": 100 if done else (rng.randrange(10, 90, 10) if status in ("dikerjakan", "terhambat") else 0),
                "evidence_url": f"https://sulbarprov.go.id/bukti/{code}" if done else None, "status": status,
                "status_note": note,
                "created_by_id": creator, "created_at": created, "updated_at": updated,
                "completed_at": updated if done else None,
                "verified_at": updated if status == "terverifikasi" else None,
                "verified_by_id": history[-1]["actor_id"] if status == "terverifikasi" else None,
                "version": version,
            })
            for row in history:
                history_id += 1
                row["id"] = history_id
                writer.add(ItemHistory.__table__, row)
            for row in comments:
                writer.add(Comment.__table__, row)
            candidates = [m for m in members if m != owner]
            if rng.random() < 0.12 and candidates:
                for supporter in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2)))):
                    writer.add(item_supporters, {"item_id": item_id, "user_id": supporter})
                    stats["supporters"] += 1
    stats.update(items=item_id, history=history_id)
    return stats


def _events(rng, status: str, long_history: bool) -> list[tuple[str, str | None]]:
    """What happened to an item after its creation, in order: (kind, new status)."""
    if long_history:
        events = [("status", "dikerjakan")]
        for n in range(LONG_HISTORY_TOGGLES):
            events.append(("status", "terhambat" if n % 2 == 0 else "dikerjakan"))
            if n % 4 == 0:
                events.append(("comment", None))
        return events
    events = [("status", value) for value in STATUS_PATH[status]]
    for _ in range(rng.choices((0, 1, 2), weights=(60, 30, 10))[0]):
        # Edits and comments fall between the status changes; before the last one keeps the end status.
        events.insert(rng.randrange(len(events) + 1), ("edited", None) if rng.random() < 0.5 else ("comment", None))
    return events
