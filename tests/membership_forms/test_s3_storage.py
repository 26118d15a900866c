"""Applicants' files and media on S3-compatible object storage (docs/storage.md).

The files go to a bucket at intake, the real worker reads them from there to screen them,
staff reach them by a short-lived signed link given only after the permission check and
the audit entry, a purge deletes them; nobody reads them without a signature, nor with an
expired one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from wagtail.log_actions import registry as log_registry

from membership_forms.models import Review, Submission, SubmissionFile, SubmissionLogEntry
from membership_forms.services import retention
from tests.conftest import assert_permission_denied, wait_for
from tests.documents import good_internship_files, real_pdf
from tests.s3 import MEDIA_BUCKET, PRIVATE_BUCKET

from .conftest import multipart, submit_url, valid_payload
from .test_admin import reviewer


def submit_internship(api, page, files: dict) -> Submission:
    response = api.post(submit_url(page), multipart(valid_payload("internship"), files))
    assert response.status_code == 202, response.content
    return Submission.objects.get(reference=response.json()["reference"])


def boss() -> User:
    return User.objects.create_superuser("boss", "boss@example.org", "x" * 12)


def unsigned(url: str) -> str:
    """The same object's address, without the signature."""
    return urlunsplit(urlsplit(url)._replace(query=""))


