"""The JSON API: tokens, every endpoint by role, the same rules as the web pages, JSON errors."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import get_user
from tracker import reminders_cli
from tracker.extensions import db
from tracker.models import AccessToken, ActionItem, Comment, TokenKind
from tracker.services.tokens import create_token, revoke
from tracker.timeutil import local_today

ROLES = {"admin": "admin", "head": "kepala", "owner": "anggota", "member": "anggota2", "viewer": "pemantau"}


@pytest.fixture()
def tokens(app, users, sample):
    """An API token per role (the owner of S28-01 is `anggota`)."""
    with app.app_context():
        made = {role: create_token(get_user(username), TokenKind.API, "uji")[1] for role, username in ROLES.items()}
        db.session.commit()
    return made


def call(client, method, url, token=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.open(url, method=method, headers=headers, **kwargs)


def _version(app, item_id):
    with app.app_context():
        return db.session.get(ActionItem, item_id).version


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()["error"]
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if code:
        assert body["code"] == code
    return body


# --- Authentication ------------------------------------------------------------------------

ENDPOINTS = [
    ("GET", "/api/v1/me"), ("GET", "/api/v1/webinars"), ("GET", "/api/v1/webinars/1"),
    ("POST", "/api/v1/webinars"), ("GET", "/api/v1/items"), ("GET", "/api/v1/items/1"),
    ("POST", "/api/v1/items"), ("PATCH", "/api/v1/items/1"), ("POST", "/api/v1/items/1/status"),
    ("POST", "/api/v1/items/1/comments"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_gets_401_json_not_a_redirect(client, sample, method, url):
    response = call(client, method, url, json={})
    assert_error(response, 401, "unauthorized")
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_wrong_revoked_and_non_bearer_tokens_get_401(app, client, tokens):
    assert call(client, "GET", "/api/v1/me", tokens["owner"]).status_code == 200
    assert_error(call(client, "GET", "/api/v1/me", "tla_wrong"), 401)
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Basic {tokens['owner']}"}), 401)
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == get_user("anggota").id))
        revoke(token, get_user("anggota"))
        db.session.commit()
    assert_error(call(client, "GET", "/api/v1/me", tokens["owner"]), 401)


def test_a_deactivated_users_token_stops_working(app, client, tokens):
    with app.app_context():
        get_user("anggota").active = False
        db.session.commit()
    assert_error(call(client, "GET", "/api/v1/me", tokens["owner"]), 401)


def test_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/me", "/webinars", "/webinars/{webinar_id}", "/items", "/items/{item_id}",
            "/items/{item_id}/status", "/items/{item_id}/comments"} <= set(document["paths"])


def test_me_answers_for_every_role(client, tokens):
    for role, username in ROLES.items():
        body = call(client, "GET", "/api/v1/me", tokens[role]).get_json()
        assert body["username"] == username and body["auth"] == "token"


def test_last_used_is_written_at_most_once_a_minute(app, client, tokens):
    call(client, "GET", "/api/v1/me", tokens["owner"])
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == get_user("anggota").id))
        first = token.last_used_at
        assert first is not None
    call(client, "GET", "/api/v1/me", tokens["owner"])
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == get_user("anggota").id))
        assert token.last_used_at == first
        token.last_used_at = datetime.now(UTC) - timedelta(minutes=2)
        db.session.commit()
    call(client, "GET", "/api/v1/me", tokens["owner"])
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == get_user("anggota").id))
        assert token.last_used_at > first


def test_errors_speak_the_token_users_language(app, client, tokens):
    body = assert_error(call(client, "POST", "/api/v1/items/1/comments", tokens["owner"], json={"body": " "}), 422)
    assert body["fields"]["body"] == "Komentar kosong." or "kosong" in body["fields"]["body"]
    with app.app_context():
        get_user("anggota").language = "en"
        db.session.commit()
    body = assert_error(call(client, "POST", "/api/v1/items/1/comments", tokens["owner"], json={"body": " "}), 422)
    assert body["fields"]["body"] == "The comment is empty."


# --- Webinars ------------------------------------------------------------------------------


def test_webinar_list_and_detail(client, tokens, sample):
    body = call(client, "GET", "/api/v1/webinars", tokens["viewer"]).get_json()
    [webinar] = body["webinars"]
    assert webinar["series"] == 28 and webinar["figures"]["items"] == 3 and webinar["held_on"] == "2023-12-18"
    detail = call(client, "GET", f"/api/v1/webinars/{sample['webinar']}", tokens["viewer"]).get_json()
    assert [item["code"] for item in detail["items"]] == ["S28-01", "S28-02", "S28-03"]
    assert_error(call(client, "GET", "/api/v1/webinars/999", tokens["viewer"]), 404)
    assert_error(call(client, "GET", f"/api/v1/webinars/{2**40}", tokens["viewer"]), 404)


@pytest.mark.parametrize(("role", "status"), [("admin", 201), ("head", 201), ("owner", 403), ("viewer", 403)])
def test_who_may_create_webinars(app, client, tokens, role, status):
    response = call(client, "POST", "/api/v1/webinars", tokens[role],
                    json={"series": 29, "title": "Seri 29", "held_on": "2024-01-15", "speakers": "A\nB"})
    assert response.status_code == status
    if status == 201:
        assert response.get_json()["speakers"] == ["A", "B"]
        assert response.headers["Location"].endswith(f"/api/v1/webinars/{response.get_json()['id']}")


def test_webinar_validation(client, tokens):
    body = assert_error(call(client, "POST", "/api/v1/webinars", tokens["head"],
                             json={"series": 28, "title": "Lagi", "held_on": "2024-01-15"}), 422)
    assert "series" in body["fields"]  # the sample's series 28 is taken
    body = assert_error(call(client, "POST", "/api/v1/webinars", tokens["head"],
                             json={"series": "29", "held_on": "15-01-2024", "extra": 1}), 422)
    assert set(body["fields"]) == {"series", "held_on", "title", "extra"}
    assert_error(call(client, "POST", "/api/v1/webinars", tokens["head"],
                      json={"series": 10**30, "title": "x", "held_on": "2024-01-01"}), 422)


# --- Items ---------------------------------------------------------------------------------


def test_item_list_filters_and_pages(client, tokens, users, sample):
    body = call(client, "GET", f"/api/v1/items?owner={users['anggota']}&status=dikerjakan&status=selesai",
                tokens["viewer"]).get_json()
    assert [item["code"] for item in body["items"]] == ["S28-01", "S28-03"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 25, 2, 1)
    overdue = call(client, "GET", "/api/v1/items?overdue=1", tokens["viewer"]).get_json()
    assert [item["code"] for item in overdue["items"]] == ["S28-02"] and overdue["items"][0]["overdue"]
    searched = call(client, "GET", "/api/v1/items?q=literasi&sort=code", tokens["viewer"]).get_json()
    assert [item["code"] for item in searched["items"]] == ["S28-02"]


def test_item_list_rejects_a_filter_the_list_page_would_ignore(client, tokens):
    body = assert_error(call(client, "GET", "/api/v1/items?status=nope&per_page=7&page=x&owner=-1&colour=red&q=",
                             tokens["viewer"]), 422)
    assert set(body["fields"]) == {"status", "per_page", "page", "owner", "colour", "q"}


def test_item_detail_links_its_history(client, tokens, sample):
    body = call(client, "GET", f"/api/v1/items/{sample['item1']}", tokens["viewer"]).get_json()
    assert body["code"] == "S28-01" and "history" not in body
    history = call(client, "GET", body["history_url"], tokens["viewer"]).get_json()["history"]
    assert history[0]["kind"] == "created"
    assert body["supporters"][0]["username"] == "anggota2"
    assert body["created_at"].endswith("Z")
    assert body["allowed_statuses"] == []  # a viewer moves nothing
    assert_error(call(client, "GET", "/api/v1/items/999", tokens["viewer"]), 404)
    # A page position or size that is not a whole number in range is refused, not silently replaced.
    for query in ("limit=1.5", "limit=201", "after=-3", "after=x&limit=0"):
        assert_error(call(client, "GET", f"{body['history_url']}?{query}", tokens["viewer"]), 422)


def test_head_creates_an_item_for_someone(app, client, tokens, users, sample):
    due = (local_today() + timedelta(days=10)).isoformat()
    response = call(client, "POST", "/api/v1/items", tokens["head"], json={
        "webinar_id": sample["webinar"], "title": "Peta jalan", "owner_id": users["anggota2"],
        "supporter_ids": [users["anggota"]], "priority": "tinggi", "due_date": due})
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] == "S28-04" and body["owner"]["username"] == "anggota2" and body["due_date"] == due
    assert [s["username"] for s in body["supporters"]] == ["anggota"]


def test_member_creates_items_they_own_and_cannot_give_them_away(client, tokens, users, sample):
    body = call(client, "POST", "/api/v1/items", tokens["owner"],
                json={"webinar_id": sample["webinar"], "title": "Milik sendiri"}).get_json()
    assert body["owner"]["username"] == "anggota"
    error = assert_error(call(client, "POST", "/api/v1/items", tokens["owner"], json={
        "webinar_id": sample["webinar"], "title": "Untuk orang lain", "owner_id": users["anggota2"]}), 422)
    assert "owner_id" in error["fields"]


def test_viewer_cannot_create_items(client, tokens, sample):
    assert_error(call(client, "POST", "/api/v1/items", tokens["viewer"],
                      json={"webinar_id": sample["webinar"], "title": "x"}), 403)


@pytest.mark.parametrize("payload", [
    {"title": "tanpa webinar"},
    {"webinar_id": 1, "title": ""},
    {"webinar_id": 1, "title": "x", "progress": 150},
    {"webinar_id": 1, "title": "x", "progress": True},
    {"webinar_id": 1, "title": "x", "due_date": "2024-02-30"},
    {"webinar_id": 1, "title": "x", "priority": "urgent"},
    {"webinar_id": 1, "title": "x", "evidence_url": "javascript:alert(1)"},
    {"webinar_id": 1, "title": "x", "owner_id": 99999999999999999999},
    {"webinar_id": 1, "title": "x", "theme_id": 12345},
    {"webinar_id": 1, "title": "x\u0000"},
    {"webinar_id": 1, "title": "x", "colour": "red"},
    {"webinar_id": 999, "title": "x"},
    {"webinar_id": 1, "title": "x", "supporter_ids": [999]},
])
def test_item_validation_is_422_and_saves_nothing(app, client, tokens, sample, payload):
    assert_error(call(client, "POST", "/api/v1/items", tokens["head"], json=payload), 422)
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3


@pytest.mark.parametrize("data", ["not json", "[1, 2]", '"text"', "{", "1e999999"])
def test_a_body_that_is_not_a_json_object_is_400(client, tokens, sample, data):
    response = call(client, "POST", "/api/v1/items", tokens["head"], data=data,
                    headers={"Content-Type": "application/json"})
    assert_error(response, 400)


def test_owner_edits_with_the_current_version(app, client, tokens, sample):
    item_id = sample["item1"]
    response = call(client, "PATCH", f"/api/v1/items/{item_id}", tokens["owner"],
                    json={"version": _version(app, item_id), "progress": 40})
    assert response.status_code == 200
    assert response.get_json()["progress"] == 40 and response.get_json()["changed"] == ["progress"]


def test_stale_version_is_409_with_the_current_item(app, client, tokens, sample):
    item_id = sample["item1"]
    old = _version(app, item_id)
    call(client, "PATCH", f"/api/v1/items/{item_id}", tokens["head"], json={"version": old, "title": "Baru"})
    response = call(client, "PATCH", f"/api/v1/items/{item_id}", tokens["owner"], json={"version": old, "progress": 10})
    assert_error(response, 409, "conflict")
    assert response.get_json()["item"]["title"] == "Baru"
    assert response.get_json()["item"]["version"] == old + 1
    status = call(client, "POST", f"/api/v1/items/{item_id}/status", tokens["owner"],
                  json={"status": "terhambat", "note": "x", "version": old})
    assert_error(status, 409)


def test_edit_needs_a_version_and_permission(app, client, tokens, sample):
    body = assert_error(call(client, "PATCH", f"/api/v1/items/{sample['item1']}", tokens["owner"],
                             json={"progress": 10}), 422)
    assert "version" in body["fields"]
    version = _version(app, sample["item1"])
    assert_error(call(client, "PATCH", f"/api/v1/items/{sample['item1']}", tokens["member"],
                      json={"version": version, "progress": 10}), 403)  # a supporter does not edit
    assert_error(call(client, "PATCH", f"/api/v1/items/{sample['item1']}", tokens["viewer"],
                      json={"version": version}), 403)


def test_status_follows_the_workflow(app, client, tokens, sample):
    item_id = sample["item1"]
    url = f"/api/v1/items/{item_id}/status"
    body = assert_error(call(client, "POST", url, tokens["owner"],
                             json={"status": "terhambat", "version": _version(app, item_id)}), 422)
    assert "note" in body["fields"]  # blocked needs a reason
    assert_error(call(client, "POST", url, tokens["owner"],
                      json={"status": "terverifikasi", "version": _version(app, item_id)}), 422)
    response = call(client, "POST", url, tokens["member"],  # a supporter may move it
                    json={"status": "terhambat", "note": "Menunggu data", "version": _version(app, item_id)})
    assert response.status_code == 200 and response.get_json()["status"] == "terhambat"
    history = call(client, "GET", response.get_json()["history_url"], tokens["member"]).get_json()["history"]
    assert history[-1]["note"] == "Menunggu data"
    done = sample["item3"]
    assert_error(call(client, "POST", f"/api/v1/items/{done}/status", tokens["viewer"],
                      json={"status": "terverifikasi", "version": _version(app, done)}), 403)
    verified = call(client, "POST", f"/api/v1/items/{done}/status", tokens["head"],
                    json={"status": "terverifikasi", "version": _version(app, done)})
    assert verified.status_code == 200 and verified.get_json()["verified_at"].endswith("Z")


def test_comments(app, client, tokens, sample):
    url = f"/api/v1/items/{sample['item2']}/comments"
    response = call(client, "POST", url, tokens["member"], json={"body": "Sudah dikoordinasikan"})
    assert response.status_code == 201 and response.get_json()["author"]["username"] == "anggota2"
    assert_error(call(client, "POST", url, tokens["viewer"], json={"body": "x"}), 403)
    assert_error(call(client, "POST", url, tokens["member"], json={"body": ""}), 422)
    assert_error(call(client, "POST", "/api/v1/items/999/comments", tokens["member"], json={"body": "x"}), 404)
    with app.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_unknown_api_addresses_and_methods_answer_in_json(client, tokens):
    assert_error(call(client, "GET", "/api/v1/nothing-here", tokens["viewer"]), 404)
    response = call(client, "DELETE", "/api/v1/items/1", tokens["head"])
    assert_error(response, 405)


# --- Cookie sessions -----------------------------------------------------------------------


def test_signed_in_browser_reads_but_writes_only_with_csrf(app, client, users, sample):
    client.login("anggota")
    assert client.get("/api/v1/me").get_json()["auth"] == "session"
    url = f"/api/v1/items/{sample['item1']}/comments"
    assert_error(client.post(url, json={"body": "tanpa token"}), 400)
    token = client.csrf_token("/profile")
    response = client.post(url, json={"body": "dengan token"}, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_api_token_requests_need_no_csrf_and_leave_no_session(client, tokens, sample):
    response = call(client, "POST", f"/api/v1/items/{sample['item1']}/comments", tokens["owner"], json={"body": "ok"})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    assert client.get("/profile").status_code == 302  # still not signed in


# --- Creating tokens -----------------------------------------------------------------------


def test_profile_creates_shows_once_and_revokes_api_tokens(app, client, users, sample):
    client.login("anggota")
    assert client.submit("/profile/tokens", {"token-name": "Sistem SIPD"}).status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    secret = re.search(r'id="new-api-token"[^>]*value="([^"]+)"', page).group(1)
    assert "Sistem SIPD" in page
    assert 'id="new-api-token"' not in client.get("/profile").get_data(as_text=True)
    other = client.application.test_client()
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context():
        token = db.session.scalar(select(AccessToken).where(AccessToken.kind == TokenKind.API))
        assert secret not in (token.token_hash, token.prefix) and token.name == "Sistem SIPD"
        token_id = token.id
    assert client.submit(f"/profile/tokens/{token_id}/revoke").status_code == 302
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_nobody_revokes_another_users_token(app, client, tokens):
    with app.app_context():
        token_id = db.session.scalar(select(AccessToken.id).where(AccessToken.user_id == get_user("anggota").id))
    client.login("anggota2")
    assert client.submit(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert call(client, "GET", "/api/v1/me", tokens["owner"]).status_code == 200


def test_create_token_command(app, users):
    if "create-token" not in app.cli.commands:
        reminders_cli.register(app)
    result = app.test_cli_runner().invoke(args=["create-token", "kepala", "--name", "Dasbor Pemprov"])
    assert result.exit_code == 0
    secret = result.output.strip()
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.get_json()["username"] == "kepala"
    assert app.test_cli_runner().invoke(args=["create-token", "nobody"]).exit_code != 0
