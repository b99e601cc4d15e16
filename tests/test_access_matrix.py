"""Every route × method × role has an expected outcome; a route missing here fails the test.

Roles: anonymous, viewer, the member who owns the object, another member, head, admin.
Outcomes: "ok" (served or accepted: not 401/403, not sent to sign in), "forbidden" (403),
"login" (sent to /login), "unauthorized" (401). The objects in URLs are the sample's: item 1 is owned by `anggota`.
"""
import io
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.conftest import add_user
from tests.evidence_samples import picture
from tracker.extensions import db
from tracker.models import ActionItem, NonWorkingDay, Notification, NotificationKind, Role, User
from tracker.services.dashboard import Scope
from tracker.services.deadline_extensions import request_extension
from tracker.services.evidence import attach
from tracker.services.notifier import notify
from tracker.services.reports import create_snapshot
from tracker.timeutil import local_today

ROLES = ["anonymous", "viewer", "owner", "member", "head", "admin"]
LOGIN_AS = {"viewer": "pemantau", "owner": "anggota", "member": "anggota3", "head": "kepala", "admin": "admin"}


def outcome(allowed: set[str], public: bool = False) -> dict[str, str]:
    table = {role: ("ok" if role in allowed else "forbidden") for role in ROLES}
    table["anonymous"] = "ok" if public else "login"
    return table


def api(allowed: set[str]) -> dict[str, str]:
    return {**outcome(allowed), "anonymous": "unauthorized"}


SIGNED_IN = {"viewer", "owner", "member", "head", "admin"}
WRITERS = {"owner", "member", "head", "admin"}
LEADS = {"head", "admin"}
OWNER_OR_LEAD = {"owner", "head", "admin"}
DASHBOARD = {"viewer", "head", "admin"}

