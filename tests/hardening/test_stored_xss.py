"""S10: markup saved in every text field is shown as text on every page, never run; `javascript:`
links are refused."""
import io
from datetime import timedelta

import pytest

from tests.evidence_samples import picture
from tests.hardening.conftest import rule_url, rules
from tracker.extensions import db
from tracker.models import ActionItem, Webinar
from tracker.timeutil import local_today

PAYLOAD = ('<script>alert(1)</script>"><img src=x onerror=alert(1)></textarea><svg/onload=alert(1)>'
           "{{7*7}}'\"--><iframe src=x>")
LONG = PAYLOAD + ' javascript:alert(1) <a href="javascript:alert(1)">klik</a> ${7*7}<style>*{}</style>'
# What must never reach a page verbatim: each would run or restyle if it did.
DANGEROUS = ["<script>alert(1)", "<img src=x onerror", "<svg/onload", "<iframe", 'href="javascript:',
             "<style>*{}", "</textarea><svg"]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _mark(field: str, text: str = PAYLOAD) -> str:
    return f"[{field}] {text}"


@pytest.fixture()
def stored(app, client, make_client, world):
    """Every text field filled with the payload, through the forms people use."""
    due = (local_today() + timedelta(days=30)).isoformat()
    admin = make_client()
    admin.login("admin")
    ok = lambda response: response.status_code == 302  # noqa: E731
    assert ok(admin.submit(f"/admin/users/{world['anggota']}/edit", {
        "username": "anggota", "full_name": _mark("full_name")[:120], "position": _mark("position")[:120],
        "role": "member", "unit_id": "0", "language": "id", "active": "y"}))
    assert ok(admin.submit("/admin/settings", {
        "agency_name": _mark("agency_name")[:200], "agency_address": _mark("agency_address"),
        "report_signer_name": _mark("signer")[:200], "report_signer_position": _mark("signer_position")[:200]}))
    assert ok(admin.submit("/admin/non-working-days", {
        "day": (local_today() + timedelta(days=70)).isoformat(), "description": _mark("day")[:200]}))

    head = make_client()
    head.login("kepala")
    webinar = {"series": "30", "title": _mark("webinar_title"), "held_on": "2024-03-01",
               "organizer": _mark("organizer")[:200], "speakers": _mark("speakers"), "summary": _mark("summary", LONG)}
    refused = head.submit("/webinars/new", dict(webinar, link="javascript:alert(1)"))
    assert refused.status_code == 422
    assert ok(head.submit("/webinars/new", dict(webinar, link="https://example.go.id/seri-30")))
    with app.app_context():
        webinar_id = db.session.scalar(db.select(Webinar.id).where(Webinar.series == 30))
    item = {"title": _mark("item_title"), "description": _mark("description", LONG), "source": _mark("source"),
            "webinar_id": webinar_id, "owner_id": world["anggota"], "priority": "tinggi", "progress": "10",
            "due_date": due}
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
                "vbscript:msgbox(1)", "//evil.example/x"):
        assert head.submit("/items/new", dict(item, evidence_url=bad)).status_code == 422, bad
    assert ok(head.submit("/items/new", dict(item, evidence_url='https://example.go.id/"><script>alert(1)</script>')))
    assert ok(head.submit(f"/webinars/{webinar_id}/bulk", {
        "lines": _mark("bulk_one") + "\n" + _mark("bulk_two"), "action": "save"}))
    with app.app_context():
        item_id = db.session.scalar(db.select(ActionItem.id).where(ActionItem.title == _mark("item_title")))

    member = make_client()
    member.login("anggota")
    assert ok(member.submit(f"/items/{item_id}/comments", {"body": _mark("comment", LONG)}))
    assert ok(member.post(f"/items/{item_id}/evidence", content_type="multipart/form-data", data={
        "file": (io.BytesIO(picture("PNG")), _mark("file_name")[:120] + ".png"), "note": _mark("evidence_note"),
        "csrf_token": member.csrf_token("/profile")}))
    assert ok(member.submit(f"/items/{item_id}/extension", {"new_due_date": (local_today() + timedelta(days=60)).isoformat(),
                                                             "reason": _mark("extension_reason")}))
    version = lambda: db.session.get(ActionItem, item_id).version  # noqa: E731
    with app.app_context():
        current = version()
    assert member.submit(f"/items/{item_id}/status", {"status": "dikerjakan", "version": current,
                                                      "evidence_url": "javascript:alert(1)"}).status_code == 302  # refused (PRG)
    assert ok(member.submit(f"/items/{item_id}/status", {"status": "dikerjakan", "version": current}))
    with app.app_context():
        current = version()
    assert ok(member.submit(f"/items/{item_id}/status", {"status": "terhambat", "version": current,
                                                         "note": _mark("status_note")}))
    assert ok(member.submit("/profile/tokens", {"token-name": _mark("token_name")[:100]}))
    with app.app_context():
        pending = db.session.scalar(db.select(db.text("id FROM extension_requests WHERE item_id = :i"))
                                    .params(i=item_id))
    assert ok(head.submit(f"/items/{item_id}/extension/{pending}", {"decision": "reject",
                                                                    "note": _mark("decision_note")}))
    assert ok(head.submit("/reports/snapshots", {}))
    api = client.post(f"/api/v1/items/{item_id}/comments", json={"body": _mark("api_comment")},
                      headers={"Authorization": f"Bearer {world['api_head']}"})
    assert api.status_code == 201
    return {"item": item_id, "webinar": webinar_id, "clients": {"admin": admin, "kepala": head, "anggota": member}}


