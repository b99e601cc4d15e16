"""R1 and R4 through real HTTP against gunicorn: no lost updates under concurrent edits, and two
app servers sharing one database behave as one (data, sessions, sign-in throttling, evidence files)."""
import random
import threading
import time
from collections import defaultdict

import pytest
from sqlalchemy import select

from tests import evidence_samples as samples
from tests.conftest import PASSWORD
from tests.hardening.conftest import HttpBrowser, hot_items, page_forms, server_log_problems
from tracker.extensions import db
from tracker.models import ActionItem, Comment, EvidenceFile, ItemHistory

pytestmark = pytest.mark.slow

CLIENTS = 8
# The load runs until enough saves and collisions happened (however slow the machine), within a cap.
ENOUGH_SAVES, CAP_SECONDS = 50, 300.0


def test_concurrent_edits_lose_nothing(app, users, server_factory, tmp_path):
    """R1: 8 people saving 20 hot items from the forms they opened, until 50 saves and a collision."""
    hot = hot_items(app, users)
    server = server_factory("r1", workers=2)
    accepted, outcomes, lock = [], defaultdict(int), threading.Lock()
    deadline = time.monotonic() + CAP_SECONDS

    def enough() -> bool:
        with lock:
            return len(accepted) >= ENOUGH_SAVES and outcomes[409] >= 1

    def person(number: int):
        browser = HttpBrowser(server.url)
        assert browser.login("kepala" if number % 2 else "admin", PASSWORD) == 302
        rng, saves = random.Random(number), 0
        while not enough() and time.monotonic() < deadline:
            item = rng.choice(hot)
            status, _headers, html = browser.get(f"/items/{item}/edit")
            if status != 200:
                with lock:
                    outcomes[f"GET {status}"] += 1
                continue
            fields = page_forms(html)[f"/items/{item}/edit"]
            version = int(fields["version"][0])
            saves += 1
            title, progress = f"Simpanan {number}-{saves}", rng.randint(0, 100)
            fields.update(title=[title], progress=[str(progress)])
            time.sleep(rng.uniform(0, 0.02))  # a person reads the form before saving
            status, _headers, body = browser.post(f"/items/{item}/edit", fields)
            with lock:
                outcomes[status] += 1
                if status == 302:
                    accepted.append((item, version, title, progress))
                elif status == 409:
                    assert "Orang lain sudah menyimpan" in body

    threads = [threading.Thread(target=person, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=CAP_SECONDS + 60)
    server.stop()

    lost, missing_history = [], []
    with app.app_context():
        for item_id in hot:
            saves = sorted((version, title, progress) for item, version, title, progress in accepted
                           if item == item_id)
            titles = db.session.scalars(select(ItemHistory.new_value).where(
                ItemHistory.item_id == item_id, ItemHistory.field == "title").order_by(ItemHistory.id)).all()
            if titles != [title for _v, title, _p in saves]:
                missing_history.append((item_id, len(saves), len(titles)))
            item = db.session.get(ActionItem, item_id)
            expected = (saves[-1][1], saves[-1][2]) if saves else (item.title, item.progress)
            if (item.title, item.progress) != expected or item.version != 1 + len(saves):
                lost.append((item_id, item.title, expected))
    problems = server_log_problems(tmp_path / "r1.stderr")
    print(f"\nR1 {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {dict(outcomes)} "
          f"accepted={len(accepted)} lost={len(lost)} history_mismatch={len(missing_history)} log={problems}")
    assert set(outcomes) <= {302, 409}, dict(outcomes)  # no 5xx, nothing else
    assert outcomes[302] >= 50 and outcomes[409] >= 1  # real load, real collisions
    assert lost == [] and missing_history == []
    assert problems == {"database is locked": 0, "Traceback": 0}


def test_two_servers_share_one_database(app, users, server_factory, tmp_path):
    """R4: data, session cookies and sign-in throttling hold across two app servers."""
    [item_id] = hot_items(app, users, count=1)
    a, b = server_factory("a", workers=1), server_factory("b", workers=1)
    head = HttpBrowser(a.url)
    assert head.login("kepala", PASSWORD) == 302
    # The session cookie from A opens pages on B (same SECRET_KEY, session state in the database).
    status, _h, _t = head.get("/profile", base_url=b.url)
    assert status == 200
    # A change made through A is seen through B, and the other way round.
    token = head.csrf_token("/profile")
    status, _h, _t = head.post(f"/items/{item_id}/comments", {"body": "Ditulis lewat server A", "csrf_token": token})
    assert status == 302
    _s, _h, page = head.get(f"/items/{item_id}", base_url=b.url)
    assert "Ditulis lewat server A" in page
    _s, _h, form = head.get(f"/items/{item_id}/edit", base_url=b.url)
    fields = page_forms(form)[f"/items/{item_id}/edit"]
    fields["title"] = ["Diubah lewat server B"]
    status, _h, _t = head.post(f"/items/{item_id}/edit", fields, base_url=b.url)
    assert status == 302
    _s, _h, page = head.get(f"/items/{item_id}")
    assert "Diubah lewat server B" in page
    # A stale form opened on A is refused on B.
    stale = dict(fields, title=["Dari formulir lama"])
    assert head.post(f"/items/{item_id}/edit", stale)[0] == 409
    # Signing out on A ends the session on B as well.
    assert head.post("/logout", {"csrf_token": head.csrf_token("/profile")})[0] == 302
    status, headers, _t = head.get("/profile", base_url=b.url)
    assert status == 302 and "/login" in headers["Location"]
    # Throttling: 5 failures split across A and B; the 6th attempt on either is 429.
    attacker = HttpBrowser(a.url)
    for attempt in range(5):
        server = a if attempt % 2 else b
        assert attacker.login("anggota", "salah-terus", base_url=server.url) == 401
    assert attacker.login("anggota", PASSWORD, base_url=a.url) == 429
    assert HttpBrowser(b.url).login("anggota", PASSWORD) == 429
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Comment.id))) == 1
    assert server_log_problems(tmp_path / "a.stderr")["Traceback"] == 0
    assert server_log_problems(tmp_path / "b.stderr")["Traceback"] == 0


