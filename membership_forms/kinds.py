"""The five kinds of form and the core fields each one must keep.

Core fields are what the screening rules read, so editors may relabel, translate, reorder
and explain them, but never remove them. Their keys and types live here, in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    MEMBERSHIP = "membership", _("Membership")
    SUPPORTER = "supporter", _("NGO Supporter")
    INTERNSHIP = "internship", _("Internship")
    DONATION = "donation", _("Donation")
    NEWSLETTER = "newsletter", _("Newsletter")


REFERENCE_PREFIXES = {
    FormKind.MEMBERSHIP: "MEM",
    FormKind.SUPPORTER: "SUP",
    FormKind.INTERNSHIP: "INT",
    FormKind.DONATION: "DON",
    FormKind.NEWSLETTER: "NEW",
}


class FieldType(models.TextChoices):
    """Wagtail's form builder types, plus file, country and the types only core fields use."""

    SINGLELINE = "singleline", _("Single line text")
    MULTILINE = "multiline", _("Multi-line text")
    EMAIL = "email", _("Email")
    NUMBER = "number", _("Number")
    URL = "url", _("URL")
    CHECKBOX = "checkbox", _("Checkbox")
    CHECKBOXES = "checkboxes", _("Checkboxes")
    DROPDOWN = "dropdown", _("Drop down")
    MULTISELECT = "multiselect", _("Multiple select")
    RADIO = "radio", _("Radio buttons")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date/time")
    HIDDEN = "hidden", _("Hidden field")
    FILE = "file", _("File (PDF or DOCX)")
    COUNTRY = "country", _("Country")
    # Core fields only: their choices come from the page or the rules, not from editors.
    BOOLEAN = "boolean", _("Yes or no")
    AMOUNT = "amount", _("Amount")
    CURRENCY = "currency", _("Currency")
    TERM = "term", _("Internship term")


CORE_ONLY_TYPES = {FieldType.BOOLEAN, FieldType.AMOUNT, FieldType.CURRENCY, FieldType.TERM}
CHOICE_TYPES = {
    FieldType.CHECKBOXES,
    FieldType.DROPDOWN,
    FieldType.MULTISELECT,
    FieldType.RADIO,
}
MULTIPLE_TYPES = {FieldType.CHECKBOXES, FieldType.MULTISELECT}


@dataclass(frozen=True)
class CoreField:
    """A field the rules read. Its label and help text are the standard wording, used (in
    the page's language) wherever an editor left the row's own label or help text empty."""

    key: str
    type: str
    label: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    help_text: str = ""
    section: str = ""
    extra: dict = field(default_factory=dict, hash=False)


# Headings that group a form's questions. A field without a section of its own (an
# editor's) joins the section of the field before it.
ORGANISATION_SECTION = _("About the organisation")
COMMITMENT_SECTION = _("Independence and commitment")
CONTACT_SECTION = _("Contact details")
APPLICANT_SECTION = _("About you")
INTERNSHIP_SECTION = _("The internship")
STUDIES_SECTION = _("Studies and languages")
DOCUMENTS_SECTION = _("Documents")
GIFT_SECTION = _("Your gift")
DONOR_SECTION = _("About you")


ORGANISATION_TYPES = (
    ("ngo", _("Non-governmental organisation")),
    ("network", _("National or regional network or coalition")),
    ("academic", _("Academic institution or department")),
    ("private_nonprofit", _("Not-for-profit component of a private-sector body")),
    ("private_company", _("Private company")),
    ("individual", _("Individual")),
)
NETWORK_SCOPES = (("national", _("National")), ("regional", _("Regional")))
SECTORS = (
    ("conflict_prevention", _("Conflict prevention")),
    ("peacebuilding", _("Peacebuilding")),
    ("women_peace_security", _("Women, peace and security")),
    ("human_rights", _("Human rights")),
    ("humanitarian", _("Humanitarian action")),
    ("transitional_justice", _("Transitional justice")),
    ("research", _("Research and education")),
)
AVAILABILITY = (("full_time", _("Full time")), ("part_time", _("Part time")))
STUDY_LEVELS = (
    ("advanced_undergraduate", _("Advanced undergraduate")),
    ("graduate", _("Graduate")),
    ("other", _("Other")),
)
PROFICIENCY = (
    ("native", _("Native")),
    ("fluent", _("Fluent")),
    ("working", _("Working knowledge")),
    ("limited", _("Limited")),
    ("none", _("None")),
)
LANGUAGES = (
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
    ("other", _("Other")),
)
FREQUENCIES = (("one_time", _("One time")), ("monthly", _("Monthly")))

T = FieldType

