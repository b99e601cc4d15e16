"""Pages stay usable when a programme holds many webinars and many owners.

The webinar field of the item filter, the dashboard and the reports lists the newest webinars plus
the chosen one (not a thousand options); the dashboard's workload table shows the busiest owners
and offers everyone on request.
"""
import re

import pytest

from tests.conftest import add_item, add_user, add_webinar, get_user
from tracker.extensions import db
from tracker.models import Role, Status, Webinar
from tracker.services.dashboard import OWNER_LIMIT
from tracker.services.webinar_picker import PICKER_LIMIT

WEBINARS = PICKER_LIMIT + 5


def webinar_options(html: str, field_id: str) -> dict[int, bool]:
    """{webinar id: selected} of the webinar <select> with this id."""
    select = re.search(rf'<select[^>]*id="{field_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {int(value): bool(selected) for value, selected in
            re.findall(r'<option value="(\d+)"( selected)?', select)}


@pytest.fixture()
def many_webinars(app, users):
    """Series 1..WEBINARS; returns {series: id}."""
    with app.app_context():
        ids = {series: add_webinar(series, f"Webinar ke-{series}").id for series in range(1, WEBINARS + 1)}
        db.session.commit()
        return ids


@pytest.mark.parametrize(("url", "field_id"), [
    ("/items", "filter-webinar"), ("/dashboard", "scope-webinar"), ("/reports", "scope-webinar"),
])
def test_webinar_field_lists_the_newest_and_the_chosen_one(client, many_webinars, url, field_id):
    client.login("kepala")
    html = client.get(url).get_data(as_text=True)
    options = webinar_options(html, field_id)
    newest = {many_webinars[series] for series in range(WEBINARS, WEBINARS - PICKER_LIMIT, -1)}
    assert set(options) == newest
    assert f"{PICKER_LIMIT} webinar terbaru dari {WEBINARS}." in html
    assert 'href="/webinars">Webinar lebih lama</a>' in html

    oldest = many_webinars[1]
    html = client.get(f"{url}?webinar={oldest}").get_data(as_text=True)
    options = webinar_options(html, field_id)
    assert set(options) == newest | {oldest}
    assert options[oldest] is True and not any(options[other] for other in newest)
    # The options are in series order, newest first, the old choice last.
    assert list(options)[0] == many_webinars[WEBINARS] and list(options)[-1] == oldest


def test_a_few_webinars_are_all_listed_without_a_note(client, sample):
    client.login("kepala")
    html = client.get("/items").get_data(as_text=True)
    assert set(webinar_options(html, "filter-webinar")) == {sample["webinar"]}
    assert "Webinar lebih lama" not in html


def test_items_of_an_old_webinar_are_still_filtered(app, client, many_webinars):
    with app.app_context():
        member = get_user("anggota")
        add_item(db.session.get(Webinar, many_webinars[1]), member, title="Tindak lanjut lama")
        add_item(db.session.get(Webinar, many_webinars[WEBINARS]), member, title="Tindak lanjut baru")
        db.session.commit()
    client.login("kepala")
    html = client.get(f"/items?webinar={many_webinars[1]}").get_data(as_text=True)
    assert "Tindak lanjut lama" in html and "Tindak lanjut baru" not in html


def test_dashboard_shows_the_busiest_owners_and_everyone_on_request(app, client, sample):
    extra = OWNER_LIMIT + 3
    with app.app_context():
        webinar = db.session.get(Webinar, sample["webinar"])
        for number in range(extra):
            owner = add_user(f"petugas{number:02d}", f"Petugas {number:02d}", Role.MEMBER)
            for _ in range(number % 3 + 1):
                add_item(webinar, owner, status=Status.IN_PROGRESS)
        db.session.commit()
    client.login("kepala")
    html = client.get("/dashboard").get_data(as_text=True)
    table = re.search(r"<caption[^>]*>Beban kerja per penanggung jawab</caption>(.*?)</table>", html, re.S).group(1)
    assert table.count("<tr>") == OWNER_LIMIT + 1  # the header and the busiest owners
    everyone = extra + 2  # the sample's owners (anggota, anggota2) have open items too
    assert f"Menampilkan {OWNER_LIMIT} penanggung jawab tersibuk dari {everyone}." in html
    assert "Petugas 02" in table  # three open items: among the busiest

    html = client.get("/dashboard?owners=all").get_data(as_text=True)
    table = re.search(r"<caption[^>]*>Beban kerja per penanggung jawab</caption>(.*?)</table>", html, re.S).group(1)
    assert table.count("<tr>") == everyone + 1
    assert "tersibuk dari" not in html
