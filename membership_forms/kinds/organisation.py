"""What Member and NGO Supporter applications share: the organisation's core fields, the
rules' input built from them, and the rest of their declaration (`organisation_kind`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .. import eligibility
from .fields import (
    COMMITMENT_SECTION,
    CONTACT_SECTION,
    NETWORK_SCOPES,
    ORGANISATION_SECTION,
    ORGANISATION_TYPES,
    SECTORS,
    CoreField,
)
from .fields import FieldType as T
from .registry import KindSpec, Retention

FIELDS = (
    CoreField(
        "organisation_name",
        T.SINGLELINE,
        _("Name of the organisation"),
        max_length=200,
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "organisation_type",
        T.RADIO,
        _("Type of organisation"),
        choices=ORGANISATION_TYPES,
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "mandate",
        T.MULTILINE,
        _("Mandate and principal activities"),
        max_length=5000,
        help_text=_("What the organisation is for and what it does, in a few paragraphs."),
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "headquarters",
        T.SINGLELINE,
        _("Headquarters (city)"),
        max_length=200,
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "headquarters_country",
        T.COUNTRY,
        _("Country of the headquarters"),
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "operations",
        T.MULTILINE,
        _("Locations of operations"),
        max_length=2000,
        help_text=_("The countries, regions or cities where the organisation works."),
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "network_scope",
        T.RADIO,
        _("Scope of the network"),
        required=False,
        choices=NETWORK_SCOPES,
        help_text=_("Networks and coalitions only."),
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "sectors",
        T.CHECKBOXES,
        _("Sectors of work"),
        required=False,
        choices=SECTORS,
        section=ORGANISATION_SECTION,
    ),
    CoreField(
        "website", T.URL, _("Website"), required=False, max_length=500, section=ORGANISATION_SECTION
    ),
    CoreField(
        "legally_registered",
        T.BOOLEAN,
        _("Is the organisation legally registered?"),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "government_controlled",
        T.BOOLEAN,
        _("Is the organisation operated or controlled by a government?"),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "independent",
        T.BOOLEAN,
        _("Does it operate independently, neutrally and impartially of government influence?"),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "endorses_common_understanding",
        T.BOOLEAN,
        _("Does it endorse the common understanding of the Responsibility to Protect?"),
        help_text=_(
            "As agreed by the United Nations General Assembly in the 2005 World Summit Outcome "
            "(paragraphs 138 and 139)."
        ),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "has_rtop_programme",
        T.BOOLEAN,
        _("Does it run a programme related to the Responsibility to Protect?"),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "programme_description",
        T.MULTILINE,
        _("Describe the programme"),
        required=False,
        max_length=5000,
        help_text=_("If it runs one: its aims, activities and the people it reaches."),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "willing_to_commit",
        T.BOOLEAN,
        _("Is it willing to commit to work with the Coalition?"),
        section=COMMITMENT_SECTION,
    ),
    CoreField(
        "contact_name", T.SINGLELINE, _("Contact person"), max_length=200, section=CONTACT_SECTION
    ),
    CoreField(
        "contact_email",
        T.EMAIL,
        _("Contact email"),
        help_text=_("We write to this address about the application."),
        section=CONTACT_SECTION,
    ),
)


def application(submission, files) -> eligibility.OrganisationApplication:
    payload = submission.payload or {}
    return eligibility.OrganisationApplication(
        kind=submission.kind,
        organisation_type=str(payload.get("organisation_type", "")),
        legally_registered=bool(payload.get("legally_registered")),
        government_controlled=bool(payload.get("government_controlled")),
        independent=bool(payload.get("independent")),
        endorses_common_understanding=bool(payload.get("endorses_common_understanding")),
        has_rtop_programme=bool(payload.get("has_rtop_programme")),
        willing_to_commit=bool(payload.get("willing_to_commit")),
        network_scope=payload.get("network_scope") or None,
    )


def organisation_kind(**declaration) -> KindSpec:
    """An organisation's application: the fields, screening, retention and exports that
    membership and supporter share; `declaration` gives what differs."""
    return KindSpec(
        core_fields=FIELDS,
        contact_fields=("contact_email", "contact_name"),
        submit_label=_("Send the application"),
        retention=Retention.DECISION,
        application=application,
        duplicate_family="organisation",
        organisation_keys=True,
        export_columns=("organisation_name", "organisation_type", "website"),
        **declaration,
    )
