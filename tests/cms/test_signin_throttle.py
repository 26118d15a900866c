"""Sign-in throttling (django-axes): five wrong passwords for one username from one client
address lock that pair out, the right password included, until the cool-off ends or an
administrator unlocks it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "x" * 16
PROXY = "10.0.0.2"


@pytest.fixture
def staff():
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


def sign_in(client, password: str, path: str = "/admin/login/", **meta) -> int:
    response = client.post(path, {"username": "editor", "password": password}, **meta)
    return response.status_code


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_the_fifth_wrong_password_locks_the_right_one_out(client, staff, path):
    assert [sign_in(client, "wrong password", path) for _ in range(4)] == [200] * 4
    assert sign_in(client, "wrong password", path) == 429
    locked = client.post(path, {"username": "editor", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # The lock is for this username from this address: the editor elsewhere signs in.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.9"), PASSWORD, path) == 302
    # An administrator unlocks it (docs/security.md).
    call_command("axes_reset_username", "editor")
    assert sign_in(client, PASSWORD, path) == 302


def test_behind_a_proxy_each_client_has_its_own_lock(client, staff, settings):
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "CLIENT_IP_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_COUNT": 1,
    }

    def through_proxy(address: str, forged: str = "") -> dict:
        chain = f"{forged}, {address}" if forged else address
        return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}

    # A guesser who writes a new X-Forwarded-For each time is still one client.
    codes = [
        sign_in(client, "guess", **through_proxy("198.51.100.7", forged=f"203.0.113.{n}"))
        for n in range(6)
    ]
    assert codes == [200, 200, 200, 200, 429, 429]
    # The editor, behind the same proxy, is not locked out by them.
    assert sign_in(Client(), PASSWORD, **through_proxy("198.51.100.8")) == 302
