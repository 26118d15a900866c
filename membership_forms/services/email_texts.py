"""What an email says: its subject and body in the recipient's language, as text and HTML.

Editors write subjects and bodies on the form page (in each of its languages); empty
ones use the standard texts below. `{placeholders}` are filled from the submission and
the notification's context. Every link is absolute, on the site's address (`links`).
"""

from __future__ import annotations

import html
import re
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import urlize
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from .. import kinds
from ..links import absolute, site_url
from ..models import Notification, NotificationKind, PaymentMethod, ScreeningOutcome
from ..models.notifications import CONFIRMATION_KINDS
from ..models.pages import split_recipients
from .newsletter import confirmation_url, unsubscribe_token

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The values that are the site's own links (absolute, made by `links`): the only
# placeholders shown as links in the HTML part. Every other value (names, messages,
# reasons: what people typed) stays text there, however much it looks like an address.
LINK_VALUES = ("link", "cancel_url", "my_applications")


def fill(template: str, values: dict[str, str], *, escape: bool) -> str:
    """Replace {name} placeholders; unknown ones stay as written, no attribute access.

    With `escape`, the template and every value are HTML-escaped first.
    """
    if escape:
        template = html.escape(template, quote=False)
        values = {key: html.escape(value) for key, value in values.items()}
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), template)


def html_paragraphs(template: str, values: dict[str, str]) -> list[str]:
    """The HTML part's paragraphs: the text as `fill` makes it, escaped, where addresses
    in the template (the editor's or the standard text) and the site's own links are
    clickable, and nothing a placeholder's other values hold is."""
    link_style = 'style="color:#0b4f6c;"'
    shown = {key: html.escape(value) for key, value in values.items()}
    for key in LINK_VALUES:
        if url := values.get(key):
            shown[key] = f'<a href="{html.escape(url)}" {link_style}>{html.escape(url)}</a>'
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, ..., text
    filled = "".join(
        urlize(mark_safe(html.escape(part))) if index % 2 == 0 else shown.get(part, f"{{{part}}}")
        for index, part in enumerate(parts)
    )
    return [mark_safe(part) for part in filled.split("\n\n") if part.strip()]


