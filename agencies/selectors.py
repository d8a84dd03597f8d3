"""Reads of the directory: the list and page of an agency, suggestions, and directory health."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from certifications.deadlines import days_that_apply

from .models import Agency, AgencyKind, AgencyLevel, County, PointOfContact
from .signing import CertifyingDesignation, Delegation


def contact_for_user(*, user: User) -> PointOfContact | None:
    """The active point-of-contact record a signed-in agency user acts as, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    # The contact with its agency in one query, kept where `user.point_of_contact` looks:
    # every agency page reads both, some of them more than once.
    related = User.point_of_contact.related
    if not related.is_cached(user):
        contact = (
            PointOfContact.objects.select_related("agency")
            .annotate(designated=_designation_in_force())
            .filter(user=user)
            .first()
        )
        related.set_cached_value(user, contact)
    contact = related.get_cached_value(user)
    if contact is None:
        return None
    if not contact.is_active or not contact.agency.is_active:
        return None
    return contact


def _designation_in_force() -> Exists:
    return Exists(CertifyingDesignation.objects.in_force().filter(contact=OuterRef("pk")))


def contact_may_sign(contact: PointOfContact) -> bool:
    """Whether the contact may sign its agency's certifications and denials: the head of the
    agency or a supervisory official the head designated (8 CFR 214.14(a)(3)). Read from the
    `designated` annotation of `contact_for_user` when there is one (no query)."""
    if not contact.is_active:
        return False
    if contact.is_agency_head:
        return True
    designated = getattr(contact, "designated", None)
    if designated is None:
        designated = CertifyingDesignation.objects.in_force().filter(contact=contact).exists()
    return bool(designated)


def certifying_officials(agency: Agency | int) -> list[PointOfContact]:
    """Who may sign for `agency` (8 CFR 214.14(a)(3)): its active head, then the officials the
    head designated whose designation is in force, by name."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    return list(
        PointOfContact.objects.active()
        .filter(agency_id=agency_id)
        .annotate(designated=_designation_in_force())
        .filter(Q(is_agency_head=True) | Q(designated=True))
        .order_by("-is_agency_head", "name")
    )


def agency_heads(agency: Agency | int) -> list[PointOfContact]:
    agency_id = agency if isinstance(agency, int) else agency.pk
    return list(PointOfContact.objects.active().filter(agency_id=agency_id, is_agency_head=True))


def delegated_agency_ids() -> QuerySet:
    """The agencies whose head delegated its certifications to the statewide coordinator,
    with the delegation in force (a subquery: `agency_id__in=...`)."""
    return Delegation.objects.in_force().values("agency_id")


def delegation_in_force(agency_id: int | None) -> Delegation | None:
    if agency_id is None:
        return None
    return Delegation.objects.in_force().filter(agency_id=agency_id).first()


def dps_units() -> list[Agency]:
    """The Department of Public Safety and its divisions recorded in the directory (the BCA,
    the State Patrol): the units whose responsibility for a case lets the coordinator decide
    it (8 CFR 214.14(a)(2))."""
    return list(
        Agency.objects.active()
        .filter(Q(is_statewide_coordinator=True) | Q(is_dps_division=True))
        .order_by("-is_statewide_coordinator", "name")
    )


def _active_contacts_prefetch() -> Prefetch:
    """Each agency's active contacts, primary first, as `active_contacts`."""
    contacts = PointOfContact.objects.filter(is_active=True).order_by("-is_primary", "name")
    return Prefetch("contacts", queryset=contacts, to_attr="active_contacts")


def agencies_for_directory() -> QuerySet[Agency]:
    """Agencies with everything the directory list and page show, in a fixed number of queries.

    Each agency gets `active_contacts` (primary first); counties and cities are prefetched, so
    the templates trigger no query whatever the number of agencies. (The list reads less:
    `agencies_for_directory_list`.)
    """
    lookups = ["counties", "cities", _active_contacts_prefetch()]
    return Agency.objects.prefetch_related(*lookups).order_by("-is_active", "name")


# The counties change only when the directory is loaded again; they are public reference data,
# kept in the shared cache for at most a minute so every web server shows the same list.
COUNTY_CHOICES_CACHE_SECONDS = 60


def _county_choices_read() -> list[tuple[str, str]]:
    names = County.objects.order_by("name").values_list("pk", "name")
    return [(str(pk), County.display_name(name)) for pk, name in names]


def county_choices() -> list[tuple[str, str]]:
    """The counties as (id, name) choices, for the directory's search."""
    return cache.get_or_set("county-choices", _county_choices_read, COUNTY_CHOICES_CACHE_SECONDS)


