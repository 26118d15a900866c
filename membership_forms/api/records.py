"""Records a client may read back: a submission's status (staff), the public directory,
a donation's payment status."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query
from wagtail.api.v3.auth import BearerTokenAuth

from ..conf import session_allowed
from ..filters import clean_filters
from ..models import Donation, Review, Submission
from ..models.directory import directory_entries
from ..services import tokens
from ..services.donations import donation_answer
from ..services.reviews import record_submission_access, steps_open_now
from .common import Errors, answer, error, request_language, router
from .schemas import DirectoryFilters, DirectoryOut, DonationOut, StatusOut


def _staff_caller(request: HttpRequest):
    """(user, token): a bearer token's user and token, else the session's user and None.
    Wagtail's token auth resets a bad token to anonymous (user None); the token's expiry
    and read-only scope were checked before (ApiTokenScopeMiddleware)."""
    token = BearerTokenAuth()(request) if request.headers.get("Authorization") else None
    user = getattr(request, "user", None)
    return (user if user is not None and user.is_authenticated else None), token


@router.get(
    "/submissions/{reference}/",
    operation_id="submission_status",
    response={200: StatusOut, 401: Errors, 403: Errors, 404: Errors},
    summary="A submission's status (staff: API token or staff session)",
    description=(
        "401 without valid credentials (an expired or revoked token, or a session whose "
        "second factor is not done); 403 when the caller may not read submissions, or "
        "not this one (outside the user's review queues or the token's); 404 when the "
        "reference does not exist. Every read is in the submission's audit log."
    ),
    # The token is checked in the endpoint (it also accepts a staff session with its
    # second factor); declared so that generated clients send `Authorization`.
    openapi_extra={"security": [{"BearerTokenAuth": []}]},
)
def submission_status(request: HttpRequest, reference: str):
    user, token = _staff_caller(request)
    if user is None:
        return error(401, "non_field_errors", _("Authentication required."))
    if token is None and not session_allowed(request):
        return error(
            401, "non_field_errors", _("Finish the two-factor sign-in in the admin first.")
        )
    if not user.has_perm("membership_forms.view_submission"):
        return error(403, "non_field_errors", _("You may not read submissions."))
    submission = Submission.objects.filter(reference=reference[:20]).first()
    if submission is None:
        return error(404, "non_field_errors", _("No such submission."))
    if not tokens.may_read(user, token, submission):
        return error(403, "non_field_errors", _("You may not read this submission."))
    record_submission_access(submission, user, "api_read", **tokens.audit_data(token))
    screening = submission.screening or {}
    notifications = submission.notifications.order_by("created_at", "pk")
    review = Review.objects.filter(submission=submission).first()
    return {
        "reference": submission.reference,
        "kind": submission.kind,
        "status": submission.status,
        "submitted_at": submission.submitted_at,
        "processed_at": submission.processed_at,
        "eligibility": {
            "outcome": screening.get("outcome"),
            "reasons": [
                {"code": reason["code"], "message": reason["message"]}
                for reason in screening.get("reasons", [])
            ],
        },
        "notifications": [
            {"kind": row.kind, "status": row.status, "sent_at": row.sent_at}
            for row in notifications
        ],
        "actions": [str(step.action) for step in steps_open_now(review, user)] if review else [],
    }


def membership_of(entry) -> dict:
    organisation = getattr(entry, "organisation", None)
    if organisation is None:  # listed before organisations existed
        return {"status": "active", "renewed_at": None}
    renewed = organisation.renewed_at
    return {"status": organisation.status, "renewed_at": renewed.date() if renewed else None}


@router.get(
    "/directory/",
    operation_id="directory",
    response={200: DirectoryOut, 422: Errors},
    summary="Approved members and NGO Supporters",
)
def directory(request: HttpRequest, filters: Query[DirectoryFilters]):
    """The public directory: organisation, category, country, region, website; no contacts."""
    language = request_language(request)
    with translation.override(language):
        cleaned, errors = clean_filters(filters.locale, filters.country, filters.region)
    if errors:
        return answer(422, {"errors": errors})
    entries = directory_entries(cleaned.region, cleaned.country)
    return {
        "items": [
            {
                "organisation_name": entry.organisation_name,
                "category": entry.category,
                "country": entry.country,
                "country_name": entry.country_name(language),
                "region": entry.region,
                "website": entry.website,
                **membership_of(entry),
            }
            for entry in entries
        ]
    }


@router.get(
    "/donations/{token}/",
    operation_id="donation_status",
    response={200: DonationOut, 404: Errors},
    summary="A donation's payment status, by the token its submission answered with",
)
def donation_status(request: HttpRequest, token: str):
    with translation.override(request_language(request)):
        try:
            key = uuid.UUID(token)
        except ValueError:
            key = None
        donations = Donation.objects.select_related("submission__page")
        donation = donations.filter(token=key).first() if key else None
        if donation is None:
            return error(404, "non_field_errors", _("No such donation."))
        return donation_answer(donation)


_registered = False
