import json

from membership_forms.models import Submission

from .conftest import submit_url, valid_payload


def test_submit_newsletter(form_pages, api):
    page = form_pages["newsletter"]["en"]
    response = api.post(
        submit_url(page), json.dumps(valid_payload("newsletter")), content_type="application/json"
    )
    assert response.status_code == 202, response.content
    assert Submission.objects.get().reference.startswith("NEW-")
