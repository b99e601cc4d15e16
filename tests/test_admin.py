"""Account administration: create, edit, deactivate, reset password, change role."""
from sqlalchemy import func, select

from tests.conftest import PASSWORD, get_user
from tracker.extensions import db
from tracker.models import Role, User

NEW_USER = {
    "username": "baru",
    "full_name": "Pegawai Baru",
    "email": "baru@example.go.id",
    "nip": "198001012005011001",
    "position": "Analis SDM",
    "role": "member",
    "unit_id": "0",
    "language": "id",
    "active": "y",
    "password": "kata-sandi-baru",
}


def test_admin_creates_an_account_that_can_sign_in(client, make_client, users, db_ctx):
    client.login("admin")
    response = client.submit("/admin/users/new", NEW_USER)
    assert response.status_code == 302
    with db_ctx():
        user = get_user("baru")
        assert user.role == Role.MEMBER and user.nip == "198001012005011001"
    newcomer = make_client()
    assert newcomer.login("baru", "kata-sandi-baru").status_code == 302


def test_duplicate_username_is_refused_with_a_message(client, users, db_ctx):
    client.login("admin")
    response = client.submit("/admin/users/new", {**NEW_USER, "username": "Anggota"})
    assert response.status_code == 422
    assert "Nama pengguna anggota sudah dipakai." in response.get_data(as_text=True)
    with db_ctx():
        assert db.session.scalar(select(func.count(User.id))) == len(users)


def test_bad_input_is_explained_and_changes_nothing(client, users, db_ctx):
    client.login("admin")
    bad = {**NEW_USER, "username": "Bad Name!", "email": "bukan-email", "nip": "abc", "password": "pendek"}
    response = client.submit("/admin/users/new", bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Gunakan huruf kecil" in text
    assert "Alamat email tidak valid." in text
    assert "NIP hanya berisi angka." in text
    with db_ctx():
        assert db.session.scalar(select(func.count(User.id))) == len(users)


def test_unknown_role_is_refused(client, users, db_ctx):
    client.login("admin")
    response = client.submit("/admin/users/new", {**NEW_USER, "role": "superuser"})
    assert response.status_code == 422
    with db_ctx():
        assert get_user("baru") is None


def test_admin_changes_role(client, make_client, users, db_ctx):
    client.login("admin")
    edit = {**NEW_USER, "username": "anggota", "full_name": "Anggota Uji", "role": "head", "password": ""}
    response = client.submit(f"/admin/users/{users['anggota']}/edit", edit)
    assert response.status_code == 302
    with db_ctx():
        assert get_user("anggota").role == Role.HEAD


def test_last_admin_cannot_be_demoted(client, users, db_ctx):
    client.login("admin")
    edit = {**NEW_USER, "username": "admin", "full_name": "Admin Uji", "role": "member", "password": ""}
    response = client.submit(f"/admin/users/{users['admin']}/edit", edit)
    assert response.status_code == 422
    assert "minimal satu administrator aktif" in response.get_data(as_text=True)
    with db_ctx():
        assert get_user("admin").role == Role.ADMIN


def test_deactivated_user_cannot_sign_in(client, make_client, users, db_ctx):
    client.login("admin")
    client.submit(f"/admin/users/{users['anggota']}/deactivate", token_from="/admin/users")
    with db_ctx():
        assert get_user("anggota").active is False
    assert make_client().login("anggota").status_code == 401


def test_reset_password_signs_the_user_out_and_sets_the_new_one(client, make_client, users, db_ctx):
    member = make_client()
    member.login("anggota")
    client.login("admin")
    response = client.submit(f"/admin/users/{users['anggota']}/password", {"password": "sandi-baru-99"})
    assert response.status_code == 302
    assert member.get("/profile").status_code == 302
    assert make_client().login("anggota", PASSWORD).status_code == 401
    assert make_client().login("anggota", "sandi-baru-99").status_code == 302


def test_too_short_reset_password_is_refused(client, users, db_ctx):
    client.login("admin")
    response = client.submit(f"/admin/users/{users['anggota']}/password", {"password": "123"})
    assert response.status_code == 422
    assert "8 sampai 128 karakter" in response.get_data(as_text=True)
