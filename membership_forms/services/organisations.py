"""Organisations and their people: created on approval, colleagues invited and removed.

Every write about an organisation's people happens here, in one transaction, logged in
Wagtail's audit log. Member-facing views and the admin call these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.log_actions import log

from ..links import absolute
from ..models import Notification, NotificationKind, NotificationStatus
from ..models.organisations import (
    ContactRole,
    Invitation,
    Organisation,
    OrganisationContact,
)
from ..signals import announce, organisation_status_changed
from ..terms import add_months
from .notifications import announce_after_commit

if TYPE_CHECKING:
    from ..models import DirectoryEntry, Submission


def user_for_email(email: str):
    """The person with this address, created (with no usable password) when unknown.

    People sign in by email: the address is who they are."""
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        username = email.lower()[:150]
        user = User(username=username, email=email)
        user.set_unusable_password()
        user.save()
    return user


def create_organisation(submission: Submission, entry: DirectoryEntry) -> Organisation | None:
    """The organisation of an approved application and its primary contact (once)."""
    existing = Organisation.objects.filter(entry=entry).first()
    if existing is not None:
        return existing
    email = submission.applicant_email
    organisation = Organisation.objects.create(
        entry=entry, submission=submission, anniversary=add_months(timezone.localdate(), 12)
    )
    if email:
        OrganisationContact.objects.create(
            organisation=organisation,
            user=user_for_email(email),
            role=ContactRole.PRIMARY,
            language=submission.locale or "en",
        )
    log(instance=organisation, action="membership_forms.organisation.create")
    _announce_status(organisation)
    return organisation


def contact_of(user, organisation_id: int | None = None) -> OrganisationContact | None:
    """`user`'s place in an organisation (the first one when no id is given)."""
    if not user.is_authenticated:
        return None
    contacts = OrganisationContact.objects.select_related("organisation__entry").filter(user=user)
    if organisation_id is not None:
        contacts = contacts.filter(organisation_id=organisation_id)
    return contacts.order_by("organisation__entry__organisation_name", "pk").first()


def contacts_of(user) -> list[OrganisationContact]:
    if not user.is_authenticated:
        return []
    return list(
        OrganisationContact.objects.select_related("organisation__entry")
        .filter(user=user)
        .order_by("organisation__entry__organisation_name", "pk")
    )


def is_contact(user) -> bool:
    """Whether `user` belongs to any organisation (whatever its status)."""
    return user.is_authenticated and OrganisationContact.objects.filter(user=user).exists()


def _primary(user, organisation_id: int) -> OrganisationContact:
    contact = contact_of(user, organisation_id)
    if contact is None or not contact.is_primary:
        raise PermissionDenied
    return contact


def invitation_url(invitation: Invitation) -> str:
    """The link in the invitation, in the language of its email."""
    with translation.override(invitation.language):
        return absolute(
            reverse("membership_forms_members:accept_invitation", args=(invitation.token,))
        )


@transaction.atomic
def invite_colleague(
    user, organisation_id: int, email: str, role: str, language: str
) -> Invitation:
    """The primary contact invites `email` as editor or reader; the worker sends the email."""
    primary = _primary(user, organisation_id)
    if role not in (ContactRole.EDITOR, ContactRole.READER):
        raise ValidationError(gettext("Choose editor or reader."), code="role")
    email = get_user_model().objects.normalize_email(email.strip())
    organisation = primary.organisation
    if organisation.contacts.filter(user__email__iexact=email).exists():
        raise ValidationError(
            gettext("This person is already a contact of your organisation."), code="contact"
        )
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, language=language, invited_by=user
    )
    notification = Notification.objects.create(
        submission=None,
        kind=NotificationKind.INVITATION,
        discriminator=f"invitation:{invitation.pk}",
        recipient=email,
        language=language,
        context={
            "organisation": organisation.name,
            "role": str(invitation.role),
            "inviter": user.email,
            "link": invitation_url(invitation),
        },
        status=NotificationStatus.PENDING,
    )
    announce_after_commit([notification.pk])
    log(
        instance=organisation,
        action="membership_forms.organisation.invite",
        user=user,
        data={"email": email, "role": role},
    )
    return invitation


def open_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation__entry")
        .filter(token=token, accepted_at__isnull=True, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )


class InvitationRefused(Exception):
    """The invitation is gone (used, withdrawn, expired) or for another address."""


@transaction.atomic
def accept_invitation(token: str, user) -> OrganisationContact:
    """`user`, signed in with the invited address, joins the organisation (once)."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token=token, accepted_at__isnull=True, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise InvitationRefused("gone")
    if (user.email or "").lower() != invitation.email.lower():
        raise InvitationRefused("address")
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    try:
        with transaction.atomic():
            contact = OrganisationContact.objects.create(
                organisation=invitation.organisation,
                user=user,
                role=invitation.role,
                language=invitation.language,
            )
    except IntegrityError:  # already a contact: the invitation is spent all the same
        contact = OrganisationContact.objects.get(organisation=invitation.organisation, user=user)
    log(
        instance=invitation.organisation,
        action="membership_forms.organisation.join",
        user=user,
        data={"email": user.email, "role": invitation.role},
    )
    _announce_status(invitation.organisation)
    return contact


@transaction.atomic
def withdraw_invitation(user, organisation_id: int, invitation_id: int) -> None:
    primary = _primary(user, organisation_id)
    Invitation.objects.filter(
        pk=invitation_id, organisation=primary.organisation, accepted_at__isnull=True
    ).update(revoked_at=timezone.now())


@transaction.atomic
def remove_contact(user, organisation_id: int, contact_id: int) -> None:
    """The primary contact removes a colleague (never themself: staff change the primary)."""
    primary = _primary(user, organisation_id)
    contact = (
        OrganisationContact.objects.select_related("user")
        .filter(pk=contact_id, organisation=primary.organisation)
        .exclude(role=ContactRole.PRIMARY)
        .first()
    )
    if contact is None:
        return
    removed_user_id, email = contact.user_id, contact.user.email
    contact.delete()
    log(
        instance=primary.organisation,
        action="membership_forms.organisation.remove_contact",
        user=user,
        data={"email": email},
    )
    _announce_status(primary.organisation, removed_user_ids=[removed_user_id])


def organisation_changed(organisation: Organisation, user=None, removed_user_ids=()) -> None:
    """Staff changed the organisation or its people in the admin: its people are put in
    step with it after commit, and a status change is logged."""
    _announce_status(organisation, removed_user_ids=list(removed_user_ids))


@transaction.atomic
def set_status(organisation_id: int, status: str, user=None) -> Organisation:
    """The organisation's new status (staff's decision or the renewal's), logged, and its
    people put in step with it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    if organisation.status != status:
        previous = organisation.status
        organisation.status, organisation.status_changed_at = status, timezone.now()
        organisation.save(update_fields=["status", "status_changed_at"])
        log(
            instance=organisation,
            action="membership_forms.organisation.status",
            user=user,
            data={"from": previous, "to": status},
        )
    _announce_status(organisation)
    return organisation


def _announce_status(organisation: Organisation, removed_user_ids: list[int] | None = None) -> None:
    """After commit, the organisation's people are put in step with its status (the worker
    adds them to, or takes them out of, the member groups)."""
    organisation_id, removed = organisation.pk, list(removed_user_ids or [])
    transaction.on_commit(
        lambda: announce(
            organisation_status_changed,
            Organisation,
            organisation_id=organisation_id,
            removed_user_ids=removed,
        ),
    )
