"""Reminder and digest emails through a real SMTP server: right people, right items, never twice."""
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.conftest import add_item, get_user
from tracker import reminders_cli
from tracker.extensions import db
from tracker.models import SentNotification, Status, Webinar
from tracker.services import dashboard
from tracker.services.horizon import load_horizon
from tracker.timeutil import local_today


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.refuse = set()  # recipients whose message the server rejects

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.refuse:
            return "554 Transaction failed"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture()
def smtp(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME=None, BASE_URL="https://tl.example.go.id")
    yield inbox
    controller.stop()


@pytest.fixture()
def run(app):
    if "send-reminders" not in app.cli.commands:
        reminders_cli.register(app)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture()
def people(app, users, sample):
    """Email addresses for everyone; anggota2 reads English; kepala has an overdue item but opted out."""
    with app.app_context():
        for username in ("admin", "kepala", "anggota", "anggota2", "pemantau"):
            get_user(username).email = f"{username}@sulbarprov.go.id"
        get_user("anggota2").language = "en"
        kepala = get_user("kepala")
        kepala.reminders_enabled = False
        webinar = db.session.get(Webinar, sample["webinar"])
        add_item(webinar, kepala, title="Item kepala", due_date=local_today() - timedelta(days=5))
        add_item(webinar, get_user("anggota"), title="Masih lama", due_date=local_today() + timedelta(days=40))
        db.session.commit()
    return sample


def _text_and_html(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_owners_get_their_overdue_and_soon_items(app, smtp, run, people):
    result = run("send-reminders")
    assert result.exit_code == 0, result.output
    assert sorted(m["To"] for m in smtp.messages) == ["anggota2@sulbarprov.go.id", "anggota@sulbarprov.go.id"]

    [mine] = smtp.to("anggota@sulbarprov.go.id")
    text, html = _text_and_html(mine)
    assert "S28-01" in text and "S28-01" in html  # due in 3 days
    assert "S28-03" not in text  # done: not an open status
    assert "Masih lama" not in text  # due in 40 days
    assert f"https://tl.example.go.id/items/{people['item1']}" in text
    assert f'href="https://tl.example.go.id/items/{people["item1"]}"' in html
    assert "Halo" in text and "terlambat" in mine["Subject"]  # Indonesian

    [theirs] = smtp.to("anggota2@sulbarprov.go.id")
    text, html = _text_and_html(theirs)
    assert "S28-02" in text and "Overdue" in text and "Hello" in text  # English
    assert "S28-01" not in text  # a supporter is not the owner


def test_a_second_run_the_same_day_sends_nothing(app, smtp, run, people):
    assert run("send-reminders").exit_code == 0
    assert len(smtp.messages) == 2
    result = run("send-reminders")
    assert result.exit_code == 0 and "0 email" in result.output
    assert len(smtp.messages) == 2
    with app.app_context():
        rows = db.session.scalars(select(SentNotification)).all()
        assert sorted((row.kind, row.sent_on) for row in rows) == [("reminder", local_today())] * 2


def test_opted_out_users_get_nothing(app, smtp, run, people):
    run("send-reminders")
    assert smtp.to("kepala@sulbarprov.go.id") == []


def test_an_unreachable_mail_server_fails_loudly_and_records_nothing(app, run, people):
    port = _free_port()  # nothing listens here
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    result = run("send-reminders")
    assert result.exit_code != 0
    assert f"127.0.0.1:{port}" in result.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count(SentNotification.id))) == 0


def test_a_message_refused_midway_records_only_what_was_sent(app, smtp, run, people):
    smtp.refuse = {"anggota2@sulbarprov.go.id"}  # anggota is sent first (lower id), then this fails
    result = run("send-reminders")
    assert result.exit_code != 0 and "did not accept" in result.stderr
    with app.app_context():
        recorded = db.session.scalars(select(SentNotification.user_id)).all()
        assert recorded == [get_user("anggota").id]
    smtp.refuse = set()
    assert run("send-reminders").exit_code == 0  # the rerun sends only the missing one
    assert sorted(m["To"] for m in smtp.messages) == ["anggota2@sulbarprov.go.id", "anggota@sulbarprov.go.id"]


def test_digest_goes_to_heads_with_the_dashboards_figures(app, smtp, run, people):
    with app.app_context():
        webinar = db.session.get(Webinar, people["webinar"])
        kepala = get_user("kepala")
        kepala.reminders_enabled = True
        owner = get_user("anggota")
        add_item(webinar, owner, status=Status.VERIFIED, title="Sudah diverifikasi")
        add_item(webinar, owner, status=Status.CANCELLED, title="Dibatalkan")
        blocked = add_item(webinar, owner, status=Status.BLOCKED, title="Terhambat anggaran")
        blocked.status_note = "Menunggu anggaran"
        db.session.commit()
        expected = dashboard.figures(dashboard.Scope(), load_horizon(local_today()))
    # 8 items: 1 verified, 1 cancelled -> 1/7 = 14 %; overdue: S28-02 and the head's item
    assert (expected["total"], expected["completion"], expected["overdue"], expected["blocked"]) == (8, 14, 2, 1)

    result = run("send-digest")
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in smtp.messages] == ["kepala@sulbarprov.go.id"]  # heads only, not admins
    text, html = _text_and_html(smtp.messages[0])
    assert "14%" in text and "14%" in html
    assert "Terhambat anggaran" in text and "Menunggu anggaran" in text
    assert f"https://tl.example.go.id/items/{people['item2']}" in html  # overdue list
    # completed this week: S28-03 (selesai) and the verified item
    assert expected["trend"][-1]["completed"] == 2
    lines = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line and not line.startswith(" "))
    assert any(key.startswith("Selesai minggu ini") and value == "2" for key, value in lines.items()), text
    assert lines["Terlambat"] == "2" and lines["Terhambat"] == "1" and lines["Tindak lanjut"] == "8"

    assert run("send-digest").exit_code == 0
    assert len(smtp.messages) == 1  # not twice the same day


def test_digest_lists_what_waits_for_a_heads_decision(app, smtp, run, people):
    from tracker.models import ActionItem
    from tracker.services.deadline_extensions import request_extension

    with app.app_context():
        get_user("kepala").reminders_enabled = True
        item = db.session.get(ActionItem, people["item1"])
        request_extension(item, get_user("anggota"), item.due_date + timedelta(days=30), "Menunggu data BKD")
        db.session.commit()
    assert run("send-digest").exit_code == 0
    text, html = _text_and_html(smtp.to("kepala@sulbarprov.go.id")[0])
    lines = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line and not line.startswith(" "))
    # S28-03 is done and waits for verification; S28-01 waits for a decision on more time.
    assert lines["Perlu keputusan"] == "2" and lines["Menunggu verifikasi"] == "1"
    assert lines["Usulan perpanjangan waktu"] == "1"
    assert "S28-03 Pola karier" in text and "S28-01 Kajian regulasi" in text
    assert f"https://tl.example.go.id/items/{people['item3']}" in text
    assert f'href="https://tl.example.go.id/items/{people["item1"]}"' in html
    assert "https://tl.example.go.id/decisions" in text and 'href="https://tl.example.go.id/decisions"' in html
    assert "Menunggu data BKD" in html
