"""Item tallies stay exact however items change, and the dashboard read from them equals a recount."""
import random
import re
from datetime import timedelta

from sqlalchemy import select, text, update

from tracker.extensions import db
from tracker.models import ActionItem, ItemTally, Role, Status, Theme, Unit, utcnow
from tracker.models.tallies import recount_parts
from tracker.services import dashboard, dashboard_counts, dashboard_units, projection
from tracker.services.corrections import delete_item, restore_item
from tracker.services.dashboard_scope import Scope
from tracker.services.horizon import load_horizon
from tracker.timeutil import local_today

from .conftest import add_item, add_user, add_webinar


def _tallies() -> dict:
    return {(row.grain, row.key, row.status): row.n
            for row in db.session.scalars(select(ItemTally)) if row.n}


def _recount() -> dict:
    """The tallies counted afresh from the visible items (a deleted item counts nowhere)."""
    found = {}
    for grain, select_list, group_by in recount_parts(db.engine.dialect.name):
        sql = f"SELECT {select_list} FROM action_items WHERE deleted_at IS NULL GROUP BY {group_by}"
        for key, status, n in db.session.execute(text(sql)):
            found[(grain, key, status)] = n
    return found


def _random_items(count: int, seed: int = 7):
    rng = random.Random(seed)
    today = local_today()
    owners = [add_user(f"pemilik{n}", f"Pemilik {n}", Role.MEMBER) for n in range(4)] + [None]
    webinars = [add_webinar(40 + n, f"Seri {40 + n}") for n in range(3)]
    themes = list(db.session.scalars(select(Theme.id))) + [None]
    units = list(db.session.scalars(select(Unit.id)))[:3] + [None]
    for number in range(count):
        due = rng.choice([None, today + timedelta(days=rng.randint(-20, 20))])
        item = add_item(rng.choice(webinars), rng.choice(owners), status=rng.choice(list(Status)),
                        title=f"Acak {number}", due_date=due, theme_id=rng.choice(themes), unit_id=rng.choice(units))
        # Logged and completed at any hour of the last 14 weeks: the trend's weeks and their edges.
        item.created_at = utcnow() - timedelta(hours=rng.randint(0, 14 * 7 * 24), minutes=rng.randint(0, 59))
        if item.completed_at is not None:
            item.completed_at = utcnow() - timedelta(hours=rng.randint(0, 14 * 7 * 24), minutes=rng.randint(0, 59))
        if item.status == Status.VERIFIED:  # verified within the projection's 8 weeks or before
            item.verified_at = utcnow() - timedelta(hours=rng.randint(0, 10 * 7 * 24), minutes=rng.randint(0, 59))
    db.session.commit()
    return rng, webinars, owners, themes


def test_tallies_follow_orm_core_and_raw_sql_changes(app, db_ctx):
    with db_ctx():
        rng, webinars, owners, themes = _random_items(60)
        assert _tallies() == _recount()
        items = list(db.session.scalars(select(ActionItem)))
        for item in rng.sample(items, 20):  # the ORM, as the pages do
            item.status = rng.choice(list(Status))
            item.owner = rng.choice(owners)
            item.theme_id = rng.choice(themes)
        db.session.commit()
        assert _tallies() == _recount()
        # Core and raw SQL, as a restore or an administrator's fix would.
        db.session.execute(update(ActionItem).where(ActionItem.id == items[0].id).values(status=Status.CANCELLED))
        db.session.execute(text("UPDATE action_items SET webinar_id = :w, number = 9000 + id, due_date = NULL WHERE id = :i"),
                           {"w": webinars[2].id, "i": items[1].id})
        db.session.execute(text("DELETE FROM item_history WHERE item_id = :i"), {"i": items[2].id})
        db.session.execute(text("DELETE FROM item_supporters WHERE item_id = :i"), {"i": items[2].id})
        db.session.execute(text("DELETE FROM action_items WHERE id = :i"), {"i": items[2].id})
        db.session.commit()
        assert _tallies() == _recount()