# Standard subject and body per kind, which editors may override on the form page. Lazy:
# an email translates its own pair only. A decision has one for an approval and one for
# a decline.
_APPROVAL = (
    gettext_lazy("Your application {reference}: approved"),
    gettext_lazy(
        "Dear {name},\n\nWe are glad to tell you that your application {reference} to "
        "“{form}” has been approved. We will be in touch about the next steps.\n\n"
        "{signature}"
    ),
)
_DECLINE = (
    gettext_lazy("Your application {reference}: our decision"),
    gettext_lazy(
        "Dear {name},\n\nThank you for your application {reference} to “{form}”. "
        "After careful review we are unable to accept it.\n\n{reason}\n\n{signature}"
    ),
)
DEFAULT_TEXTS: dict[str, tuple[Promise, Promise]] = {
    NotificationKind.INFO_REQUEST: (
        gettext_lazy("Your application {reference}: we need more information"),
        gettext_lazy(
            "Dear {name},\n\nTo continue with your application {reference} we need a "
            "little more information:\n\n{message}\n\nPlease add it here:\n{link}\n\n"
            "{signature}"
        ),
    ),
    NotificationKind.RECEIPT: (
        gettext_lazy("Receipt {receipt_number} for your gift"),
        gettext_lazy(
            "Dear {donor_name},\n\nThank you for your gift of {amount} {currency} "
            "({reference}), received on {paid_at}.\n\nReceipt number: {receipt_number}\n"
            "{us_statement}\n\n{organisation}"
        ),
    ),
    "receipt_summary": (
        gettext_lazy("Your gifts in {year}"),
        gettext_lazy(
            "Dear {donor_name},\n\nThank you for your support in {year}. Your gifts:\n\n"
            "{gift_lines}\n\nIn total:\n{total_lines}"
        ),
    ),
    NotificationKind.REMINDER: (
        gettext_lazy("Waiting for review: {reference}"),
        gettext_lazy("Submission {reference} to “{form}” is still waiting for a decision."),
    ),
    NotificationKind.ACKNOWLEDGEMENT: (
        gettext_lazy("We received your submission {reference}"),
        gettext_lazy(
            "Dear {name},\n\nThank you: we received your submission to “{form}”. Its "
            "reference is {reference}; please quote it if you write to us.\n\n{signature}"
        ),
    ),
    NotificationKind.NEWSLETTER_CONFIRMATION: (
        gettext_lazy("Please confirm your subscription"),
        gettext_lazy(
            "Hello {name},\n\nPlease confirm that you want to receive our newsletter by "
            "following this link:\n\n{link}\n\nIf you did not sign up, ignore this email: "
            "nothing more will be sent.\n\n{signature}"
        ),
    ),
    NotificationKind.STAFF_ALERT: (
        gettext_lazy("New submission {reference} to {form}"),
        gettext_lazy(
            "A new submission {reference} arrived through “{form}” from {name}.\n"
            "Screening: {outcome}.\n\n{link}"
        ),
    ),
    NotificationKind.INVITATION: (
        gettext_lazy("An invitation to join {organisation}"),
        gettext_lazy(
            "Hello,\n\n{inviter} invites you to join {organisation} on our site, to "
            "keep its listing up to date and to reach the pages reserved for members.\n\n"
            "Sign in with this email address, then accept the invitation here (the link "
            "works once, for 14 days):\n\n{link}\n\nIf you did not expect this "
            "email, ignore it: nothing changes.\n\n{signature}"
        ),
    ),
    NotificationKind.LISTING_REJECTED: (
        gettext_lazy("The change to your listing was not approved"),
        gettext_lazy(
            "Hello,\n\nThe Secretariat did not approve the change you proposed to the "
            "listing of {organisation} in our directory, for this reason:\n\n{reason}\n\n"
            "The directory still shows the listing as it was. You may propose the change "
            "again, corrected, from your organisation's page.\n\n{signature}"
        ),
    ),
    NotificationKind.RENEWAL: (
        gettext_lazy("Is {organisation} still eligible? Please confirm before {date}"),
        gettext_lazy(
            "Hello,\n\nEach year we ask our members and NGO Supporters to confirm that "
            "they still meet the criteria they met when they joined. Please confirm "
            "for {organisation} before {date} by following this link:\n\n{link}\n\n"
            "Without a confirmation by that day, the Secretariat will review the "
            "membership and may end it. If something has changed, please write to us "
            "instead.\n\n{signature}"
        ),
    ),
    NotificationKind.DIGEST: (
        gettext_lazy("New submissions on {date}"),
        gettext_lazy("New submissions on {date}:\n\n{items}"),
    ),
    NotificationKind.ERASURE_REQUEST: (
        gettext_lazy("Request to erase personal data: {email}"),
        gettext_lazy(
            "{email}, signed in on their page, asked for their personal data to be "
            "erased.\nTheir submissions: {references}.\n\nAnswer them within one "
            "month: erase what need not be kept, and tell them what is kept and why. "
            "The request is in the history of each submission."
        ),
    ),
}


def _default_texts(kind: str, context: dict | None = None) -> tuple[str, str] | None:
    """The standard subject and body of `kind`, in the active language; None if it has none."""
    pair: tuple[Promise, Promise] | None = DEFAULT_TEXTS.get(kind)
    if kind == NotificationKind.DECISION:
        approved = (context or {}).get("decision") == "approved"
        pair = _APPROVAL if approved else _DECLINE
    return (str(pair[0]), str(pair[1])) if pair else None


