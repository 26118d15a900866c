"""The OpenAPI document, made valid where Wagtail's API v3 is not yet.

Wagtail 8 declares its `AllowAnonymous` fallback as an HTTP security scheme without a
`scheme`, which OpenAPI 3.1 forbids: validators reject the document and client
generators refuse it. OpenAPI's own word for "no credentials needed" is an empty
security requirement, `{}`. The document is rewritten so: operations that accept a
bearer token or nobody list `[{"BearerTokenAuth": []}, {}]`, and the invalid scheme is
gone. (To be reported to Wagtail; drop this module once its document validates.)
"""

from __future__ import annotations

from typing import Any

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


def serve_valid_documents(api) -> None:
    """Have `api` (Wagtail's NinjaAPI) hand out the rewritten document."""
    build = api.get_openapi_schema

    def get_openapi_schema(**kwargs):
        return without_anonymous_scheme(build(**kwargs))

    api.get_openapi_schema = get_openapi_schema
