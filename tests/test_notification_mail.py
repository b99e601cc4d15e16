"""Notifications by e-mail (the profile's choice, `flask send-notifications`) and through the JSON API."""
import re

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from tests.conftest import get_user
from tests.test_reminders import Inbox, _free_port
from tracker.extensions import db
from tracker.models import ActionItem, Notification, TokenKind
from tracker.services.items import add_comment
from tracker.services.tokens import create_token
from tracker.services.workflow import change_status


@pytest.fixture()
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME=None, BASE_URL="https://tl.example.go.id")
    yield inbox
    controller.stop()


@pytest.fixture()
def quiet(app, sample):
    """The sample, everyone with an e-mail address, and no notifications yet."""
    with app.app_context():
        db.session.execute(delete(Notification))
        for username in ("admin", "kepala", "anggota", "anggota2", "pemantau"):
            get_user(username).email = f"{username}@sulbarprov.go.id"
        db.session.commit()
    return sample


def _send(app):
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    return result.output


def _comment(app, item_id: int, username: str, body: str) -> None:
    with app.app_context():
        add_comment(db.session.get(ActionItem, item_id), get_user(username), body)
        db.session.commit()


def test_the_profile_choice_decides_what_is_mailed_in_one_batch(app, client, smtp, quiet):
    client.login("anggota")
    response = client.submit("/profile/preferences", {"pref-language": "id", "pref-reminders_enabled": "y",
                                                      "pref-email_events": ["mention", "status"]})
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    boxes = dict((value, tag) for tag, value in re.findall(r'(<input[^>]*name="pref-email_events"[^>]*value="(\w+)">)', page))
    assert len(boxes) == 8 and "checked" in boxes["mention"] and "checked" not in boxes["comment"]
    item = quiet["item1"]
    _comment(app, item, "kepala", "Tolong @anggota lengkapi datanya")
    _comment(app, item, "anggota2", "Tanpa sebutan")  # a comment: anggota did not choose it by e-mail
    with app.app_context():
        found = db.session.get(ActionItem, item)
        change_status(found, get_user("kepala"), "terhambat", version=found.version, note="Tunggu BPKAD")
        db.session.commit()
    assert "1 email" in _send(app)
    [mail] = smtp.messages
    assert mail["To"] == "anggota@sulbarprov.go.id" and "2 notifikasi baru" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Kepala Uji menyebut Anda dalam komentar pada S28-01" in text
    assert "Kepala Uji mengubah status S28-01 menjadi Terhambat" in text
    assert "mengomentari" not in text and f"https://tl.example.go.id/items/{item}" in text
    assert "1 email" not in _send(app) and len(smtp.messages) == 1  # a second run sends nothing again


def test_read_notifications_are_not_mailed_and_unknown_choices_are_refused(app, client, smtp, quiet):
    client.login("anggota")
    refused = client.submit("/profile/preferences", {"pref-language": "id", "pref-email_events": ["semua"]})
    assert refused.status_code == 422
    client.submit("/profile/preferences", {"pref-language": "id", "pref-email_events": ["comment"]})
    _comment(app, quiet["item1"], "kepala", "Sudah dibaca di aplikasi")
    client.submit("/notifications/read-all")
    assert "0 email" in _send(app) and smtp.messages == []


def test_the_api_lists_and_marks_notifications(app, client, quiet):
    with app.app_context():
        _token, secret = create_token(get_user("anggota"), TokenKind.API, "uji")
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    for number in range(3):
        _comment(app, quiet["item1"], "kepala", f"Komentar {number} @anggota")
    listed = client.get("/api/v1/notifications", headers=headers).get_json()
    assert listed["unread"] == 3 and listed["next"] is None
    first = listed["notifications"][0]
    assert first["kind"] == "mention" and first["item"]["code"] == "S28-01" and first["actor"]["username"] == "kepala"
    assert first["read_at"] is None and first["url"].endswith(f"/items/{quiet['item1']}")
    marked = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers).get_json()
    assert marked["id"] == first["id"] and marked["read_at"]
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert unread["unread"] == 2 and len(unread["notifications"]) == 2
    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json() == {"marked": 2, "unread": 0}
    assert client.get("/api/v1/notifications?before=x", headers=headers).status_code == 422
    assert client.get("/api/v1/notifications?unread=maybe", headers=headers).status_code == 422
    with app.app_context():
        theirs = db.session.scalar(select(Notification.id).where(Notification.user_id != get_user("anggota").id))
        assert theirs is not None
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=headers).status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/notifications", "/notifications/{notification_id}/read", "/notifications/read-all"} <= set(paths)
