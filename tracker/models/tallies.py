"""Item tallies: how many items each webinar, theme and owner holds per status, kept exact by triggers.

The dashboard reads its status counts from here instead of counting 100,000 items on every request.
Database triggers (SQLite and PostgreSQL) change a tally in the same transaction as the item, whatever
writes it: the ORM, a Core insert, a restore or raw SQL. `key` is the webinar, theme, owner or unit (OPD) id
(0 for items without a theme, owner or unit), or a day or hour (see GRAINS). Rows whose count fell to 0
stay; readers ignore them.

Only visible items are counted (the rule ActionItem.is_visible, `deleted_at IS NULL`): deleting an item
as a correction takes it out of its tallies, restoring it puts it back. The schema before corrections
(migration b7e2c4d9a1f0) had no deleted_at and counted every item: `every_item=True` writes that DDL.
"""
from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

GRAINS = ("webinar", "theme", "owner", "unit", "due", "opened", "completed", "verified", "unit_due")
# What each grain counts by: (key, status) as SQL over a row ({row} is NEW, OLD or the table), per dialect.
# due: days since 1970 of the due date (-1: none; a date before 1970 counts as day 0); opened/completed:
# hours since 1970 (UTC) of the creation or completion time (-1: not completed); verified: the same of the
# verification time, per status (the projection reads the verified ones), so that a week starting at local
# midnight (any whole-hour zone such as WITA) is a range of keys. unit_due: the unit (0: none) times UNIT_DAYS plus
# 1 + days since 1970 of the due date (0: none; before 1970 counts as day 0, beyond UNIT_DAYS - 2 as the
# last day), so that a unit's items due before a day are one range of keys (its overdue items).
UNIT_DAYS = 1_000_000
_SQLITE_KEYS = {
    "due": "COALESCE(max(CAST(julianday({row}.due_date) - 2440587.5 AS INTEGER), 0), -1)",
    "opened": "CAST(strftime('%s', {row}.created_at) AS INTEGER) / 3600",
    "completed": "COALESCE(CAST(strftime('%s', {row}.completed_at) AS INTEGER) / 3600, -1)",
    "verified": "COALESCE(CAST(strftime('%s', {row}.verified_at) AS INTEGER) / 3600, -1)",
    "unit_due": f"COALESCE({{row}}.unit_id, 0) * {UNIT_DAYS} + CASE WHEN {{row}}.due_date IS NULL THEN 0 "
                f"ELSE min(max(CAST(julianday({{row}}.due_date) - 2440587.5 AS INTEGER) + 1, 1), {UNIT_DAYS - 1}) END",
}
_POSTGRESQL_KEYS = {
    "due": "CASE WHEN {row}.due_date IS NULL THEN -1 ELSE GREATEST({row}.due_date - DATE '1970-01-01', 0) END",
    "opened": "floor(extract(epoch FROM {row}.created_at) / 3600)::integer",
    "completed": "COALESCE(floor(extract(epoch FROM {row}.completed_at) / 3600)::integer, -1)",
    "verified": "COALESCE(floor(extract(epoch FROM {row}.verified_at) / 3600)::integer, -1)",
    "unit_due": f"COALESCE({{row}}.unit_id, 0)::bigint * {UNIT_DAYS} + CASE WHEN {{row}}.due_date IS NULL THEN 0 "
                f"ELSE LEAST(GREATEST({{row}}.due_date - DATE '1970-01-01' + 1, 1), {UNIT_DAYS - 1}) END",
}
_COMMON_KEYS = {"webinar": "{row}.webinar_id", "theme": "COALESCE({row}.theme_id, 0)",
                "owner": "COALESCE({row}.owner_id, 0)", "unit": "COALESCE({row}.unit_id, 0)"}
ANY_STATUS = "*"  # opened and completed are counted whatever the status
CHANGED = ("status", "webinar_id", "theme_id", "owner_id", "unit_id", "due_date", "created_at", "completed_at",
           "verified_at")


def key_sql(grain: str, dialect: str, row: str) -> str:
    """The SQL of a grain's key for a row on a dialect."""
    keys = {**_COMMON_KEYS, **(_POSTGRESQL_KEYS if dialect == "postgresql" else _SQLITE_KEYS)}
    return keys[grain].format(row=row)


