"""Working days: weekends, national holidays and admin-added days off; "today" is a WITA date."""
from datetime import UTC, date, datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import NonWorkingDay, Setting
from tracker.services.bulk import parse
from tracker.services.working_days import add_working_days, is_working_day, working_days_between
from tracker.timeutil import local_today

FRIDAY = date(2024, 12, 20)
CHRISTMAS = date(2024, 12, 25)  # a Wednesday, Hari Raya Natal


def test_weekends_and_national_holidays_do_not_count(app):
    with app.app_context():
        assert is_working_day(FRIDAY)
        assert not is_working_day(date(2024, 12, 21))  # Saturday
        assert not is_working_day(date(2024, 12, 22))  # Sunday
        assert not is_working_day(CHRISTMAS)
        assert add_working_days(FRIDAY, 1) == date(2024, 12, 23)  # over the weekend
        # Mon 23, Tue 24, (Wed 25 Natal), Thu 26
        assert add_working_days(FRIDAY, 3) == date(2024, 12, 26)
        assert working_days_between(FRIDAY, date(2024, 12, 26)) == 3
        assert working_days_between(date(2024, 12, 26), FRIDAY) == -3
        assert add_working_days(date(2024, 12, 21), 0) == date(2024, 12, 23)  # a Saturday start moves on


def test_an_admin_added_day_does_not_count(app):
    with app.app_context():
        db.session.add(NonWorkingDay(day=date(2024, 12, 24), description="Cuti bersama Natal"))
        db.session.commit()
        assert not is_working_day(date(2024, 12, 24))
        assert add_working_days(FRIDAY, 3) == date(2024, 12, 27)
        assert working_days_between(FRIDAY, date(2024, 12, 27)) == 3


def test_today_at_2330_wita_is_still_today():
    # 23:30 WITA on 20 Dec is 15:30 UTC; a UTC server must not think it is another day, and at
    # 00:30 WITA (16:30 UTC the day before) it is already the next WITA day.
    assert local_today(datetime(2024, 12, 20, 15, 30, tzinfo=UTC)) == FRIDAY
    assert local_today(datetime(2024, 12, 20, 16, 30, tzinfo=UTC)) == date(2024, 12, 21)


def test_bulk_due_plus_counts_working_days_when_the_setting_is_on(app, users):
    with app.app_context():
        assert parse("Satu due:+3", today=FRIDAY)[0].due_date == date(2024, 12, 23)  # calendar days
        db.session.add(Setting(key="due_in_working_days", value="1"))
        db.session.commit()
        assert parse("Satu due:+3", today=FRIDAY)[0].due_date == date(2024, 12, 26)


def test_admin_manages_non_working_days(app, client, users):
    client.login("admin")
    page = client.get("/admin/non-working-days")
    assert page.status_code == 200 and "Hari Raya Natal" in page.get_data(as_text=True)
    response = client.submit("/admin/non-working-days", {"day": "2024-12-24", "description": "Cuti bersama"},
                             token_from="/admin/non-working-days")
    assert response.status_code == 302
    again = client.submit("/admin/non-working-days", {"day": "2024-12-24", "description": "Lagi"},
                          token_from="/admin/non-working-days")
    assert again.status_code == 422
    with app.app_context():
        row = db.session.scalar(select(NonWorkingDay))
        assert row.description == "Cuti bersama" and row.created_by_id == users["admin"]
        row_id = row.id
    assert client.submit(f"/admin/non-working-days/{row_id}/delete", token_from="/admin/non-working-days").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(NonWorkingDay)) is None


def test_only_admins_manage_non_working_days(client, users):
    client.login("kepala")
    assert client.get("/admin/non-working-days").status_code == 403
    assert client.submit("/admin/non-working-days", {"day": "2024-12-24", "description": "x"}).status_code == 403
