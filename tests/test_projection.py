"""Where the work is heading: items verified per week (in SQL, on fixed dates) and the expected finish."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import add_item, add_webinar
from tracker.extensions import db
from tracker.models import Status
from tracker.services import projection
from tracker.services.dashboard import Scope

TODAY = date(2026, 12, 2)  # a Wednesday; the 8 weeks run from 8 Oct 00:00 to 3 Dec 00:00 WITA
WITA = ZoneInfo("Asia/Makassar")


def _at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WITA).astimezone(UTC)


def _verified(item, when: datetime | None, status: Status = Status.VERIFIED) -> None:
    item.status, item.verified_at = status, when


@pytest.fixture()
def history(app, users):
    """Seri 28: verified 30 Nov (week 7), 2 Dec 23:30 (week 7, last minute), 10 Oct (week 0), 1 Nov (week 3);
    outside the weeks: 7 Oct 23:59 and 3 Dec 00:00; not closings: a `selesai` item, one a head reopened
    after verifying it, and a verified one deleted as a mistake. Seri 29: verified 20 Nov (week 6)."""
    with app.app_context():
        first, second = add_webinar(28), add_webinar(29, "Manajemen talenta", held_on=date(2024, 2, 1))
        items = [add_item(first, None, title=f"Butir {n}") for n in range(9)]
        other = add_item(second, None, title="Butir lain")
        for item, when in zip(items, (_at(2026, 11, 30), _at(2026, 12, 2, 23, 30), _at(2026, 10, 10),
                                      _at(2026, 11, 1), _at(2026, 10, 7, 23, 59), _at(2026, 12, 3, 0, 0))):
            _verified(item, when)
        _verified(items[6], None, Status.DONE)
        _verified(items[7], None, Status.IN_PROGRESS)  # verified on 25 Nov, then reopened: verified_at cleared
        _verified(items[8], _at(2026, 11, 25))
        items[8].deleted_at = _at(2026, 11, 26)
        _verified(other, _at(2026, 11, 20))
        db.session.commit()
        return {"first": first.id, "second": second.id}


def test_closings_per_week_counted_in_sql(app, history):
    with app.app_context():
        both = [history["first"], history["second"]]
        found = projection.closings(Scope(), TODAY, both)
        assert found.weekly == (1, 0, 0, 1, 0, 0, 1, 2)
        assert found.per_webinar == {history["first"]: 4, history["second"]: 1}
        assert projection.closings(Scope(), TODAY, [history["second"]]).per_webinar == {history["second"]: 1}
        one = projection.closings(Scope(webinar=history["second"]), TODAY, both)
        assert one.weekly == (0, 0, 0, 0, 0, 0, 1, 0) and one.per_webinar == {history["second"]: 1}


def test_the_weeks_end_with_today_in_wita():
    bounds = projection.edges(TODAY)
    assert len(bounds) == projection.WEEKS + 1
    assert bounds[-1] == _at(2026, 12, 3, 0, 0) and bounds[0] == _at(2026, 10, 8, 0, 0)


@pytest.mark.parametrize(("remaining", "closed", "finish", "label"), [
    (28, 16, date(2027, 3, 10), "Maret 2027"),  # 2 a week: 14 weeks
    (10, 8, date(2027, 2, 10), "Februari 2027"),  # 1 a week: 10 weeks
    (1, 3, date(2026, 12, 21), "Desember 2026"),  # 8/3 weeks = 18.7 days, rounded up
    (5, 0, None, "belum dapat diperkirakan"),
    (0, 4, None, "tidak ada lagi yang belum selesai"),
])
def test_expected_finish_at_the_closing_rate(app, remaining, closed, finish, label):
    result = projection.projection(remaining, closed, TODAY)
    assert result["finish"] == finish
    with app.test_request_context():
        assert projection.finish_label(result) == label


def test_dashboard_shows_the_projection_beside_the_trend_and_per_webinar(client, users, history):
    client.login("kepala")
    page = client.get("/dashboard").get_data(as_text=True)
    section = page[page.index('id="projection"'):]
    # Dated today, not TODAY: only the closings of the last 8 weeks that reach back from the real today count.
    assert "Perkiraan selesai: " in section and "Tindak lanjut terverifikasi per minggu" in section
    assert page.count('class="text-end projection-finish"') == 2


def test_nothing_closed_means_no_estimate(client, users, sample):
    client.login("kepala")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Perkiraan selesai: belum dapat diperkirakan" in page


def test_dashboard_closings_equal_the_counted_ones(app, history):
    from tracker.services import dashboard
    from tracker.services.horizon import load_horizon

    with app.test_request_context():
        horizon = load_horizon(TODAY)
        tallied = dashboard.dashboard(Scope(), "id", horizon)
        period = dashboard.dashboard(Scope(period="range", start=date(2020, 1, 1), end=date(2030, 1, 1)), "id", horizon)
    assert tallied["closings"] == period["closings"] == [1, 0, 0, 1, 0, 0, 1, 2]
    assert tallied["projection"]["closed"] == 5 and tallied["projection"]["remaining"] == 2  # 9 items, 7 verified
    by_series = {row["series"]: row["projection"] for row in tallied["per_webinar"]}
    assert by_series[28]["closed"] == 4 and by_series[28]["remaining"] == 2 and by_series[28]["finish"] is not None
    assert by_series[29]["remaining"] == 0 and {row["series"]: row["projection"]["closed"]
                                                  for row in period["per_webinar"]} == {28: 4, 29: 1}
    assert tallied["projection"]["finish"] == TODAY + timedelta(days=23)  # 2 left at 5 per 8 weeks: 22.4 days