FIELDS = ["full_name", "position", "agency_name", "agency_address", "signer", "signer_position", "day",
          "webinar_title", "organizer", "speakers", "summary", "item_title", "description", "source", "bulk_one",
          "bulk_two", "comment", "extension_reason", "status_note", "token_name", "decision_note", "api_comment",
          "evidence_note"]


def test_stored_markup_is_escaped_on_every_page(app, make_client, world, stored):
    ids = dict(world, item_a=stored["item"], webinar=stored["webinar"], anggota2=world["anggota"])
    viewer = make_client()
    viewer.login("pemantau")
    browsers = dict(stored["clients"], pemantau=viewer)
    unescaped, seen, pages = [], set(), 0
    for who, browser in browsers.items():
        for rule, _method in rules(app, ("GET",)):
            url = rule_url(app, rule, ids)
            response = browser.get(url)
            kind = response.headers.get("Content-Type", "")
            if "html" in kind:
                body = response.get_data(as_text=True)
                pages += 1
                unescaped += [(who, url, bad) for bad in DANGEROUS if bad in body]
                seen |= {field for field in FIELDS if f"[{field}] {ESCAPED}" in body}
            elif response.status_code == 200 and rule.endpoint != "static":
                # Exports and feeds: never served as a page, never sniffed into one.
                assert response.headers["X-Content-Type-Options"] == "nosniff", url
                # An SVG (the uploaded logo) only under a sandboxing policy: opened on its own it runs nothing.
                sandboxed = "sandbox" in response.headers.get("Content-Security-Policy", "")
                assert not kind.startswith("text/html") and (sandboxed or not kind.startswith("image/svg")), (url, kind)
    assert unescaped == []
    assert set(FIELDS) - seen == set()  # every field was saved and shown (escaped) somewhere
    assert pages >= 60
    detail = stored["clients"]["kepala"].get(f"/items/{stored['item']}").get_data(as_text=True)
    assert "{{7*7}}" in detail and "${7*7}" in detail  # shown as typed, never evaluated
    csv = stored["clients"]["kepala"].get("/items/export.csv").get_data(as_text=True)
    assert _mark("item_title").replace('"', '""') in csv  # the data is there, as text