def _page_texts(page, kind: str, context: dict | None = None) -> tuple[str, str]:
    """The editors' subject and body for `kind` on the page (in its language), if any.

    Fields are named `<prefix>_subject` and `<prefix>_body`: the kind itself, except the
    confirmation kinds (`confirmation_*`) and decisions (`approval_*` or `decline_*`).
    """
    if page is None:
        return "", ""
    prefix = kind
    if kind in CONFIRMATION_KINDS:
        prefix = "confirmation"
    elif kind == NotificationKind.DECISION:
        approved = (context or {}).get("decision") == "approved"
        prefix = "approval" if approved else "decline"
    return (
        getattr(page, f"{prefix}_subject", "") or "",
        getattr(page, f"{prefix}_body", "") or "",
    )


def _localised_page(submission, language: str, pages: dict | None = None):
    """The submission's form page in `language` if translated; `pages` caches them by
    (page, language) for a batch of emails."""
    if pages is None or submission is None or not submission.page_id:
        return _find_localised_page(submission, language)
    key = (submission.page_id, language)
    if key not in pages:
        pages[key] = _find_localised_page(submission, language)
    return pages[key]


def _find_localised_page(submission, language: str):
    page = submission.page.specific if submission and submission.page else None
    if page is None:
        return None
    if page.locale.language_code == language:
        return page
    translated = page.get_translation_or_none(_locale(language))
    return translated.specific if translated else page


def _locale(language: str):
    from wagtail.models import Locale

    return Locale.objects.filter(language_code=language).first()


# The default site's name as this process last read it, and until when (monotonic) it
# holds: every email shows the name twice and a worker sends a hundred per batch, so it is
# read at most once a minute. A change saved in this process applies at once
# (`forget_site_name`, connected to the Site model's signals), in the others within
# SITE_NAME_SECONDS.
SITE_NAME_SECONDS = 60.0
_site_name: tuple[float, str] | None = None


def _default_site_name() -> str:
    global _site_name
    now = time.monotonic()
    if _site_name is None or _site_name[0] <= now:
        from wagtail.models import Site

        site = Site.objects.filter(is_default_site=True).only("site_name").first()
        _site_name = (now + SITE_NAME_SECONDS, site.site_name if site else "")
    return _site_name[1]


def forget_site_name(**kwargs) -> None:
    global _site_name
    _site_name = None


def site_name() -> str:
    """The site's name in the active language (through the site's own catalogue, when it
    translates the name Wagtail knows the site by)."""
    name = _default_site_name() or getattr(settings, "WAGTAIL_SITE_NAME", "")
    return gettext(name) if name else ""


def signature() -> str:
    """The standard sign-off, in the active language."""
    return "\n".join(part for part in (gettext("The Secretariat"), site_name()) if part)


def pledge_details(submission) -> str:
    """For a gift pledged offline: what to pay, the reference to quote, where to pay."""
    from ..models import FormsApiSettings

    donation = submission.first_donation
    if donation is None or donation.method != PaymentMethod.PLEDGE:
        return ""
    bank = FormsApiSettings.for_default_site().bank_details.strip()
    lines = [
        gettext("Your pledge: %(amount)s %(currency)s (%(frequency)s).")
        % {
            "amount": number_format(donation.amount, decimal_pos=2, use_l10n=True),
            "currency": donation.currency,
            "frequency": donation.get_frequency_display(),
        },
        gettext("Please quote the reference %(reference)s with your payment.")
        % {"reference": submission.reference},
    ]
    if bank:
        lines += ["", gettext("Our bank details:"), bank]
    return "\n".join(lines)


def pledge_values(notification) -> dict[str, str]:
    """The donation's acknowledgement says what to pay and where (KindSpec.email_values)."""
    if notification.kind != NotificationKind.ACKNOWLEDGEMENT:
        return {}
    return {"pledge": pledge_details(notification.submission)}


def unsubscribe_url(submission) -> str:
    return absolute(
        reverse("membership_forms:newsletter_unsubscribe", args=(unsubscribe_token(submission),))
    )


