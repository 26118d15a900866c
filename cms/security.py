"""The Content Security Policy: strict on the public site, looser in the Wagtail admin.

The public templates carry no inline script or style, so the site runs under
``script-src 'self'``. Wagtail's admin still relies on inline scripts and styles, so
paths under the admin prefixes get a policy that allows them and nothing from other hosts.
"""

from django.conf import settings


def _header(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


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
            response[self.header] = self.admin if admin else self.public
        return response
