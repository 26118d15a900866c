"""Contact: a message to the Secretariat.

No eligibility rules and no review: the common checks only (a message from the same
address before is listed as a possible duplicate). The sender gets an acknowledgement in
the form's language, the Secretariat (the page's staff recipients) an alert with the
message. Messages are kept RETENTION_DAYS after they arrive, then their answers removed.
"""

from django.utils.translation import gettext_lazy as _

from .fields import CoreField
from .fields import FieldType as T
from .registry import KindSpec, Retention, register


def email_values(notification) -> dict[str, str]:
    """The staff alert carries the message itself, after its subject."""
    if notification.kind != "staff_alert" or notification.submission is None:
        return {}
    payload = notification.submission.payload or {}
    organisation = str(payload.get("organisation") or "").strip()
    lines = [str(payload.get("subject") or "").strip()]
    if organisation:
        lines.append(organisation)
    lines += [str(payload.get("email") or "").strip(), "", str(payload.get("message") or "")]
    return {"answers": "\n".join(lines).strip()}


SPEC = register(
    KindSpec(
        key="contact",
        label=_("Contact"),
        reference_prefix="MSG",
        page_model="membership_forms.ContactFormPage",
        core_fields=(
            CoreField("name", T.SINGLELINE, _("Your name"), max_length=200),
            CoreField("email", T.EMAIL, _("Your email"), help_text=_("We reply to this address.")),
            CoreField(
                "organisation",
                T.SINGLELINE,
                _("Organisation"),
                required=False,
                max_length=200,
            ),
            CoreField("subject", T.SINGLELINE, _("Subject"), max_length=200),
            CoreField("message", T.MULTILINE, _("Message"), max_length=5000),
        ),
        contact_fields=("email", "name"),
        privacy_note=_(
            "The Secretariat uses your name, address and message only to answer you, and "
            "deletes them %(days)s days after they arrive."
        ),
        submit_label=_("Send the message"),
        retention=Retention.RECEIPT,
        duplicate_family="contact",
        read_permission="membership_forms.view_contact_messages",
        email_values="membership_forms.kinds.contact.email_values",
    )
)
