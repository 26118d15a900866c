"""The bodies the forms API answers with, as its OpenAPI document describes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import WithJsonSchema

from ..filters import CountryParam, LocaleParam, RegionParam, language_codes
from ..kinds.fields import FieldType
from ..models.donations import DonationStatus, Frequency, PaymentMethod
from ..models.notifications import NotificationKind, NotificationStatus
from ..models.submissions import ScreeningOutcome, SubmissionStatus


def one_of(values, description: str, nullable: bool = False) -> WithJsonSchema:
    """The document states the field as an enum of `values` (a closed set); the answer
    itself is not re-checked against it."""
    schema: dict = {"type": "string", "enum": [str(value) for value in values]}
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return WithJsonSchema({**schema, "description": description})


Locale = Annotated[str, one_of(language_codes(), "The page's language.")]
# Kinds stay open strings: a project may register its own (docs/architecture.md).
Kind = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "description": (
                "The form's kind: membership, supporter, internship, donation, newsletter, "
                "contact, or one a project registers."
            ),
        }
    ),
]
FieldTypeName = Annotated[str, one_of(FieldType.values, "The input to show.")]
GiftStatus = Annotated[str, one_of(DonationStatus.values, "Where the gift stands.")]
Method = Annotated[str, one_of(PaymentMethod.values, "How the donor gives.")]
GiftFrequency = Annotated[str, one_of(Frequency.values, "Once, or every month.")]
State = Annotated[str, one_of(SubmissionStatus.values, "The submission's state.")]
Outcome = Annotated[
    str | None,
    one_of(ScreeningOutcome.values, "The screening's outcome; null until screened.", True),
]
EmailKind = Annotated[str, one_of(NotificationKind.values, "Which email.")]
EmailStatus = Annotated[str, one_of(NotificationStatus.values, "Whether it has gone.")]


class FormSummary(Schema):
    id: int
    title: str
    kind: Kind
    locale: Locale
    url: str | None
    is_open: bool


class FormList(Schema):
    items: list[FormSummary]


class ChoiceOut(Schema):
    value: str
    label: str


class FieldOut(Schema):
    name: str
    label: str
    type: FieldTypeName
    required: bool
    help_text: str
    choices: list[ChoiceOut]
    max_length: int | None
    accept: list[str]
    max_bytes: int | None
    section: str = Field(
        "", description="The heading of the group of questions the field belongs to, or empty."
    )


class FormDetail(Schema):
    id: int
    title: str
    kind: Kind
    locale: Locale
    intro: str
    is_open: bool
    closes_at: datetime | None
    fields: list[FieldOut]
    submit_label: str = Field("", description="The send button's words, as on the form page.")
    privacy_note: str = Field(
        "", description="How the answers are used and kept: shown beside the send button."
    )
    privacy_url: str | None = Field(
        None,
        description="The site's privacy notice in the form's language, linked from the note; "
        "null when the site has none.",
    )
    thank_you_text: str = Field(
        "",
        description="The page's words after a submission (HTML, absolute links), or empty.",
    )
    captcha_site_key: str | None = Field(
        None,
        description=(
            "While the site has Cloudflare Turnstile on: the site key to render its widget "
            "with; its token goes in `captcha_token` (required then). Null when off."
        ),
    )


# Each form's own schema; the document says only that it is one (GET /forms/{id}/schema/).
SubmissionSchema = Annotated[
    dict,
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": True,
            "description": (
                "A JSON Schema (draft 2020-12) of the form's submission body: `properties` "
                "per field, `required`, `additionalProperties: false`."
            ),
        }
    ),
]


class DonationOut(Schema):
    token: str
    status: GiftStatus
    method: Method
    frequency: GiftFrequency
    amount: str
    currency: str
    payment_url: str | None = Field(
        None, description="Stripe Checkout; null until the worker has made it (poll the status)."
    )
    checkout_failed: bool = Field(
        False,
        description=(
            "True when the payment page could not be made (Stripe refused or was unreachable "
            "through every retry, or the task was lost): no money was taken, `payment_url` "
            "stays null and `pledge_instructions` say how to give offline instead; the "
            "donor's page on the site also offers a new attempt. Stop polling."
        ),
    )
    pledge_instructions: str | None = Field(
        None,
        description=(
            "Bank-transfer and postal details (HTML) when paying offline, or when the "
            "payment page could not be made."
        ),
    )
    donor_page_url: str | None = Field(
        None,
        description=(
            "The donor's page on the site: it waits for the payment page and goes on to it, "
            "offers a new attempt when it could not be made, and shows the gift's outcome. "
            "Stripe Checkout sends the donor back there (with `?returned=1` after paying)."
        ),
    )


class Accepted(Schema):
    reference: str
    status: State
    donation: DonationOut | None = None


class ReasonOut(Schema):
    code: str
    message: str


class EligibilityOut(Schema):
    outcome: Outcome
    reasons: list[ReasonOut]


class NotificationOut(Schema):
    kind: EmailKind
    status: EmailStatus
    sent_at: datetime | None


class StatusOut(Schema):
    reference: str
    kind: Kind
    status: State
    submitted_at: datetime
    processed_at: datetime | None
    eligibility: EligibilityOut
    notifications: list[NotificationOut]
    actions: list[str] = Field(
        default_factory=list,
        description=(
            "The review steps the caller may take now on the submission's review, named as "
            "the admin's review page posts them (workflow.STEPS); empty outside a queue. "
            "A step that would open a committee vote is left out while the Steering "
            "Committee has fewer members who can vote than the quorum."
        ),
    )


class ListFilters(Schema):
    kind: str | None = Field(None, description="Only forms of this kind (membership, ...).")
    locale: LocaleParam = None


class DirectoryEntryOut(Schema):
    organisation_name: str
    category: str
    country: str
    country_name: str
    region: str
    website: str
    status: str = Field(description="The membership's status: active, lapse_pending.")
    renewed_at: date | None = Field(None, description="The day it was last confirmed.")


class DirectoryOut(Schema):
    items: list[DirectoryEntryOut]


class DirectoryFilters(Schema):
    region: RegionParam = None
    country: CountryParam = None
    locale: LocaleParam = None


class ProgressStepOut(Schema):
    key: str = Field(description="received, screened, secretariat, committee or decided")
    name: str = Field(description="The step's name in the request's language")
    done: bool = Field(description="Reached (the current step included)")
    current: bool


class MyApplicationOut(Schema):
    reference: str
    kind: str
    status: SubmissionStatus
    status_words: str = Field(description="Where it stands, in the request's language")
    submitted_at: datetime
    progress: list[ProgressStepOut]


class MyApplicationsOut(Schema):
    items: list[MyApplicationOut]


class OrganisationContactOut(Schema):
    email: str
    role: str = Field(description="primary, editor or reader (the primary contact first)")


class MyOrganisationOut(Schema):
    name: str
    status: str = Field(description="active, lapse_pending, lapsed or suspended")
    status_words: str = Field(description="The status in the request's language")
    anniversary: date = Field(description="The next day the membership is to be confirmed")
    renewed_at: date | None = Field(description="The day it was last confirmed")
    role: str = Field(description="The signed-in person's role: primary, editor or reader")
    contacts: list[OrganisationContactOut] | None = Field(
        description="The organisation's people (for its primary contact only; else null)"
    )
