"""Reminder e-mails as mail clients read them: machine-sent, dated in the app's zone, a real host."""
from datetime import timedelta
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from tests.conftest import add_item, get_user
from tests.test_reminders import people, run, smtp  # noqa: F401 - the SMTP sink and its data
from tracker.extensions import db
from tracker.models import Webinar
from tracker.timeutil import local_today


def _one_message(app, smtp, run):  # noqa: F811 - fixtures passed in
    assert run("send-reminders").exit_code == 0
    return smtp.to("anggota@sulbarprov.go.id")[0]


def test_reminders_are_marked_machine_sent_with_a_way_out(app, smtp, run, people):  # noqa: F811
    message = _one_message(app, smtp, run)
    assert message["Auto-Submitted"] == "auto-generated"  # RFC 3834: no auto-replies to it
    assert message["List-Unsubscribe"] == "<https://tl.example.go.id/profile>"
    assert message["Message-ID"].endswith("@tl.example.go.id>")


def test_the_date_carries_the_offset_of_the_app_zone(app, smtp, run, people):  # noqa: F811
    message = _one_message(app, smtp, run)
    sent = parsedate_to_datetime(message["Date"])
    assert sent.utcoffset() == timedelta(hours=8)  # WITA, as the sender's clock reads
    assert message["Date"].endswith("+0800")


def test_jakarta_installations_date_their_mail_in_wib(app, smtp, run, people):  # noqa: F811
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Jakarta"
    with app.app_context():  # an item overdue in any zone: in the hour WITA is a day ahead, "due soon" moves
        add_item(db.session.get(Webinar, people["webinar"]), get_user("anggota"), title="Lewat",
                 due_date=local_today() - timedelta(days=5))
        db.session.commit()
    assert parsedate_to_datetime(_one_message(app, smtp, run)["Date"]).utcoffset() == timedelta(hours=7)


def test_a_bare_sender_address_gets_a_display_name(app, smtp, run, people):  # noqa: F811
    app.config.update(MAIL_DEFAULT_SENDER="tindaklanjut@sulbarprov.go.id", MAIL_SENDER_NAME="Tindak Lanjut BPSDM")
    name, address = parseaddr(_one_message(app, smtp, run)["From"])
    assert (name, address) == ("Tindak Lanjut BPSDM", "tindaklanjut@sulbarprov.go.id")


def test_a_configured_display_name_is_kept(app, smtp, run, people):  # noqa: F811
    app.config["MAIL_DEFAULT_SENDER"] = "BPSDM Sulbar <noreply@sulbarprov.go.id>"
    [(name, address)] = getaddresses([_one_message(app, smtp, run)["From"]])
    assert (name, address) == ("BPSDM Sulbar", "noreply@sulbarprov.go.id")
