"""The rules of the two organisation categories: Member and NGO Supporter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .core import Code, Reason, rule_paths


class Category(StrEnum):
    """What the organisation applies to be (the kind of its form)."""

    MEMBERSHIP = "membership"
    SUPPORTER = "supporter"


@dataclass(frozen=True)
class OrganisationApplication:
    kind: str  # a Category
    organisation_type: str
    legally_registered: bool
    government_controlled: bool
    independent: bool
    endorses_common_understanding: bool
    has_rtop_programme: bool
    willing_to_commit: bool
    network_scope: str | None = None


class GovernmentControlledRule:
    """Only non-governmental organisations, independent of government influence, may join."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if application.government_controlled:
            yield Reason.of(Code.GOVERNMENT_CONTROLLED)
        if not application.independent:
            yield Reason.of(Code.NOT_INDEPENDENT)


class OrganisationTypeRule:
    """Individuals and whole companies cannot join; a company's not-for-profit arm can."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if application.organisation_type == "individual":
            yield Reason.of(Code.INDIVIDUAL_APPLICANT)
        elif application.organisation_type == "private_company":
            yield Reason.of(Code.FOR_PROFIT)


class EndorsementRule:
    """Every Member and Supporter endorses the common understanding of RtoP."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if not application.endorses_common_understanding:
            yield Reason.of(Code.NO_ENDORSEMENT)


class RegistrationRule:
    """Registration is asked, not a stated bar, so a person looks at it."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        if not application.legally_registered:
            yield Reason.of(Code.NOT_REGISTERED)


class MembershipCategoryRule:
    """Full Members run RtoP work and commit to the Coalition; Supporters who do may upgrade."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        committed = application.has_rtop_programme and application.willing_to_commit
        if application.kind == Category.MEMBERSHIP and not committed:
            yield Reason.of(Code.NO_RTOP_PROGRAMME)
        elif application.kind == Category.SUPPORTER and committed:
            yield Reason.of(Code.SUGGEST_MEMBERSHIP)


class NetworkAffiliationRule:
    """Networks need the Secretariat's prior approval to carry the Coalition's name."""

    def check(self, application: OrganisationApplication, received_on: date) -> Iterator[Reason]:
        is_network = application.organisation_type == "network" or bool(application.network_scope)
        if application.kind == Category.MEMBERSHIP and is_network:
            yield Reason.of(Code.NETWORK_AFFILIATION)


_ORGANISATION = (GovernmentControlledRule, OrganisationTypeRule, EndorsementRule, RegistrationRule)
MEMBERSHIP_RULES = rule_paths(*_ORGANISATION, MembershipCategoryRule, NetworkAffiliationRule)
SUPPORTER_RULES = rule_paths(*_ORGANISATION, MembershipCategoryRule)
