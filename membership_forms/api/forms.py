"""The forms: list them, read one's definition in its language, submit it."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Header, Query
from wagtail.models import Page

from .. import captcha, formcache, intake, kinds
from ..conf import get_setting
from ..filters import clean_filters
from ..links import public_html
from ..submission_schema import submission_schema
from ..validation import MultiValueData, json_to_form_data
from ..views import privacy_page
from .common import Errors, answer, error, request_language, router
from .schemas import Accepted, FormDetail, FormList, ListFilters, SubmissionSchema


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


@router.get(
    "/",
    operation_id="list_forms",
    response={200: FormList, 422: Errors},
    summary="List the published form pages",
)
def list_forms(request: HttpRequest, filters: Query[ListFilters]):
    with translation.override(request_language(request)):
        cleaned, errors = clean_filters(locale=filters.locale)
        if filters.kind and filters.kind not in kinds.names():
            errors["kind"] = [_("Choose one of the kinds of form.")]
    if errors:
        return answer(422, {"errors": errors})
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
    operation_id="get_form",
    response={200: FormDetail, 404: Errors},
    summary="A form's definition: its fields in its language",
)
def get_form(request: HttpRequest, form_id: int, locale: str | None = None):
    with translation.override(request_language(request)):
        page = _get_form_page(form_id)
        if page is None:
            return error(404, "non_field_errors", _("No such form."))
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
            "intro": public_html(page.intro, request.build_absolute_uri),
            "is_open": page.is_open(),
            "closes_at": page.closes_at,
            "fields": fields,
            # What the HTML page shows around its questions, in the form's language.
            "submit_label": page.submit_label(),
            "privacy_note": page.privacy_note(),
            "privacy_url": (
                request.build_absolute_uri(privacy.url)
                if (privacy := privacy_page(request))
                else None
            ),
            "thank_you_text": public_html(page.thank_you_text, request.build_absolute_uri),
            "captcha_site_key": captcha.site_key() if captcha.enabled() else None,
        }


@router.get(
    "/{int:form_id}/schema/",
    operation_id="get_form_schema",
    response={200: SubmissionSchema, 404: Errors},
    summary="A form's submission body as a JSON Schema (draft 2020-12), in its language",
    description=(
        "Titles are the fields' labels, descriptions their help texts, choices `oneOf` "
        "`const` + `title`. Fields with `format: binary` are files: multipart only. "
        "`captcha_token` is listed (and required) while Turnstile is on."
    ),
)
def get_form_schema(request: HttpRequest, form_id: int, locale: str | None = None):
    with translation.override(request_language(request)):
        page = _get_form_page(form_id)
        if page is None:
            return error(404, "non_field_errors", _("No such form."))
    with translation.override(page.locale.language_code):
        specs = page.get_field_specs(date.today())
        schema_id = request.build_absolute_uri(request.path)
        return answer(200, submission_schema(page.title, specs, schema_id))


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
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the same request again.",
        "schema": {"type": "integer", "minimum": 1},
    }
}
SUBMIT_RESPONSES = {
    429: {"headers": RETRY_AFTER},
    503: {"headers": RETRY_AFTER},
}

SUBMIT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": CAPTCHA_PROPERTY,
                "additionalProperties": True,
                "description": (
                    "Field values keyed by field name, as the form's schema "
                    "(GET /forms/{id}/schema/) lists them; files go in multipart only."
                ),
            }
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    **CAPTCHA_PROPERTY,
                    captcha.WIDGET_FIELD: {
                        "type": "string",
                        "description": "The Turnstile widget's own field, as it posts it.",
                    },
                },
                # Each kind's core fields join `properties` (openapi.multipart_core_fields);
                # a page's own fields are strings here, as its schema
                # (GET /forms/{id}/schema/) states them. One type only: generators turn
                # a union of extra part types into code that does not compile.
                "additionalProperties": {"type": "string"},
                "description": (
                    "Field values and files keyed by field name, as the form's schema "
                    "(GET /forms/{id}/schema/) lists them: a file field (`format: binary` "
                    "there, PDF or DOCX) is a file part; booleans are `true`/`false`; a "
                    "multiple choice repeats its part once per value. The properties are "
                    "every kind's core fields (each kind's own are the `<Kind>Submission` "
                    "components); which a form requires, its schema says."
                ),
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
            return error(413, "non_field_errors", _("The request is too large."))
        try:
            raw = request.body
        except RequestDataTooBig:
            return error(413, "non_field_errors", _("The request is too large."))
        if len(raw) > get_setting("MAX_JSON_BYTES"):
            return error(413, "non_field_errors", _("The request is too large."))
        try:
            body = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return error(400, "non_field_errors", _("The request is not valid UTF-8."))
        except (ValueError, RecursionError):
            return error(400, "non_field_errors", _("The request is not valid JSON."))
        return body, None, intake.fingerprint(body)
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            data, files = request.POST, request.FILES
        except RequestDataTooBig:
            return error(413, "non_field_errors", _("The request is too large."))
        except (MultiPartParserError, TooManyFieldsSent, UnicodeDecodeError, ValueError):
            return error(400, "non_field_errors", _("The request could not be read."))
        return data, files, intake.fingerprint(data, files)
    return error(400, "non_field_errors", _("Send application/json or multipart/form-data."))


@router.post(
    "/{int:form_id}/submissions/",
    operation_id="submit_form",
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
    openapi_extra={"requestBody": SUBMIT_BODY, "responses": SUBMIT_RESPONSES},
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
    with translation.override(request_language(request)):
        page = _get_form_page(form_id)
        if page is None:
            return error(404, "non_field_errors", _("No such form."))
    # Answers and field errors in the form's own language, as on its HTML page.
    with translation.override(page.locale.language_code):
        if idempotency_key is not None and not (0 < len(idempotency_key) <= 255):
            return error(400, "idempotency_key", _("Use a key of 1 to 255 characters."))
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
        outcome = intake.submit(
            page,
            request,
            data=data,
            files=files,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            pre_errors=pre_errors,
            captcha_token=captcha_token,
        )
        return answer(outcome.status, outcome.body, **outcome.headers)