def agencies_for_directory_list() -> QuerySet[Agency]:
    """The directory list's agencies, active ones first by name, with what a row shows: the
    columns of the agency, its counties and its active contacts (primary first, as
    `active_contacts`), read for one page at a time by the prefetches."""
    counties = County.objects.only("name").order_by("name")
    contacts = (
        PointOfContact.objects.active()
        .only("agency", "name", "is_primary", "last_training_date")
        .order_by("-is_primary", "name")
    )
    return (
        Agency.objects.only(
            "name",
            "kind",
            "level",
            "city_name",
            "is_active",
            "is_statewide_coordinator",
            "certified_crimes",
            "policy_response_days",
            "policy_expedited_days",
            "statute_coverage",
        )
        .prefetch_related(
            Prefetch("counties", queryset=counties),
            Prefetch("contacts", queryset=contacts, to_attr="active_contacts"),
        )
        .order_by("-is_active", "name")
    )


def agency_get_for_directory(*, pk: int) -> Agency:
    return get_object_or_404(agencies_for_directory(), pk=pk)


# --- Deadlines that apply to an agency ---------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """One situation on an agency's page: the statute's days (for a covered agency), the
    agency's own policy, and the days that apply."""

    situation: str
    statute_days: int
    policy_days: int | None
    # Minn. Stat. 611A.95 binds the agency; otherwise the statute's column does not apply and,
    # without a policy, the portal asks for an answer within `requested_days`.
    covered: bool = True
    requested_days: int = 0

    @property
    def applies_days(self) -> int:
        if not self.covered:
            return self.policy_days or self.requested_days
        return days_that_apply(statute_days=self.statute_days, policy_days=self.policy_days)[0]

    @property
    def policy_is_stricter(self) -> bool:
        if not self.covered:
            return self.policy_days is not None
        return days_that_apply(statute_days=self.statute_days, policy_days=self.policy_days)[1]

    @property
    def applies_label(self) -> str:
        if self.policy_is_stricter:
            return "policy"
        return "statute" if self.covered else "requested"


def agency_deadline_rules(*, agency: Agency) -> list[DeadlineRule]:
    """Minn. Stat. 611A.95 subd. 2 (90 days; 14 in removal proceedings raised with the request)
    beside the agency's own policy, for an agency the statute binds; for another agency its own
    policy, else the portal's requested days (same rules as certifications.deadlines)."""
    covered = agency.is_covered
    return [
        DeadlineRule(
            situation=_("Standard request"),
            statute_days=settings.STATUTE_RESPONSE_DAYS,
            policy_days=agency.policy_response_days,
            covered=covered,
            requested_days=settings.REQUESTED_RESPONSE_DAYS,
        ),
        DeadlineRule(
            situation=_("Victim in removal proceedings (expedited)"),
            statute_days=settings.STATUTE_EXPEDITED_DAYS,
            policy_days=agency.policy_expedited_days,
            covered=covered,
            requested_days=settings.REQUESTED_EXPEDITED_DAYS,
        ),
    ]


# --- Suggestions for the advocate's intake form ------------------------------------------------

# Local agencies that detected or investigated the crime come first: they hold the case file.
_KIND_RANK = {
    AgencyKind.POLICE: 0,
    AgencyKind.SHERIFF: 0,
    AgencyKind.PROSECUTOR: 1,
    AgencyKind.STATE_PATROL: 2,
    AgencyKind.LABOR: 3,
    AgencyKind.CIVIL_RIGHTS: 3,
    AgencyKind.PROTECTION: 3,
    AgencyKind.HOUSING: 3,
    AgencyKind.COURT: 4,
    AgencyKind.FEDERAL_LE: 5,
    AgencyKind.OTHER: 6,
}
_LEVEL_RANK = {
    AgencyLevel.MUNICIPAL: 0,
    AgencyLevel.TRIBAL: 0,
    AgencyLevel.COUNTY: 1,
    AgencyLevel.STATE: 2,
    AgencyLevel.FEDERAL: 3,
}


def _county_id(county: County | int | str | None) -> int | None:
    if county is None or county == "":
        return None
    if isinstance(county, County):
        return county.pk
    return int(county)


def agency_suggestions(
    *,
    county: County | int | None,
    crimes: Iterable[str] | None = None,
    form_type: str | None = None,
) -> list[Agency]:
    """The agencies an advocate should consider for a crime in `county`, best first.

    1. Candidates: active agencies serving the county (directly or through one of its cities),
       plus statewide and federal agencies that list no county (they serve everywhere).
    2. Drop those that do not accept the form type, and those that certify only some crimes
       but not the ones named (they would send the request back, as Minneapolis does).
    3. Order: agencies with an active point of contact first; then a department that
       specifically certifies the crimes named; then local before county before state before
       federal, police and sheriffs before prosecutors before the others; then by name.
    4. The statewide coordinator comes last, always: it decides when nobody else can.
    One query for the agencies and one for their contacts, whatever the county.
    """
    crimes = [c for c in (crimes or []) if c]
    county_id = _county_id(county)
    qs = (
        Agency.objects.active()
        .exclude(is_statewide_coordinator=True)
        .prefetch_related(_active_contacts_prefetch())
    )
    if county_id is not None:
        statewide = Q(counties__isnull=True, level__in=[AgencyLevel.STATE, AgencyLevel.FEDERAL])
        qs = qs.filter(
            Q(counties__id=county_id) | Q(cities__county_id=county_id) | statewide
        ).distinct()
    candidates = []
    for agency in qs:
        if form_type and not agency.accepts_form(form_type):
            continue
        if crimes and not agency.certifies_crimes(crimes):
            continue
        candidates.append(agency)

    def rank(agency: Agency) -> tuple:
        return (
            0 if agency.active_contacts else 1,
            0 if (crimes and agency.certified_crimes) else 1,
            _LEVEL_RANK.get(agency.level, 9),
            _KIND_RANK.get(agency.kind, 9),
            agency.name.lower(),
        )

    candidates.sort(key=rank)
    coordinator = Agency.objects.active().filter(is_statewide_coordinator=True).first()
    if coordinator is not None:
        candidates.append(coordinator)
    return candidates


