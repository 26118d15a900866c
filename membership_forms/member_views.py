"""Pages for members' and NGO Supporters' people: their organisation and its colleagues.

People are signed in with Django's auth (the site decides how: `settings.LOGIN_URL`);
these views read `request.user` only and call `services.organisations` for every write.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models.organisations import ContactRole, Invitation
from .regions import REGIONS
from .services import listings, organisations, renewals


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (ContactRole.EDITOR, _("Editor: may propose changes to the listing")),
            (ContactRole.READER, _("Reader: may read the member-only pages")),
        ],
        widget=forms.RadioSelect,
        initial=ContactRole.READER,
    )


class ListingForm(forms.Form):
    """The listing's fields the organisation keeps up to date; a description per language."""

    regions = forms.MultipleChoiceField(
        label=_("Regions of work"),
        choices=list(REGIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mandate = forms.CharField(
        label=_("Mandate"), widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}), required=False
    )
    website = forms.URLField(
        label=_("Website"), max_length=500, required=False, assume_scheme="https"
    )
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, up to 2 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _name in settings.LANGUAGES:
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(language)s")
                % {"language": get_language_info(code)["name_translated"]},
                widget=forms.Textarea(attrs={"rows": 4, "lang": code, "dir": "auto"}),
                required=False,
                max_length=2000,
            )

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > 2 * 1024 * 1024:
            raise ValidationError(_("The logo is larger than 2 MB."), code="size")
        return logo

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "regions": list(data["regions"]),
            "mandate": data["mandate"].strip(),
            "website": data["website"],
            "descriptions": {
                code: data[f"description_{code}"].strip() for code, _name in settings.LANGUAGES
            },
        }

    @classmethod
    def initial_from(cls, values: dict) -> dict:
        initial = {key: values[key] for key in ("regions", "mandate", "website")}
        for code, text in (values.get("descriptions") or {}).items():
            initial[f"description_{code}"] = text
        return initial


def _organisation_url() -> str:
    from django.urls import reverse

    return reverse("membership_forms_members:organisation")


@never_cache
@login_required
def my_organisation(request):
    """The organisations the signed-in person belongs to, their people and invitations."""
    memberships = []
    for contact in organisations.contacts_of(request.user):
        organisation = contact.organisation
        colleagues = list(organisation.contacts.select_related("user").order_by("role", "pk"))
        invitations = (
            [i for i in organisation.invitations.all() if i.is_open] if contact.is_primary else []
        )
        memberships.append(
            {
                "contact": contact,
                "organisation": organisation,
                "colleagues": colleagues,
                "invitations": invitations,
                "invite_form": InviteForm(prefix=f"org{organisation.pk}"),
            }
        )
    return render(
        request, "membership_forms/members/organisation.html", {"memberships": memberships}
    )


@require_POST
@login_required
def invite(request, organisation_id: int):
    form = InviteForm(request.POST, prefix=f"org{organisation_id}")
    if not form.is_valid():
        messages.error(request, gettext("Please give a valid email address and a role."))
        return redirect(_organisation_url())
    try:
        organisations.invite_colleague(
            request.user,
            organisation_id,
            form.cleaned_data["email"],
            form.cleaned_data["role"],
            translation.get_language() or "en",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("We sent an invitation to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
    return redirect(_organisation_url())


@require_POST
@login_required
def remove_contact(request, organisation_id: int, contact_id: int):
    organisations.remove_contact(request.user, organisation_id, contact_id)
    messages.success(request, gettext("The person no longer belongs to your organisation."))
    return redirect(_organisation_url())


@require_POST
@login_required
def withdraw_invitation(request, organisation_id: int, invitation_id: int):
    organisations.withdraw_invitation(request.user, organisation_id, invitation_id)
    messages.success(request, gettext("The invitation is withdrawn."))
    return redirect(_organisation_url())


@never_cache
@login_required
def accept_invitation(request, token: str):
    """GET shows the invitation and a button (mail scanners prefetch links); POST accepts."""
    invitation: Invitation | None = organisations.open_invitation(token)
    template = "membership_forms/members/accept_invitation.html"
    if invitation is None:
        return render(request, template, {"invalid": True}, status=404)
    wrong_address = (request.user.email or "").lower() != invitation.email.lower()
    if request.method == "POST" and not wrong_address:
        try:
            organisations.accept_invitation(token, request.user)
        except organisations.InvitationRefused:
            raise Http404 from None
        messages.success(
            request,
            gettext("Welcome: you are now a contact of %(organisation)s.")
            % {"organisation": invitation.organisation.name},
        )
        return redirect(_organisation_url())
    return render(
        request,
        template,
        {"invitation": invitation, "wrong_address": wrong_address},
        status=403 if wrong_address else 200,
    )


@never_cache
@login_required
def edit_listing(request, organisation_id: int):
    """The listing as the organisation wants it; saved as a change the Secretariat moderates."""
    contact = listings.editing_contact(request.user, organisation_id)
    organisation = contact.organisation
    waiting = listings.pending_change(organisation)
    current = waiting.proposed if waiting else listings.listing_values(organisation.entry)
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES)
        if form.is_valid():
            values = form.values()
            if form.cleaned_data.get("logo"):
                values["logo"] = listings.store_logo(organisation, form.cleaned_data["logo"]).pk
            change = listings.propose_listing_change(
                request.user, organisation.pk, values, translation.get_language() or "en"
            )
            if change is None:
                messages.success(request, gettext("Your listing is unchanged."))
            else:
                messages.success(
                    request,
                    gettext(
                        "Thank you: the Secretariat will review your changes before they "
                        "appear in the directory."
                    ),
                )
            return redirect(_organisation_url())
    else:
        form = ListingForm(initial=ListingForm.initial_from(current))
    return render(
        request,
        "membership_forms/members/listing.html",
        {"organisation": organisation, "form": form, "waiting": waiting},
    )


@never_cache
def confirm_renewal(request, token: str):
    """The link in the yearly email: GET shows one button (mail scanners prefetch links and
    must confirm nothing), POST confirms. The signed link is the credential: no sign-in."""
    template = "membership_forms/members/renewal.html"
    organisation = renewals.organisation_for_token(token)
    if organisation is None:
        return render(request, template, {"invalid": True}, status=404)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        organisation = renewals.confirm_renewal(token, user) or organisation
        return render(request, template, {"organisation": organisation, "confirmed": True})
    return render(request, template, {"organisation": organisation})