def test_a_file_uploaded_through_one_server_downloads_through_another(app, users, server_factory, tmp_path):
    """R4 for evidence files: they live in the database, not on one server's disk."""
    [item_id] = hot_items(app, users, count=1)
    a, b = server_factory("files-a", workers=1), server_factory("files-b", workers=1)
    owner = HttpBrowser(a.url)
    assert owner.login("anggota", PASSWORD) == 302
    document = samples.pdf(padding=3 * 1024 * 1024)  # past the 2 MB of the other forms, as in real use
    token = owner.csrf_token("/profile")
    status, headers, _t = owner.upload(f"/items/{item_id}/evidence", {"csrf_token": token, "note": "Lewat server A"},
                                       {"file": ("laporan-seri-28.pdf", document)})
    assert status == 302, _t
    with app.app_context():
        evidence_id = db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.item_id == item_id))
        db.session.remove()
    viewer = HttpBrowser(b.url)
    assert viewer.login("pemantau", PASSWORD) == 302
    _s, _h, page = viewer.get(f"/items/{item_id}")
    assert "laporan-seri-28.pdf" in page and "Lewat server A" in page
    status, headers, body = viewer.get(f"/evidence/{evidence_id}", raw=True)
    assert status == 200 and body == document
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["Content-Security-Policy"].startswith("sandbox")
    # The same file again through B is recognised as the one uploaded through A.
    status, _h, page = owner.upload(f"/items/{item_id}/evidence", {"csrf_token": owner.csrf_token("/profile")},
                                    {"file": ("salinan.pdf", document)}, base_url=b.url)
    assert status == 422 and "laporan-seri-28.pdf" in page
    assert server_log_problems(tmp_path / "files-a.stderr")["Traceback"] == 0
    assert server_log_problems(tmp_path / "files-b.stderr")["Traceback"] == 0
