"""Each role sees only the navigation and pages it may use."""
import pytest

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/1/edit", "/admin/users/1/password"]


@pytest.mark.parametrize("username", ["kepala", "anggota", "pemantau"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_non_admins_get_403_on_admin_pages(client, users, username, url):
    client.login(username)
    response = client.get(url)
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["kepala", "anggota", "pemantau"])
def test_non_admins_cannot_post_admin_actions(client, users, username):
    client.login(username)
    target = users["anggota2"]
    response = client.submit(f"/admin/users/{target}/deactivate")
    assert response.status_code == 403
    response = client.submit("/admin/users/new", {"username": "baru", "full_name": "X", "role": "admin",
                                                  "language": "id", "unit_id": "0", "password": "abcdefgh1"})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_opens_admin_pages(client, users, url):
    client.login("admin")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "username, sees_users_link",
    [("admin", True), ("kepala", False), ("anggota", False), ("pemantau", False)],
)
def test_navigation_shows_only_what_the_role_may_use(client, users, username, sees_users_link):
    client.login(username)
    page = client.get("/profile").get_data(as_text=True)
    assert ('href="/admin/users"' in page) is sees_users_link
    assert ('href="/dashboard"' in page) is (username != "anggota")
    assert ('href="/my"' in page) is (username in ("kepala", "anggota"))
    assert 'href="/profile"' in page


def test_missing_object_is_404_for_admin(client, users):
    client.login("admin")
    response = client.get("/admin/users/9999/edit")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
