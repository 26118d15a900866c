"""The bodies the forms API answers with, as its OpenAPI document describes them."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from ..filters import CountryParam, LocaleParam, RegionParam


class FormSummary(Schema):
    id: int
    title: str
    kind: str
    locale: str
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
    type: str
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
    kind: str
    locale: str
    intro: str
    is_open: bool
    closes_at: datetime | None
    fields: list[FieldOut]


class DonationOut(Schema):
    token: str
    status: str
    method: str
    frequency: str
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


class Accepted(Schema):
    reference: str
    status: str
    donation: DonationOut | None = None


class ReasonOut(Schema):
    code: str
    message: str


class EligibilityOut(Schema):
    outcome: str | None
    reasons: list[ReasonOut]


class NotificationOut(Schema):
    kind: str
    status: str
    sent_at: datetime | None


class StatusOut(Schema):
    reference: str
    kind: str
    status: str
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


class DirectoryOut(Schema):
    items: list[DirectoryEntryOut]


class DirectoryFilters(Schema):
    region: RegionParam = None
    country: CountryParam = None
    locale: LocaleParam = None
