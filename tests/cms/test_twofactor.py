import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.STAFF_TWO_FACTOR = True
    return get_user_model().objects.create_superuser("editor", "editor@example.org", "x" * 16)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client):
    response = client.post("/admin/login/", {"username": "editor", "password": "x" * 16})
    assert response.status_code == 302


def test_first_sign_in_enrols_an_app_and_shows_backup_codes_once(client, staff):
    sign_in(client)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/2fa/setup/?next=%2Fadmin%2Fpages%2F"

    page = client.get(response["Location"])
    assert b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert device.key.encode() in page.content or device.key in page.content.decode()

    done = client.post(
        "/admin/2fa/setup/", {"token": current_code(device), "next": "/admin/pages/"}
    )
    assert done.status_code == 200
    assert done.content.count(b"<li><code>") == 10
    assert client.get("/admin/pages/").status_code == 200


def test_a_wrong_code_is_refused_and_attempts_are_slowed_down(client, staff):
    sign_in(client)
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post("/admin/2fa/setup/", {"token": "000000"})
    assert b"not right" in wrong.content
    # Straight after a failure even the right code waits: guessing is throttled.
    again = client.post("/admin/2fa/setup/", {"token": current_code(device)})
    assert b"wait a few seconds" in again.content
    assert client.get("/admin/").status_code == 302


def test_next_sign_in_asks_for_a_code_and_a_backup_code_works_once(client, staff):
    sign_in(client)
    device = TOTPDevice.objects.get_or_create(user=staff, confirmed=False, name="app")[0]
    client.post("/admin/2fa/setup/", {"token": current_code(device)})
    codes = list(staff.staticdevice_set.get().token_set.values_list("token", flat=True))
    client.post("/admin/logout/")

    sign_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/verify/")
    response = client.post("/admin/2fa/verify/", {"token": codes[0], "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    sign_in(client)
    reused = client.post("/admin/2fa/verify/", {"token": codes[0]})
    assert b"already used" in reused.content
    assert client.get("/admin/").status_code == 302


def test_verify_refuses_to_redirect_to_another_host(client, staff):
    sign_in(client)
    device = TOTPDevice.objects.create(user=staff, confirmed=True, name="app")
    response = client.post(
        "/admin/2fa/verify/", {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_without_two_factor_setting_the_password_alone_opens_the_admin(client, staff, settings):
    settings.STAFF_TWO_FACTOR = False
    sign_in(client)
    assert client.get("/admin/").status_code == 200
