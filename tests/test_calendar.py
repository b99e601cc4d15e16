"""The secret calendar feed: created and revoked on the profile, only the owner's open items."""
import re
from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AccessToken, TokenKind, User
from tracker.services.tokens import hash_secret

URL_RE = re.compile(r'id="new-calendar-url"[^>]*value="([^"]+)"')


def _create_feed(client) -> str:
    response = client.submit("/profile/calendar")
    assert response.status_code == 302 and response.headers["Location"].startswith("/profile")
    page = client.get("/profile").get_data(as_text=True)
    match = URL_RE.search(page)
    assert match, "the new calendar address is shown on the profile"
    assert URL_RE.search(client.get("/profile").get_data(as_text=True)) is None  # shown only once
    return "/" + match.group(1).split("/", 3)[3]


def _events(response) -> dict:
    calendar = Calendar.from_ical(response.data)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_feed_lists_the_users_open_items_with_links(app, client, users, sample):
    client.login("anggota2")  # owns S28-02 (baru), supports S28-01 (dikerjakan)
    url = _create_feed(client)
    client.logout()
    response = client.get(url)  # no session: the secret is the credential
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    events = _events(response)
    assert sorted(summary.split()[0] for summary in events) == ["S28-01", "S28-02"]
    event = events["S28-02 Pelatihan literasi digital"]
    link = f"{app.config['BASE_URL']}/items/{sample['item2']}"
    assert str(event["url"]) == link and link in str(event["description"])
    assert event["dtstart"].dt.isoformat() == event.decoded("dtstart").isoformat()
    assert not hasattr(event.decoded("dtstart"), "hour")  # an all-day event


def test_only_own_items_and_only_open_ones(client, users, sample):
    client.login("anggota")  # owns S28-01 (dikerjakan) and S28-03 (selesai): only S28-01 is open
    url = _create_feed(client)
    events = _events(client.get(url))
    assert [summary.split()[0] for summary in events] == ["S28-01"]


def test_only_a_hash_is_stored_and_a_revoked_or_unknown_token_is_404(app, client, users, sample):
    client.login("anggota")
    url = _create_feed(client)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.kind == TokenKind.CALENDAR))
        assert token.token_hash == hash_secret(secret) and secret not in (token.token_hash, token.prefix)
    assert client.get(url).status_code == 200
    assert client.get("/calendar/tlc_unknown.ics").status_code == 404
    client.submit("/profile/calendar/revoke")
    assert client.get(url).status_code == 404


def test_a_new_calendar_url_revokes_the_old_one(client, users, sample):
    client.login("anggota")
    old = _create_feed(client)
    new = _create_feed(client)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_feed_records_its_last_use(app, client, users, sample):
    client.login("anggota")
    url = _create_feed(client)
    client.get(url)
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.revoked_at.is_(None)))
        assert token.last_used_at is not None


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def test_each_deadline_rings_a_day_before_at_nine_by_default(app, client, users, sample):
    client.login("anggota2")
    calendar = _calendar(client.get(_create_feed(client)))
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    for event in events:
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY" and str(alarm["description"]).startswith("Tenggat: S28-0")
        ring = datetime.combine(event.decoded("dtstart"), time()) + alarm.decoded("trigger")
        assert ring == datetime.combine(event.decoded("dtstart") - timedelta(days=1), time(9))


@pytest.mark.parametrize(("choice", "days"), [("0", 0), ("3", 3), ("7", 7)])
def test_the_alarm_follows_the_profile_setting(client, users, sample, choice, days):
    client.login("anggota2")
    response = client.submit("/profile/preferences", {"pref-language": "id", "pref-calendar_alarm_days": choice})
    assert response.status_code == 302
    assert f'<option selected value="{choice}">' in client.get("/profile").get_data(as_text=True)
    for event in _calendar(client.get(_create_feed(client))).walk("VEVENT"):
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("trigger") == timedelta(hours=9) - timedelta(days=days)


def test_no_alarm_when_the_user_wants_none(client, users, sample):
    client.login("anggota2")
    client.submit("/profile/preferences", {"pref-language": "id", "pref-calendar_alarm_days": ""})
    events = _calendar(client.get(_create_feed(client))).walk("VEVENT")
    assert len(events) == 2 and all(not event.walk("VALARM") for event in events)


def test_a_bad_alarm_choice_is_refused_and_changes_nothing(app, client, users, sample):
    client.login("anggota2")
    response = client.submit("/profile/preferences", {"pref-language": "en", "pref-calendar_alarm_days": "99"})
    assert response.status_code == 422
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "anggota2"))
        assert (user.calendar_alarm_days, user.language) == (1, "id")


def test_a_calendar_with_nothing_due_is_still_valid(app, client, users):
    """RFC 5545 wants at least one component: the app's zone is there as a VTIMEZONE."""
    client.login("pemantau")  # owns nothing
    calendar = _calendar(client.get(_create_feed(client)))
    assert calendar.walk("VEVENT") == []
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == app.config["BABEL_DEFAULT_TIMEZONE"]
    assert str(calendar["version"]) == "2.0" and "prodid" in calendar
    assert calendar.decoded("refresh-interval") == timedelta(hours=1)  # apps fetch new deadlines hourly
    assert calendar.subcomponents  # the body is not empty


def test_links_and_uids_use_the_configured_base_url(app, client, users, sample):
    app.config["BASE_URL"] = "https://tindaklanjut.sulbarprov.go.id/"
    client.login("anggota")
    [event] = _calendar(client.get(_create_feed(client))).walk("VEVENT")
    assert str(event["url"]) == f"https://tindaklanjut.sulbarprov.go.id/items/{sample['item1']}"
    assert str(event["uid"]) == f"item-{sample['item1']}@tindaklanjut.sulbarprov.go.id"
