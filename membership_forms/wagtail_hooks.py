"""Admin wiring: the submissions inbox, the review queues, their menus, dashboard and logs."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet

from . import (
    admin_views,
    inbox_admin,
    integrity_admin,
    review_bulk_actions,
    review_listing,
    review_views,
    subscriber_admin,
    workflow,
)
from .conf import get_setting
from .decline_reason_admin import DeclineReasonViewSet
from .models import (
    Export,
    Review,
    ReviewLogEntry,
    ReviewQueue,
    Submission,
    SubmissionLogEntry,
)
from .services.dashboard import queue_lines, vote_line
from .services.integrity import can_see_integrity
from .services.reviews import can_see_queue, visible_queues


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "membership-forms/submissions/",
            inbox_admin.submission_index,
            name="membership_forms_submissions",
        ),
        path(
            "membership-forms/submissions/results/",
            inbox_admin.submission_index_results,
            name="membership_forms_submissions_results",
        ),
        path(
            "membership-forms/submissions/bulk/",
            inbox_admin.bulk_action,
            name="membership_forms_submissions_bulk",
        ),
        *subscriber_admin.urls(),
        path(
            "membership-forms/submissions/<int:pk>/",
            admin_views.submission_detail,
            name="membership_forms_submission",
        ),
        path(
            "membership-forms/submissions/<int:pk>/retry/",
            admin_views.retry_submission,
            name="membership_forms_retry_submission",
        ),
        path(
            "membership-forms/emails/<int:pk>/retry/",
            admin_views.retry_email,
            name="membership_forms_retry_email",
        ),
        path(
            "membership-forms/files/<int:pk>/",
            admin_views.download_file,
            name="membership_forms_download",
        ),
        path(
            "membership-forms/files/<int:pk>/view/",
            admin_views.view_file,
            name="membership_forms_view_file",
        ),
        path(
            "membership-forms/reviews/<str:queue>/",
            review_listing.queue_list,
            name="membership_forms_queue",
        ),
        path(
            "membership-forms/reviews/<str:queue>/results/",
            review_listing.queue_list_results,
            name="membership_forms_queue_results",
        ),
        path(
            "membership-forms/reviews/<str:queue>/history/",
            review_views.queue_history,
            name="membership_forms_queue_history",
        ),
        path(
            "membership-forms/reviews/<str:queue>/export/",
            review_views.request_queue_export,
            name="membership_forms_queue_export",
        ),
        path(
            "membership-forms/exports/", review_views.export_list, name="membership_forms_exports"
        ),
        path(
            "membership-forms/exports/<int:pk>/",
            review_views.download_export,
            name="membership_forms_export_download",
        ),
        path(
            "membership-forms/review/<int:pk>/",
            review_views.review_detail,
            name="membership_forms_review",
        ),
        path(
            "membership-forms/review/<int:pk>/undo-assignment/",
            review_views.undo_assignment,
            name="membership_forms_review_undo_assignment",
        ),
        path(
            "membership-forms/review/comment/<int:pk>/delete/",
            review_views.delete_comment_view,
            name="membership_forms_comment_delete",
        ),
        path(
            "membership-forms/review/<int:pk>/<str:action>/",
            review_views.review_action,
            name="membership_forms_review_action",
        ),
        path(
            "membership-forms/integrity/",
            integrity_admin.integrity,
            name="membership_forms_integrity",
        ),
    ]


class SubmissionsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW)


@hooks.register("register_admin_menu_item")
def register_submissions_menu_item():
    return SubmissionsMenuItem(
        _("Submissions"),
        reverse("membership_forms_submissions"),
        icon_name="form",
        order=250,
    )


class SubscribersMenuItem(MenuItem):
    def is_shown(self, request):
        return subscriber_admin.can_read_subscribers(request.user)


@hooks.register("register_admin_menu_item")
def register_subscribers_menu_item():
    return SubscribersMenuItem(
        _("Newsletter subscribers"),
        reverse("membership_forms_subscribers"),
        icon_name="mail",
        order=255,
    )


for bulk_action in review_bulk_actions.BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    # Entries written before downloads were logged on the submission's own log.
    actions.register_action(
        "membership_forms.download_file", _("Download file"), _("Submitted file downloaded")
    )
    # Each workflow step's log action comes from its row (workflow.STEPS).
    for action, label, message in workflow.log_actions():
        actions.register_action(f"membership_forms.review.{action}", label, message)
    for action, label, message in ORGANISATION_LOG_ACTIONS:
        actions.register_action(f"membership_forms.organisation.{action}", label, message)
    for action, label, message in SUBMISSION_LOG_ACTIONS:
        actions.register_action(f"membership_forms.submission.{action}", label, message)
    # Reviews and exports log into the queue-aware table, submissions into the kind-aware
    # one, so each reader sees only the entries of what they may read (models/audit.py).
    actions.register_model(Review, ReviewLogEntry)
    actions.register_model(Export, ReviewLogEntry)
    actions.register_model(Submission, SubmissionLogEntry)


ORGANISATION_LOG_ACTIONS = [
    ("create", _("Organisation created"), _("Organisation created on approval")),
    ("invite", _("Colleague invited"), _("Colleague invited")),
    ("join", _("Colleague joined"), _("Colleague joined")),
    ("remove_contact", _("Colleague removed"), _("Colleague removed")),
    ("status", _("Status changed"), _("Organisation status changed")),
    ("propose_listing", _("Listing change proposed"), _("Listing change proposed")),
    ("approve_listing", _("Listing change approved"), _("Listing change approved")),
    ("reject_listing", _("Listing change rejected"), _("Listing change rejected")),
]

SUBMISSION_LOG_ACTIONS = [
    ("view", _("Viewed"), _("Submission viewed")),
    ("download", _("Downloaded"), _("Submitted file downloaded")),
    ("view_file", _("File viewed"), _("Submitted file viewed in the browser")),
    ("applicant_download", _("Downloaded by the applicant"), _("File downloaded by the applicant")),
    (
        "erasure_request",
        _("Erasure requested"),
        _("Erasure of personal data requested by the applicant"),
    ),
    ("api_read", _("Read through the API"), _("Submission read through the API")),
    ("export", _("Exported"), _("Submission exported")),
    ("purge", _("Personal data removed"), _("Personal data removed (retention)")),
    ("status", _("Status changed"), _("Status changed")),
]


class QueueMenuItem(MenuItem):
    def __init__(self, queue, *args, **kwargs):
        self.queue = queue
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return can_see_queue(request.user, self.queue)


class ReviewQueuesMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return bool(visible_queues(request.user))


@hooks.register("register_admin_menu_item")
def register_review_menu():
    items = [
        QueueMenuItem(
            queue,
            label,
            reverse("membership_forms_queue", args=[queue]),
            name=f"review-{queue}",
            icon_name="tasks",
            order=index,
        )
        for index, (queue, label) in enumerate(ReviewQueue.choices)
    ]
    return ReviewQueuesMenuItem(
        _("Review queues"), Menu(items=items), name="review-queues", icon_name="tasks", order=240
    )


class WaitingReviewsPanel(Component):
    """The dashboard's list of what waits for the signed-in reviewer, queue by queue, and
    the way to the integrity checks for those who may read them."""

    name = "membership_forms_waiting"
    template_name = "membership_forms/admin/home/waiting.html"
    order = 50

    def __init__(self, lines, vote, integrity_url):
        self.lines = lines
        self.vote = vote
        self.integrity_url = integrity_url

    def get_context_data(self, parent_context):
        return {
            "lines": self.lines,
            "vote": self.vote,
            "integrity_url": self.integrity_url,
            "sla_days": get_setting("REVIEW_SLA_DAYS"),
        }


@hooks.register("construct_homepage_panels")
def add_waiting_reviews_panel(request, panels):
    lines, vote = queue_lines(request.user), vote_line(request.user)
    integrity_url = reverse("membership_forms_integrity") if can_see_integrity(request.user) else ""
    if lines or vote or integrity_url:
        panels.append(WaitingReviewsPanel(lines, vote, integrity_url))


class IntegrityMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_integrity(request.user)


@hooks.register("register_reports_menu_item")
def register_integrity_menu_item():
    return IntegrityMenuItem(
        _("Integrity checks"),
        reverse("membership_forms_integrity"),
        name="membership-forms-integrity",
        icon_name="warning",
        order=900,
    )


class ReviewAdminURLFinder:
    """Links a review's log entries (site history report) to its page, for its readers."""

    def __init__(self, user=None):
        self.user = user

    def get_edit_url(self, instance):
        if self.user is not None and not can_see_queue(self.user, instance.queue):
            return None
        return reverse("membership_forms_review", args=[instance.pk])


register_admin_url_finder(Review, ReviewAdminURLFinder)
register_snippet(DeclineReasonViewSet)


@hooks.register("register_admin_viewset")
def register_donation_viewset():
    from .donation_admin import donation_viewset

    return donation_viewset


@hooks.register("register_admin_viewset")
def register_members_viewsets():
    from .organisation_admin import members_viewset_group

    return members_viewset_group


@hooks.register("register_admin_viewset")
def register_api_token_viewset():
    from .token_admin import api_token_viewset

    return api_token_viewset


@hooks.register("construct_settings_menu")
def hide_unscoped_api_tokens(request, menu_items):
    """Wagtail's own API tokens entry gives way to the one with scopes (token_admin.py)."""
    menu_items[:] = [item for item in menu_items if item.name != "api_tokens"]
