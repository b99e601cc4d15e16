"""Accountability by unit (OPD): counted by hand, the same from the tallies and from the items, sortable,
linked to the list, and in the report."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import add_item, add_webinar, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Status, Unit
from tracker.services import dashboard, dashboard_units
from tracker.services.corrections import delete_item
from tracker.services.dashboard import Scope
from tracker.services.horizon import load_horizon
from tracker.timeutil import local_today


@pytest.fixture()
def unit_data(app, users):
    """Dinkes: 1 verified, 1 blocked overdue, 1 new overdue, 1 cancelled (3 counted, 33 %, 2 overdue).
    BKD: 2 verified (100 %). PUPR (in Seri 29): 1 in progress. No unit: 1 new overdue."""
    today = local_today()
    with app.app_context():
        anggota = get_user("anggota")
        seeded = {unit.short_name: unit for unit in db.session.scalars(select(Unit))}
        dinkes, bkd = seeded["Dinkes"], seeded["BKD"]
        pupr = Unit(name="Dinas PUPR (uji, tanpa singkatan)")  # no short name: the full name shows
        db.session.add(pupr)
        db.session.flush()
        first, second = add_webinar(28), add_webinar(29, "Manajemen talenta", held_on=date(2024, 2, 1))
        late = today - timedelta(days=4)
        specs = [(first, dinkes, Status.VERIFIED, None), (first, dinkes, Status.BLOCKED, late),
                 (first, dinkes, Status.NEW, late), (first, dinkes, Status.CANCELLED, late),
                 (first, bkd, Status.VERIFIED, None), (first, bkd, Status.VERIFIED, None),
                 (second, pupr, Status.IN_PROGRESS, today + timedelta(days=20)), (first, None, Status.NEW, late)]
        ids = [add_item(webinar, anggota, status=status, due_date=due, unit_id=unit.id if unit else None,
                        title=f"Tindak lanjut {number}").id
               for number, (webinar, unit, status, due) in enumerate(specs, start=1)]
        db.session.commit()
        return {"units": {"dinkes": dinkes.id, "bkd": bkd.id, "pupr": pupr.id}, "webinars": (first.id, second.id),
                "items": ids}


def _by_name(rows):
    return {row["name"]: (row["items"], row["verified"], row["completion"], row["overdue"], row["blocked"])
            for row in rows}


EXPECTED = {"Dinkes": (4, 1, 33, 2, 1), "BKD": (2, 2, 100, 0, 0), "Dinas PUPR (uji, tanpa singkatan)": (1, 0, 0, 0, 0),
            "Tanpa unit": (1, 0, 0, 1, 0)}


def test_units_counted_by_hand_from_the_tallies_and_from_the_items(app, unit_data):
    with app.test_request_context():
        horizon = load_horizon(local_today())
        tallied = dashboard.dashboard(Scope(), "id", horizon)["per_unit"]
        counted = dashboard_units.unit_counts(Scope(), horizon.today)
        assert _by_name(tallied) == _by_name(counted) == EXPECTED
        # Behind first: most overdue, then the lowest completion; "no unit" last; a unit without items is left out.
        assert [row["name"] for row in tallied] == ["Dinkes", "Dinas PUPR (uji, tanpa singkatan)", "BKD", "Tanpa unit"]


def test_units_of_one_webinar_and_of_a_period(app, unit_data):
    first, second = unit_data["webinars"]
    with app.test_request_context():
        horizon = load_horizon(local_today())
        one = dashboard.dashboard(Scope(webinar=second), "id", horizon)["per_unit"]
        assert _by_name(one) == {"Dinas PUPR (uji, tanpa singkatan)": (1, 0, 0, 0, 0)}
        period = Scope.from_args({"period": "this_semester", "webinar": str(first)})
        rows = dashboard.dashboard(period, "id", horizon)["per_unit"]
        assert _by_name(rows) == {name: value for name, value in EXPECTED.items() if name != "Dinas PUPR (uji, tanpa singkatan)"}


def test_a_deleted_item_leaves_its_unit(app, unit_data):
    with app.test_request_context():
        delete_item(db.session.get(ActionItem, unit_data["items"][4]), get_user("kepala"), "Tercatat dua kali",
                    version=db.session.get(ActionItem, unit_data["items"][4]).version)
        db.session.commit()
        rows = _by_name(dashboard.dashboard(Scope(), "id", load_horizon(local_today()))["per_unit"])
    assert rows["BKD"] == (1, 1, 100, 0, 0)


@pytest.mark.parametrize(("sort", "order"), [
    ("name", ["BKD", "Dinas PUPR (uji, tanpa singkatan)", "Dinkes", "Tanpa unit"]),
    ("completion", ["Dinas PUPR (uji, tanpa singkatan)", "Dinkes", "BKD", "Tanpa unit"]),
    ("items", ["Dinkes", "BKD", "Dinas PUPR (uji, tanpa singkatan)", "Tanpa unit"]),
    ("overdue", ["Dinkes", "BKD", "Dinas PUPR (uji, tanpa singkatan)", "Tanpa unit"]),
    ("nonsense", ["Dinkes", "Dinas PUPR (uji, tanpa singkatan)", "BKD", "Tanpa unit"]),
])
def test_unit_table_sorts_by_each_column(client, users, unit_data, sort, order):
    client.login("kepala")
    page = client.get(f"/dashboard?units={sort}").get_data(as_text=True)
    table = page[page.index('class="table table-sm chart-table unit-table"'):]
    table = table[:table.index("</table>")]
    names = re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?([^<]+)<", table)
    assert names == order


def test_each_unit_links_to_its_items_in_the_list(client, users, unit_data):
    client.login("pemantau")
    page = client.get("/dashboard").get_data(as_text=True)
    dinkes = unit_data["units"]["dinkes"]
    assert f'href="/items?unit={dinkes}"' in page
    assert f'href="/items?unit={dinkes}&amp;overdue=1"' in page
    listing = client.get(f"/items?unit={dinkes}&overdue=1").get_data(as_text=True)
    assert "Tindak lanjut 2" in listing and "Tindak lanjut 3" in listing and "Tindak lanjut 1<" not in listing
    data = page[page.index('id="dashboard-data">'):]
    assert '"units"' in data


def test_report_has_the_unit_table(client, users, unit_data):
    client.login("kepala")
    page = client.get("/reports/view").get_data(as_text=True)
    section = page[page.index('class="report-table report-units"'):]
    assert "Dinkes" in section and "33%" in section


def test_rekap_workbook_has_the_unit_sheet(client, users, unit_data):
    import io

    from openpyxl import load_workbook

    client.login("kepala")
    sheet = load_workbook(io.BytesIO(client.get("/reports/rekap.xlsx").data))["Per unit (OPD)"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Unit (OPD)" and rows[1] == ("Dinkes", 4, 1, 33, 2, 1)
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"


def test_overdue_per_unit_counts_every_due_date_and_unit_id(app, users):
    # Overdue per unit is read from tallies keyed by unit id and due day: a unit whose id is past
    # 32 bits' reach once multiplied, a due date before 1970, one far in the future, none at all, the
    # day before today and today itself must count as the items say (1960 and yesterday are overdue).
    today = local_today()
    with app.app_context():
        far_unit = Unit(id=3000, name="Unit jauh")
        db.session.add(far_unit)
        db.session.flush()
        webinar, owner = add_webinar(50), get_user("anggota")
        for title, due in (("Lama", date(1960, 5, 1)), ("Kemarin", today - timedelta(days=1)), ("Hari ini", today),
                           ("Jauh", date(9999, 12, 31)), ("Tanpa tenggat", None)):
            add_item(webinar, owner, status=Status.NEW, title=title, due_date=due, unit_id=far_unit.id)
        db.session.commit()
    with app.test_request_context():
        horizon = load_horizon(today)
        data = dashboard.dashboard(Scope(), "id", horizon)
        tallied = _by_name(data["per_unit"])
        counted = _by_name(dashboard_units.unit_counts(Scope(), horizon.today))
        figures = dashboard.figures(Scope(), horizon)  # counted from the items
    assert tallied["Unit jauh"] == counted["Unit jauh"] == (5, 0, 0, 2, 0)
    assert tallied == counted  # the items without a unit too: the overdue total less every unit's
    assert data["figures"]["overdue"] == figures["overdue"] == 2
