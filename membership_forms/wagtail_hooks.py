"""Admin wiring: the submissions inbox, its menu item and the download log action."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "membership-forms/submissions/",
            admin_views.submission_list,
            name="membership_forms_submissions",
        ),
        path(
            "membership-forms/submissions/<int:pk>/",
            admin_views.submission_detail,
            name="membership_forms_submission",
        ),
        path(
            "membership-forms/files/<int:pk>/",
            admin_views.download_file,
            name="membership_forms_download",
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


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "membership_forms.download_file", _("Download file"), _("Submitted file downloaded")
    )


@hooks.register("register_admin_viewset")
def register_donation_viewset():
    from .donation_admin import donation_viewset

    return donation_viewset
