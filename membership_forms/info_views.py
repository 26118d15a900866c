"""The applicant's page for an information request, reached by the link in the email."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from .services.reviews import answer_information_request, find_information_request


class AnswerForm(forms.Form):
    def __init__(self, fields: list[tuple[str, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in fields:
            self.fields[key] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
            )


@never_cache
@csrf_protect
def information_request(request, token: str):
    info_request = find_information_request(token)
    if info_request is None:
        raise Http404
    submission = info_request.review.submission
    page = submission.page.specific if submission.page else None
    labels = {spec.key: spec.label for spec in page.get_field_specs()} if page else {}
    fields = [(key, labels.get(key, key)) for key in info_request.fields]
    form = AnswerForm(fields, request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer_information_request(token, form.cleaned_data)
        return TemplateResponse(
            request, "membership_forms/info_request.html", {"done": True, "page": page}
        )
    return TemplateResponse(
        request,
        "membership_forms/info_request.html",
        {
            "form": form,
            "message": info_request.message,
            "reference": submission.reference,
            "page": page,
        },
    )
