"""The HTML path: a server-rendered form that works without JavaScript.

Bots are turned away by a honeypot and a minimum time-to-fill, both on this path only
(API clients are programs by design; the rate limit covers both), and by Turnstile's
widget when it is on (membership_forms/captcha.py; the widget needs JavaScript).

The start token in the form (when the page was served, and a random nonce, signed) is
good for one submission: it becomes the submission's idempotency key, so a second POST
with it leads to the same thank-you page when it carries the same answers (a double
click) and is refused otherwise. A POST refused for its answers spends nothing,
and the form comes back with the same token.
"""

from __future__ import annotations

import secrets
import time

from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import captcha, intake
from .conf import get_setting
from .models.submissions import SubmissionStatus

HONEYPOT = "mf_website"
STARTED = "mf_started"
STARTED_SALT = "membership_forms.started"
STARTED_MAX_AGE = 86400


def started_token(now: float | None = None) -> str:
    started = int(now if now is not None else time.time())
    return signing.dumps({"t": started, "n": secrets.token_urlsafe(16)}, salt=STARTED_SALT)


def _started(request) -> dict | None:
    """The posted start token's contents, or None when it is missing, forged or expired."""
    try:
        value = signing.loads(
            request.POST.get(STARTED, ""), salt=STARTED_SALT, max_age=STARTED_MAX_AGE
        )
    except signing.BadSignature:
        return None
    valid = isinstance(value, dict) and isinstance(value.get("t"), int) and value.get("n")
    return value if valid else None


def _bot_error(request, started: dict | None) -> str | None:
    if request.POST.get(HONEYPOT):
        return _("Your submission could not be accepted. Please try again.")
    if started is None:
        return _("This form has expired. Please check your answers and send it again.")
    if time.time() - started["t"] < get_setting("MIN_FILL_SECONDS"):
        return _("That was quick! Please check your answers and send the form again.")
    return None


def _render(page, request, form=None, errors=None, status=200, closed=False, token=None):
    from .validation import SubmissionForm

    specs = page.get_field_specs()
    if form is None:
        form = SubmissionForm(specs)
    context = page.get_context(request)
    context.update(
        {
            "page": page,
            "form": form,
            "sections": sections(form, specs),
            "max_file_bytes": get_setting("MAX_FILE_BYTES"),
            "privacy_note": page.privacy_note(),
            "privacy_page": privacy_page(request),
            "closed": closed,
            "error_summary": errors or {},
            "honeypot_name": HONEYPOT,
            "started_name": STARTED,
            "started_token": token or started_token(),
            "captcha_site_key": captcha.site_key() if captcha.enabled() else "",
            "captcha_script": captcha.SCRIPT_URL,
        }
    )
    return TemplateResponse(request, page.get_template(request), context, status=status)


def privacy_page(request):
    """The site's privacy notice in the visitor's language (its English page if untranslated)."""
    from .models import FormsApiSettings

    page = FormsApiSettings.for_request(request).privacy_page
    return page.localized if page else None


def sections(form, specs) -> list[tuple[str, list]]:
    """The form's visible fields grouped under their section headings, in order."""
    groups: list[tuple[str, list]] = []
    for spec in specs:
        field = form[spec.key]
        if field.is_hidden:
            continue
        if not groups or groups[-1][0] != spec.section:
            groups.append((spec.section, []))
        groups[-1][1].append(field)
    return groups


@csrf_protect
def serve_form_page(request, page):
    if not page.is_open():
        return _render(page, request, closed=True, status=200 if request.method == "GET" else 409)
    if request.method != "POST":
        return _render(page, request)
    started = _started(request)
    bot = _bot_error(request, started)
    if bot is not None or started is None:
        return _render(page, request, errors={"non_field_errors": [bot]}, status=400)
    answer = intake.submit(
        page,
        request,
        data=request.POST,
        files=request.FILES,
        invalid_status=400,
        idempotency_key=f"form-start:{started['n']}",
        request_hash=intake.fingerprint(request.POST, request.FILES),
        single_use=True,
        captcha_token=captcha.token_from(request.POST),
    )
    if answer.status == 202:
        return HttpResponseRedirect(page.thank_you_url(answer.body["reference"]), status=303)
    # Refused for its answers (or the check of a person): the same token, not spent.
    # Refused because the token sent a submission already (409): a fresh form.
    token = None if answer.status == 409 else request.POST.get(STARTED)
    response = _render(
        page,
        request,
        form=answer.form if answer.status != 409 else None,
        errors=answer.body.get("errors"),
        status=answer.status,
        token=token,
    )
    for name, value in answer.headers.items():
        response[name] = value
    return response


