"""The applicant's page for an information request, reached by the link in the email."""

from __future__ import annotations

from django.http import Http404
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .kinds import FieldType
from .services.reviews import answer_information_request, find_information_request
from .validation import SubmissionForm
from .views import render_in

TEMPLATE = "membership_forms/info_request.html"


@never_cache
@csrf_protect
def information_request(request, token: str):
    """The questions the reviewer asked again, as the form asked them (a date as a date),
    in the language of the application."""
    info_request = find_information_request(token)
    if info_request is None:
        raise Http404
    submission = info_request.review.submission
    page = submission.page.specific if submission.page else None
    language = submission.locale
    with translation.override(language):
        specs = {spec.key: spec for spec in page.get_field_specs()} if page else {}
        asked = [
            specs[key]
            for key in info_request.fields
            if key in specs and specs[key].type != FieldType.FILE
        ]
        form = SubmissionForm(asked, request.POST or None)
        if request.method == "POST" and form.is_valid():
            answer_information_request(token, form.cleaned_payload())
            return render_in(language, request, TEMPLATE, {"done": True, "page": page})
    return render_in(
        language,
        request,
        TEMPLATE,
        {
            "form": form,
            "message": info_request.message,
            "reference": submission.reference,
            "page": page,
        },
    )
