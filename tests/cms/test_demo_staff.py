"""The demo's reviewers and decline reasons: seeded by `load_demo_content` (so `make run`
is ready to review), printed with their sign-in details, and seeded once."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from membership_forms.models import DeclineReason, ReviewQueue
from membership_forms.services import reviews as services

pytestmark = pytest.mark.django_db

ROLES = {
    "secretariat": "Secretariat",
    "committee1": "Steering Committee",
    "committee2": "Steering Committee",
    "committee3": "Steering Committee",
    "internships": "Internship coordinator",
}


def load_again() -> str:
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def test_demo_reviewers_are_printed_and_can_sign_in(demo_site, settings):
    output = load_again()
    printed = dict(re.findall(r"^  [^:\n]+: (\S+) with password (\S+)$", output, re.M))
    assert set(printed) == set(ROLES), output
    assert f"sign in at {settings.WAGTAILADMIN_BASE_URL}/admin/" in output
    for username, group in ROLES.items():
        user = User.objects.get(username=username)
        assert user.is_active and user.check_password(printed[username]), username
        assert list(user.groups.values_list("name", flat=True)) == [group]
        browser = Client()
        browser.force_login(user)
        assert browser.get("/admin/").status_code == 200, username
    # Enough voters for the default quorum: a vote can open out of the box.
    assert services.committee_members().count() == 3
    assert services.vote_shortfall() == ""
    passwords = (settings.VAR_DIR / "demo-staff-passwords.json").stat()
    assert passwords.st_mode & 0o077 == 0  # readable by its owner only


def test_each_queue_has_reasons_in_four_languages(demo_site):
    for queue in ReviewQueue:
        reasons = DeclineReason.objects.filter(queue=queue)
        english = reasons.filter(locale__language_code="en")
        assert english.count() >= 2, queue
        for reason in english:
            languages = set(
                reasons.filter(translation_key=reason.translation_key).values_list(
                    "locale__language_code", flat=True
                )
            )
            assert languages == {"en", "fr", "es", "ar"}, reason.code
        offered = services.decline_reasons_for(queue, "fr")
        assert {reason.locale.language_code for reason in offered} == {"fr"}
        assert {reason.translation_key for reason in offered} == set(
            english.values_list("translation_key", flat=True)
        )
    french = DeclineReason.objects.get(locale__language_code="fr", code="no-rtop-programme")
    assert "ONG sympathisante" in french.text and "\u00a0;" in french.text
    arabic = DeclineReason.objects.get(locale__language_code="ar", code="term-full")
    assert "الدورة" in arabic.text


def test_loading_again_changes_no_reviewer_and_no_reason(demo_site):
    before_users = {u.username: (u.password, u.last_login) for u in User.objects.all()}
    groups = {u.username: set(u.groups.values_list("name", flat=True)) for u in User.objects.all()}
    reasons = {
        (r.pk, r.queue, r.code, r.title, r.text, r.locale_id) for r in DeclineReason.objects.all()
    }
    edited = DeclineReason.objects.get(locale__language_code="en", code="term-full")
    edited.title = "Term full (edited by staff)"
    edited.save()
    load_again()
    assert {u.username: (u.password, u.last_login) for u in User.objects.all()} == before_users
    assert {
        u.username: set(u.groups.values_list("name", flat=True)) for u in User.objects.all()
    } == groups
    assert DeclineReason.objects.count() == len(reasons)
    edited.refresh_from_db()
    assert edited.title == "Term full (edited by staff)"
