"""The signed-in applicant's own applications and organisation, for headless front ends.

The caller is Django's signed-in user (the site's session cookie, from the site's
sign-in): the same list as the "My applications" page (applicant_views.py), the same
organisation as the members' "My organisation" page (member_views.py).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from .. import kinds
from ..applicants import progress_of, submissions_of
from ..services import organisations
from .common import Errors, error, request_language, router
from .schemas import MyApplicationsOut, MyOrganisationOut


@router.get(
    "/my/applications/",
    response={200: MyApplicationsOut, 401: Errors},
    summary="My applications (the signed-in applicant's session)",
    description=(
        "Every application sent with the signed-in user's email address, newest first, "
        "with where it stands. The caller is the site's signed-in session (its cookie, "
        "from the sign-in by emailed code, docs/members.md); 401 without one. Donations, "
        "newsletter sign-ups and contact messages are not listed."
    ),
)
def my_applications(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return error(401, "non_field_errors", _("Sign in first."))
    language = request_language(request)
    applications = [
        submission
        for submission in submissions_of(user.email).select_related("review")
        if submission.kind != "donation" and kinds.get(submission.kind).queue
    ]
    with translation.override(language):
        items = []
        for submission in applications:
            progress = progress_of(submission)
            items.append(
                {
                    "reference": submission.reference,
                    "kind": submission.kind,
                    "status": submission.status,
                    "status_words": progress.status,
                    "submitted_at": submission.submitted_at,
                    "progress": [
                        {"key": key, "name": name, "done": done, "current": current}
                        for key, name, done, current in progress.bar
                    ],
                }
            )
    return {"items": items}


@router.get(
    "/my/organisation/",
    response={200: MyOrganisationOut, 401: Errors, 404: Errors},
    summary="My organisation (the signed-in contact's session)",
    description=(
        "The organisation the signed-in person is a contact of (the first by name if "
        "several), its status, next anniversary and last confirmation, the person's role, "
        "and, for its primary contact, its people. The caller is the site's signed-in "
        "session, as for /my/applications/; 401 without one, 404 for someone who is no "
        "organisation's contact."
    ),
)
def my_organisation(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return error(401, "non_field_errors", _("Sign in first."))
    contact = organisations.contact_of(user)
    with translation.override(request_language(request)):
        if contact is None:
            return error(404, "non_field_errors", _("You are not a contact of any organisation."))
        organisation = contact.organisation
        people = None
        if contact.is_primary:
            everyone = organisation.contacts.select_related("user").order_by("pk")
            people = [
                {"email": person.email, "role": person.role}
                for person in sorted(everyone, key=lambda person: not person.is_primary)
            ]
        renewed = organisation.renewed_at
        return {
            "name": organisation.name,
            "status": organisation.status,
            "status_words": str(organisation.get_status_display()),
            "anniversary": organisation.anniversary,
            "renewed_at": renewed.date() if renewed else None,
            "role": contact.role,
            "contacts": people,
        }