@pytest.mark.django_db(transaction=True)
def test_files_in_the_bucket_are_screened_viewed_and_purged(
    live_form_pages, celery_worker, smtp_server, object_store, api, client
):
    files = good_internship_files()
    submission = submit_internship(api, live_form_pages["internship"]["en"], files)
    names = set(submission.files.values_list("stored_name", flat=True))
    assert len(names) == 3
    assert object_store.keys(PRIVATE_BUCKET) == names
    assert not any((Path(settings.PRIVATE_STORAGE_ROOT) / name).exists() for name in names)

    def screened():
        """the worker screened the submission"""
        submission.refresh_from_db()
        return submission.status != "received"

    wait_for(screened, timeout=60)
    reports = {report["field"]: report for report in submission.screening["files"]}
    # The worker read every file from the bucket: each one opened and found sound.
    assert {field: report["valid"] for field, report in reports.items()} == {
        "cover_letter": True,
        "resume": True,
        "writing_sample": True,
    }
    assert reports["writing_sample"]["pages"] == 4

    # The in-page view of a verified PDF streams through the site, under its own policy.
    client.force_login(boss())
    cover = submission.files.get(field_key="cover_letter")
    response = client.get(f"/admin/membership-forms/files/{cover.pk}/view/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files["cover_letter"][1]
    assert response["Content-Security-Policy"].startswith("sandbox")
    review = Review.objects.get(submission=submission)
    assert log_registry.get_logs_for_instance(review).filter(
        action="membership_forms.review.view_file"
    )

    # Declined long ago: the purge deletes the objects, not only the rows.
    Review.objects.filter(pk=review.pk).update(
        status="declined", decided_at=timezone.now() - timedelta(days=400)
    )
    assert retention.purge_expired_applicants() >= 1
    wait_for(lambda: not object_store.keys(PRIVATE_BUCKET), timeout=10)
    assert not SubmissionFile.objects.filter(submission=submission).exists()


def test_staff_download_is_a_short_lived_signed_link_after_the_audit_entry(
    form_pages, object_store, api, client
):
    files = good_internship_files()
    submission = submit_internship(api, form_pages["internship"]["en"], files)
    resume = submission.files.get(field_key="resume")
    url = f"/admin/membership-forms/files/{resume.pk}/"

    client.force_login(reviewer("view_submission", "review_internship"))
    assert_permission_denied(client.get(url))  # no download permission: no link
    assert not SubmissionLogEntry.objects.filter(action="membership_forms.submission.download")
    client.logout()

    client.force_login(boss())
    response = client.get(url)
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{object_store.endpoint}/{PRIVATE_BUCKET}/")
    assert "no-store" in response["Cache-Control"]
    entry = SubmissionLogEntry.objects.get(action="membership_forms.submission.download")
    assert entry.data["sha256"] == resume.sha256
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 0 < int(query["X-Amz-Expires"][0]) <= 600

    fetched = requests.get(link, timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == files["resume"][1]
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="resume.docx"'

    # Without its signature the same object is refused: the bucket is not public.
    assert requests.get(unsigned(link), timeout=10).status_code == 403


def test_media_are_public_and_applicants_files_are_not(object_store, db):
    name = storages["default"].save("documents/annual-report.pdf", ContentFile(real_pdf(1)))
    public = requests.get(storages["default"].url(name), timeout=10)
    assert public.status_code == 200 and public.content == real_pdf(1)

    name = storages["private"].save("submissions/cv.pdf", ContentFile(real_pdf(1)))
    anonymous = f"{object_store.endpoint}/{PRIVATE_BUCKET}/{name}"
    assert requests.get(anonymous, timeout=10).status_code == 403
    assert requests.get(storages["private"].url(name), timeout=10).status_code == 200
    assert object_store.keys(MEDIA_BUCKET) == {"documents/annual-report.pdf"}


def test_an_expired_link_is_refused(form_pages, expiring_store, api, client):
    submission = submit_internship(api, form_pages["internship"]["en"], good_internship_files())
    cover = submission.files.get(field_key="cover_letter")
    client.force_login(boss())
    response = client.get(f"/admin/membership-forms/files/{cover.pk}/")
    assert response.status_code == 302
    link = response["Location"]
    assert parse_qs(urlsplit(link).query)["X-Amz-Expires"] == ["1"]

    def refused():
        """the store refused the link once its second was over"""
        answer = requests.get(link, timeout=10)
        return answer.status_code == 403 and "Request has expired" in answer.text

    wait_for(refused, timeout=10, interval=0.2)
    # A fresh link to the same object still works: it was the expiry that was refused.
    fresh = storages["private"].url(cover.stored_name, expire=60)
    assert requests.get(fresh, timeout=10).status_code == 200


def test_the_buckets_come_from_the_environment():
    """The variables docs/storage.md gives; unset, the local disk (test_admin.py)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "S3_ENDPOINT_URL": "https://store.example.org",
        "S3_REGION": "garage",
        "S3_ACCESS_KEY_ID": "GKsite",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_PRIVATE_BUCKET": "applicants",
        "S3_MEDIA_BUCKET": "media",
        "S3_MEDIA_CUSTOM_DOMAIN": "media.example.org",
        "PRIVATE_FILE_URL_SECONDS": "120",
    }
    script = (
        "import django, json; django.setup(); "
        "from django.conf import settings; "
        "from django.core.files.storage import storages; "
        "from membership_forms.conf import get_setting; "
        "private, media = storages['private'], storages['default']; "
        "print(json.dumps([private.bucket_name, private.endpoint_url, private.region_name, "
        "private.addressing_style, private.querystring_expire, private.default_acl, "
        "private.url('a.pdf').split('?')[0], 'X-Amz-Signature=' in private.url('a.pdf'), "
        "media.url('b.jpg'), get_setting('PRIVATE_FILE_URL_SECONDS'), settings.SERVE_MEDIA]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "applicants",
        "https://store.example.org",
        "garage",
        "path",
        120,
        None,
        "https://store.example.org/applicants/a.pdf",
        True,
        "https://media.example.org/b.jpg",
        120,
        False,
    ]


def test_a_signed_link_may_not_live_longer_than_ten_minutes(settings):
    from membership_forms.checks import check_settings

    for seconds, refused in ((None, False), (600, False), (601, True), (0, True)):
        settings.MEMBERSHIP_FORMS = {"PRIVATE_FILE_URL_SECONDS": seconds}
        ids = {error.id for error in check_settings(None)}
        assert ids == ({"membership_forms.E007"} if refused else set()), seconds
