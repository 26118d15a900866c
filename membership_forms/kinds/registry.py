"""The registry of form kinds: one `KindSpec` per kind, read by everything else.

A kind is declared once, in its own module (`kinds/membership.py`, ...), with `register`.
The models, the screening, the review queues, the emails, the inbox, the exports and the
retention read what they need from its spec; none of them keeps a table of kinds or
branches on a kind's name. See docs/architecture.md, "Form kinds and workflow steps".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core import checks
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from .fields import CoreField

if TYPE_CHECKING:
    from wagtail.models import Page


class Retention:
    """How long a kind's answers are kept (services/retention.py applies them)."""

    #: Until RETENTION_DAYS after a decline or withdrawal in its review queue.
    DECISION = "decision"
    #: The donation rules: DONATION_RETENTION_DAYS after the last paid gift, and so on.
    DONOR = "donor"
    #: As long as the subscription lasts: unsubscribing removes the address.
    SUBSCRIPTION = "subscription"
    #: RETENTION_DAYS after the submission arrived: a message needs nothing after that.
    RECEIPT = "receipt"


@dataclass(frozen=True)
class KindSpec:
    """Everything the plugin knows about one kind of form."""

    key: str
    label: str | Promise
    #: The reference's first part: MEM-2026-00001.
    reference_prefix: str
    #: "app_label.ModelName" of the page editors add for this kind.
    page_model: str
    core_fields: tuple[CoreField, ...]
    #: The keys of the answers holding the sender's address and name.
    contact_fields: tuple[str, str]
    #: Beside the button: how the answers are used and kept (%(days)s is RETENTION_DAYS).
    privacy_note: str | Promise
    submit_label: str | Promise
    retention: str = Retention.DECISION

    # --- Intake -------------------------------------------------------------------------
    # Dotted paths, resolved when first called (they name services, which import kinds).
    #: callable(page, submission), run in the transaction that stores a submission: rows
    #: that go with it (the donation). A kind with one is stored in a transaction.
    record_rows: str = ""
    #: callable(client_hash) -> a message refusing the client (429) before validation.
    admission_check: str = ""
    #: callable(submission) -> extra keys for the submit endpoint's answer.
    answer_extra: str = ""

    # --- Screening ----------------------------------------------------------------------
    #: Eligibility rules (dotted paths); the RULES setting may replace them per kind.
    rules: tuple[str, ...] = ()
    #: Builds the rules' input from (submission, file reports); None: no rules input.
    application: Callable[[Any, list], Any] | None = None
    #: Submissions of kinds sharing a family are compared for duplicates; "" compares none.
    duplicate_family: str = ""
    #: The organisation's name, email domain and website count as duplicate keys too.
    organisation_keys: bool = False

    # --- Review -------------------------------------------------------------------------
    #: The review queue (ReviewQueue value); "" when nobody decides on this kind.
    queue: str = ""
    #: When set, a review opens only if screening raised one of these codes.
    review_codes: tuple[str, ...] = ()
    #: Codes that send the review to the network affiliation step first.
    affiliation_codes: tuple[str, ...] = ()
    #: Approval opens a Steering Committee vote instead of deciding.
    committee_vote: bool = False
    #: Approved ones are listed in the public directory under this category ("" never).
    directory_category: str = ""
    #: Who else may read this kind's submissions (besides the queue's reviewers).
    read_permission: str = ""
    #: Answers added to the queue's exports, after the review's own columns.
    export_columns: tuple[str, ...] = ()

    # --- After screening ----------------------------------------------------------------
    #: The submission's status when screened and no review opens.
    unreviewed_status: str = "processed"
    #: The email that answers the sender (NotificationKind value).
    acknowledgement: str = "acknowledgement"
    #: Dotted path of a callable(notification) -> extra placeholders for the emails about
    #: a submission of this kind (`{answers}` is added to a body that lacks it).
    email_values: str = ""

    def core(self) -> dict[str, CoreField]:
        return {field.key: field for field in self.core_fields}

    @property
    def email_field(self) -> str:
        return self.contact_fields[0]

    @property
    def name_field(self) -> str:
        return self.contact_fields[1]

    def needs_review(self, codes: Sequence[str]) -> bool:
        if not self.queue:
            return False
        return not self.review_codes or any(code in codes for code in self.review_codes)

    def hook(self, name: str) -> Callable[..., Any] | None:
        """The function one of the dotted-path fields names, or None when it is empty."""
        path = getattr(self, name)
        return _import(path) if path else None

    def get_page_model(self) -> type[Page]:
        from django.apps import apps

        return apps.get_model(self.page_model)


@functools.cache
def _import(path: str) -> Callable[..., Any]:
    return import_string(path)


_registry: dict[str, KindSpec] = {}


class UnknownKind(KeyError):
    pass


def register(spec: KindSpec) -> KindSpec:
    """Add a kind; registering the same key again replaces it (a module reloaded)."""
    if len(spec.key) > 20:
        raise ValueError(f"A kind's key has at most 20 characters: {spec.key!r}")
    for other in _registry.values():
        if other.key != spec.key and other.reference_prefix == spec.reference_prefix:
            raise ValueError(
                f"{spec.key} and {other.key} share the prefix {other.reference_prefix}"
            )
    _registry[spec.key] = spec
    return spec


def unregister(key: str) -> None:
    _registry.pop(key, None)


def get(key: str) -> KindSpec:
    try:
        return _registry[str(key)]
    except KeyError:
        raise UnknownKind(key) from None


def all() -> tuple[KindSpec, ...]:
    return tuple(_registry.values())


def names() -> list[str]:
    """The registered kinds' keys."""
    return list(_registry)


def kind_choices() -> list[tuple[str, Any]]:
    """The model fields' choices: a callable, so a new kind needs no migration."""
    return [(spec.key, spec.label) for spec in _registry.values()]


def for_queue(queue: str) -> KindSpec | None:
    return next((spec for spec in _registry.values() if spec.queue == queue), None)


def page_models() -> tuple[type[Page], ...]:
    """The page model of every kind, in the order the kinds were registered."""
    return tuple(spec.get_page_model() for spec in _registry.values())


def core_fields(kind: str) -> dict[str, CoreField]:
    return get(kind).core()


@checks.register()
def check_kinds(app_configs, **kwargs):
    """Each kind's page model exists and says it is of that kind."""
    from django.apps import apps

    errors = []
    for spec in _registry.values():
        try:
            model = apps.get_model(spec.page_model)
        except (LookupError, ValueError):
            errors.append(
                checks.Error(
                    f"The page model {spec.page_model!r} of kind {spec.key!r} does not exist.",
                    hint="Name it as app_label.ModelName, in an installed app.",
                    id="membership_forms.E020",
                )
            )
            continue
        if getattr(model, "kind", None) != spec.key:
            errors.append(
                checks.Error(
                    f"{model.__name__}.kind is {getattr(model, 'kind', None)!r}, not {spec.key!r}.",
                    hint="Set kind on the page model to its KindSpec's key.",
                    id="membership_forms.E021",
                )
            )
    return errors
