"""Decline reasons in the admin (Snippets → Decline reasons): each belongs to one review
queue, shown as a column and a filter beside Wagtail's own locale filter."""

from __future__ import annotations

from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DeclineReason


class DeclineReasonViewSet(SnippetViewSet):
    model = DeclineReason
    icon = "comment"
    list_display = ["title", "queue", "code"]
    list_filter = ["queue"]
    ordering = ["queue", "title"]
