"""The zone label follows APP_TIMEZONE: WIB, WITA or WIT, never a fixed "WITA"."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.test_exports import read_csv
from tracker.i18n import show_datetime
from tracker.timeutil import zone_label


@pytest.mark.parametrize(("zone", "label"), [
    ("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT"),
    ("UTC", "UTC"), ("Asia/Tokyo", "JST"),
])
def test_each_zone_has_its_label(zone, label):
    assert zone_label(ZoneInfo(zone)) == label


@pytest.mark.parametrize(("zone", "shown"), [
    ("Asia/Jakarta", "18 Des 2023 09.00 WIB"),
    ("Asia/Makassar", "18 Des 2023 10.00 WITA"),
    ("Asia/Jayapura", "18 Des 2023 11.00 WIT"),
])
def test_times_are_shown_with_the_configured_zones_label(app, zone, shown):
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    with app.test_request_context("/"):
        assert zone_label() == shown.rsplit(" ", 1)[1]
        assert show_datetime(datetime(2023, 12, 18, 2, 0, tzinfo=UTC)) == shown


def test_the_csv_header_names_the_configured_zone(app, client, users):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Jayapura"
    client.login("kepala")
    assert read_csv(client.get("/items/export.csv"))[0][-1] == "Pembaruan terakhir (WIT)"


def test_the_dashboard_period_help_names_the_configured_zone(app, client, users):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Jakarta"
    client.login("kepala")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "(hari WIB)" in page and "WITA" not in page
