"""Membership: organisations apply to join the Coalition as full Members.

The Secretariat screens; approval opens a Steering Committee vote, and a network first
needs its affiliation approved. Approved Members are listed in the public directory.
"""

from django.utils.translation import gettext_lazy as _

from ..eligibility import MEMBERSHIP_RULES
from .organisation import organisation_kind
from .registry import register

SPEC = register(
    organisation_kind(
        key="membership",
        label=_("Membership"),
        reference_prefix="MEM",
        page_model="membership_forms.MembershipFormPage",
        privacy_note=_(
            "The Secretariat and the Steering Committee use your answers only to consider "
            "this application. If it is declined or withdrawn, we delete them %(days)s days "
            "after the decision. If it is approved, the organisation's name, country and "
            "website appear in the public list of members."
        ),
        rules=MEMBERSHIP_RULES,
        queue="membership",
        affiliation_codes=("NETWORK_AFFILIATION",),
        committee_vote=True,
        directory_category="member",
    )
)
