"""The pages of members' and NGO Supporters' people, in the site's languages::

    urlpatterns += i18n_patterns(path("members/", include("membership_forms.member_urls")), ...)

Named ``membership_forms_members:<name>``.
"""

from django.urls import path

from . import member_views

app_name = "membership_forms_members"

urlpatterns = [
    path("organisation/", member_views.my_organisation, name="organisation"),
    path("organisation/<int:organisation_id>/invite/", member_views.invite, name="invite"),
    path(
        "organisation/<int:organisation_id>/contacts/<int:contact_id>/remove/",
        member_views.remove_contact,
        name="remove_contact",
    ),
    path(
        "organisation/<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        member_views.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path(
        "organisation/<int:organisation_id>/listing/",
        member_views.edit_listing,
        name="edit_listing",
    ),
    path("renewal/<str:token>/", member_views.confirm_renewal, name="confirm_renewal"),
    path("invitations/<str:token>/", member_views.accept_invitation, name="accept_invitation"),
]
