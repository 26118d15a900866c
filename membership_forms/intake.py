"""The request path both the HTML page and the API share: check, validate, record, answer.

Shaped like a webhook view: refuse early what is cheap to refuse (closed form, rate,
replayed key), validate with the one validator, hand the rest to the service.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import captcha
from .conf import get_setting
from .limits import RateLimited, check_submission_rate, client_address, digest
from .models import Submission
from .services.submissions import IdempotencyConflict, find_by_idempotency_key, record_submission
from .validation import SubmissionForm


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    submission: Submission | None = None
    form: SubmissionForm | None = None


def errors(status: int, messages: dict, **headers) -> Answer:
    return Answer(status, {"errors": messages}, headers)


def accepted(submission: Submission, page=None) -> Answer:
    body = {"reference": submission.reference, "status": submission.status}
    if page is not None and (answer_extra := page.spec().hook("answer_extra")):
        body.update(answer_extra(submission))
    return Answer(202, body, {}, submission)


def fingerprint(data, files=None) -> str:
    """A hash of what was sent, to tell a retry from a different request under one key.

    The proof of a person is left out: a retry carries a new one (a token proves one
    submission), and it is still the same submission."""
    digest_ = hashlib.sha256()
    if hasattr(data, "lists"):
        data = sorted(
            (key, sorted(values)) for key, values in data.lists() if key not in captcha.FIELDS
        )
    elif isinstance(data, dict):
        data = {key: value for key, value in data.items() if key not in captcha.FIELDS}
    digest_.update(json.dumps(data, sort_keys=True, default=str).encode())
    for key in sorted(files or {}):
        for upload in files.getlist(key) if hasattr(files, "getlist") else [files[key]]:
            upload.seek(0)
            digest_.update(key.encode() + hashlib.sha256(upload.read()).digest())
            upload.seek(0)
    return digest_.hexdigest()


def already_sent(submission: Submission) -> Answer:
    """The answer to a second use of a single-use key (the HTML form's start token)."""
    message = _(
        "This form has already been sent: its reference is %(reference)s. "
        "To send another, fill in the form again."
    ) % {"reference": submission.reference}
    return errors(409, {"non_field_errors": [message]})


def submit(
    page,
    request,
    *,
    data,
    files=None,
    idempotency_key: str | None = None,
    request_hash: str = "",
    pre_errors: dict | None = None,
    invalid_status: int = 422,
    single_use: bool = False,
    captcha_token: str = "",
) -> Answer:
    """Check, validate and record one submission; the answer to give.

    With `single_use`, the idempotency key may send one submission only: a second use
    with the same request (`request_hash`) gets the first answer, any other is refused
    (409). With Turnstile on, `captcha_token` must be there (400) and, once the answers
    are valid, vouched for by Turnstile (400; 503 when it cannot say), so that invalid
    answers do not spend the visitor's token.
    """
    if not page.is_open():
        return errors(409, {"non_field_errors": [_("This form is closed.")]})
    client_hash = digest(client_address(request))
    try:
        check_submission_rate(client_hash)
    except RateLimited as limited:
        message = _("Too many submissions. Please try again in %(seconds)s seconds.") % {
            "seconds": limited.retry_after
        }
        return errors(
            429, {"non_field_errors": [message]}, **{"Retry-After": str(limited.retry_after)}
        )
    admission_check = page.spec().hook("admission_check")
    if admission_check and (refusal := admission_check(client_hash)):
        return errors(429, {"non_field_errors": [refusal]}, **{"Retry-After": "3600"})
    if idempotency_key:
        try:
            existing = find_by_idempotency_key(page.translation_key, idempotency_key, request_hash)
        except IdempotencyConflict:
            return _key_conflict(page, idempotency_key, single_use)
        if existing:  # the same request again (a retry, a double click): its first answer
            return accepted(existing, page)
    form = SubmissionForm(page.get_field_specs(), data=data, files=files)
    if captcha.enabled() and not captcha_token:
        answer = errors(400, {captcha.API_FIELD: [_("Please confirm that you are a person.")]})
        answer.form = form  # the HTML form comes back filled in
        return answer

    valid = form.is_valid()
    if pre_errors or not valid:
        answer = errors(invalid_status, {**form.error_dict(), **(pre_errors or {})})
        answer.form = form
        return answer
    if captcha.enabled() and (refusal := _check_person(captcha_token, request)):
        refusal.form = form
        return refusal

    try:
        recorded = record_submission(
            page=page,
            payload=form.cleaned_payload(),
            uploads=form.uploads(),
            locale=page.locale.language_code,
            client_hash=client_hash,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
        )
    except IdempotencyConflict:  # the same key at the same moment, with another body
        return _key_conflict(page, idempotency_key, single_use)
    return accepted(recorded.submission, page)


def _key_conflict(page, key: str | None, single_use: bool) -> Answer:
    """Another request under a key already used: for a single-use key, what it sent."""
    sent = (
        single_use
        and Submission.objects.filter(form_key=page.translation_key, idempotency_key=key).first()
    )
    if sent:
        return already_sent(sent)
    return errors(
        422,
        {"idempotency_key": [_("This Idempotency-Key was already used with a different request.")]},
    )


def _check_person(token: str, request) -> Answer | None:
    """Turnstile's verdict on the token: None when it vouches for it, else the refusal."""
    try:
        if captcha.verify(token, client_address(request)):
            return None
    except captcha.Unavailable:
        retry_after = str(get_setting("TURNSTILE_RETRY_AFTER"))
        message = _("We cannot check your submission just now. Please try again in a moment.")
        return errors(503, {"non_field_errors": [message]}, **{"Retry-After": retry_after})
    message = _("The check that you are a person failed or expired. Please try it again.")
    return errors(400, {captcha.API_FIELD: [message]})
