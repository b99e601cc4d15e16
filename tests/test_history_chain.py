"""The item history chained by hashes: every way a row is written joins the item's chain, and
`flask verify-history` finds a row changed, deleted or slipped in with raw SQL."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from tests.conftest import get_user
from tracker.extensions import db
from tracker.models import ActionItem, ExtensionRequest, HistoryKind, ItemHistory
from tracker.models.integrity import GENESIS, history_row_hash
from tracker.services.history import record
from tracker.services.history_check import verify_history
from tracker.services.items import add_comment
from tracker.timeutil import local_today


def _chain(item_id: int) -> list[ItemHistory]:
    return list(db.session.scalars(select(ItemHistory).where(ItemHistory.item_id == item_id).order_by(ItemHistory.id)))


def _assert_chained(rows: list[ItemHistory]) -> None:
    """Each row links to the one before (the first to GENESIS) and its hash covers its content."""
    expected_prev = GENESIS
    for row in rows:
        assert row.prev_hash == expected_prev, row.id
        content = {column: getattr(row, column) for column in ItemHistory.__table__.columns.keys()}
        assert row.row_hash == history_row_hash(content, row.prev_hash), row.id
        expected_prev = row.row_hash


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["verify-history", *args])


def test_every_change_through_the_app_extends_the_items_chain(app, client, make_client, users, sample):
    client.login("kepala")
    form = {"title": "Menyusun peta jalan", "webinar_id": sample["webinar"], "owner_id": users["anggota"],
            "priority": "tinggi", "progress": "0", "due_date": (local_today() + timedelta(days=10)).isoformat()}
    assert client.submit("/items/new", form, token_from="/items/new").status_code == 302
    with app.app_context():
        item = db.session.scalar(select(ActionItem).order_by(ActionItem.id.desc()))
        item_id, version = item.id, item.version
    edited = dict(form, title="Menyusun peta jalan digital", progress="20", version=version)
    assert client.submit(f"/items/{item_id}/edit", edited, token_from=f"/items/{item_id}/edit").status_code == 302
    with app.app_context():
        version = db.session.get(ActionItem, item_id).version
    status = {"status": "dikerjakan", "note": "", "version": version}
    assert client.submit(f"/items/{item_id}/status", status, token_from=f"/items/{item_id}").status_code == 302
    assert client.submit(f"/items/{item_id}/comments", {"body": "Draf dikirim"},
                         token_from=f"/items/{item_id}").status_code == 302
    owner = make_client()
    owner.login("anggota")
    later = (local_today() + timedelta(days=30)).isoformat()
    assert owner.submit(f"/items/{item_id}/extension", {"new_due_date": later, "reason": "Menunggu data"},
                        token_from=f"/items/{item_id}").status_code == 302
    with app.app_context():
        request_id = db.session.scalar(select(ExtensionRequest.id))
    assert client.submit(f"/items/{item_id}/extension/{request_id}", {"decision": "approve", "note": ""},
                         token_from=f"/items/{item_id}").status_code == 302

    with app.app_context():
        rows = _chain(item_id)
        kinds = [row.kind for row in rows]
        assert kinds[0] == HistoryKind.CREATED and kinds[-2:] == [HistoryKind.EXTENSION_APPROVED, HistoryKind.DUE_DATE]
        assert {HistoryKind.EDITED, HistoryKind.STATUS, HistoryKind.COMMENT, HistoryKind.EXTENSION_REQUESTED} <= set(kinds)
        _assert_chained(rows)
        assert len({row.row_hash for row in rows}) == len(rows)


def test_rows_of_one_item_in_one_flush_chain_in_id_order(app, users, sample):
    with app.app_context():
        item = db.session.get(ActionItem, sample["item1"])
        head = get_user("kepala")
        for number in range(4):
            add_comment(item, head, f"Catatan {number}")
        db.session.commit()
        rows = _chain(item.id)
        assert [row.note for row in rows[-4:]] == [f"Catatan {n}" for n in range(4)]
        _assert_chained(rows)


def test_core_executemany_inserts_are_chained_too(app, users, sample):
    """Bulk paths (the bench generator, imports) insert with Core executemany: they chain the same way."""
    with app.app_context():
        moment = datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
        rows = [{"item_id": item_id, "actor_id": None, "created_at": moment, "kind": "comment", "note": f"impor {n}"}
                for n in range(3) for item_id in (sample["item1"], sample["item2"])]
        db.session.execute(insert(ItemHistory.__table__), rows)
        db.session.commit()
        _assert_chained(_chain(sample["item1"]))
        _assert_chained(_chain(sample["item2"]))
        assert verify_history().intact


def test_verify_history_on_a_clean_database(app, users, sample):
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "History intact: 3 items, 3 rows checked." in result.output


def test_verify_history_with_no_history_at_all(app):
    result = _run(app)
    assert result.exit_code == 0 and "0 items, 0 rows" in result.output


def _comments(app, item_id: int, count: int) -> list[int]:
    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        for number in range(count):
            add_comment(item, get_user("anggota"), f"Komentar {number}")
        db.session.commit()
        return [row.id for row in _chain(item_id)]


def test_a_row_edited_with_raw_sql_is_named(app, users, sample):
    ids = _comments(app, sample["item3"], 3)
    with app.app_context():
        db.session.execute(text("UPDATE item_history SET note = 'Diubah diam-diam' WHERE id = :id"), {"id": ids[2]})
        db.session.commit()
    result = _run(app)
    assert result.exit_code == 1
    assert f"History row #{ids[2]} of item S28-03 does not match: changed content" in result.output


def test_a_row_deleted_with_raw_sql_breaks_the_link_of_the_next(app, users, sample):
    ids = _comments(app, sample["item3"], 3)
    with app.app_context():
        db.session.execute(text("DELETE FROM item_history WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
    result = _run(app)
    assert result.exit_code == 1
    assert f"History row #{ids[2]} of item S28-03 does not match: broken link" in result.output
    assert f"does not follow row #{ids[0]}" in result.output


def test_a_deleted_first_row_is_found(app, users, sample):
    ids = _comments(app, sample["item2"], 1)
    with app.app_context():
        db.session.execute(text("DELETE FROM item_history WHERE id = :id"), {"id": ids[0]})
        db.session.commit()
    result = _run(app)
    assert result.exit_code == 1
    assert f"History row #{ids[1]} of item S28-02" in result.output and "earlier rows were deleted" in result.output


def test_a_row_slipped_into_the_chain_is_found(app, users, sample):
    """Even with a correct hash of its own, a row slipped in before another breaks that row's link."""
    created, comment = _comments(app, sample["item3"], 1)
    with app.app_context():
        first = db.session.get(ItemHistory, created)
        forged = {"item_id": first.item_id, "actor_id": None, "created_at": first.created_at, "kind": "comment",
                  "item_version": first.item_version, "note": "Sisipan"}
        stored_at = db.session.scalar(text("SELECT created_at FROM item_history WHERE id = :id"), {"id": created})
        db.session.execute(text("UPDATE item_history SET id = id + 1000 WHERE id = :id"), {"id": comment})
        db.session.execute(text(
            "INSERT INTO item_history (id, item_id, created_at, kind, item_version, note, prev_hash, row_hash) "
            "VALUES (:id, :item_id, :created_at, 'comment', :item_version, 'Sisipan', :prev, :hash)"),
            {"id": comment, "item_id": first.item_id, "created_at": stored_at, "item_version": first.item_version,
             "prev": first.row_hash, "hash": history_row_hash(forged, first.row_hash)})
        db.session.commit()
    result = _run(app)
    assert result.exit_code == 1
    assert f"History row #{comment + 1000} of item S28-03" in result.output
    assert f"inserted row: row #{comment} was inserted" in result.output


