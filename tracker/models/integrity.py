"""Tamper evidence: the item history chained by SHA-256, and the fingerprint of a frozen report.

Each history row stores `row_hash` = SHA-256 of its content and `prev_hash`, the row_hash of the item's
previous row (GENESIS for the first). Every INSERT into item_history, whatever issues it (the ORM's
flush, an ORM bulk insert, Core executemany), passes `chain_history_inserts`, which fills both hashes
in the order of the statement's rows, so several rows of one item in one statement chain in id order.
The canonical forms below are a contract: changing them invalidates every stored hash.
"""
import enum
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CHAR, Integer, column, event, func, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import Insert

GENESIS = "0" * 64  # the prev_hash of an item's first history row
HISTORY_TABLE = "item_history"
# What a history row's hash covers, besides the previous row's hash.
HASHED_COLUMNS = ("item_id", "actor_id", "created_at", "kind", "item_version", "field", "old_value", "new_value",
                  "old_label", "new_label", "note")

# Lightweight tables (only the columns used here), so migrations can use this module at any revision.
history_table = table(
    HISTORY_TABLE, column("id", Integer), column("item_id", Integer), column("row_hash", CHAR(64)),
)
items_table = table("action_items", column("id", Integer))


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical_json(value: Any) -> bytes:
    """A stable encoding: JSON with sorted keys, no spaces, ASCII only."""
    return _ENCODER.encode(value).encode("ascii")


def utc_stamp(moment: datetime) -> str:
    """A moment in UTC as 2023-12-18T01:02:03.000004Z (a naive datetime is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def _text(value) -> str | None:
    if value is None or type(value) is str:
        return value
    return str(value.value if isinstance(value, enum.Enum) else value)


def _number(value) -> int | None:
    return None if value is None else int(value)


def history_row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """The SHA-256 (hex) of a history row's content and the hash of the row before it."""
    return history_values_hash(tuple(row.get(name) for name in HASHED_COLUMNS), prev_hash)


def history_values_hash(values: tuple, prev_hash: str) -> str:
    """history_row_hash of the values of HASHED_COLUMNS, in that order."""
    item_id, actor_id, created_at, kind, item_version, field, old_value, new_value, old_label, new_label, note \
        = values
    body = {
        "actor_id": _number(actor_id), "created_at": utc_stamp(created_at), "field": _text(field),
        "item_id": _number(item_id), "item_version": _number(item_version), "kind": _text(kind),
        "new_label": _text(new_label), "new_value": _text(new_value), "note": _text(note),
        "old_label": _text(old_label), "old_value": _text(old_value), "prev_hash": prev_hash,
    }
    return hashlib.sha256(_ENCODER.encode(body).encode("ascii")).hexdigest()


def snapshot_fingerprint(number: str, title: str, scope: Any, data: Any, created_at: datetime) -> str:
    """The SHA-256 (hex) of what a frozen report shows: its number, title, scope, data, time and signer."""
    payload = json.loads(json.dumps({"data": data, "scope": scope}))  # as stored and read back (JSON)
    signer = payload["data"].get("signer") if isinstance(payload["data"], dict) else None
    body = {"number": number, "title": title, "created_at": utc_stamp(created_at), "signer": signer, **payload}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def chain_rows(connection: Connection, rows: list[dict]) -> list[dict]:
    """Copies of new history rows with their created_at (if missing), prev_hash and row_hash filled in.

    On PostgreSQL the items are locked first (FOR NO KEY UPDATE, in id order), so two transactions
    appending to one item take turns and the second reads the first one's row as its predecessor.
    SQLite runs one writer at a time (BEGIN IMMEDIATE, see tracker/database.py).
    """
    item_ids = sorted({row["item_id"] for row in rows if row.get("item_id") is not None})
    if not item_ids:
        return rows
    if connection.dialect.name != "sqlite":
        connection.execute(
            select(items_table.c.id).where(items_table.c.id.in_(item_ids)).order_by(items_table.c.id)
            .with_for_update(key_share=True)
        )
    latest = select(func.max(history_table.c.id)).where(history_table.c.item_id.in_(item_ids)) \
        .group_by(history_table.c.item_id)
    tails = dict(connection.execute(
        select(history_table.c.item_id, history_table.c.row_hash).where(history_table.c.id.in_(latest))
    ).all())
    chained = []
    for row in rows:
        row = dict(row)
        if row.get("item_id") is not None:
            if row.get("created_at") is None:
                row["created_at"] = datetime.now(UTC)
            row["prev_hash"] = tails.get(row["item_id"]) or GENESIS
            row["row_hash"] = tails[row["item_id"]] = history_row_hash(row, row["prev_hash"])
        chained.append(row)
    return chained


def chain_history_inserts(connection, statement, multiparams, params, execution_options):
    """before_execute: give every row of an INSERT into item_history its place in the item's chain."""
    if not isinstance(statement, Insert) or statement.table.name != HISTORY_TABLE:
        return statement, multiparams, params
    if multiparams:
        return statement, chain_rows(connection, list(multiparams)), params
    if params:
        return statement, multiparams, chain_rows(connection, [params])[0]
    return statement, multiparams, params  # values inside the statement: NOT NULL refuses missing hashes


def install(engine: Engine) -> None:
    """Chain every history insert made through this engine (once per engine)."""
    if not event.contains(engine, "before_execute", chain_history_inserts):
        event.listen(engine, "before_execute", chain_history_inserts, retval=True)