def status_sql(grain: str, row: str) -> str:
    """The SQL of a grain's status for a row."""
    return f"'{ANY_STATUS}'" if grain in ("opened", "completed") else f"{row}.status"


class ItemTally(Base):
    """One count: items of one webinar (theme, owner) in one status."""

    __tablename__ = "item_tallies"
    # The dashboard sums thousands of tallies per request: with n in an index they are read from it
    # alone (SQLite reads them from the table row by row otherwise; measured: 1.3 ms of 17 at 100k items).
    __table_args__ = (Index("ix_item_tallies_counts", "grain", "key", "status", "n"),)

    grain: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


VISIBLE = "{row}.deleted_at IS NULL"  # ActionItem.is_visible, written over a trigger's row


def _values(dialect: str, row: str, delta: int) -> str:
    return ", ".join(f"('{grain}', {key_sql(grain, dialect, row)}, {status_sql(grain, row)}, {delta})"
                     for grain in GRAINS)


def _sqlite_statements(every_item: bool) -> list[str]:
    add = ("INSERT INTO item_tallies (grain, key, status, n) VALUES {values} "
           "ON CONFLICT (grain, key, status) DO UPDATE SET n = n + excluded.n;")
    columns = CHANGED if every_item else (*CHANGED, "deleted_at")
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
    update = f"AFTER UPDATE OF {', '.join(columns)} ON action_items"
    if every_item:
        return [
            f"CREATE TRIGGER item_tallies_insert AFTER INSERT ON action_items BEGIN {add.format(values=_values('sqlite', 'NEW', 1))} END",
            f"CREATE TRIGGER item_tallies_delete AFTER DELETE ON action_items BEGIN {add.format(values=_values('sqlite', 'OLD', -1))} END",
            f"CREATE TRIGGER item_tallies_update {update} "
            f"WHEN {changed} BEGIN {add.format(values=_values('sqlite', 'OLD', -1))} {add.format(values=_values('sqlite', 'NEW', 1))} END",
        ]
    # A row leaves its old tallies if it was visible, and enters its new ones if it is visible now:
    # a deletion only leaves, a restore only enters.
    old_visible, new_visible = VISIBLE.format(row="OLD"), VISIBLE.format(row="NEW")
    return [
        f"CREATE TRIGGER item_tallies_insert AFTER INSERT ON action_items WHEN {new_visible} "
        f"BEGIN {add.format(values=_values('sqlite', 'NEW', 1))} END",
        f"CREATE TRIGGER item_tallies_delete AFTER DELETE ON action_items WHEN {old_visible} "
        f"BEGIN {add.format(values=_values('sqlite', 'OLD', -1))} END",
        f"CREATE TRIGGER item_tallies_update_old {update} WHEN {old_visible} AND ({changed}) "
        f"BEGIN {add.format(values=_values('sqlite', 'OLD', -1))} END",
        f"CREATE TRIGGER item_tallies_update_new {update} WHEN {new_visible} AND ({changed}) "
        f"BEGIN {add.format(values=_values('sqlite', 'NEW', 1))} END",
    ]


