"""The applicant's page for an information request, reached by the link in the email."""

from __future__ import annotations

from django.http import Http404
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .kinds import FieldType
from .models.reviews import CLOSED_STATUSES
from .services.reviews import answer_information_request, find_information_request
from .validation import FieldSpec, SubmissionForm
from .views import render_in

TEMPLATE = "membership_forms/info_request.html"


def answer_form(page, keys: list[str], data=None) -> tuple[SubmissionForm, set[str]]:
    """The requested fields with the form's own inputs and rules, and which of them
    correct an answer (the rest, such as a file or a field since removed, get a text box)."""
    specs = {spec.key: spec for spec in page.get_field_specs()} if page else {}
    fields, corrections = [], set()
    for key in keys:
        spec = specs.get(key)
        if spec is not None and spec.type != FieldType.FILE:
            fields.append(spec)
            corrections.add(key)
        else:
            label = spec.label if spec is not None else key
            fields.append(FieldSpec(key=key, type=FieldType.MULTILINE, label=label))
    return SubmissionForm(fields, data), corrections


@never_cache
@csrf_protect
def information_request(request, token: str):
    info_request = find_information_request(token)
    if info_request is None:
        raise Http404
    submission = info_request.review.submission
    page = submission.page.specific if submission.page else None
    language = submission.locale
    # Decided or withdrawn while the applicant had the link: nothing more can be added.
    closed = render_in(language, request, TEMPLATE, {"closed": True, "page": page}, status=410)
    if info_request.review.status in CLOSED_STATUSES:
        return closed
    with translation.override(language):
        form, corrections = answer_form(page, info_request.fields, request.POST or None)
        if request.method == "POST" and form.is_valid():
            answers = form.cleaned_payload()
            review = answer_information_request(
                token, answers, {key: answers[key] for key in corrections if key in answers}
            )
            if review is None:  # closed (or answered) since the page was read
                return closed
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
        status=400 if request.method == "POST" else 200,
    )
