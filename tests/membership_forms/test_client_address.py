"""The client address behind proxies: read from the right, so a forged header buys nothing.

The site's proxy appends the address it saw to X-Forwarded-For (nginx's
`$proxy_add_x_forwarded_for`); whatever the client wrote stays on the left.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from membership_forms.limits import client_address

from .conftest import submit_url, valid_payload
from .test_donations import deliver, online_donation, submit

BASE_DIR = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"
ABUSER = "198.51.100.7"
VICTIM = "198.51.100.8"


@pytest.fixture(params=["X-Forwarded-For", "HTTP_X_FORWARDED_FOR"])
def behind_proxy(request, settings):
    """One proxy in front of the site, writing X-Forwarded-For (named either way); two
    submissions a minute."""
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "CLIENT_IP_HEADER": request.param,
        "TRUSTED_PROXY_COUNT": 1,
        "SUBMISSION_RATE_LIMIT": "2/m",
    }


def through_proxy(address: str, forged: str = "") -> Client:
    """A visitor at `address` seen through the proxy, having sent `forged` itself."""
    chain = f"{forged}, {address}" if forged else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain, HTTP_ACCEPT_LANGUAGE="en")


def sign_up(client: Client, page) -> int:
    body = json.dumps(valid_payload("newsletter"))
    return client.post(submit_url(page), body, content_type="application/json").status_code


def test_a_forged_forwarded_for_does_not_escape_the_limit(form_pages, behind_proxy):
    page = form_pages["newsletter"]["en"]
    codes = [sign_up(through_proxy(ABUSER, forged=f"203.0.113.{n}"), page) for n in range(4)]
    assert codes == [202, 202, 429, 429]


def test_a_forged_forwarded_for_does_not_spend_another_clients_limit(form_pages, behind_proxy):
    page = form_pages["newsletter"]["en"]
    codes = [sign_up(through_proxy(ABUSER, forged=VICTIM), page) for _ in range(3)]
    assert codes == [202, 202, 429]
    assert sign_up(through_proxy(VICTIM), page) == 202


def test_two_clients_behind_one_proxy_have_a_limit_each(form_pages, behind_proxy):
    page = form_pages["newsletter"]["en"]
    first, second = through_proxy(ABUSER), through_proxy(VICTIM)
    assert [sign_up(first, page) for _ in range(3)] == [202, 202, 429]
    assert [sign_up(second, page) for _ in range(3)] == [202, 202, 429]


def test_card_testing_locks_the_tester_not_every_donor_behind_the_proxy(
    form_pages, stripe_api, behind_proxy, settings, client
):
    settings.MEMBERSHIP_FORMS = {**settings.MEMBERSHIP_FORMS, "SUBMISSION_RATE_LIMIT": "100/m"}
    page = form_pages["donation"]["en"]
    for number in range(3):
        tester = through_proxy(ABUSER, forged=f"203.0.113.{number}")
        donation = online_donation(tester, page, stripe_api, amount="5.00")
        pi = f"pi_test_{donation.pk}"
        session = f"/v1/checkout/sessions/{donation.checkout_session_id}"
        stripe_api.route("GET", session, "checkout_session_attempted")
        stripe_api.route("GET", f"/v1/payment_intents/{pi}", "payment_intent_failed")
        deliver(client, f"evt_fail_{number}", "payment_intent.payment_failed", pi, "x")
    refused = submit(through_proxy(ABUSER, forged="203.0.113.99"), page, amount="5.00")
    assert refused.status_code == 429
    assert "declined" in json.dumps(refused.json())
    # Another donor behind the same proxy (say, the same office or mobile carrier) gives.
    assert submit(through_proxy(VICTIM), page, amount="5.00").status_code == 202


def address(settings, header: str, count: int = 1, **meta) -> str:
    settings.MEMBERSHIP_FORMS = {
        **settings.MEMBERSHIP_FORMS,
        "CLIENT_IP_HEADER": header,
        "TRUSTED_PROXY_COUNT": count,
    }
    return client_address(RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta))


def test_the_address_is_counted_from_the_right(settings):
    chain = "203.0.113.1, 198.51.100.7, 10.0.0.9"
    assert address(settings, "X-Forwarded-For", 1, HTTP_X_FORWARDED_FOR=chain) == "10.0.0.9"
    assert address(settings, "X-Forwarded-For", 2, HTTP_X_FORWARDED_FOR=chain) == ABUSER
    # Django's own name for the header works as well.
    assert address(settings, "HTTP_X_FORWARDED_FOR", 2, HTTP_X_FORWARDED_FOR=chain) == ABUSER


def test_a_header_that_cannot_be_trusted_falls_back_to_the_peer(settings):
    # Fewer entries than proxies: the request did not come the expected way.
    assert address(settings, "X-Forwarded-For", 2, HTTP_X_FORWARDED_FOR=ABUSER) == PROXY
    assert address(settings, "X-Forwarded-For", 1) == PROXY
    assert address(settings, "X-Forwarded-For", 1, HTTP_X_FORWARDED_FOR="not-an-ip") == PROXY
    assert address(settings, None, 1, HTTP_X_FORWARDED_FOR=ABUSER) == PROXY


def test_a_cdn_header_such_as_cloudflares_can_be_used(settings):
    meta = {"HTTP_CF_CONNECTING_IP": ABUSER, "HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    assert address(settings, "CF-Connecting-IP", 1, **meta) == ABUSER


def test_the_proxy_settings_come_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "CLIENT_IP_HEADER": "CF-Connecting-IP",
        "TRUSTED_PROXY_COUNT": "2",
    }
    script = (
        "import django; django.setup(); "
        "from membership_forms.conf import get_setting; "
        "print(get_setting('CLIENT_IP_HEADER'), get_setting('TRUSTED_PROXY_COUNT'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["CF-Connecting-IP", "2"]


def test_proxy_settings_are_checked_at_start_up(settings):
    from membership_forms.checks import check_settings

    settings.MEMBERSHIP_FORMS = {"CLIENT_IP_HEADER": "", "TRUSTED_PROXY_COUNT": 0}
    ids = {error.id for error in check_settings(None)}
    assert ids == {"membership_forms.E004", "membership_forms.E005"}
