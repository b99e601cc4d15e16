"""Both catalogs are complete, and dates and times read the Indonesian way in WITA."""
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tracker.i18n import show_date, show_datetime
from tracker.timeutil import local_today

TRANSLATIONS = Path(__file__).resolve().parent.parent / "tracker" / "translations"


@pytest.mark.parametrize("language", ["id", "en"])
def test_catalog_has_no_untranslated_or_fuzzy_entries(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=language)
    messages = [message for message in catalog if message.id]
    assert len(messages) > 50
    untranslated = [m.id for m in messages if not (all(m.string) if m.pluralizable else m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_catalogs_cover_every_string_in_the_code():
    """The template (.pot) and both catalogs hold the same messages: nothing was added unextracted."""
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    for language in ("id", "en"):
        with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
            ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
        assert template_ids == ids


def test_dates_in_indonesian_and_english(app):
    with app.test_request_context():
        assert show_date(date(2023, 12, 18)) == "18 Des 2023"
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert show_date(date(2023, 12, 18)) == "18 Dec 2023"


def test_timestamps_are_shown_in_wita(app):
    with app.test_request_context():
        # 16:30 UTC is 00:30 WITA on the next day.
        assert show_datetime(datetime(2023, 12, 18, 16, 30, tzinfo=UTC)) == "19 Des 2023 00.30 WITA"


def test_today_is_decided_in_wita():
    # 23:30 WITA on 18 Dec is 15:30 UTC: still the 18th.
    assert local_today(datetime(2023, 12, 18, 15, 30, tzinfo=UTC)) == date(2023, 12, 18)
    # 00:30 WITA on 19 Dec is 16:30 UTC on the 18th: already the 19th in Mamuju.
    assert local_today(datetime(2023, 12, 18, 16, 30, tzinfo=UTC)) == date(2023, 12, 19)


def test_error_pages_speak_the_users_language(client, users):
    client.login("anggota")
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").get_data(as_text=True)
    client.submit("/language", {"language": "en"})
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)


def test_built_in_form_messages_are_translated(client, users):
    """WTForms' own messages (not only ours) speak Indonesian by default, English on request."""
    client.login("kepala")
    response = client.submit("/webinars/new", {"series": "abc", "title": "", "held_on": "31-31-2024"},
                             token_from="/webinars/new")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tanggal tidak valid." in text and "Isian ini wajib diisi." in text
    assert "This field is required." not in text
    client.submit("/language", {"language": "en"})
    text = client.submit("/webinars/new", {"series": "1", "title": "", "held_on": "2024-01-01"},
                         token_from="/webinars/new").get_data(as_text=True)
    assert "This field is required." in text


def test_translations_follow_a_forced_locale_within_one_request(app):
    """The per-request catalog cache must not keep Indonesian while an e-mail is written in English."""
    from tracker.i18n import force_language, gettext, show_date

    with app.test_request_context("/"):
        assert gettext("Overdue") == "Terlambat"
        with force_language("en"):
            assert gettext("Overdue") == "Overdue"
            assert show_date(date(2023, 12, 18), "long") == "18 December 2023"
        assert gettext("Overdue") == "Terlambat"
        assert show_date(date(2023, 12, 18), "long") == "18 Desember 2023"


def test_the_apps_gettext_answers_as_flask_babel_does(app):
    """tracker.i18n keeps the catalog per request but never disagrees with Flask-Babel, in any locale."""
    from contextlib import nullcontext

    import flask_babel
    from flask import session

    from tracker.i18n import force_language, gettext, ngettext, refresh_language

    plural = ("%(num)d item created.", "%(num)d items created.")
    with app.test_request_context("/"):
        for forced in (None, "en", "id"):
            with force_language(forced) if forced else nullcontext():
                assert gettext("Overdue") == flask_babel.gettext("Overdue")
                assert gettext("Item %(code)s saved.", code="S28-01") == \
                    flask_babel.gettext("Item %(code)s saved.", code="S28-01")
                for count in (1, 3):
                    assert ngettext(*plural, count) == flask_babel.ngettext(*plural, count)
        assert gettext("Overdue") == "Terlambat" and ngettext(*plural, 3) == "3 tindak lanjut dibuat."
        session["lang"] = "en"
        refresh_language()  # e.g. after the user switched language within this request
        assert gettext("Overdue") == "Overdue" and ngettext(*plural, 3) == "3 items created."


def test_file_sizes_use_the_language_decimal_sign(app):
    from tracker.display import file_size
    from tracker.i18n import force_language

    with app.test_request_context():
        sizes = (980, 12 * 1024 + 300, int(1.4 * 1024 * 1024))
        indonesian = [file_size(size) for size in sizes]
        with force_language("en"):
            english = [file_size(size) for size in sizes]
    assert indonesian == ["980 B", "12 KB", "1,4 MB"]
    assert english == ["980 B", "12 KB", "1.4 MB"]
