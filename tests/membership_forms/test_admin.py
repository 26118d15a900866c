"""The inbox in the admin, file downloads behind a permission and a log, core fields kept."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError

from membership_forms.models import FormField, Submission, SubmissionFile, SubmissionLogEntry
from tests.conftest import assert_permission_denied

from .conftest import internship_files, multipart, submit_url, valid_payload


@pytest.fixture
def internship_submission(form_pages, api):
    page = form_pages["internship"]["en"]
    response = api.post(
        submit_url(page), multipart(valid_payload("internship"), internship_files())
    )
    assert response.status_code == 202
    return Submission.objects.get()


def reviewer(*codenames):
    user = User.objects.create_user("reviewer", password="x" * 12)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(codename__in=codenames),
    )
    return user


def test_inbox_lists_every_translation_together(internship_submission, client):
    client.force_login(reviewer("view_submission", "review_internship"))
    url = f"/admin/membership-forms/submissions/?form={internship_submission.form_key}"
    listing = client.get(url)
    assert listing.status_code == 200
    assert internship_submission.reference in listing.content.decode()
    detail = client.get(f"/admin/membership-forms/submissions/{internship_submission.pk}/")
    assert "Lucía Pérez" in detail.content.decode()
    assert "/admin/membership-forms/files/" not in detail.content.decode()


def test_download_needs_the_permission_and_is_logged(internship_submission, client):
    stored = SubmissionFile.objects.get(field_key="resume")
    url = f"/admin/membership-forms/files/{stored.pk}/"
    client.force_login(reviewer("view_submission", "review_internship"))
    assert_permission_denied(client.get(url))
    assert not SubmissionLogEntry.objects.filter(action="membership_forms.submission.download")
    client.logout()
    client.force_login(User.objects.create_superuser("boss", "b@example.org", "x" * 12))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert response["Content-Disposition"].startswith("attachment")
    entry = SubmissionLogEntry.objects.get(action="membership_forms.submission.download")
    assert entry.data["sha256"] == stored.sha256
    assert entry.kind == "internship"


def test_files_have_no_public_url(internship_submission, client):
    stored = SubmissionFile.objects.first()
    assert client.get(f"/media/{stored.stored_name}").status_code == 404
    assert client.get(f"/admin/membership-forms/files/{stored.pk}/").status_code == 302


def test_core_fields_cannot_be_removed(form_pages):
    page = form_pages["newsletter"]["en"]
    page.application_fields = [row for row in page.application_fields.all() if row.key != "email"]
    with pytest.raises(ValidationError, match="email"):
        page.full_clean()


def test_extra_field_keys_survive_relabelling(form_pages):
    page = form_pages["supporter"]["en"]
    page.application_fields.add(FormField(label="How did you hear of us?", field_type="singleline"))
    page.save()
    extra = page.application_fields.get(is_core=False)
    assert extra.key == "how_did_you_hear_of_us"
    extra.label = "Où nous avez-vous connus ?"
    extra.save()
    page.save()
    extra.refresh_from_db()
    assert extra.key == "how_did_you_hear_of_us"


def test_admin_refuses_to_delete_a_core_field(form_pages, client):
    from wagtail.test.utils.form_data import querydict_from_html

    client.force_login(User.objects.create_superuser("editor", "e@example.org", "x" * 12))
    page = form_pages["newsletter"]["en"]
    url = f"/admin/pages/{page.pk}/edit/"
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    prefix = next(
        key.rsplit("-", 1)[0]
        for key, value in data.items()
        if key.startswith("application_fields-") and key.endswith("-key") and value == "email"
    )
    data[f"{prefix}-DELETE"] = "1"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is a core field" in response.content.decode()
    assert page.application_fields.filter(key="email").exists()
