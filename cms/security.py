"""The Content Security Policy: strict on the public site, looser in the Wagtail admin.

The public templates carry no inline script or style, so the site runs under
``script-src 'self'``. Wagtail's admin still relies on inline scripts and styles, so
paths under the admin prefixes get a policy that allows them and nothing from other hosts.
When the forms' proof of a person (Turnstile) is on, the public policy also allows its
script and frame origin, and only then (`membership_forms.captcha.csp_sources`).
"""

from functools import cache

from django.conf import settings

from membership_forms.captcha import csp_sources


def _header(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


@cache
def _public_header(base: str, extra: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """The public policy with `extra` sources added; a directive the policy lacks starts
    from its default-src, so adding an origin never takes anything else away."""
    directives = {name: list(values) for name, values in settings.CSP_PUBLIC.items()}
    for name, values in extra:
        current = directives.setdefault(name, list(directives.get("default-src", [])))
        current += [value for value in values if value not in current]
    return _header(directives)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public = _header(settings.CSP_PUBLIC)
        self.admin = _header(settings.CSP_ADMIN)
        self.admin_prefixes = tuple(settings.CSP_ADMIN_PATH_PREFIXES)
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header not in response:
            admin = request.path.startswith(self.admin_prefixes)
            response[self.header] = self.admin if admin else self._public()
        return response

    def _public(self) -> str:
        extra = csp_sources()
        if not extra:
            return self.public
        key = tuple(sorted((name, tuple(values)) for name, values in extra.items()))
        return _public_header(self.public, key)
