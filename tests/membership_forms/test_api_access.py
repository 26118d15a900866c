"""Who may read submissions through the staff API: two-factor sessions, scoped tokens.

Answers: 401 without valid credentials (no token, an unknown, revoked or expired one, a
session whose second factor is not done); 403 for a caller who may not read
submissions, a submission outside the caller's queues or the token's, and a read-only
token's writes; 404 for a reference that does not exist.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import APIToken

from membership_forms.models import ReviewLogEntry, Submission, SubmissionLogEntry
from tests.cms.test_twofactor import current_code
from tests.conftest import assert_permission_denied

from .conftest import internship_files, multipart, submit_url, valid_payload
from .reviewing import member_of, screen

TOKENS = "/admin/membership-forms/api-tokens/"


def status_url(submission: Submission) -> str:
    return f"/api/v3/forms/submissions/{submission.reference}/"


@pytest.fixture
def submissions(form_pages, api, no_stripe) -> dict[str, Submission]:
    made = {}
    for kind in ("membership", "internship", "donation"):
        url = submit_url(form_pages[kind]["en"])
        if kind == "internship":
            response = api.post(url, multipart(valid_payload(kind), internship_files()))
        else:
            response = api.post(url, valid_payload(kind), "application/json")
        assert response.status_code == 202, response.content
        made[kind] = Submission.objects.get(reference=response.json()["reference"])
    assert screen(made["membership"]) and screen(made["internship"])
    return made


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("boss", "boss@example.org", "x" * 16)


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def new_token(user: User, **scope) -> tuple[APIToken, str]:
    """A token as `manage.py api_tokens create` makes it, then its scope changed."""
    out = StringIO()
    call_command("api_tokens", "create", "--user", user.username, "--name", "ci", stdout=out)
    key = out.getvalue().strip()
    token = APIToken.objects.get(prefix=key[:12])
    if scope:
        token.scope.__dict__.update(scope)
        token.scope.save()
    return token, key


def test_a_password_only_session_cannot_read_the_staff_api(submissions, boss, client, settings):
    settings.STAFF_TWO_FACTOR = True
    login = client.post("/admin/login/", {"username": "boss", "password": "x" * 16})
    assert login.status_code == 302
    refused = client.get(status_url(submissions["membership"]))
    assert refused.status_code == 401
    assert "two-factor" in refused.json()["errors"]["non_field_errors"][0]
    device = TOTPDevice.objects.create(user=boss, confirmed=True, name="app")
    client.post("/admin/2fa/verify/", {"token": current_code(device)})
    assert client.get(status_url(submissions["membership"])).status_code == 200
    # Without the setting (make run's demo) the password alone opens it, as in the admin.
    settings.STAFF_TWO_FACTOR = False
    other = User.objects.create_superuser("demo", "demo@example.org", "x" * 16)
    client.logout()
    client.force_login(other)
    status = client.get(status_url(submissions["membership"]))
    assert status.status_code == 200
    # What the caller may do with it now: the review page's buttons, from the workflow,
    # without approval while no Steering Committee can hold the vote it would open.
    assert status.json()["actions"] == ["decline", "request_info", "withdraw"]


def test_a_new_token_is_read_only_and_expires(submissions, boss, api):
    token, key = new_token(boss)
    scope = token.scope
    assert scope.read_only and scope.queues == []
    assert scope.expires_at - token.created == timedelta(days=90)
    assert api.get(status_url(submissions["membership"]), **bearer(key)).status_code == 200
    # Wagtail's own API refuses its writes (here, deleting a site) to a read-only token.
    refused = api.delete("/api/v3/sites/999999/", **bearer(key))
    assert refused.status_code == 403
    scope.read_only = False
    scope.save()
    assert api.delete("/api/v3/sites/999999/", **bearer(key)).status_code == 404


def test_a_public_submission_carrying_a_staff_token_is_taken_as_anyones(form_pages, boss, api):
    """A partner's script that sends its token with every call (a read-only one, or one
    past its expiry) submits like any visitor: the token matters to staff routes only."""
    _token, key = new_token(boss)
    _expired, old_key = new_token(boss, expires_at=timezone.now() - timedelta(seconds=1))
    page = form_pages["newsletter"]["en"]
    for credentials in (key, old_key):
        payload = {**valid_payload("newsletter"), "email": f"{credentials[:6]}@example.org"}
        sent = api.post(submit_url(page), payload, "application/json", **bearer(credentials))
        assert sent.status_code == 202, sent.content
    assert Submission.objects.count() == 2
    # Staff writes still need a writable token.
    assert api.delete("/api/v3/sites/999999/", **bearer(key)).status_code == 403


def test_an_expired_or_revoked_token_answers_401(submissions, boss, api):
    token, key = new_token(boss, expires_at=timezone.now() - timedelta(seconds=1))
    url = status_url(submissions["membership"])
    expired = api.get(url, **bearer(key))
    assert expired.status_code == 401
    assert "expired" in expired.json()["errors"]["non_field_errors"][0]
    assert api.get("/api/v3/pages/", **bearer(key)).status_code == 401
    token.scope.expires_at = timezone.now() + timedelta(days=1)
    token.scope.save()
    assert api.get(url, **bearer(key)).status_code == 200
    token.revoke()
    assert api.get(url, **bearer(key)).status_code == 401


def test_a_token_reads_only_the_queues_it_is_limited_to(submissions, boss, api):
    _token, key = new_token(boss, queues=["internship"])
    assert api.get(status_url(submissions["internship"]), **bearer(key)).status_code == 200
    for kind in ("membership", "donation"):
        refused = api.get(status_url(submissions[kind]), **bearer(key))
        assert refused.status_code == 403, kind
        assert submissions[kind].reference not in refused.content.decode()
    missing = api.get("/api/v3/forms/submissions/MEM-1999-00001/", **bearer(key))
    assert missing.status_code == 404


def test_a_session_reads_only_the_users_queues(submissions, client):
    coordinator = member_of("Internship coordinator", "coord")
    coordinator.user_permissions.add(Permission.objects.get(codename="view_submission"))
    client.force_login(coordinator)
    assert client.get(status_url(submissions["internship"])).status_code == 200
    assert client.get(status_url(submissions["membership"])).status_code == 403
    assert client.get(status_url(submissions["donation"])).status_code == 403


def test_each_read_is_audited_with_the_token_that_made_it(submissions, boss, api, client):
    token, key = new_token(boss)
    api.get(status_url(submissions["internship"]), **bearer(key))
    entry = ReviewLogEntry.objects.get(action="membership_forms.review.api_read")
    assert entry.user == boss
    assert entry.label == submissions["internship"].reference
    assert entry.data == {"token": token.pk, "token_name": "ci", "token_prefix": token.prefix}
    # A submission in no queue is logged on its own log; a session's read says so.
    client.force_login(boss)
    client.get(status_url(submissions["donation"]))
    entry = SubmissionLogEntry.objects.get(action="membership_forms.submission.api_read")
    assert (entry.user, entry.kind, entry.data) == (boss, "donation", {"session": True})
    # A refused read leaves no entry.
    _limited, other = new_token(boss, queues=["membership"])
    api.get(status_url(submissions["internship"]), **bearer(other))
    assert ReviewLogEntry.objects.filter(action="membership_forms.review.api_read").count() == 1


def test_tokens_are_listed_scoped_and_revoked_in_the_admin(boss, client):
    client.force_login(boss)
    created = client.post(
        f"{TOKENS}new/",
        {
            "name": "Intern portal",
            "user": boss.pk,
            "read_only": "on",
            "queues": ["internship"],
            "expires_at": (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert created.status_code == 200, created.content
    token = APIToken.objects.get(name="Intern portal")
    assert token.prefix in created.content.decode()  # the key is shown, once
    assert token.scope.queues == ["internship"] and token.scope.read_only
    listing = client.get(TOKENS).content.decode()
    assert "Intern portal" in listing and "Internships" in listing

    edit = client.get(f"{TOKENS}edit/{token.pk}/")
    assert edit.status_code == 200
    changed = client.post(
        f"{TOKENS}edit/{token.pk}/",
        {
            "name": "Intern portal",
            "queues": ["internship", "membership"],
            "expires_at": (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert changed.status_code == 302, changed.content
    token.scope.refresh_from_db()
    assert token.scope.queues == ["membership", "internship"] and not token.scope.read_only

    past = client.post(
        f"{TOKENS}edit/{token.pk}/",
        {"name": "Intern portal", "expires_at": "2001-01-01 00:00"},
    )
    assert past.status_code == 200
    assert "must be in the future" in past.content.decode()

    revoked = client.post(f"{TOKENS}delete/{token.pk}/")
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_token_managers_reach_the_token_admin(db, client):
    staff = User.objects.create_user("staff", password="x" * 12)
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    assert_permission_denied(client.get(TOKENS))