_ORGANISATION = (
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

CORE_FIELDS: dict[str, tuple[CoreField, ...]] = {
    FormKind.MEMBERSHIP: _ORGANISATION,
    FormKind.SUPPORTER: _ORGANISATION,
    FormKind.INTERNSHIP: (
        CoreField(
            "full_name", T.SINGLELINE, _("Full name"), max_length=200, section=APPLICANT_SECTION
        ),
        CoreField("email", T.EMAIL, _("Email"), section=APPLICANT_SECTION),
        CoreField("term", T.TERM, _("Term"), section=INTERNSHIP_SECTION),
        CoreField(
            "availability",
            T.RADIO,
            _("Availability"),
            choices=AVAILABILITY,
            section=INTERNSHIP_SECTION,
        ),
        CoreField("start_date", T.DATE, _("Start date"), section=INTERNSHIP_SECTION),
        CoreField(
            "end_date",
            T.DATE,
            _("End date"),
            help_text=_("Internships last three to four months."),
            section=INTERNSHIP_SECTION,
        ),
        CoreField(
            "study_level",
            T.RADIO,
            _("Level of study"),
            choices=STUDY_LEVELS,
            section=STUDIES_SECTION,
        ),
        CoreField(
            "field_of_study",
            T.SINGLELINE,
            _("Field of study"),
            max_length=200,
            section=STUDIES_SECTION,
        ),
        CoreField(
            "english_proficiency",
            T.DROPDOWN,
            _("Proficiency in English"),
            choices=PROFICIENCY,
            section=STUDIES_SECTION,
        ),
        CoreField(
            "other_languages",
            T.CHECKBOXES,
            _("Other languages"),
            required=False,
            choices=LANGUAGES,
            section=STUDIES_SECTION,
        ),
        CoreField(
            "academic_credit",
            T.SINGLELINE,
            _("Academic credit (institution and requirements)"),
            required=False,
            max_length=500,
            help_text=_("If your university gives credit for the internship."),
            section=STUDIES_SECTION,
        ),
        CoreField("cover_letter", T.FILE, _("Cover letter"), section=DOCUMENTS_SECTION),
        CoreField("resume", T.FILE, _("Resume"), section=DOCUMENTS_SECTION),
        CoreField(
            "writing_sample",
            T.FILE,
            _("Writing sample (3 to 5 pages)"),
            help_text=_("A piece of your own writing, in English, of three to five pages."),
            section=DOCUMENTS_SECTION,
        ),
    ),
    FormKind.DONATION: (
        CoreField("amount", T.AMOUNT, _("Amount"), section=GIFT_SECTION),
        CoreField("currency", T.CURRENCY, _("Currency"), section=GIFT_SECTION),
        CoreField("frequency", T.RADIO, _("Frequency"), choices=FREQUENCIES, section=GIFT_SECTION),
        CoreField(
            "donor_name", T.SINGLELINE, _("Your name"), max_length=200, section=DONOR_SECTION
        ),
        CoreField(
            "donor_email",
            T.EMAIL,
            _("Your email"),
            help_text=_("Your confirmation and receipt are sent here."),
            section=DONOR_SECTION,
        ),
        CoreField(
            "dedication",
            T.MULTILINE,
            _("Dedication"),
            required=False,
            max_length=1000,
            help_text=_("If you give in someone's name or memory."),
            section=DONOR_SECTION,
        ),
    ),
    FormKind.NEWSLETTER: (
        CoreField("email", T.EMAIL, _("Email")),
        CoreField("name", T.SINGLELINE, _("Name"), required=False, max_length=200),
    ),
}

# The field that holds the applicant's address and the one that holds their name, per kind.
CONTACT_FIELDS = {
    FormKind.MEMBERSHIP: ("contact_email", "contact_name"),
    FormKind.SUPPORTER: ("contact_email", "contact_name"),
    FormKind.INTERNSHIP: ("email", "full_name"),
    FormKind.DONATION: ("donor_email", "donor_name"),
    FormKind.NEWSLETTER: ("email", "name"),
}


def core_fields(kind: str) -> dict[str, CoreField]:
    return {core.key: core for core in CORE_FIELDS[kind]}


# What each kind's form tells people about their data, beside its button. %(days)s is
# the RETENTION_DAYS setting: how long after a decline or withdrawal answers are kept.
PRIVACY_NOTES = {
    FormKind.MEMBERSHIP: _(
        "The Secretariat and the Steering Committee use your answers only to consider this "
        "application. If it is declined or withdrawn, we delete them %(days)s days after the "
        "decision. If it is approved, the organisation's name, country and website appear "
        "in the public list of members."
    ),
    FormKind.SUPPORTER: _(
        "The Secretariat uses your answers only to consider this application. If it is "
        "declined or withdrawn, we delete them %(days)s days after the decision. If it is "
        "approved, the organisation's name, country and website appear in the public list "
        "of NGO Supporters."
    ),
    FormKind.INTERNSHIP: _(
        "The Secretariat uses your answers and documents only to consider your application. "
        "If it is not successful, we delete them %(days)s days after the decision."
    ),
    FormKind.DONATION: _(
        "We use your name and email address to thank you and to send your receipt, and we "
        "keep the record of your gift for our accounts. Card payments are handled by our "
        "payment provider; we never see your card number."
    ),
    FormKind.NEWSLETTER: _(
        "We use your email address only to send you the newsletter. Every issue has a link "
        "to unsubscribe at once."
    ),
}

# The words on each kind's submit button.
SUBMIT_LABELS = {
    FormKind.MEMBERSHIP: _("Send the application"),
    FormKind.SUPPORTER: _("Send the application"),
    FormKind.INTERNSHIP: _("Send the application"),
    FormKind.DONATION: _("Continue"),
    FormKind.NEWSLETTER: _("Subscribe"),
}
