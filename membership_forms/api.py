"""The forms router for Wagtail's API v3: list, definition, submit, staff status.

Each endpoint validates, hands off to the intake or a query, and answers; errors are
`{"errors": {field: [message, ...]}}` in the request's language (`?locale=` or
Accept-Language).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from . import captcha, formcache, intake, kinds
from .conf import get_setting, session_allowed
from .filters import CountryParam, LocaleParam, RegionParam, clean_filters, language_codes
from .models import Donation, Review, Submission
from .services import tokens
from .services.reviews import allowed_steps, record_submission_access
from .validation import MultiValueData, json_to_form_data

logger = logging.getLogger(__name__)
router = Router(tags=["forms"])


class FormSummary(Schema):
    id: int
    title: str
    kind: str
    locale: str
    url: str | None
    is_open: bool


class FormList(Schema):
    items: list[FormSummary]


class ChoiceOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    help_text: str
    choices: list[ChoiceOut]
    max_length: int | None
    accept: list[str]
    max_bytes: int | None
    section: str = Field(
        "", description="The heading of the group of questions the field belongs to, or empty."
    )


class FormDetail(Schema):
    id: int
    title: str
    kind: str
    locale: str
    intro: str
    is_open: bool
    closes_at: datetime | None
    fields: list[FieldOut]


class DonationOut(Schema):
    token: str
    status: str
    method: str
    frequency: str
    amount: str
    currency: str
    payment_url: str | None = Field(
        None, description="Stripe Checkout; null until the worker has made it (poll the status)."
    )
    checkout_failed: bool = Field(
        False,
        description=(
            "True when the payment page could not be made (Stripe refused or was unreachable "
            "through every retry, or the task was lost): no money was taken, `payment_url` "
            "stays null and `pledge_instructions` say how to give offline instead; the "
            "donor's page on the site also offers a new attempt. Stop polling."
        ),
    )
    pledge_instructions: str | None = Field(
        None,
        description=(
            "Bank-transfer and postal details (HTML) when paying offline, or when the "
            "payment page could not be made."
        ),
    )


class Accepted(Schema):
    reference: str
    status: str
    donation: DonationOut | None = None


class Errors(Schema):
    errors: dict[str, list[str]]


class ReasonOut(Schema):
    code: str
    message: str


class EligibilityOut(Schema):
    outcome: str | None
    reasons: list[ReasonOut]


class NotificationOut(Schema):
    kind: str
    status: str
    sent_at: datetime | None


class StatusOut(Schema):
    reference: str
    kind: str
    status: str
    submitted_at: datetime
    processed_at: datetime | None
    eligibility: EligibilityOut
    notifications: list[NotificationOut]
    actions: list[str] = Field(
        default_factory=list,
        description=(
            "The review steps the caller may take now on the submission's review, named as "
            "the admin's review page posts them (workflow.STEPS); empty outside a queue."
        ),
    )


class ListFilters(Schema):
    kind: str | None = Field(None, description="Only forms of this kind (membership, ...).")
    locale: LocaleParam = None


def _answer(status: int, body: dict, **headers) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name] = value
    return response


def _error(status: int, key: str, message: str, **headers) -> JsonResponse:
    return _answer(status, {"errors": {key: [message]}}, **headers)


def database_unavailable(request: HttpRequest, exc: Exception) -> JsonResponse:
    """503 with Retry-After when the database is unreachable (a restart, a failover).

    Nothing was stored: the submission's transaction did not commit, so the client may
    send the same request again (with its Idempotency-Key, if it has one).
    """
    logger.warning("Database unavailable: %s", exc.__class__.__name__)
    return _error(
        503,
        "non_field_errors",
        _("The service is briefly unavailable. Please try again in a moment."),
        **{"Retry-After": "5"},
    )


def _language(request: HttpRequest) -> str:
    """?locale= first, then Accept-Language (unprefixed URLs otherwise mean English)."""
    wanted = (request.GET.get("locale") or "")[:5]
    if wanted in language_codes():
        return wanted
    return translation.get_language_from_request(request) or "en"


def _form_pages():
    return Page.objects.live().public().type(*kinds.page_models()).select_related("locale")


def _get_form_page(form_id: int):
    return formcache.get_form_page(form_id, _load_form_page)


def _load_form_page(form_id: int):
    """The live, public form page with this id, in three small queries."""
    content_type_id = (
        Page.objects.filter(pk=form_id, live=True).values_list("content_type_id", flat=True).first()
    )
    if content_type_id is None:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()  # cached
    if model not in kinds.page_models():
        return None
    page = model.objects.select_related("locale").filter(pk=form_id).first()
    if page is None or page.get_view_restrictions().exists():
        return None
    return page


@router.get("/", response={200: FormList, 422: Errors}, summary="List the published form pages")
def list_forms(request: HttpRequest, filters: Query[ListFilters]):
    with translation.override(_language(request)):
        cleaned, errors = clean_filters(locale=filters.locale)
        if filters.kind and filters.kind not in kinds.names():
            errors["kind"] = [_("Choose one of the kinds of form.")]
    if errors:
        return _answer(422, {"errors": errors})
    pages = _form_pages().specific()
    if cleaned.locale:
        pages = pages.filter(locale__language_code=cleaned.locale)
    items = []
    for page in pages.order_by("path"):
        if filters.kind and page.kind != filters.kind:
            continue
        items.append(
            {
                "id": page.pk,
                "title": page.title,
                "kind": str(page.kind),
                "locale": page.locale.language_code,
                "url": page.full_url,
                "is_open": page.is_open(),
            }
        )
    return {"items": items}


@router.get(
    "/{int:form_id}/",
    response={200: FormDetail, 404: Errors},
    summary="A form's definition: its fields in its language",
)
def get_form(request: HttpRequest, form_id: int, locale: str | None = None):
    with translation.override(_language(request)):
        page = _get_form_page(form_id)
        if page is None:
            return _error(404, "non_field_errors", _("No such form."))
    # A form speaks its page's language, whatever the client asks for.
    with translation.override(page.locale.language_code):
        fields = [
            {
                "name": spec.key,
                "label": spec.label,
                "type": spec.type,
                "required": spec.required,
                "help_text": spec.help_text,
                "choices": [{"value": value, "label": label} for value, label in spec.choices],
                "max_length": spec.max_length,
                "accept": spec.accept,
                "max_bytes": spec.max_bytes,
                "section": spec.section,
            }
            for spec in page.get_field_specs(date.today())
        ]
        return {
            "id": page.pk,
            "title": page.title,
            "kind": str(page.kind),
            "locale": page.locale.language_code,
            "intro": expand_db_html(page.intro),
            "is_open": page.is_open(),
            "closes_at": page.closes_at,
            "fields": fields,
        }


CAPTCHA_PROPERTY = {
    captcha.API_FIELD: {
        "type": "string",
        "description": (
            "When the site has Cloudflare Turnstile on: the token its widget gave the "
            "visitor (a multipart form may carry the widget's own `cf-turnstile-response` "
            "instead). Missing or refused: 400 with an error on `captcha_token`."
        ),
    }
}
SUBMIT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": CAPTCHA_PROPERTY,
                "additionalProperties": True,
                "description": "Field values keyed by field name (see the form definition).",
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": CAPTCHA_PROPERTY,
                "additionalProperties": True,
                "description": "Field values and files keyed by field name.",
            }
        },
    },
}


def _parse_body(request: HttpRequest):
    """(data, files, fingerprint, pre_errors) or a JsonResponse refusing the body."""
    content_type = request.content_type or ""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if content_type == "application/json":
        if length > get_setting("MAX_JSON_BYTES"):
            return _error(413, "non_field_errors", _("The request is too large."))
        try:
            raw = request.body
        except RequestDataTooBig:
            return _error(413, "non_field_errors", _("The request is too large."))
        if len(raw) > get_setting("MAX_JSON_BYTES"):
            return _error(413, "non_field_errors", _("The request is too large."))
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return _error(400, "non_field_errors", _("The request is not valid UTF-8."))
        except (ValueError, RecursionError):
            return _error(400, "non_field_errors", _("The request is not valid JSON."))
        return body, None, intake.fingerprint(body)
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            data, files = request.POST, request.FILES
        except RequestDataTooBig:
            return _error(413, "non_field_errors", _("The request is too large."))
        except (MultiPartParserError, TooManyFieldsSent, UnicodeDecodeError, ValueError):
            return _error(400, "non_field_errors", _("The request could not be read."))
        return data, files, intake.fingerprint(data, files)
    return _error(400, "non_field_errors", _("Send application/json or multipart/form-data."))


@router.post(
    "/{int:form_id}/submissions/",
    response={
        202: Accepted,
        400: Errors,
        404: Errors,
        409: Errors,
        413: Errors,
        422: Errors,
        429: Errors,
        503: Errors,
    },
    openapi_extra={"requestBody": SUBMIT_BODY},
    summary="Submit a form (JSON, or multipart with files)",
    description=(
        "Answers 202 with the reference. When the site has Cloudflare Turnstile on, "
        "`captcha_token` is required and checked with Turnstile; if Turnstile cannot be "
        "reached the answer is 503 with Retry-After, and nothing is stored (a retry with "
        "the same Idempotency-Key and a new token is safe)."
    ),
)
def submit_form(
    request: HttpRequest,
    form_id: int,
    locale: str | None = None,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="A retry with the same key and body gets the first answer again.",
    ),
):
    with translation.override(_language(request)):
        page = _get_form_page(form_id)
        if page is None:
            return _error(404, "non_field_errors", _("No such form."))
    # Answers and field errors in the form's own language, as on its HTML page.
    with translation.override(page.locale.language_code):
        if idempotency_key is not None and not (0 < len(idempotency_key) <= 255):
            return _error(400, "idempotency_key", _("Use a key of 1 to 255 characters."))
        parsed = _parse_body(request)
        if isinstance(parsed, JsonResponse):
            return parsed
        body, files, request_hash = parsed
        pre_errors: dict[str, list[str]] = {}
        captcha_token = captcha.token_from(body)
        if files is None:
            if isinstance(body, dict):
                body = {key: value for key, value in body.items() if key not in captcha.FIELDS}
            data, pre_errors = json_to_form_data(page.get_field_specs(), body)
            data = MultiValueData(data)
        else:
            data = body
            known = {spec.key for spec in page.get_field_specs()} | set(captcha.FIELDS)
            unknown = [key for key in [*data.keys(), *files.keys()] if key not in known]
            pre_errors = {key[:100]: [_("Unknown field.")] for key in unknown}
        answer = intake.submit(
            page,
            request,
            data=data,
            files=files,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            pre_errors=pre_errors,
            captcha_token=captcha_token,
        )
        return _answer(answer.status, answer.body, **answer.headers)


def _staff_caller(request: HttpRequest):
    """(user, token): a bearer token's user and token, else the session's user and None.
    Wagtail's token auth resets a bad token to anonymous (user None); the token's expiry
    and read-only scope were checked before (ApiTokenScopeMiddleware)."""
    token = BearerTokenAuth()(request) if request.headers.get("Authorization") else None
    user = getattr(request, "user", None)
    return (user if user is not None and user.is_authenticated else None), token


@router.get(
    "/submissions/{reference}/",
    response={200: StatusOut, 401: Errors, 403: Errors, 404: Errors},
    summary="A submission's status (staff: API token or staff session)",
    description=(
        "401 without valid credentials (an expired or revoked token, or a session whose "
        "second factor is not done); 403 when the caller may not read submissions, or "
        "not this one (outside the user's review queues or the token's); 404 when the "
        "reference does not exist. Every read is in the submission's audit log."
    ),
)
def submission_status(request: HttpRequest, reference: str):
    user, token = _staff_caller(request)
    if user is None:
        return _error(401, "non_field_errors", _("Authentication required."))
    if token is None and not session_allowed(request):
        return _error(
            401, "non_field_errors", _("Finish the two-factor sign-in in the admin first.")
        )
    if not user.has_perm("membership_forms.view_submission"):
        return _error(403, "non_field_errors", _("You may not read submissions."))
    submission = Submission.objects.filter(reference=reference[:20]).first()
    if submission is None:
        return _error(404, "non_field_errors", _("No such submission."))
    if not tokens.may_read(user, token, submission):
        return _error(403, "non_field_errors", _("You may not read this submission."))
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
        "actions": [str(step.action) for step in allowed_steps(review, user)] if review else [],
    }


class DirectoryEntryOut(Schema):
    organisation_name: str
    category: str
    country: str
    country_name: str
    region: str
    website: str


class DirectoryOut(Schema):
    items: list[DirectoryEntryOut]


class DirectoryFilters(Schema):
    region: RegionParam = None
    country: CountryParam = None
    locale: LocaleParam = None


@router.get(
    "/directory/",
    response={200: DirectoryOut, 422: Errors},
    summary="Approved members and NGO Supporters",
)
def directory(request: HttpRequest, filters: Query[DirectoryFilters]):
    """The public directory: organisation, category, country, region, website; no contacts."""
    from .models.directory import directory_entries

    language = _language(request)
    with translation.override(language):
        cleaned, errors = clean_filters(filters.locale, filters.country, filters.region)
    if errors:
        return _answer(422, {"errors": errors})
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
            }
            for entry in entries
        ]
    }


@router.get(
    "/donations/{token}/",
    response={200: DonationOut, 404: Errors},
    summary="A donation's payment status, by the token its submission answered with",
)
def donation_status(request: HttpRequest, token: str):
    from .services.donations import donation_answer

    with translation.override(_language(request)):
        try:
            key = uuid.UUID(token)
        except ValueError:
            key = None
        donations = Donation.objects.select_related("submission__page")
        donation = donations.filter(token=key).first() if key else None
        if donation is None:
            return _error(404, "non_field_errors", _("No such donation."))
        return donation_answer(donation)


_registered = False


def register_router() -> None:
    """Add the forms router to Wagtail's API v3, once (the app's ``ready()`` calls it).

    Wagtail's API is one NinjaAPI object; routers join it before its URLs are read. A
    database restart answers 503 with Retry-After, not 500 (docs/reliability.md).
    """
    from django.db import InterfaceError, OperationalError
    from wagtail.api.v3.urls import api

    global _registered
    if _registered:
        return
    _registered = True
    api.add_router("/forms/", router)
    api.add_exception_handler(OperationalError, database_unavailable)
    api.add_exception_handler(InterfaceError, database_unavailable)
