"""The review detail's steps: asked before what cannot be taken back, then said in words."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from membership_forms.eligibility.core import MESSAGES, Code
from membership_forms.kinds.fields import ORGANISATION_TYPES
from membership_forms.models import (
    DeclineReason,
    ReviewQueue,
    ReviewStatus,
    ScreeningOutcome,
    Submission,
)

from .conftest import submit_url, valid_payload
from .reviewing import member_of, screen
from .test_reviews import submitted


def test_decline_asks_first_then_names_the_organisation_and_language(form_pages, api, client):
    page = form_pages["supporter"]["fr"]
    payload = valid_payload("supporter") | {"legally_registered": False}
    response = api.post(submit_url(page), payload, content_type="application/json")
    assert response.status_code == 202, response.content
    submission = Submission.objects.get(reference=response.json()["reference"])
    assert submission.locale == "fr"
    screen(submission, "needs_review", ("NOT_REGISTERED",))
    review = submission.review
    reason = DeclineReason.objects.create(
        queue=ReviewQueue.SUPPORTER,
        code="scope",
        title="Out of scope",
        text="Outside our scope.",
        locale=Locale.get_default(),
    )
    client.force_login(member_of("Secretariat", "sec"))
    url = f"/admin/membership-forms/review/{review.pk}/decline/"

    # Without confirmation: a confirmation page, with the row's words, and nothing done.
    asked = client.post(url, {"reason": reason.pk})
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "The applicant is told of the decision, with the reason, at once." in text
    assert f'name="reason" value="{reason.pk}"' in text
    assert 'name="confirmed" value="1"' in text
    review.refresh_from_db()
    assert review.status == ReviewStatus.SCREENING

    # Confirmed: declined, and the message says what happened, to whom, in which language.
    done = client.post(url, {"reason": reason.pk, "confirmed": "1"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.DECLINED
    name = submission.payload["organisation_name"]
    said = [str(message) for message in get_messages(done.wsgi_request)]
    assert said == [f"Declined: {name}; the applicant has been emailed in French."]


@pytest.mark.parametrize("screen_path", ["review", "submission"])
def test_the_screening_reads_in_the_staff_members_language(form_pages, api, client, screen_path):
    """The review page and the inbox's submission page alike."""
    submission = submitted(form_pages, api, "supporter", legally_registered=False)
    screen(submission, "needs_review", ("NOT_REGISTERED",))
    # The inbox is for whoever reads every submission (here an administrator).
    staff = member_of("Secretariat", "sec", is_superuser=screen_path == "submission")
    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(staff)
    pk = submission.review.pk if screen_path == "review" else submission.pk
    path = "review" if screen_path == "review" else "submissions"
    response = client.get(f"/admin/membership-forms/{path}/{pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("fr"):
        explanation = gettext(MESSAGES[Code.NOT_REGISTERED])
        outcome = str(ScreeningOutcome.NEEDS_REVIEW.label)
    assert explanation != MESSAGES[Code.NOT_REGISTERED]
    assert escape(explanation) in page and outcome in page
    # The codes only small, beside their words.
    assert "<small><code>needs_review</code></small>" in page
    assert "<code>NOT_REGISTERED</code>" in page
    # Answers by their labels: the country's French name, the organisation type's label,
    # each in the direction of its own script.
    assert submission.payload["headquarters_country"] == "KE"
    assert '<dd><span dir="auto">Kenya</span></dd>' in page
    assert submission.payload["organisation_type"] == "ngo"
    kind_label = dict(ORGANISATION_TYPES)["ngo"]
    with translation.override("fr"):
        assert f'<dd><span dir="auto">{escape(str(kind_label))}</span></dd>' in page