MATRIX = {
    ("main.index", "GET"): outcome(SIGNED_IN),
    ("main.healthz", "GET"): outcome(SIGNED_IN, public=True),
    ("main.set_language", "POST"): outcome(SIGNED_IN, public=True),
    ("auth.login", "GET"): outcome(SIGNED_IN, public=True),
    # The matrix posts wrong credentials: refused with 401, not sent anywhere.
    ("auth.login", "POST"): {**outcome(SIGNED_IN, public=True), "anonymous": "unauthorized"},
    ("auth.logout", "POST"): outcome(SIGNED_IN),
    ("profile.show", "GET"): outcome(SIGNED_IN),
    ("profile.preferences", "POST"): outcome(SIGNED_IN),
    ("profile.password", "POST"): outcome(SIGNED_IN),
    ("admin.users", "GET"): outcome({"admin"}),
    ("admin.new_user", "GET"): outcome({"admin"}),
    ("admin.new_user", "POST"): outcome({"admin"}),
    ("admin.edit_user", "GET"): outcome({"admin"}),
    ("admin.edit_user", "POST"): outcome({"admin"}),
    ("admin.deactivate_user", "POST"): outcome({"admin"}),
    ("admin.reset_password", "GET"): outcome({"admin"}),
    ("admin.reset_password", "POST"): outcome({"admin"}),
    ("webinars.index", "GET"): outcome(SIGNED_IN),
    ("webinars.detail", "GET"): outcome(SIGNED_IN),
    ("webinars.new", "GET"): outcome(LEADS),
    ("webinars.new", "POST"): outcome(LEADS),
    ("webinars.edit", "GET"): outcome(LEADS),
    ("webinars.edit", "POST"): outcome(LEADS),
    ("webinars.bulk", "GET"): outcome(LEADS),
    ("webinars.bulk", "POST"): outcome(LEADS),
    # Import of a sheet (the matrix posts no file: refused with 422, nothing kept).
    ("imports.index", "GET"): outcome(LEADS),
    ("imports.index", "POST"): outcome(LEADS),
    ("items.new", "GET"): outcome(WRITERS),
    ("items.new", "POST"): outcome(WRITERS),
    ("items.detail", "GET"): outcome(SIGNED_IN),
    ("items.edit", "GET"): outcome(OWNER_OR_LEAD),
    ("items.edit", "POST"): outcome(OWNER_OR_LEAD),
    ("items.status", "POST"): outcome(OWNER_OR_LEAD),
    ("items.comment", "POST"): outcome(WRITERS),
    ("items.extension", "POST"): outcome({"owner"}),
    ("items.decide", "POST"): outcome(LEADS),
    # Corrections: heads delete (the matrix sends no reason: refused with 422, the item stays), admins restore
    # (the item is not deleted: refused with 422).
    ("items.delete", "POST"): outcome(LEADS),
    ("items.restore", "POST"): outcome({"admin"}),
    ("admin.deleted_items", "GET"): outcome({"admin"}),
    # Evidence files: the owner (and supporters) and heads attach; everyone signed in reads. The file
    # in the URLs was attached by the owner, who may withdraw it, as heads may.
    ("evidence.upload", "POST"): outcome(OWNER_OR_LEAD),
    ("evidence.download", "GET"): outcome(SIGNED_IN),
    ("evidence.thumbnail", "GET"): outcome(SIGNED_IN),
    ("evidence.withdraw", "POST"): outcome(OWNER_OR_LEAD),
    # Members have no dashboard: they are sent to their tasks instead.
    ("dashboard.index", "GET"): {**outcome({"viewer", "head", "admin"}), "owner": "to-my", "member": "to-my"},
    ("reports.index", "GET"): outcome(DASHBOARD),
    ("reports.view", "GET"): outcome(DASHBOARD),
    ("reports.pdf", "GET"): outcome(DASHBOARD),
    ("reports.xlsx", "GET"): outcome(DASHBOARD),
    ("reports.create_snapshot", "POST"): outcome(LEADS),
    ("reports.snapshot", "GET"): outcome(DASHBOARD),
    ("reports.snapshot_pdf", "GET"): outcome(DASHBOARD),
    # The public "is this report genuine" page that a frozen report's QR code opens.
    ("verify.report", "GET"): outcome(SIGNED_IN, public=True),
    ("settings.edit", "GET"): outcome({"admin"}),
    ("settings.edit", "POST"): outcome({"admin"}),
    ("settings.logo", "GET"): outcome({"admin"}),
    ("lists.items", "GET"): outcome(SIGNED_IN),
    # The board reads like the list; a card's move goes through api.item_status (its rules apply).
    ("board.index", "GET"): outcome(SIGNED_IN),
    # Calendar feed and personal tokens; the feed is public (the secret is in the URL: 404 here).
    ("calendar.feed", "GET"): {**outcome(SIGNED_IN, public=True), **{r: "not-found" for r in ROLES}},
    ("profile.create_api_token", "POST"): outcome(SIGNED_IN),
    ("profile.revoke_api_token", "POST"): {**outcome(SIGNED_IN), **{r: "not-found" for r in SIGNED_IN}},
    ("profile.create_calendar_url", "POST"): outcome(SIGNED_IN),
    ("profile.revoke_calendar_url", "POST"): outcome(SIGNED_IN),
    ("admin.non_working_days", "GET"): outcome({"admin"}),
    ("admin.non_working_days", "POST"): outcome({"admin"}),
    ("admin.delete_non_working_day", "POST"): outcome({"admin"}),
    # The JSON API answers 401 (not a redirect) without a token or a session.
    ("api.openapi", "GET"): outcome(SIGNED_IN, public=True),
    ("api.me", "GET"): api(SIGNED_IN),
    ("api.webinars", "GET"): api(SIGNED_IN),
    ("api.webinar", "GET"): api(SIGNED_IN),
    ("api.items", "GET"): api(SIGNED_IN),
    ("api.item", "GET"): api(SIGNED_IN),
    ("api.item_history", "GET"): api(SIGNED_IN),
    ("api.new_webinar", "POST"): api(LEADS),
    ("api.new_item", "POST"): api(WRITERS),
    ("api.edit_item", "PATCH"): api(OWNER_OR_LEAD),
    ("api.item_status", "POST"): api(OWNER_OR_LEAD),
    ("api.item_comment", "POST"): api(WRITERS),
    ("api.item_evidence", "POST"): api(OWNER_OR_LEAD),
    ("lists.export_csv", "GET"): outcome(SIGNED_IN),
    ("lists.export_xlsx", "GET"): outcome(SIGNED_IN),
    ("lists.my", "GET"): outcome(SIGNED_IN),
    # The decision queue (perlu keputusan) is the heads' and administrators'.
    ("decisions.index", "GET"): outcome(LEADS),
    ("decisions.decide_item", "POST"): outcome(LEADS),
    ("decisions.decide_extension_request", "POST"): outcome(LEADS),
    # The installable app: manifest, service worker and offline page hold nobody's data.
    ("pwa.manifest", "GET"): outcome(SIGNED_IN, public=True),
    ("pwa.service_worker", "GET"): outcome(SIGNED_IN, public=True),
    ("pwa.offline", "GET"): outcome(SIGNED_IN, public=True),
    ("pwa.session_state", "GET"): outcome(SIGNED_IN),
    # The inbox is everyone's own; the notification in the URL is the owner's (another person's is a 404).
    ("notifications.index", "GET"): outcome(SIGNED_IN),
    ("notifications.read", "POST"): {**outcome(SIGNED_IN), **{r: "not-found" for r in SIGNED_IN - {"owner"}}},
    ("notifications.read_all", "POST"): outcome(SIGNED_IN),
    ("api.notifications", "GET"): api(SIGNED_IN),
    ("api.notification_read", "POST"): {**api(SIGNED_IN), **{r: "not-found" for r in SIGNED_IN - {"owner"}}},
    ("api.notifications_read_all", "POST"): api(SIGNED_IN),
}


