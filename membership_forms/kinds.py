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
    key: str
    type: str
    label: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int | None = None
    help_text: str = ""
    extra: dict = field(default_factory=dict, hash=False)


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
    CoreField("organisation_name", T.SINGLELINE, _("Name of the organisation"), max_length=200),
    CoreField("organisation_type", T.RADIO, _("Type of organisation"), choices=ORGANISATION_TYPES),
    CoreField("mandate", T.MULTILINE, _("Mandate and principal activities"), max_length=5000),
    CoreField("headquarters", T.SINGLELINE, _("Headquarters (city)"), max_length=200),
    CoreField("headquarters_country", T.COUNTRY, _("Country of the headquarters")),
    CoreField("operations", T.MULTILINE, _("Locations of operations"), max_length=2000),
    CoreField("legally_registered", T.BOOLEAN, _("Is the organisation legally registered?")),
    CoreField(
        "government_controlled",
        T.BOOLEAN,
        _("Is the organisation operated or controlled by a government?"),
    ),
    CoreField(
        "independent",
        T.BOOLEAN,
        _("Does it operate independently, neutrally and impartially of government influence?"),
    ),
    CoreField(
        "endorses_common_understanding",
        T.BOOLEAN,
        _("Does it endorse the common understanding of the Responsibility to Protect?"),
    ),
    CoreField(
        "has_rtop_programme",
        T.BOOLEAN,
        _("Does it run a programme related to the Responsibility to Protect?"),
    ),
    CoreField(
        "programme_description",
        T.MULTILINE,
        _("Describe the programme"),
        required=False,
        max_length=5000,
    ),
    CoreField(
        "willing_to_commit", T.BOOLEAN, _("Is it willing to commit to work with the Coalition?")
    ),
    CoreField(
        "network_scope", T.RADIO, _("Scope of the network"), required=False, choices=NETWORK_SCOPES
    ),
    CoreField("sectors", T.CHECKBOXES, _("Sectors of work"), required=False, choices=SECTORS),
    CoreField("website", T.URL, _("Website"), required=False, max_length=500),
    CoreField("contact_name", T.SINGLELINE, _("Contact person"), max_length=200),
    CoreField("contact_email", T.EMAIL, _("Contact email")),
)

CORE_FIELDS: dict[str, tuple[CoreField, ...]] = {
    FormKind.MEMBERSHIP: _ORGANISATION,
    FormKind.SUPPORTER: _ORGANISATION,
    FormKind.INTERNSHIP: (
        CoreField("full_name", T.SINGLELINE, _("Full name"), max_length=200),
        CoreField("email", T.EMAIL, _("Email")),
        CoreField("term", T.TERM, _("Term")),
        CoreField("availability", T.RADIO, _("Availability"), choices=AVAILABILITY),
        CoreField("start_date", T.DATE, _("Start date")),
        CoreField("end_date", T.DATE, _("End date")),
        CoreField("study_level", T.RADIO, _("Level of study"), choices=STUDY_LEVELS),
        CoreField("field_of_study", T.SINGLELINE, _("Field of study"), max_length=200),
        CoreField(
            "english_proficiency", T.DROPDOWN, _("Proficiency in English"), choices=PROFICIENCY
        ),
        CoreField(
            "other_languages", T.CHECKBOXES, _("Other languages"), required=False, choices=LANGUAGES
        ),
        CoreField(
            "academic_credit",
            T.SINGLELINE,
            _("Academic credit (institution and requirements)"),
            required=False,
            max_length=500,
        ),
        CoreField("cover_letter", T.FILE, _("Cover letter")),
        CoreField("resume", T.FILE, _("Resume")),
        CoreField("writing_sample", T.FILE, _("Writing sample (3 to 5 pages)")),
    ),
    FormKind.DONATION: (
        CoreField("amount", T.AMOUNT, _("Amount")),
        CoreField("currency", T.CURRENCY, _("Currency")),
        CoreField("frequency", T.RADIO, _("Frequency"), choices=FREQUENCIES),
        CoreField("donor_name", T.SINGLELINE, _("Your name"), max_length=200),
        CoreField("donor_email", T.EMAIL, _("Your email")),
        CoreField("dedication", T.MULTILINE, _("Dedication"), required=False, max_length=1000),
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
