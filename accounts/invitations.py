"""Invitations: the only way an account is created (no open sign-up: every account is vetted,
CJIS 5.5.1 account management)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import PointOfContact

from .models import AuditAction, Invitation, Organization, Role, User
from .permissions import administrator_access_set
from .services import account_approval_notify, audit_log


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *,
    email: str,
    full_name: str,
    role: str,
    invited_by: User,
    organization: Organization | None = None,
    point_of_contact=None,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link. Returns the invitation and the raw token.

    1. Refuse an address that already has an account (the administrator sees why).
    2. Store only the token's SHA-256; the link carries the token itself.
    3. E-mail the link (no victim data, nothing but the role and the link).
    """
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists."})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name,
            role=role,
            organization=organization if role == Role.ADVOCATE else None,
            point_of_contact=(
                point_of_contact if role in (Role.AGENCY_CONTACT, Role.COORDINATOR) else None
            ),
            token_hash=_hash(token),
            invited_by=invited_by,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        audit_log(
            action=AuditAction.INVITATION,
            user=invited_by,
            request=request,
            target=f"accounts.invitation:{invitation.pk}",
            detail=_invitation_detail("created", invitation),
        )
    link = settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])
    send_mail(
        subject="Your invitation to the Minnesota certification portal",
        message=(
            f"You have been invited to the Minnesota U/T visa certification portal as "
            f"{Role(role).label.lower()}.\n\nChoose your password here (the link works for "
            f"{settings.INVITATION_VALID_DAYS} days, once):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, token


def _invitation_detail(what: str, invitation: Invitation) -> str:
    # Ids and the role only: no names or addresses in the trail's detail.
    where = ""
    if invitation.organization_id:
        where = f" of accounts.organization:{invitation.organization_id}"
    elif invitation.point_of_contact_id:
        where = f" for agencies.pointofcontact:{invitation.point_of_contact_id}"
    return f"{what}: {invitation.role}{where}"


def invitation_revoke(
    *, invitation: Invitation, actor: User, request: HttpRequest | None = None
) -> bool:
    """Revoke an unused invitation (its link stops working). True when it was revoked now."""
    with transaction.atomic():
        revoked = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if revoked:
            audit_log(
                action=AuditAction.INVITATION,
                user=actor,
                request=request,
                target=f"accounts.invitation:{invitation.pk}",
                detail=_invitation_detail("revoked", invitation),
            )
    return bool(revoked)


def invitation_get_usable(*, token: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None or not invitation.is_usable():
        return None
    return invitation


def invitation_accept(
    *, invitation: Invitation, password: str, request: HttpRequest | None = None
) -> User:
    """Create the invited account (once: a conditional update claims the invitation).

    The account of a role that sees victim data waits for approval by someone other than the
    administrator who invited it (accounts/approvals.py); an administrator gets the admin
    site through the administrators' group, never as a superuser."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now)
        if not claimed:
            raise ValidationError(_("This invitation has expired or was already used."))
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=invitation.full_name,
            role=invitation.role,
            organization=invitation.organization,
        )
        administrator_access_set(user=user)
        if invitation.point_of_contact_id:
            PointOfContact.objects.filter(pk=invitation.point_of_contact_id).update(user=user)
        audit_log(
            action=AuditAction.INVITATION,
            user=user,
            request=request,
            target=f"accounts.invitation:{invitation.pk}",
            detail=f"accepted; account accounts.user:{user.pk} created",
        )
    # Those who approve the new account hear of it (accounts/approvals.py).
    account_approval_notify(user=user)
    return user
