"""The keyset paginator: every sort order pages by cursor, cursors survive a round trip through a link,
and the due order is read from the migrated expression index (no sort of the whole table)."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Priority, Status
from tracker.services.item_filter import ItemFilter
from tracker.services.item_pages import page_ids
from tracker.services.item_sorts import SORT_ORDERS, Cursor
from tracker.timeutil import local_today


def _plan(statement) -> str:
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    return " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))


def test_due_order_pages_come_from_the_due_key_index(migrated_sqlite):
    today = local_today()
    cursor = Cursor("due", (today, 1234))
    pages = {  # name: (filter, cursor, page number, the index that must give the page in order)
        "page 1": (ItemFilter(), None, 1, "ix_action_items_due_key"),
        "next": (ItemFilter(after=str(cursor)), cursor, 2, "ix_action_items_due_key"),
        "previous": (ItemFilter(before=str(cursor)), cursor, 2, "ix_action_items_due_key"),
        "typed page": (ItemFilter(), None, 400, "ix_action_items_due_key"),
        "due range": (ItemFilter(due_from=today), None, 1, "ix_action_items_due_key"),
        "one status": (ItemFilter(statuses=(Status.IN_PROGRESS,)), None, 1, "ix_action_items_status_due_key"),
    }
    for name, (item_filter, at, page, index) in pages.items():
        plan = _plan(page_ids(item_filter, at, page, today))
        assert f"COVERING INDEX {index}" in plan, (name, plan)
        assert "TEMP B-TREE" not in plan, (name, plan)
        if at is not None:
            assert plan.startswith("SEARCH"), (name, plan)  # a seek, not a scan from the first row


@pytest.fixture()
def varied(app, users):
    """40 items: repeated due dates, some without one, three priorities."""
    today = local_today()
    with app.app_context():
        anggota, webinar = get_user("anggota"), add_webinar(28)
        for number in range(40):
            add_item(webinar, anggota, priority=list(Priority)[number % 3],
                     due_date=None if number % 6 == 0 else today + timedelta(days=number % 5))
        db.session.commit()


@pytest.mark.parametrize("sort", SORT_ORDERS)  # relevance pages go by number (a search ranks them)
def test_a_cursor_round_trips_through_its_link(app, varied, sort):
    with app.test_request_context():
        for item in db.session.scalars(db.select(ActionItem)):
            cursor = Cursor.of(sort, item)
            assert Cursor.parse(sort, str(cursor)) == cursor
            filtered, notices = ItemFilter.from_args({"sort": sort, "after": str(cursor)})
            assert notices == [] and filtered.after == str(cursor)


def test_a_cursor_of_another_order_is_not_one_of_this_order(app, varied):
    with app.test_request_context():
        item = db.session.scalars(db.select(ActionItem)).first()
        assert Cursor.parse("updated", str(Cursor.of("priority", item))) is None
        assert Cursor.parse("due", "~74765") is None  # the old link of an undated item
