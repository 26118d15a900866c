"""Newsletter sign-ups: a double opt-in, no review; kept while the subscription lasts."""

from django.utils.translation import gettext_lazy as _

from .fields import CoreField
from .fields import FieldType as T
from .registry import KindSpec, Retention, register

SPEC = register(
    KindSpec(
        key="newsletter",
        label=_("Newsletter"),
        reference_prefix="NEW",
        page_model="membership_forms.NewsletterFormPage",
        core_fields=(
            CoreField("email", T.EMAIL, _("Email")),
            CoreField("name", T.SINGLELINE, _("Name"), required=False, max_length=200),
        ),
        contact_fields=("email", "name"),
        privacy_note=_(
            "We use your email address only to send you the newsletter. Every issue has a link "
            "to unsubscribe at once."
        ),
        submit_label=_("Subscribe"),
        retention=Retention.SUBSCRIPTION,
        duplicate_family="newsletter",
        read_permission="membership_forms.view_newsletter_signups",
        unreviewed_status="pending_confirmation",
        acknowledgement="newsletter_confirmation",
    )
)
