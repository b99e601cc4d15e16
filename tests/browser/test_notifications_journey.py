"""A head mentions a member in a comment; the member sees the badge, opens the inbox and lands on the item."""
import re

from tests.browser.conftest import axe_violations, has_horizontal_scroll, open_menu, sign_in, small_tap_targets
from tests.conftest import PASSWORD, get_user
from tracker.extensions import db
from tracker.models import ActionItem, Notification
from tracker.services.items import add_comment


def test_a_mention_reaches_the_member_through_the_badge_and_the_inbox(open_page, db_ctx, sample):
    item_id = sample["item1"]
    with db_ctx():
        db.session.query(Notification).delete()
        add_comment(db.session.get(ActionItem, item_id), get_user("kepala"),
                    "Mohon @anggota unggah notulen ke https://sulbarprov.go.id/notulen")
        db.session.commit()
    page = open_page("phone", bypass_csp=True)
    sign_in(page, "anggota", PASSWORD)
    open_menu(page)
    inbox_link = page.get_by_role("link", name=re.compile("^Notifikasi"))
    assert inbox_link.locator(".badge").inner_text().startswith("1")
    with page.expect_navigation():
        inbox_link.click()
    assert page.get_by_text("Kepala Uji menyebut Anda dalam komentar pada S28-01").is_visible()
    assert not has_horizontal_scroll(page) and small_tap_targets(page) == []
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Buka S28-01").click()
    assert page.url.endswith(f"/items/{item_id}")
    comment_link = page.locator(".timeline-note a[rel='noopener noreferrer']")
    assert comment_link.get_attribute("href") == "https://sulbarprov.go.id/notulen"
    assert page.locator(".timeline-note a.mention").inner_text() == "@anggota"
    open_menu(page)
    assert page.get_by_role("link", name=re.compile("^Notifikasi")).locator(".badge").count() == 0
