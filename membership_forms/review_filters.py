"""The review queues' filters, in Wagtail's side panel: every choice shown in words.

Statuses, outcomes and regions by their labels, countries by their names in the admin's
language; a country code in lower case is taken, one that is not a country is ignored.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.forms.utils import flatatt
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from . import kinds
from .countries import country_choices
from .models import Review, ReviewQueue, ReviewStatus, ScreeningOutcome
from .models.kind_pages import term_name
from .regions import REGIONS
from .services import dashboard
from .terms import SEASONS, parse_term

AGES = {"7": 7, "30": 30, "90": 90}
UNASSIGNED = "none"


def _countries() -> list[tuple[str, str]]:
    return country_choices(translation.get_language() or "en")


class CountryField(django_filters.fields.ChoiceField):
    """A country code in any case; one that is not a country is not an error, only no filter."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def validate(self, value) -> None:
        if value and not self.valid_value(value):
            return
        super().validate(value)

    def clean(self, value):
        value = super().clean(value)
        return value if self.valid_value(value) else ""


class LongSelect(forms.Select):
    """A select of many plain options (the countries), its markup made at once: Django's
    template per option took a fifth of the queue page's time for 250 countries."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (code, " selected" if str(code) in chosen else "", label)
                for code, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>\n{}\n</select>', name, attributes, options)


class CountrySelect(LongSelect):
    """The country asked for in lower case ("?country=fr") shows as chosen too."""

    def format_value(self, value):
        return [str(item).strip().upper() for item in super().format_value(value)]


class CountryFilter(django_filters.ChoiceFilter):
    field_class = CountryField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", CountrySelect)
        super().__init__(*args, **kwargs)


def _reviewer_choices(request) -> list[tuple[str, str]]:
    """The people items of this queue are assigned to, by name; and "nobody".

    Asked of each staff member (a few) rather than of each item (the whole queue): one
    look in the reviews' index on their assignee per person.
    """
    queue = getattr(request, "review_queue", "") if request else ""
    assigned = Review.objects.filter(queue=queue, assigned_to=OuterRef("pk"))
    users = (
        get_user_model()
        .objects.filter(Exists(assigned))
        .only("username", "first_name", "last_name")
        .order_by("first_name", "last_name", "username")
    )
    return [
        (UNASSIGNED, str(_("Nobody"))),
        *((str(user.pk), user.get_full_name() or user.get_username()) for user in users),
    ]


class ReviewerFilter(django_filters.ChoiceFilter):
    """Choices read when the form is built, for the queue of the request being answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[], **kwargs)

    @property
    def field(self):
        field = super().field
        field.choices = [("", "---------"), *_reviewer_choices(self.parent.request)]
        return field


def has_term(queue: str) -> bool:
    """Whether the queue's kind asks for a term (internships): its column and filter."""
    spec = kinds.for_queue(queue)
    return bool(spec and "term" in spec.core())


class TermFilter(django_filters.ChoiceFilter):
    """The terms this queue's items applied for, latest first, in words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[], **kwargs)

    @property
    def field(self):
        field = super().field
        queue = getattr(self.parent.request, "review_queue", "")
        terms = (
            Review.objects.filter(queue=queue)
            .exclude(term="")
            .order_by()
            .values_list("term", flat=True)
            .distinct()
        )
        field.choices = [
            ("", "---------"),
            *((term, term_name(term)) for term in sorted(terms, key=_term_order, reverse=True)),
        ]
        return field


def _term_order(term: str) -> tuple[int, int]:
    try:
        season, year = parse_term(term)
    except ValueError:
        return (0, 0)
    return (year, SEASONS[season].start_month)


class QueueFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    outcome = django_filters.ChoiceFilter(
        label=_("Screening outcome"), choices=ScreeningOutcome.choices
    )
    country = CountryFilter(label=_("Country"), choices=_countries)
    region = django_filters.ChoiceFilter(label=_("Region"), choices=list(REGIONS.items()))
    term = TermFilter(label=_("Term"))
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget
    )
    age = django_filters.ChoiceFilter(
        label=_("Waiting more than"),
        method="filter_age",
        choices=[(key, _("%(days)s days") % {"days": key}) for key in AGES],
    )
    assigned_to = ReviewerFilter(label=_("Assigned reviewer"), method="filter_assigned")
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting"),
        method="filter_waiting",
        choices=[
            (dashboard.WAITING_FOR_ME, _("For me (assigned to me or unassigned)")),
            (dashboard.AWAITING_MY_VOTE, _("For my vote")),
            # The dashboard's counts (services/dashboard.py).
            (dashboard.NEEDS_REVIEWER, _("For a reviewer")),
            (dashboard.OVERDUE, _("For a reviewer, past the deadline")),
            (dashboard.ASSIGNED_TO_ME, _("For a reviewer, assigned to me")),
        ],
    )

    class Meta:
        model = Review
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_term(getattr(self.request, "review_queue", "")):
            del self.filters["term"]  # only internships have terms

    def filter_age(self, queryset, name, value):
        if value not in AGES:
            return queryset
        return queryset.filter(submitted_at__lt=timezone.now() - timedelta(days=AGES[value]))

    def filter_assigned(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(assigned_to__isnull=True)
        return queryset.filter(assigned_to_id=value) if value else queryset

    def filter_waiting(self, queryset, name, value):
        user = self.request.user
        if value == dashboard.WAITING_FOR_ME:
            mine = dashboard.awaiting_review(user, ReviewQueue.values)
            return queryset.filter(pk__in=mine.values("pk"))
        if value == dashboard.AWAITING_MY_VOTE:
            return queryset.filter(pk__in=dashboard.awaiting_vote(user).values("pk"))
        if (counted := dashboard.waiting_filter(user, value)) is not None:
            return queryset.filter(pk__in=counted.values("pk"))
        return queryset
