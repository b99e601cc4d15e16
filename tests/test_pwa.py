"""The installable app's server side: manifest, service worker, offline page, what pages tell the phone."""
import json
import re

from tests.conftest import CSRF_RE
from tracker.views.pwa import USER_HEADER, static_fingerprint

SETTINGS_RE = re.compile(r'<script type="application/json" id="offline-settings">(.*?)</script>', re.S)


def _settings(html: str) -> dict:
    return json.loads(SETTINGS_RE.search(html).group(1))


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["start_url"] == "/my" and manifest["display"] == "standalone" and manifest["scope"] == "/"
    assert manifest["short_name"] == "Tindak Lanjut" and manifest["theme_color"] == "#0a58ca"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
    assert manifest["description"] == "Tindak lanjut seri webinar BPSDM Sulawesi Barat."  # Indonesian first


def test_every_page_links_the_manifest_and_loads_scripts_only_from_files(client, users):
    client.login("anggota")
    html = client.get("/my").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    for tag in re.findall(r"<script[^>]*>", html):  # the CSP allows no inline script: data or a file
        assert 'type="application/json"' in tag or re.search(r'src="/static/[^"]+\?v=[0-9a-f]{12}"', tag), tag


def test_the_service_worker_covers_the_app_and_names_this_deploys_files(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"  # the browser checks for the newest one every time
    first_line, source = response.get_data(as_text=True).split("\n", 1)
    settings = json.loads(first_line.removeprefix("self.TL_SETTINGS = ").removesuffix(";"))
    assert "addEventListener('fetch'" in source
    assert settings["offlinePage"] == "/offline" and settings["logout"] == "/logout"
    assert settings["apiPrefix"] == "/api/v1/"
    for url in settings["precache"]:
        assert re.search(r"\?v=[0-9a-f]{12}$", url)
        assert client.get(url).status_code == 200


def test_the_service_worker_version_changes_with_any_static_file(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: black; }")
    before = static_fingerprint(str(tmp_path))
    static_fingerprint.cache_clear()
    assert static_fingerprint(str(tmp_path)) == before  # the same files, the same worker
    (tmp_path / "css" / "app.css").write_text("body { color: navy; }")
    static_fingerprint.cache_clear()
    assert static_fingerprint(str(tmp_path)) != before
    static_fingerprint.cache_clear()


def test_the_offline_page_holds_nobodys_data(client, users):
    anonymous = client.get("/offline")
    assert anonymous.status_code == 200
    text = anonymous.get_data(as_text=True)
    assert "Tidak ada koneksi" in text and "Anggota Uji" not in text


def test_only_my_tasks_and_item_pages_name_their_user(client, users, sample):
    assert USER_HEADER not in client.get("/login").headers
    client.login("anggota")
    assert client.get("/my").headers[USER_HEADER] == str(users["anggota"])
    assert client.get(f"/items/{sample['item1']}").headers[USER_HEADER] == str(users["anggota"])
    for url in ("/items", "/profile", f"/webinars/{sample['webinar']}", "/offline"):
        assert USER_HEADER not in client.get(url).headers, url
    assert USER_HEADER not in client.get("/items/999999").headers  # a 404 is never kept


def test_pages_carry_the_offline_banner_and_the_outbox_words(client, users):
    client.login("anggota")
    html = client.get("/my").get_data(as_text=True)
    banner = re.search(r'id="offline-banner" role="status" hidden>([^<]+)</div>', html).group(1)
    assert re.fullmatch(r"Offline — data per \d{1,2} \w{3} \d{4} \d{2}\.\d{2} WITA", banner)
    settings = _settings(html)
    assert settings["user"] == users["anggota"] and settings["session"] == "/offline/session"
    assert settings["texts"]["waiting"] == "Menunggu dikirim"
    assert settings["texts"]["statuses"]["terhambat"] == "Terhambat"


def test_the_sign_in_page_gives_the_phone_no_user(client):
    settings = _settings(client.get("/login").get_data(as_text=True))
    assert settings["user"] is None and "texts" not in settings and "session" not in settings


def test_the_session_answer_gives_a_csrf_token_the_api_accepts(client, users, sample):
    assert client.get("/offline/session").status_code == 302  # signed out: to the sign-in page
    client.login("anggota")
    session = client.get("/offline/session").get_json()
    assert session["user"] == users["anggota"]
    response = client.post(f"/api/v1/items/{sample['item1']}/comments", json={"body": "Dari antrean"},
                           headers={"X-CSRFToken": session["csrf_token"], "Idempotency-Key": "antrean-1"})
    assert response.status_code == 201


def test_signing_out_tells_the_browser_to_forget_what_it_kept(client, users):
    client.login("anggota")
    token = CSRF_RE.search(client.get("/profile").get_data(as_text=True)).group(1)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_the_item_page_offers_progress_to_those_who_may_edit(client, users, sample):
    client.login("anggota")
    own = client.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert 'data-queue="progress"' in own and 'data-queue="status"' in own and 'data-queue="comment"' in own
    client.logout()
    client.login("pemantau")
    viewer = client.get(f"/items/{sample['item1']}").get_data(as_text=True)
    assert "data-queue=" not in viewer
