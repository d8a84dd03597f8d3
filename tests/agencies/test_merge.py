"""Merging a duplicate agency keeps its requests and contacts and notes it on the survivor."""

from __future__ import annotations

import pytest

from accounts.models import AuditAction, AuditEntry
from agencies.models import Agency
from agencies.services import MergeError, agency_merge
from certifications.models import CertificationRequest
from tests.factories import AgencyFactory, CountyFactory, PointOfContactFactory, make_request

pytestmark = pytest.mark.django_db


def test_merge_moves_requests_both_ways_contacts_and_counties_and_notes_the_survivor(personas):
    survivor = AgencyFactory(name="Saint Paul Police Department")
    duplicate = AgencyFactory(name="St. Paul Police Dept.")
    duplicate.counties.add(CountyFactory(name="Ramsey"))
    kept_primary = PointOfContactFactory(agency=survivor, is_primary=True)
    moved_primary = PointOfContactFactory(agency=duplicate, is_primary=True)
    routed = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=duplicate
    )
    asked = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, requested_agency=duplicate
    )

    result = agency_merge(
        survivor=survivor, duplicate=duplicate, actor=personas.admin, note="Same department."
    )

    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    assert CertificationRequest.objects.get(pk=routed.pk).agency == survivor
    assert CertificationRequest.objects.get(pk=asked.pk).requested_agency == survivor
    moved_primary.refresh_from_db()
    assert moved_primary.agency == survivor
    assert moved_primary.is_primary is False  # one active primary per agency
    kept_primary.refresh_from_db()
    assert kept_primary.is_primary
    survivor.refresh_from_db()
    assert [c.name for c in survivor.counties.all()] == ["Ramsey"]
    assert "merged 'St. Paul Police Dept.'" in survivor.merge_note
    assert "Same department." in survivor.merge_note
    assert result.moved["contacts"] == 1
    entry = AuditEntry.objects.get(action=AuditAction.DIRECTORY_CHANGE)
    assert entry.target == f"agencies.Agency:{survivor.pk}"
    assert entry.user == personas.admin


def test_merge_keeps_the_duplicates_primary_when_the_survivor_has_none():
    survivor = AgencyFactory()
    duplicate = AgencyFactory()
    primary = PointOfContactFactory(agency=duplicate, is_primary=True)
    agency_merge(survivor=survivor, duplicate=duplicate, actor=None)
    primary.refresh_from_db()
    assert primary.is_primary and primary.agency == survivor


def test_merge_refuses_to_remove_the_statewide_coordinator():
    coordinator = AgencyFactory(is_statewide_coordinator=True)
    other = AgencyFactory()
    with pytest.raises(MergeError, match="statewide coordinator"):
        agency_merge(survivor=other, duplicate=coordinator, actor=None)
    with pytest.raises(MergeError, match="two different"):
        agency_merge(survivor=other, duplicate=other, actor=None)
    assert Agency.objects.count() == 2
