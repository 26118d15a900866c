"""NGO Supporters: organisations that support the Coalition's work without full membership.

The Secretariat decides (or, when the page says so, eligible ones are approved at once);
approved Supporters are listed in the public directory.
"""

from django.utils.translation import gettext_lazy as _

from ..eligibility import DEFAULT_RULES
from . import organisation
from .registry import KindSpec, Retention, register

SPEC = register(
    KindSpec(
        key="supporter",
        label=_("NGO Supporter"),
        reference_prefix="SUP",
        page_model="membership_forms.SupporterFormPage",
        core_fields=organisation.FIELDS,
        contact_fields=organisation.CONTACT_FIELDS,
        privacy_note=_(
            "The Secretariat uses your answers only to consider this application. If it is "
            "declined or withdrawn, we delete them %(days)s days after the decision. If it is "
            "approved, the organisation's name, country and website appear in the public list "
            "of NGO Supporters."
        ),
        submit_label=_("Send the application"),
        retention=Retention.DECISION,
        rules=tuple(DEFAULT_RULES["supporter"]),
        application=organisation.application,
        duplicate_family="organisation",
        organisation_keys=True,
        queue="supporter",
        directory_category="supporter",
        export_columns=organisation.EXPORT_COLUMNS,
    )
)