# --- Directory health (administrators) --------------------------------------------------------


def _normalized_name(name: str) -> str:
    """`St. Paul Police Dept.` and `Saint Paul Police Department` compare equal."""
    text = name.lower()
    text = re.sub(r"\bst\.?\s", "saint ", text)
    text = re.sub(r"\bdept\b\.?", "department", text)
    text = re.sub(r"\bco\b\.?", "county", text)
    text = text.replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "", text)


@dataclass
class DirectoryHealth:
    # Minn. Stat. 611A.95 binds them and they have no active point of contact, the designated
    # agent the statute requires: non-compliant (their requests stay with them, escalated).
    covered_without_contact: list[Agency] = field(default_factory=list)
    no_active_contact: list[Agency] = field(default_factory=list)
    no_primary_contact: list[Agency] = field(default_factory=list)
    # Contacts, but nobody who may sign: no active head, no designation in force (8 CFR
    # 214.14(a)(3)); its contacts can only recommend.
    no_signer: list[Agency] = field(default_factory=list)
    lapsed_training: list[tuple[Agency, list[PointOfContact]]] = field(default_factory=list)
    duplicates: list[list[Agency]] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return (
            len(self.covered_without_contact)
            + len(self.no_active_contact)
            + len(self.no_primary_contact)
            + len(self.no_signer)
            + len(self.lapsed_training)
            + len(self.duplicates)
        )


def directory_health() -> DirectoryHealth:
    """What an administrator should fix, from one pass over the active agencies.

    Every agency must have an active point of contact, a primary one, and trained contacts
    (the fact-finding report: POCs named and trained on a regular basis); an agency Minn. Stat.
    611A.95 binds without one is listed apart, as non-compliant (the statute's designated
    agent). Duplicates by name split requests between two records and should be merged.
    """
    health = DirectoryHealth()
    by_name: dict[str, list[Agency]] = defaultdict(list)
    with_signer = set(
        PointOfContact.objects.active()
        .filter(
            Q(is_agency_head=True)
            | Q(pk__in=CertifyingDesignation.objects.in_force().values("contact_id"))
        )
        .values_list("agency_id", flat=True)
    )
    for agency in agencies_for_directory().filter(is_active=True):
        by_name[_normalized_name(agency.name)].append(agency)
        contacts = agency.active_contacts
        if not contacts and agency.is_covered:
            health.covered_without_contact.append(agency)
            continue
        if not contacts:
            health.no_active_contact.append(agency)
            continue
        if not any(c.is_primary for c in contacts):
            health.no_primary_contact.append(agency)
        if agency.pk not in with_signer:
            health.no_signer.append(agency)
        lapsed = [c for c in contacts if c.training_lapsed]
        if lapsed:
            health.lapsed_training.append((agency, lapsed))
    health.duplicates = [group for group in by_name.values() if len(group) > 1]
    return health


def contacts_training_statewide(*, lapsed_only: bool = False) -> QuerySet[PointOfContact]:
    """Every active point of contact of an active agency with its training status, for the
    statewide coordinator, who trains and supports them (DOMAIN)."""
    contacts = (
        PointOfContact.objects.active()
        .filter(agency__is_active=True)
        .select_related("agency")
        .order_by("agency__name", "name", "pk")
    )
    return contacts.training_lapsed() if lapsed_only else contacts


def designations_of_agency(agency_id: int) -> list[CertifyingDesignation]:
    """The agency's designations, in force first, with who made them."""
    return list(
        CertifyingDesignation.objects.filter(contact__agency_id=agency_id)
        .select_related("contact", "designated_by")
        .order_by(F("revoked_on").asc(nulls_first=True), "-designated_on", "-pk")
    )


def delegations_statewide() -> list[Delegation]:
    return list(
        Delegation.objects.select_related("agency").order_by(
            F("revoked_on").asc(nulls_first=True), "agency__name", "-pk"
        )
    )
