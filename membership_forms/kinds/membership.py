"""Membership: organisations apply to join the Coalition as full Members.

The Secretariat screens; approval opens a Steering Committee vote, and a network first
needs its affiliation approved. Approved Members are listed in the public directory.
"""

from django.utils.translation import gettext_lazy as _

from ..eligibility import DEFAULT_RULES
from . import organisation
from .registry import KindSpec, Retention, register

SPEC = register(
    KindSpec(
        key="membership",
        label=_("Membership"),
        reference_prefix="MEM",
        page_model="membership_forms.MembershipFormPage",
        core_fields=organisation.FIELDS,
        contact_fields=organisation.CONTACT_FIELDS,
        privacy_note=_(
            "The Secretariat and the Steering Committee use your answers only to consider "
            "this application. If it is declined or withdrawn, we delete them %(days)s days "
            "after the decision. If it is approved, the organisation's name, country and "
            "website appear in the public list of members."
        ),
        submit_label=_("Send the application"),
        retention=Retention.DECISION,
        rules=tuple(DEFAULT_RULES["membership"]),
        application=organisation.application,
        duplicate_family="organisation",
        organisation_keys=True,
        queue="membership",
        affiliation_codes=("NETWORK_AFFILIATION",),
        committee_vote=True,
        directory_category="member",
        export_columns=organisation.EXPORT_COLUMNS,
    )
)
