"""The flask commands: seed-demo and create-user."""
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, ItemHistory, Status, Theme, User, Webinar


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Webinar, ActionItem, ItemHistory, Theme)
    }


def test_seed_demo_creates_the_demo_and_is_idempotent(app, db_ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "tindaklanjut28" in first.output and "kepala" in first.output
    with db_ctx():
        before = _counts()
        seri28 = db.session.scalar(select(Webinar).where(Webinar.series == 28))
        assert seri28.held_on.isoformat() == "2023-12-18"
        assert "Agile Government" in seri28.title
        items = db.session.scalars(select(ActionItem).where(ActionItem.webinar_id == seri28.id)
                                   .order_by(ActionItem.number)).all()
        assert len(items) >= 8
        assert {item.theme.slug for item in items} >= {
            "regulasi", "sdm", "kelembagaan", "it-keuangan", "karier", "kesejahteraan", "hukum"}
        assert len({item.status for item in items}) >= 4
        assert items[0].code == "S28-01"
        usernames = set(db.session.scalars(select(User.username)))
        assert {"admin", "kepala", "anggota", "anggota2", "pemantau"} <= usernames
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    with db_ctx():
        assert _counts() == before


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, users, db_ctx):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    with db_ctx():
        assert db.session.scalar(select(func.count(Webinar.id))) == 0


def test_demo_has_overdue_and_due_soon_items(app, db_ctx):
    from tracker.timeutil import local_today

    app.test_cli_runner().invoke(args=["seed-demo"])
    today = local_today()
    with app.app_context():
        open_items = db.session.scalars(
            select(ActionItem).where(ActionItem.status.in_([Status.NEW, Status.IN_PROGRESS, Status.BLOCKED]))
        ).all()
        assert any(item.due_date < today for item in open_items)
        assert any(0 <= (item.due_date - today).days <= 7 for item in open_items)


def test_demo_accounts_can_sign_in(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert client.login("kepala", "tindaklanjut28").status_code == 302


def test_create_user_then_duplicate_is_refused(app, db_ctx):
    runner = app.test_cli_runner()
    args = ["create-user", "budi", "--full-name", "Budi Santoso", "--role", "head", "--password", "rahasia-123"]
    ok = runner.invoke(args=args)
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=args)
    assert again.exit_code != 0
    assert "budi" in again.output and "sudah dipakai" in again.output
    with db_ctx():
        assert db.session.scalar(select(func.count(User.id)).where(User.username == "budi")) == 1


def test_create_user_rejects_a_short_password(app, db_ctx):
    result = app.test_cli_runner().invoke(
        args=["create-user", "budi", "--full-name", "Budi", "--password", "short"])
    assert result.exit_code != 0
    assert "8" in result.output
    with db_ctx():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_demo_accounts_can_be_saved_and_reactivated_as_seeded(app, client, db_ctx):
    """The seeded e-mail addresses pass the admin form: a demo user is saved without clearing them."""
    from tests.hardening.conftest import page_forms

    app.test_cli_runner().invoke(args=["seed-demo"])
    with db_ctx():
        member = db.session.scalar(select(User).where(User.username == "anggota"))
        member_id, email = member.id, member.email
    assert client.login("admin", "tindaklanjut28").status_code == 302
    url = f"/admin/users/{member_id}/edit"
    forms = page_forms(client.get(url).get_data(as_text=True))
    fields = next(form for form in forms.values() if "email" in form)
    assert fields["email"] == [email]
    fields.pop("active", None)  # unticked: deactivate
    assert client.post(url, data=fields).status_code == 302
    fields["active"] = ["y"]
    assert client.post(url, data=fields).status_code == 302
    with db_ctx():
        member = db.session.get(User, member_id)
        assert member.active and member.email == email
