"""Writes and decisions about the directory: routing a request to an agency and a person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .models import Agency, ContactRole, PointOfContact


@dataclass(frozen=True)
class RoutingDecision:
    agency: Agency
    contact: PointOfContact | None
    reason: str


class RoutingError(Exception):
    """No agency can take the request, not even the statewide coordinator (misconfiguration)."""


def _pick_contact(agency: Agency) -> PointOfContact | None:
    """Rule 4: the agency's active primary contact, else any active certifying official."""
    contacts = list(agency.contacts.filter(is_active=True))
    for contact in contacts:
        if contact.is_primary:
            return contact
    for contact in contacts:
        if contact.role == ContactRole.CERTIFYING_OFFICIAL:
            return contact
    return None


def _why_agency_cannot_take(agency: Agency, form_type: str) -> str | None:
    if not agency.is_active:
        return f"{agency.name} is no longer active in the directory"
    if not agency.accepts_form(form_type):
        form = "I-918 Supplement B (U visa)" if form_type == "U" else "I-914 Supplement B (T visa)"
        return f"{agency.name} does not accept {form} requests"
    if _pick_contact(agency) is None:
        return f"{agency.name} has no active point of contact"
    return None


def _sibling_certifying(agency: Agency, crimes: list[str], form_type: str) -> Agency | None:
    """Another active agency serving the same city that certifies every crime named."""
    same_city = Q(city_name__iexact=agency.city_name) if agency.city_name else Q(pk__in=[])
    city_ids = list(agency.cities.values_list("pk", flat=True))
    if city_ids:
        same_city |= Q(cities__in=city_ids)
    candidates = (
        Agency.objects.active()
        .filter(same_city)
        .exclude(pk=agency.pk)
        .exclude(is_statewide_coordinator=True)
        .distinct()
        .order_by("name")
    )
    for candidate in candidates:
        if (
            candidate.certified_crimes
            and candidate.certifies_crimes(crimes)
            and _why_agency_cannot_take(candidate, form_type) is None
        ):
            return candidate
    return None


def route_request(
    *, agency: Agency, crimes: list[str], form_type: str, county=None
) -> RoutingDecision:
    """Decide where a request goes and say why, in words shown to the advocate and the agency.

    1. The agency the advocate named (the one that detected, investigated or prosecuted).
    2. If it certifies only some crimes and another agency of the same city certifies the ones
       named, route there, saying so (Minneapolis splits certification by crime type and returns
       requests sent to the wrong department).
    3. If the agency is inactive, does not accept the form type, or has no active contact, route
       to the statewide coordinator at DPS, saying why.
    4. Assign the agency's primary contact, else any active certifying official.
    """
    reason = f"Routed to {agency.name}, the agency named in the request."
    target = agency
    if agency.certified_crimes and not agency.certifies_crimes(crimes):
        sibling = _sibling_certifying(agency, crimes, form_type)
        if sibling is not None:
            target = sibling
            reason = (
                f"{agency.name} does not certify the crimes named; in the same city "
                f"{sibling.name} certifies them, so the request was routed there."
            )
    problem = _why_agency_cannot_take(target, form_type)
    if problem is not None:
        coordinator = Agency.objects.filter(is_statewide_coordinator=True).first()
        if coordinator is None:
            raise RoutingError("No statewide coordinator agency is configured in the directory.")
        return RoutingDecision(
            agency=coordinator,
            contact=_pick_contact(coordinator),
            reason=(f"Routed to the statewide coordinator ({coordinator.name}) because {problem}."),
        )
    contact = _pick_contact(target)
    if contact is not None:
        reason += f" Assigned to {contact.name}" + (
            ", the primary point of contact." if contact.is_primary else ", certifying official."
        )
    return RoutingDecision(agency=target, contact=contact, reason=reason)