def test_history_rows_still_refuse_orm_changes(app, users, sample):
    from tracker.models.items import AppendOnlyError

    with app.app_context():
        row = db.session.scalar(select(ItemHistory))
        row.row_hash = "f" * 64
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def _backend_pid() -> int:
    return db.session.scalar(text("SELECT pg_backend_pid()"))


def test_concurrent_appends_to_one_item_do_not_fork_the_chain(app, users, sample):
    """Two transactions comment on the same item: the second waits for the first and follows its row."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite runs one writer at a time (BEGIN IMMEDIATE): nothing can interleave")
    item_id, waiting, errors = sample["item1"], {}, []

    def second_writer():
        try:
            with app.app_context():
                waiting["pid"] = _backend_pid()
                item = db.session.get(ActionItem, item_id)
                record(item, get_user("anggota2"), HistoryKind.COMMENT, note="Kedua", changes_item=False)
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    with app.app_context():
        item = db.session.get(ActionItem, item_id)
        record(item, get_user("anggota"), HistoryKind.COMMENT, note="Pertama", changes_item=False)
        db.session.flush()  # the first writer holds the item's lock until it commits
        thread = threading.Thread(target=second_writer)
        thread.start()
        with db.engine.connect() as watcher:  # wait until the second writer is blocked on that lock
            while thread.is_alive():
                pid = waiting.get("pid")
                blocked = pid and watcher.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid AND wait_event_type = 'Lock'"),
                    {"pid": pid}).scalar()
                watcher.rollback()
                if blocked:
                    break
        db.session.commit()
    thread.join()
    assert errors == []
    with app.app_context():
        rows = _chain(item_id)
        assert [row.note for row in rows[-2:]] == ["Pertama", "Kedua"]
        _assert_chained(rows)
        assert verify_history().intact


def test_the_bench_generator_writes_valid_chains(app):
    from bench.generate import SIZES, generate

    with app.app_context():
        stats = generate(SIZES["tiny"])
        report = verify_history()
    assert report.intact, report.first_break
    assert report.rows == stats["history"] and report.items == stats["items"]
