"""Who approves whom: no account that can see victim data comes from one administrator alone
(two-person rule; CJIS 5.5.1 account management, 5.5.2.1 least privilege).

The rule, written once (every page, service and the e-mail notice ask `accounts_pending_for`):

1. An advocate (new, re-roled or moved to another organization) is approved by an approved
   lead of that organization; when the organization has none yet (its first lead, or its
   first advocates) by the statewide coordinator.
2. An agency contact or coordinator (new, re-roled, or linked to another agency's directory
   entry) is approved by an approved head or designated official of that agency
   (`PointOfContact.is_agency_head`); when the agency has none yet, by the statewide
   coordinator.
3. When no one of 1-2 exists (the very first statewide coordinator), the account is approved
   on the server with `manage.py approve_account EMAIL`: shell access, which the administrators
   of the admin site do not have.
4. No one approves their own account; an unapproved account approves nobody.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import PointOfContact
from agencies.selectors import contact_for_user

from .models import APPROVAL_REQUIRED_ROLES, Role, User


def _approved_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, approved_at__isnull=False)


def _leads_of_organization() -> QuerySet[User]:
    return _approved_users().filter(
        role=Role.ADVOCATE, is_organization_lead=True, organization_id=OuterRef("organization_id")
    )


def _heads_of_agency(agency_ref: OuterRef | int) -> QuerySet[PointOfContact]:
    return PointOfContact.objects.filter(
        agency_id=agency_ref,
        is_agency_head=True,
        is_active=True,
        user__is_active=True,
        user__approved_at__isnull=False,
        user__role__in=[Role.AGENCY_CONTACT, Role.COORDINATOR],
    )


def accounts_pending() -> QuerySet[User]:
    """Every active account waiting for approval of its role."""
    return User.objects.filter(
        is_active=True, approved_at__isnull=True, role__in=APPROVAL_REQUIRED_ROLES
    )


def accounts_pending_for(*, approver: User) -> QuerySet[User]:
    """The accounts `approver` may approve or refuse (the rule in the module docstring)."""
    if not approver.is_authenticated or not approver.has_role:
        return User.objects.none()
    condition = Q(pk__in=[])
    if approver.role == Role.ADVOCATE and approver.is_organization_lead:
        condition |= Q(role=Role.ADVOCATE, organization_id=approver.organization_id)
    if approver.role in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        head_of = PointOfContact.objects.filter(
            user=approver, is_agency_head=True, is_active=True
        ).values("agency_id")
        condition |= Q(
            role__in=[Role.AGENCY_CONTACT, Role.COORDINATOR],
            point_of_contact__agency_id__in=head_of,
        )
    if approver.role == Role.COORDINATOR and _is_statewide(approver):
        # Rules 1 and 2, second half: the organizations and agencies with no approver yet.
        condition |= Q(role=Role.ADVOCATE) & ~Exists(_leads_of_organization())
        condition |= Q(role__in=[Role.AGENCY_CONTACT, Role.COORDINATOR]) & ~Exists(
            _heads_of_agency(OuterRef("point_of_contact__agency_id"))
        )
    # Rule 4: never one's own account.
    return accounts_pending().filter(condition).exclude(pk=approver.pk).distinct()


def _is_statewide(user: User) -> bool:
    return PointOfContact.objects.filter(
        user=user, is_active=True, agency__is_statewide_coordinator=True
    ).exists()


def account_pending_get_for_approver(*, approver: User, pk: int) -> User | None:
    """One pending account `approver` may decide, or None (the view answers 404)."""
    return (
        accounts_pending_for(approver=approver)
        .select_related("organization", "point_of_contact__agency")
        .filter(pk=pk)
        .first()
    )


def user_can_approve_accounts(user: User) -> bool:
    """Whether the menu shows the approvals page: a lead, an agency head, the coordinator."""
    if not user.is_authenticated or not user.has_role:
        return False
    if user.role == Role.ADVOCATE:
        return user.is_organization_lead
    if user.role not in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        return False
    # The contact record is cached on the user: agency pages read it already.
    contact = contact_for_user(user=user)
    if contact is None:
        return False
    return contact.is_agency_head or (
        user.role == Role.COORDINATOR and contact.agency.is_statewide_coordinator
    )


def _statewide_coordinators() -> QuerySet[User]:
    return _approved_users().filter(
        role=Role.COORDINATOR,
        point_of_contact__is_active=True,
        point_of_contact__agency__is_statewide_coordinator=True,
    )


def approvers_of(*, user: User) -> QuerySet[User]:
    """Who may approve `user` (the waiting page, the e-mail notice): the same rule as
    `accounts_pending_for`, read from the other side."""
    if user.role == Role.ADVOCATE:
        leads = _approved_users().filter(
            role=Role.ADVOCATE, is_organization_lead=True, organization_id=user.organization_id
        )
        approvers = leads
    else:
        contact = PointOfContact.objects.filter(user=user).first()
        agency_id = contact.agency_id if contact else None
        approvers = User.objects.filter(
            pk__in=_heads_of_agency(agency_id).values("user_id"), is_active=True
        )
    approvers = approvers.exclude(pk=user.pk)
    if not approvers.exists():
        approvers = _statewide_coordinators().exclude(pk=user.pk)
    return approvers


def approver_description(*, user: User) -> str:
    """Who approves `user`, in words, for the waiting page: no names, no victim data."""
    approvers = approvers_of(user=user)
    if not approvers.exists():
        return "the portal's operators (the first statewide coordinator is approved on the server)"
    if approvers.filter(role=Role.ADVOCATE).exists():
        return f"a lead of {user.organization}"
    contact = PointOfContact.objects.select_related("agency").filter(user=user).first()
    if contact is not None and _heads_of_agency(contact.agency_id).exclude(user=user).exists():
        return f"the head or a designated official of {contact.agency}"
    return "the statewide coordinator"