def _values(notification: Notification, page) -> dict[str, str]:
    submission = notification.submission
    values: dict[str, str] = {"signature": signature()}
    if submission is not None:
        screening = submission.screening or {}
        values |= {
            "name": submission.applicant_name,
            "reference": submission.reference,
            "form": page.title if page else "",
            "outcome": ScreeningOutcome.label_of(str(screening.get("outcome", ""))),
            "link": "",
            "reason": "",
            "message": "",
            # Kinds someone decides on are followed on the applicant's page.
            "my_applications": my_applications_url() if kinds.get(submission.kind).queue else "",
        }
        if notification.kind == NotificationKind.NEWSLETTER_CONFIRMATION:
            values["link"] = absolute(confirmation_url(submission))
        elif notification.kind == NotificationKind.STAFF_ALERT:
            values["link"] = absolute(reverse("membership_forms_submission", args=(submission.pk,)))
        # A kind may add placeholders of its own (the donation's pledge details).
        if path := kinds.get(submission.kind).email_values:
            values.update(import_string(path)(notification))
    values.update({key: str(value) for key, value in (notification.context or {}).items()})
    return values


#: The emails that point the applicant to their page ("My applications"): the
#: confirmation that their submission arrived. Whatever the text, the line is there.
MY_PAGE_KINDS = (NotificationKind.ACKNOWLEDGEMENT,)


def my_applications_url() -> str:
    """The applicant's page in the active language, when the site includes the plugin's
    applicant_urls (docs/members.md); "" otherwise."""
    try:
        return absolute(reverse("membership_forms_applicant:my_applications"))
    except NoReverseMatch:
        return ""


def _with_my_page(body: str, values: dict[str, str]) -> str:
    """The body with a line leading to the applicant's page, before the signature."""
    placeholder = "{my_applications}"
    if not values.get("my_applications") or placeholder in body:
        return body
    line = gettext("Follow your applications on your page:") + "\n" + placeholder
    if "{signature}" in body:
        return body.replace("{signature}", f"{line}\n\n{{signature}}", 1)
    return f"{body.rstrip()}\n\n{line}"


def _with(body: str, placeholder: str, values: dict[str, str]) -> str:
    """The body with `{placeholder}` added at its end when it has a value and is missing."""
    token = "{" + placeholder + "}"
    if values.get(placeholder) and token not in body:
        return f"{body.rstrip()}\n\n{token}"
    return body


def render_notification(
    notification: Notification, connection=None, pages: dict | None = None
) -> EmailMultiAlternatives:
    """The email, text and HTML, in the notification's language."""
    language = notification.language or settings.LANGUAGE_CODE
    submission = notification.submission
    with translation.override(language):
        page = _localised_page(submission, language, pages)
        context = notification.context or {}
        subject, body = _page_texts(page, notification.kind, context)
        default_subject, default_body = _default_texts(notification.kind, context) or (
            context.get("subject", ""),
            context.get("body", ""),
        )
        subject = subject or context.get("subject") or default_subject
        body = body or context.get("body") or default_body
        values = _values(notification, page)
        # Whatever an editor wrote, these facts are in the email.
        body = _with(body, "link", values)
        body = _with(body, "pledge", values)
        body = _with(body, "answers", values)
        if notification.kind in MY_PAGE_KINDS:
            body = _with_my_page(body, values)
        subject_text = " ".join(fill(subject, values, escape=False).split())[:255]
        text = fill(body, values, escape=False)
        html_body = render_to_string(
            "membership_forms/emails/message.html",
            {
                "subject": subject_text,
                "paragraphs": html_paragraphs(body, values),
                "language": language,
                "rtl": translation.get_language_bidi(),
                "site_name": site_name(),
                "site_url": site_url(),
            },
        )
    message = EmailMultiAlternatives(
        subject=subject_text,
        body=text,
        to=split_recipients(notification.recipient),
        connection=connection or get_connection(),
    )
    message.attach_alternative(html_body, "text/html")
    message.extra_headers["Content-Language"] = language
    if notification.kind == NotificationKind.NEWSLETTER_CONFIRMATION and submission is not None:
        # RFC 2369 and RFC 8058: mail programs offer "unsubscribe", in one click.
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url(submission)}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
