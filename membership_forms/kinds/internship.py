"""Internships: students apply for a term; the internship coordinator decides.

The form offers only open terms; screening reads the documents (only the workers open
files) and the dates. No directory listing.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

from .. import eligibility
from ..eligibility import INTERNSHIP_RULES
from .fields import (
    APPLICANT_SECTION,
    AVAILABILITY,
    DOCUMENTS_SECTION,
    INTERNSHIP_SECTION,
    LANGUAGES,
    PROFICIENCY,
    STUDIES_SECTION,
    STUDY_LEVELS,
    CoreField,
)
from .fields import FieldType as T
from .registry import KindSpec, Retention, register

FIELDS = (
    CoreField("full_name", T.SINGLELINE, _("Full name"), max_length=200, section=APPLICANT_SECTION),
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
)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def application(submission, files) -> eligibility.InternshipApplication:
    payload = submission.payload or {}
    return eligibility.InternshipApplication(
        term=str(payload.get("term", "")),
        start_date=_date(payload.get("start_date")),
        end_date=_date(payload.get("end_date")),
        study_level=str(payload.get("study_level", "")),
        english_proficiency=str(payload.get("english_proficiency", "")),
        documents=tuple(
            eligibility.DocumentCheck(
                name=report.field, present=True, valid=report.valid, pages=report.pages
            )
            for report in files
        ),
    )


SPEC = register(
    KindSpec(
        key="internship",
        label=_("Internship"),
        reference_prefix="INT",
        page_model="membership_forms.InternshipFormPage",
        core_fields=FIELDS,
        contact_fields=("email", "full_name"),
        privacy_note=_(
            "The Secretariat uses your answers and documents only to consider your "
            "application. If it is not successful, we delete them %(days)s days after the "
            "decision."
        ),
        submit_label=_("Send the application"),
        retention=Retention.DECISION,
        rules=INTERNSHIP_RULES,
        application=application,
        duplicate_family="internship",
        queue="internship",
        export_columns=("full_name", "availability", "study_level", "field_of_study"),
    )
)