def test_tallies_follow_deletions_and_restores(app, db_ctx):
    with db_ctx():
        rng, webinars, owners, themes = _random_items(60, seed=5)
        head = add_user("kepala_tally", "Kepala Tally", Role.HEAD)
        items = list(db.session.scalars(select(ActionItem)))
        before = _tallies()
        gone = rng.sample(items, 15)
        for item in gone:  # through the service, as the page does
            delete_item(item, head, "Salah input", version=item.version)
        db.session.commit()
        assert _tallies() == _recount() != before
        # A deleted item changed while deleted (status, owner, webinar) moves no tally.
        moved = _tallies()
        for item in gone[:5]:
            item.status = rng.choice(list(Status))
            item.owner = rng.choice(owners)
            item.webinar, item.number = rng.choice(webinars), 9000 + item.id
            item.theme_id = rng.choice(themes)
            item.unit_id = None
        db.session.execute(text("UPDATE action_items SET due_date = NULL WHERE id = :i"), {"i": gone[5].id})
        db.session.commit()
        assert _tallies() == _recount() == moved
        # Restored: back in the tallies where it now belongs; a deleted row removed for good: no change.
        admin = add_user("admin_tally", "Admin Tally", Role.ADMIN)
        for item in gone[:10]:
            restore_item(item, admin, version=item.version)
        db.session.execute(text("DELETE FROM item_history WHERE item_id = :i"), {"i": gone[14].id})
        db.session.execute(text("DELETE FROM item_supporters WHERE item_id = :i"), {"i": gone[14].id})
        db.session.execute(text("DELETE FROM action_items WHERE id = :i"), {"i": gone[14].id})
        db.session.commit()
        assert _tallies() == _recount()
        # Deleted and restored in raw SQL, as an administrator's fix would.
        db.session.execute(text("UPDATE action_items SET deleted_at = created_at WHERE id = :i"), {"i": items[0].id})
        db.session.execute(text("UPDATE action_items SET deleted_at = NULL WHERE id = :i"), {"i": gone[11].id})
        db.session.commit()
        assert _tallies() == _recount()
        for scope in (Scope(), Scope(webinar=webinars[0].id)):  # the dashboard read from them is a recount
            horizon = load_horizon()
            assert _comparable(dashboard.dashboard(scope, "id", horizon, everyone=True)) == _recounted(scope, horizon)


def test_a_rolled_back_change_leaves_the_tallies_as_they_were(app, db_ctx):
    with db_ctx():
        _random_items(10)
        before = _tallies()
        item = db.session.scalars(select(ActionItem)).first()
        item.status = Status.CANCELLED if item.status != Status.CANCELLED else Status.NEW
        db.session.flush()
        assert _tallies() != before
        db.session.rollback()
        assert _tallies() == before == _recount()


def _comparable(data: dict) -> dict:
    webinar_rows = [{k: v for k, v in row.items() if k != "projection"} for row in data["per_webinar"]]
    return {"figures": data["figures"], "per_webinar": webinar_rows, "per_theme": data["per_theme"],
            "per_owner": data["per_owner"], "total": data["per_webinar_total"], "per_unit": data["per_unit"],
            "closings": data["closings"]}


def _recounted(scope: Scope, horizon) -> dict:
    """The same page computed the slow way: every figure counted from the items."""
    webinars = dashboard_counts.webinar_rows(scope, horizon.today)
    shown = [row for row in webinars if (row["id"] == scope.webinar if scope.webinar else row["items"])]
    totals = dashboard_counts.figures(scope, horizon)
    return {"figures": totals, "per_webinar": list(reversed(shown[:dashboard.WEBINAR_LIMIT])),
            "per_theme": dashboard_counts.theme_rows(scope, "id", totals["total"]),
            "per_owner": dashboard_counts.owner_rows(scope, horizon.today), "total": len(shown),
            "per_unit": dashboard_units.sort_units(dashboard_units.unit_counts(scope, horizon.today), None),
            "closings": list(projection.closings(scope, horizon.today, []).weekly)}


def test_the_tallied_dashboard_equals_a_recount(app, db_ctx):
    with db_ctx():
        _rng, webinars, _owners, _themes = _random_items(80, seed=11)
        horizon = load_horizon()
        for scope in (Scope(), Scope(webinar=webinars[1].id)):
            fast = dashboard.dashboard(scope, "id", horizon, everyone=True)
            assert _comparable(fast) == _recounted(scope, horizon)
            assert fast["figures"]["total"] > 0 and sum(fast["closings"]) > 0


TOTAL = re.compile(r'<div class="figure-value">(\d+)</div>\s*<div class="figure-label">Tindak lanjut</div>')


def _total_on_page(client) -> int:
    page = client.get("/dashboard").get_data(as_text=True)
    match = TOTAL.search(page)
    assert match, "the headline total is missing"
    return int(match.group(1))


def test_the_dashboard_shows_a_change_on_the_very_next_request(client, users, sample, db_ctx):
    client.login("kepala")
    assert _total_on_page(client) == 3
    with db_ctx():
        webinar = db.session.get(ActionItem, sample["item1"]).webinar
        add_item(webinar, None, title="Baru saja dicatat")
        db.session.commit()
    assert _total_on_page(client) == 4
    with db_ctx():
        db.session.execute(text("DELETE FROM item_history WHERE item_id = :i"), {"i": sample["item2"]})
        db.session.execute(text("DELETE FROM action_items WHERE id = :i"), {"i": sample["item2"]})
        db.session.commit()
    assert _total_on_page(client) == 3