def render_in(language: str | None, request, template: str, context: dict, status: int = 200):
    """A page of a link sent by email, in the language of the email that carried it."""
    with translation.override(language or translation.get_language()):
        response = TemplateResponse(request, template, context, status=status)
        return response.render()


@csrf_protect
def newsletter_confirm(request, token: str):
    """GET shows a button, POST confirms: mail scanners that prefetch links confirm nothing."""
    from .limits import client_address
    from .services.newsletter import confirm_subscription, submission_for_token

    template = "membership_forms/newsletter_confirm.html"
    submission = submission_for_token(token)
    if submission is None:
        return render_in(None, request, template, {"invalid": True}, status=404)
    confirmed = False
    if request.method == "POST":
        confirm_subscription(submission.pk, ip=client_address(request))
        confirmed = True
    submission.refresh_from_db(fields=["status"])
    confirmed = confirmed or submission.status == SubmissionStatus.CONFIRMED
    return render_in(submission.locale, request, template, {"confirmed": confirmed})


@csrf_exempt  # the signed token is the proof; mail programs post without a cookie (RFC 8058)
def newsletter_unsubscribe(request, token: str):
    """GET shows a button; POST, from it or from a mail program's one click, unsubscribes."""
    from .services.newsletter import submission_to_unsubscribe, unsubscribe

    template = "membership_forms/newsletter_unsubscribe.html"
    submission = submission_to_unsubscribe(token)
    if submission is None:
        return render_in(None, request, template, {"invalid": True}, status=404)
    if request.method == "POST":
        unsubscribe(submission.pk)
        submission.refresh_from_db(fields=["status"])
    done = submission.status == SubmissionStatus.UNSUBSCRIBED
    return render_in(submission.locale, request, template, {"unsubscribed": done})


@never_cache
@csrf_protect
def serve_donation_status(request, page, token):
    """Pledge instructions, the way to Stripe Checkout, or the gift's outcome.

    While the worker is still making the Checkout Session the page refreshes itself every
    two seconds (a meta refresh: no script), then links to Stripe and redirects. When the
    session could not be made, it offers to try again (a POST here) or to pledge offline.
    Never cached: the page changes as the gift moves on.
    """
    from .models import Donation
    from .services.donations import can_restart_checkout, donation_answer, restart_checkout

    donation = (
        Donation.objects.select_related("submission", "subscription")
        .filter(token=token, submission__form_key=page.translation_key)
        .first()
    )
    if donation is None:
        raise Http404
    if request.method == "POST":
        restart_checkout(donation.pk)
        return HttpResponseRedirect(page.donation_url(donation), status=303)
    context = page.get_context(request)
    context.update(
        {
            "page": page,
            "donation": donation,
            "reference": donation.submission.reference,
            "answer": donation_answer(donation, page),
            "returned": request.GET.get("returned") == "1",
            "can_restart": can_restart_checkout(donation),
        }
    )
    return TemplateResponse(request, "membership_forms/donation_status.html", context)


@csrf_protect
def cancel_monthly_gift(request, token):
    """The donor's link to end a monthly gift: a page with one button (GET never cancels)."""
    from .models import DonationSubscription
    from .services.donations import cancel_subscription

    subscription = get_object_or_404(DonationSubscription, cancel_token=token)
    error = None
    if request.method == "POST":
        try:
            subscription = cancel_subscription(token)
        except Exception:
            error = gettext_lazy(
                "We could not reach our payment provider. Please try again in a moment."
            )
    return render_in(
        subscription.submission.locale,
        request,
        "membership_forms/cancel_monthly.html",
        {"subscription": subscription, "error": error},
        status=503 if error else 200,
    )
