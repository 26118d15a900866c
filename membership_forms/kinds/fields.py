"""The vocabulary kinds are declared in: field types, core fields, sections, choices.

Core fields are what the screening rules read, so editors may relabel, translate, reorder
and explain them, but never remove them. Their keys and types live in code, in each
kind's declaration (`kinds/<kind>.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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
    the page's language) wherever an editor left the row's own label or help text empty.
    `validation.FieldSpec` is the same field resolved for one page in one language."""

    key: str
    type: str
    label: str | Promise
    required: bool = True
    choices: tuple[tuple[str, str | Promise], ...] = ()
    max_length: int | None = None
    help_text: str | Promise = ""
    section: str | Promise = ""
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