def _form_data(endpoint: str, ids: dict) -> dict:
    """A plausible submission for each write route (its validity is not what is tested here)."""
    due = (local_today() + timedelta(days=40)).isoformat()
    return {
        "items.status": {"status": "terhambat", "note": "alasan", "version": ids["version"]},
        "items.comment": {"body": "Komentar uji"},
        "items.extension": {"new_due_date": due, "reason": "Butuh waktu"},
        "items.decide": {"decision": "approve", "note": ""},
        "decisions.decide_item": {"action": "reopen", "note": "Belum lengkap", "version": ids["version"]},
        "decisions.decide_extension_request": {"decision": "approve", "version": ids["version"]},
        "items.delete": {"reason": "", "version": ids["version"]},
        "items.restore": {"version": ids["version"]},
        "items.new": {"title": "Baru", "webinar_id": ids["webinar"], "priority": "sedang", "progress": "0"},
        "items.edit": {"title": "Ubah", "webinar_id": ids["webinar"], "priority": "sedang", "progress": "10",
                       "version": ids["version"], "owner_id": ids["owner"]},
        "webinars.new": {"series": "99", "title": "Seri uji", "held_on": "2024-02-01"},
        "webinars.edit": {"series": "28", "title": "Seri 28", "held_on": "2023-12-18"},
        "webinars.bulk": {"lines": "Satu tindak lanjut", "action": "preview"},
        "imports.index": {"action": "upload"},
        "main.set_language": {"language": "id"},
        "auth.login": {"username": "x", "password": "y"},
    }.get(endpoint, {})


def _api_data(endpoint: str, ids: dict) -> dict:
    return {
        "api.new_webinar": {"series": 99, "title": "Seri uji", "held_on": "2024-02-01"},
        "api.new_item": {"webinar_id": ids["webinar"], "title": "Baru"},
        "api.edit_item": {"version": ids["version"], "progress": 10},
        "api.item_status": {"status": "terhambat", "note": "alasan", "version": ids["version"]},
        "api.item_comment": {"body": "Komentar uji"},
    }.get(endpoint, {})


def _all_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "api.not_found"):  # api.not_found: the JSON 404 for unknown paths
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_matrix(app):
    missing = [(rule.endpoint, method) for rule, method in _all_rules(app)
               if (rule.endpoint, method) not in MATRIX]
    assert missing == [], f"routes without an expected outcome: {missing}"
    stale = set(MATRIX) - {(rule.endpoint, method) for rule, method in _all_rules(app)}
    assert stale == set(), f"matrix rows for routes that do not exist: {stale}"


@pytest.fixture()
def ids(app, users, sample):
    with app.app_context():
        add_user("anggota3", "Anggota Tiga", Role.MEMBER)
        item = db.session.get(ActionItem, sample["item1"])
        owner = db.session.get(User, users["anggota"])
        extension = request_extension(item, owner, item.due_date + timedelta(days=30), "Perlu waktu")
        snapshot = create_snapshot(Scope(), db.session.get(User, users["kepala"]))
        day = NonWorkingDay(day=local_today() + timedelta(days=60), description="Cuti bersama")
        db.session.add(day)
        evidence = attach(item, owner, FileStorage(io.BytesIO(picture("PNG")), "foto.png"))
        notify(item, db.session.get(User, users["kepala"]), NotificationKind.COMMENT, [owner])
        db.session.commit()
        notification_id = db.session.scalar(select(Notification.id).where(Notification.user_id == owner.id))
        return {"item": item.id, "webinar": sample["webinar"], "user": users["anggota2"],
                "request": extension.id, "version": item.version, "owner": users["anggota"],
                "snapshot": snapshot.id, "code": snapshot.verification_code, "day": day.id, "evidence": evidence.id,
                "notification": notification_id}


def _url(app, rule, ids) -> str:
    values = {"item_id": ids["item"], "webinar_id": ids["webinar"], "user_id": ids["user"],
              "request_id": ids["request"], "snapshot_id": ids["snapshot"], "token": "tidak-dikenal",
              "token_id": 999999, "day_id": ids["day"], "evidence_id": ids["evidence"], "code": ids["code"],
              "notification_id": ids["notification"]}
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, client, ids, role):
    if role != "anonymous":
        client.login(LOGIN_AS[role])
    failures = []
    for rule, method in _all_rules(app):
        expected = MATRIX[(rule.endpoint, method)][role]
        if role != "anonymous" and rule.endpoint == "auth.logout":
            continue  # signing out would end the session for the rest of this run
        url = _url(app, rule, ids)
        token = client.csrf_token("/login" if role == "anonymous" else "/profile")
        if method == "GET":
            response = client.get(url)
        elif rule.endpoint.startswith("api."):  # JSON, with the CSRF header a browser script sends
            response = client.open(url, method=method, json=_api_data(rule.endpoint, ids),
                                   headers={"X-CSRFToken": token})
        else:
            data = dict(_form_data(rule.endpoint, ids), csrf_token=token)
            response = client.open(url, method=method, data=data)
        location = response.headers.get("Location", "")
        if expected == "login":
            ok = response.status_code == 302 and location.startswith("/login")
        elif expected == "forbidden":
            ok = response.status_code == 403
        elif expected == "unauthorized":
            ok = response.status_code == 401
        elif expected == "not-found":
            ok = response.status_code == 404
        elif expected == "to-my":
            ok = response.status_code == 302 and location == "/my"
        else:
            ok = response.status_code < 500 and response.status_code not in (401, 403) \
                and not location.startswith("/login")
        if not ok:
            failures.append((method, url, expected, response.status_code, location))
    assert failures == []