def _postgresql_statements(every_item: bool) -> list[str]:
    columns = CHANGED if every_item else (*CHANGED, "deleted_at")
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)
    # One statement in a fixed row order, so two transactions never lock the same tallies in opposite orders.
    apply = ("INSERT INTO item_tallies (grain, key, status, n) "
             "SELECT grain, key, status, sum(delta) FROM (VALUES {values}) AS change (grain, key, status, delta) "
             "{where}GROUP BY grain, key, status ORDER BY grain, key, status "
             "ON CONFLICT (grain, key, status) DO UPDATE SET n = item_tallies.n + EXCLUDED.n;")
    both = f"{_values('postgresql', 'OLD', -1)}, {_values('postgresql', 'NEW', 1)}"
    if every_item:
        delete, update = (apply.format(values=values, where="") for values in (_values('postgresql', 'OLD', -1), both))
    else:
        # delta -1 rows are OLD's, +1 rows NEW's: each side counts only when that row is visible.
        sides = f"WHERE (delta < 0 AND {VISIBLE.format(row='OLD')}) OR (delta > 0 AND {VISIBLE.format(row='NEW')}) "
        delete = f"IF {VISIBLE.format(row='OLD')} THEN {apply.format(values=_values('postgresql', 'OLD', -1), where='')} END IF;"
        update = apply.format(values=both, where=sides)
    # Inserts are counted once per statement from its transition table: one upsert per tally, however many
    # rows the statement adds. Per row, a big import would update the same tally rows thousands of times in
    # one transaction, and each update walks every earlier version of the row (quadratic in the rows).
    inserted = ("INSERT INTO item_tallies (grain, key, status, n) "
                "SELECT change.grain, change.key, change.status, sum(change.delta) FROM inserted "
                f"CROSS JOIN LATERAL (VALUES {_values('postgresql', 'inserted', 1)}) "
                "AS change (grain, key, status, delta) "
                + ("" if every_item else f"WHERE {VISIBLE.format(row='inserted')} ")
                + "GROUP BY change.grain, change.key, change.status "
                "ORDER BY change.grain, change.key, change.status "
                "ON CONFLICT (grain, key, status) DO UPDATE SET n = item_tallies.n + EXCLUDED.n;")
    return [
        "CREATE OR REPLACE FUNCTION item_tallies_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN {delete} "
        f"ELSIF {changed} THEN {update} "
        "END IF; RETURN NULL; END $$",
        f"CREATE TRIGGER item_tallies_change AFTER DELETE OR UPDATE OF {', '.join(columns)} "
        "ON action_items FOR EACH ROW EXECUTE FUNCTION item_tallies_change()",
        f"CREATE OR REPLACE FUNCTION item_tallies_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {inserted} "
        "RETURN NULL; END $$",
        "CREATE TRIGGER item_tallies_insert AFTER INSERT ON action_items REFERENCING NEW TABLE AS inserted "
        "FOR EACH STATEMENT EXECUTE FUNCTION item_tallies_insert()",
    ]


def create_statements(dialect: str, *, every_item: bool = False) -> list[str]:
    """The DDL that creates the tally triggers on this dialect (the migrations run it)."""
    return _postgresql_statements(every_item) if dialect == "postgresql" else _sqlite_statements(every_item)


def drop_statements(dialect: str) -> list[str]:
    """The DDL that removes the tally triggers (of either schema)."""
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS item_tallies_change ON action_items",
                "DROP FUNCTION IF EXISTS item_tallies_change()",
                "DROP TRIGGER IF EXISTS item_tallies_insert ON action_items",
                "DROP FUNCTION IF EXISTS item_tallies_insert()"]
    return [f"DROP TRIGGER IF EXISTS item_tallies_{name}"
            for name in ("insert", "delete", "update", "update_old", "update_new")]


def rebuild_statement(dialect: str, *, every_item: bool = False) -> str:
    """SQL that fills the tallies from the items (after the tallies table was emptied)."""
    where = "" if every_item else f"WHERE {VISIBLE.format(row='action_items')} "
    return "INSERT INTO item_tallies (grain, key, status, n) " + " UNION ALL ".join(
        f"SELECT '{grain}', {select_list} FROM action_items {where}GROUP BY {group_by}"
        for grain, select_list, group_by in recount_parts(dialect))


def retally_statements(dialect: str, *, every_item: bool = False) -> list[str]:
    """Install the tally triggers and count every tally afresh from the items (the old triggers dropped first)."""
    return [*create_statements(dialect, every_item=every_item), "DELETE FROM item_tallies",
            rebuild_statement(dialect, every_item=every_item)]


def recount_parts(dialect: str) -> list[tuple[str, str, str]]:
    """Per grain: the select list (key, status, count) and the GROUP BY that count the items afresh."""
    parts = []
    for grain in GRAINS:
        key, status = key_sql(grain, dialect, "action_items"), status_sql(grain, "action_items")
        group_by = key if status.startswith("'") else f"{key}, {status}"
        parts.append((grain, f"{key}, {status}, count(*)", group_by))
    return parts
