"""Reads of the directory."""

from __future__ import annotations

from accounts.models import User

from .models import Agency, PointOfContact


def contact_for_user(*, user: User) -> PointOfContact | None:
    """The active point-of-contact record a signed-in agency user acts as, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        contact = user.point_of_contact
    except PointOfContact.DoesNotExist:
        return None
    if not contact.is_active or not contact.agency.is_active:
        return None
    return contact


def statewide_coordinator_agency() -> Agency | None:
    return Agency.objects.filter(is_statewide_coordinator=True).first()
