import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "coalition.example.org",
        "SITE_URL": "https://coalition.example.org",
        # A deployment has Turnstile's keys (without, the check warns: test_turnstile.py).
        "TURNSTILE_SITE_KEY": "0x4AAAAAAA-site",
        "TURNSTILE_SECRET_KEY": "0x4AAAAAAA-secret",
        **overrides,
    }
    for name in ("HTTPS", "TURNSTILE_ENABLED", "PORT", "WAGTAILADMIN_BASE_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_production_without_its_public_address_is_warned():
    """Links in emails are built on SITE_URL; the loopback default would reach nobody."""
    result = check_deploy(SITE_URL="")
    assert result.returncode != 0
    assert "cms.W001" in result.stderr


@pytest.mark.django_db
def test_public_pages_get_a_strict_content_security_policy(client):
    response = client.get("/healthz")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_admin_policy_allows_wagtails_inline_scripts_but_no_other_hosts(client):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "http" not in policy.replace("https://checkout.stripe.com", "")


@pytest.mark.django_db
def test_admin_avatars_come_from_this_site_not_gravatar(django_user_model):
    """The admin's CSP allows images from this site only (and staff hashes stay here)."""
    from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

    user = django_user_model.objects.create_user("staff", "staff@example.org", "x" * 12)
    url = avatar_url(user, size=50)
    assert url and url.startswith("/static/"), url
