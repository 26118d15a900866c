"""NGO Supporters: organisations that support the Coalition's work without full membership.

The Secretariat decides (or, when the page says so, eligible ones are approved at once);
approved Supporters are listed in the public directory.
"""

from django.utils.translation import gettext_lazy as _

from ..eligibility import SUPPORTER_RULES
from .organisation import organisation_kind
from .registry import register

SPEC = register(
    organisation_kind(
        key="supporter",
        label=_("NGO Supporter"),
        reference_prefix="SUP",
        page_model="membership_forms.SupporterFormPage",
        privacy_note=_(
            "The Secretariat uses your answers only to consider this application. If it is "
            "declined or withdrawn, we delete them %(days)s days after the decision. If it is "
            "approved, the organisation's name, country and website appear in the public list "
            "of NGO Supporters."
        ),
        rules=SUPPORTER_RULES,
        queue="supporter",
        directory_category="supporter",
    )
)
