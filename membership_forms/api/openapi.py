"""The OpenAPI document, made valid where Wagtail's API v3 is not yet.

Wagtail 8 declares its `AllowAnonymous` fallback as an HTTP security scheme without a
`scheme`, which OpenAPI 3.1 forbids: validators reject the document and client
generators refuse it. OpenAPI's own word for "no credentials needed" is an empty
security requirement, `{}`. The document is rewritten so: operations that accept a
bearer token or nobody list `[{"BearerTokenAuth": []}, {}]`, and the invalid scheme is
gone. (To be reported to Wagtail; drop this module once its document validates.)

It also gains one component per registered kind, `<Kind>Submission`: the kind's core
fields as `GET /forms/{id}/schema/` states them (in English; choices a page sets, such
as countries and terms, are open strings here), files as `format: binary`. A page may
add fields of its own, so the submit body itself stays an open map; the components are
for generators and readers. The multipart body lists every kind's core fields as its
properties, so that a generated client sends files and repeated choices as parts; a
field two kinds declare differently is stated by its type alone. Both bodies are named
components (`SubmissionBody`, `SubmissionParts`), which generators make models of.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import fields
from typing import Any

from django.utils import translation

from .. import kinds
from ..submission_schema import field_schema
from ..validation import FieldSpec

ANONYMOUS = "AllowAnonymous"
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def without_anonymous_scheme(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with `AllowAnonymous` as the empty requirement (changed in place)."""
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS or "security" not in operation:
                continue
            operation["security"] = [
                {} if list(requirement) == [ANONYMOUS] else requirement
                for requirement in operation["security"]
            ]
    schemes = document.get("components", {}).get("securitySchemes", {})
    schemes.pop(ANONYMOUS, None)
    return document


def kind_components() -> dict[str, dict[str, Any]]:
    """`<Kind>Submission` for each registered kind, from its core fields."""
    components = {}
    names = [item.name for item in fields(kinds.CoreField)]
    with translation.override("en"):
        for kind in kinds.names():
            properties, required = {}, []
            for core in kinds.core_fields(kind).values():
                spec = FieldSpec(**{name: getattr(core, name) for name in names}, is_core=True)
                schema = field_schema(spec)
                for holder in (schema, schema.get("items", {})):
                    if holder.get("oneOf") == []:  # the page's own choices
                        del holder["oneOf"]
                        holder["type"] = "string"
                properties[spec.key] = schema
                if spec.required:
                    required.append(spec.key)
            title = kind.replace("_", " ").title().replace(" ", "")
            components[f"{title}Submission"] = {
                "type": "object",
                "description": (
                    f"The core fields of a {kind} form; its page may add more "
                    "(GET /forms/{id}/schema/ lists them all). Files: multipart only."
                ),
                "properties": properties,
                "required": required,
            }
    return components


def _operation(document: dict[str, Any], operation_id: str) -> dict[str, Any]:
    """The operation with this id, wherever the project mounts the API."""
    return next(
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in _METHODS and operation.get("operationId") == operation_id
    )


# The submit bodies as named components: generators name their models after them.
BODY_NAMES = {"application/json": "SubmissionBody", "multipart/form-data": "SubmissionParts"}


def _plain_choices(schema: dict[str, Any]) -> dict[str, Any]:
    """Choices as a plain `enum` (`oneOf` of `const` + `title` elsewhere): a generated
    client checks each part's value against it, and cannot check against titled constants."""
    schema = dict(schema)
    if "items" in schema:
        schema["items"] = _plain_choices(schema["items"])
    if "oneOf" in schema and all("const" in choice for choice in schema["oneOf"]):
        schema["enum"] = [choice["const"] for choice in schema.pop("oneOf")]
        schema["type"] = "string"
    return schema


def multipart_core_fields(components: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every kind's core fields in one set of properties, none required (each form's own
    requirements are its schema's)."""
    merged: dict[str, dict[str, Any]] = {}
    for name, component in components.items():
        if not name.endswith("Submission"):
            continue
        for key, field in component["properties"].items():
            schema = _plain_choices(field)
            seen = merged.setdefault(key, schema)
            if seen != schema:
                plain = {"type": seen.get("type", "string")}
                if "items" in seen:
                    plain["items"] = {"type": seen["items"].get("type", "string")}
                merged[key] = plain
    return merged


def serve_valid_documents(api) -> None:
    """Have `api` (Wagtail's NinjaAPI) hand out the rewritten document."""
    build = api.get_openapi_schema

    def get_openapi_schema(**kwargs):
        # A copy: the document shares dicts with the operations' own declarations
        # (forms.SUBMIT_BODY), which must stay as they are for the next request.
        document = without_anonymous_scheme(deepcopy(build(**kwargs)))
        components = kind_components()
        body = _operation(document, "submit_form")["requestBody"]["content"]
        properties = body["multipart/form-data"]["schema"]["properties"]
        properties.update({**multipart_core_fields(components), **properties})
        for content_type, name in BODY_NAMES.items():
            components[name] = body[content_type]["schema"]
            body[content_type]["schema"] = {"$ref": f"#/components/schemas/{name}"}
        document.setdefault("components", {}).setdefault("schemas", {}).update(components)
        return document

    api.get_openapi_schema = get_openapi_schema
