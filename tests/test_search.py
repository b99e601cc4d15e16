"""Search: Indonesian word forms, typos, every field an item has, ranking, and an index that stays exact."""
import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.conftest import add_item, add_webinar, get_user
from tests.evidence_samples import pdf
from tracker.extensions import db
from tracker.models import ActionItem, Comment, EvidenceFile, Theme, TokenKind, Unit, User, Webinar
from tracker.models.search import ItemSearch, SearchWord
from tracker.services.evidence import attach, withdraw
from tracker.services.items import add_comment
from tracker.services.search_index import rebuild
from tracker.services.tokens import create_token

CODE_RE = re.compile(r'class="text-nowrap item-code"><a href="/items/(\d+)">([^<]+)</a>')
FILLERS = 40  # items that mention the searched words only in passing: page 1 (25 rows) has to rank


def codes(response) -> list[str]:
    """The item codes in the list, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [code for _id, code in CODE_RE.findall(response.get_data(as_text=True))]


def _unit(short_name: str) -> int:
    return db.session.scalar(select(Unit.id).where(Unit.short_name == short_name))


def _theme(slug: str) -> int:
    return db.session.scalar(select(Theme.id).where(Theme.slug == slug))


@pytest.fixture()
def corpus(app, users):
    """Items that each say one thing somewhere (title, sumber, comment, evidence, theme, unit, owner).

    S28-01..S28-08 and S29-01 are the targets; S30-01..S30-40 are fillers whose descriptions mention
    pelatihan, perbaikan, regulasi and hukum in passing, so a target must rank to reach page 1.
    """
    with app.app_context():
        anggota, anggota2, kepala = get_user("anggota"), get_user("anggota2"), get_user("kepala")
        w28, w29, w30 = add_webinar(28), add_webinar(29, "Manajemen talenta nasional"), add_webinar(30, "Rapat")
        items = {}
        for key, webinar, owner, fields in (
            ("latih", w28, anggota, {"title": "Pelatihan dasar ASN digital", "source": "Prof. Rhenald Kasali",
                                     "theme_id": _theme("regulasi")}),
            ("melatih", w28, anggota2, {"title": "Melatih aparatur desa"}),
            ("perbaiki", w28, anggota, {"title": "Perbaiki sistem merit"}),
            ("perbaikan", w28, anggota, {"title": "Perbaikan tata naskah dinas"}),
            ("perda", w28, anggota, {"title": "Kajian perlindungan hukum"}),
            ("bukti", w28, anggota, {"title": "Dokumentasi kegiatan"}),
            ("kebijakan", w28, anggota, {"title": "Penyusunan kebijakan kepegawaian"}),
            ("pohon", w28, None, {"title": "Penanaman pohon", "unit_id": _unit("DLH")}),
            ("talenta", w29, anggota2, {"title": "Rapat koordinasi"}),
        ):
            items[key] = add_item(webinar, owner, **fields)
        for number in range(FILLERS):
            add_item(w30, anggota, title=f"Koordinasi program kerja {number:02d}",
                     description="Catatan rapat: pelatihan, perbaikan layanan, regulasi daerah dan hukum.")
        add_comment(items["perda"], kepala, "Menunggu perda baru dari DPRD.")
        attach(items["bukti"], anggota, FileStorage(io.BytesIO(pdf()), filename="laporan_kegiatan.pdf",
                                                    content_type="application/pdf"), note="Daftar hadir peserta")
        db.session.commit()
        return {key: item.id for key, item in items.items()}


# The recall list: each query must show its intended item on page 1 (stems, typos, names, codes, fields).
RECALL = [
    ("latih", "S28-01"), ("pelatihan", "S28-02"), ("melatih", "S28-01"), ("LATIHAN", "S28-02"),
    ("perbaikan", "S28-03"), ("perbaiki", "S28-04"), ("kebijakan", "S28-07"), ("pegawai", "S28-07"),
    ("Kasali", "S28-01"), ("rhenald", "S28-01"), ("Anggota Dua", "S28-02"), ("regulasi", "S28-01"),
    ("DLH", "S28-08"), ("lingkungan hidup", "S28-08"), ("perda", "S28-05"), ("DPRD", "S28-05"),
    ("laporan_kegiatan", "S28-06"), ("daftar hadir", "S28-06"), ("talenta", "S29-01"),
    ("S28-05", "S28-05"), ("s29-01", "S29-01"), ("S28-07", "S28-07"),
    ("pelatiahn", "S28-01"), ("kasalli", "S28-01"), ("regulsi", "S28-01"), ("perbaikn", "S28-04"),
    ("lingkngan", "S28-08"), ("pelatihan ASN", "S28-01"), ("pohon DLH", "S28-08"), ("hukum perda", "S28-05"),
]


def test_recall_list_finds_every_intended_item_on_page_one(client, corpus):
    assert len(RECALL) == 30
    client.login("pemantau")
    missed = [(query, wanted) for query, wanted in RECALL
              if wanted not in codes(client.get("/items", query_string={"q": query}))]
    assert missed == []


def test_title_matches_rank_above_passing_mentions(client, corpus):
    client.login("pemantau")
    shown = codes(client.get("/items?q=pelatihan"))
    assert set(shown[:2]) == {"S28-01", "S28-02"}  # in the title, before 40 descriptions that mention it
    assert len(shown) == 25  # and the fillers follow
    assert {code for page in (1, 2) for code in codes(client.get(f"/items?q=pelatihan&page={page}"))} == {
        "S28-01", "S28-02", *(f"S30-{n:02d}" for n in range(1, FILLERS + 1))}


def test_a_typo_is_corrected_and_the_page_says_so(client, corpus):
    client.login("pemantau")
    page = client.get("/items?q=pelatiahn").get_data(as_text=True)
    assert "Menampilkan hasil untuk <em>pelatihan</em>" in page
    assert "S28-01" in page
    assert "Menampilkan hasil untuk" not in client.get("/items?q=pelatihan").get_data(as_text=True)
    nothing = client.get("/items?q=qwzxv").get_data(as_text=True)
    assert "Menampilkan hasil untuk" not in nothing and "Tidak ada tindak lanjut yang cocok" in nothing


def test_matches_are_highlighted_in_the_title_and_a_snippet(client, corpus):
    client.login("pemantau")
    page = client.get("/items?q=perda").get_data(as_text=True)
    assert "Menunggu <mark>perda</mark> baru dari DPRD." in page
    title = client.get("/items?q=latih").get_data(as_text=True)
    assert "<mark>Pelatihan</mark> dasar ASN digital" in title


def test_search_combines_with_every_filter_and_the_export(client, corpus, users):
    client.login("kepala")
    assert codes(client.get(f"/items?q=pelatihan&owner={users['anggota2']}")) == ["S28-02"]
    assert codes(client.get("/items?q=pelatihan&status=dikerjakan")) == []
    export = client.get(f"/items/export.csv?q=pelatiahn&owner={users['anggota']}").get_data(as_text=True)
    assert "S28-01" in export and "S28-02" not in export  # corrected as the list is, and filtered


def test_the_api_searches_the_same_way(client, corpus, db_ctx):
    with db_ctx():
        token = create_token(get_user("pemantau"), TokenKind.API, "uji")[1]
        db.session.commit()
    body = client.get("/api/v1/items?q=Kasali", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [item["code"] for item in body["items"]] == ["S28-01"]


def _index(session) -> tuple[list, list]:
    documents = session.execute(select(ItemSearch.item_id, ItemSearch.head, ItemSearch.body, ItemSearch.plain)
                                .order_by(ItemSearch.item_id)).all()
    words = session.execute(select(SearchWord.word, SearchWord.n).order_by(SearchWord.word)).all()
    return documents, words


def _assert_exact() -> None:
    """The index as kept by the changes equals the index rebuilt from scratch (and rolled back)."""
    kept = _index(db.session)
    rebuild(db.session.connection())
    rebuilt = _index(db.session)
    db.session.rollback()
    assert kept == rebuilt


def test_the_index_follows_every_change_in_the_same_transaction(client, corpus, db_ctx):
    client.login("kepala")
    item_id = corpus["perda"]
    response = client.submit(f"/items/{item_id}/comments", {"body": "Rancangan qanun sedang dibahas."},
                             token_from=f"/items/{item_id}")
    assert response.status_code == 302
    assert codes(client.get("/items?q=rancangan")) == ["S28-05"]
    with db_ctx():
        db.session.scalar(select(Theme).where(Theme.slug == "regulasi")).name = "Kerangka peraturan"
        db.session.scalar(select(User).where(User.username == "anggota2")).full_name = "Andi Mappatunru"
        db.session.scalar(select(Webinar).where(Webinar.series == 29)).title = "Manajemen inovasi"
        db.session.scalar(select(ActionItem).where(ActionItem.code == "S28-03")).title = "Evaluasi sistem merit"
        db.session.delete(db.session.scalar(select(Comment).where(Comment.body.like("Menunggu%"))))
        db.session.commit()
        _assert_exact()
    assert codes(client.get("/items?q=peraturan")) == ["S28-01"]
    assert "S28-01" not in codes(client.get("/items?q=regulasi&sort=code"))[:1]
    assert codes(client.get("/items?q=Mappatunru&sort=code")) == ["S28-02", "S29-01"]
    assert codes(client.get("/items?q=inovasi")) == ["S29-01"]
    assert "S29-01" not in codes(client.get("/items?q=talenta"))
    assert codes(client.get("/items?q=evaluasi")) == ["S28-03"]
    assert codes(client.get("/items?q=DPRD")) == []  # the comment is gone, and with it its words
    with db_ctx():
        assert db.session.scalar(select(SearchWord.n).where(SearchWord.word == "dprd")) is None


def test_withdrawn_evidence_and_rolled_back_changes_leave_the_index(client, corpus, db_ctx):
    with db_ctx():
        item = db.session.get(ActionItem, corpus["bukti"])
        item.title = "Judul yang tidak jadi"
        db.session.flush()
        db.session.rollback()
        evidence = db.session.scalar(select(EvidenceFile).where(EvidenceFile.item_id == corpus["bukti"]))
        withdraw(evidence, get_user("kepala"), "Salah unggah")
        db.session.commit()
        _assert_exact()
    client.login("pemantau")
    assert codes(client.get("/items?q=laporan_kegiatan")) == []
    assert codes(client.get("/items?q=dokumentasi")) == ["S28-06"]


def test_reindex_command_rebuilds_the_index(app, corpus):
    with app.app_context():
        db.session.execute(ItemSearch.__table__.delete())
        db.session.execute(SearchWord.__table__.delete())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "49 items" in result.output
    with app.app_context():
        _assert_exact()
        assert db.session.scalar(select(SearchWord.n).where(SearchWord.word == "pelatihan")) == 1 + FILLERS


@pytest.mark.parametrize("query", [
    '"pelatihan', "pelatihan*", "NOT AND OR", "a:b", "'; DROP TABLE items; --", "(((", "^latih", "NEAR(a b)",
    "x" * 10_000, "pel\x00atihan", "yang dan di", "-", "‮ltr", "ÄÖÜ ñ café", "😀 pelatihan", "\\", "%_",
])
def test_bad_input_never_errors(client, corpus, query):
    client.login("pemantau")
    for url in ("/items", "/items/export.csv"):
        response = client.get(url, query_string={"q": query})
        assert response.status_code == 200, (url, query)


def test_only_stop_words_are_searched_as_they_are(client, corpus):
    client.login("pemantau")
    assert codes(client.get("/items?q=dari")) == ["S28-05"]  # "Menunggu perda baru dari DPRD."
    assert codes(client.get("/items?q=perda+dari")) == ["S28-05"]


def test_navigation_bar_has_the_search_box(client, corpus):
    client.login("pemantau")
    page = client.get("/my").get_data(as_text=True)
    assert re.search(r'<form[^>]*action="/items"[^>]*role="search"', page) and 'id="nav-search" name="q"' in page
