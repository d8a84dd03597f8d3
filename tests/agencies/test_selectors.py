"""Suggestions for the intake form, the directory-health report, the county choices and the
contact a user acts as."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User
from agencies.models import Agency, AgencyKind, AgencyLevel, City, PointOfContact
from agencies.selectors import (
    agency_suggestions,
    contact_for_user,
    county_choices,
    directory_health,
)
from certifications.choices import Crime, FormType
from tests.factories import AgencyFactory, CountyFactory, PointOfContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hennepin():
    return CountyFactory(name="Hennepin", fips="27053")


@pytest.fixture
def ramsey():
    return CountyFactory(name="Ramsey", fips="27123")


def _agency(county=None, **kw):
    agency = AgencyFactory(**kw)
    if county is not None:
        agency.counties.add(county)
    return agency


def test_suggestions_list_local_agencies_of_the_county_before_statewide_ones(hennepin, ramsey):
    coordinator = AgencyFactory(name="DPS", is_statewide_coordinator=True, level="state")
    patrol = _agency(name="State Patrol", kind=AgencyKind.STATE_PATROL, level=AgencyLevel.STATE)
    PointOfContactFactory(agency=patrol)
    sheriff = _agency(hennepin, name="Hennepin Sheriff", kind="sheriff", level="county")
    PointOfContactFactory(agency=sheriff)
    police = _agency(hennepin, name="Brooklyn Park PD")
    PointOfContactFactory(agency=police)
    prosecutor = _agency(hennepin, name="Hennepin Attorney", kind="prosecutor", level="county")
    PointOfContactFactory(agency=prosecutor)
    _agency(ramsey, name="Ramsey Sheriff", kind="sheriff", level="county")

    names = [a.name for a in agency_suggestions(county=hennepin)]

    assert names == [
        "Brooklyn Park PD",
        "Hennepin Sheriff",
        "Hennepin Attorney",
        "State Patrol",
        coordinator.name,
    ]


def test_suggestions_find_agencies_through_the_cities_they_serve(hennepin):
    city = City.objects.create(name="Brooklyn Center", county=hennepin)
    police = AgencyFactory(name="Brooklyn Center PD")
    police.cities.add(city)
    assert police in agency_suggestions(county=hennepin.pk)


def test_suggestions_put_agencies_without_a_contact_after_those_with_one(hennepin):
    empty = _agency(hennepin, name="AAA No Contact PD")
    staffed = _agency(hennepin, name="ZZZ Staffed PD")
    PointOfContactFactory(agency=staffed)
    assert agency_suggestions(county=hennepin)[:2] == [staffed, empty]


def test_suggestions_with_crimes_prefer_the_department_that_certifies_them(hennepin):
    police = _agency(hennepin, name="Mpls PD", certified_crimes=[Crime.MURDER.value])
    PointOfContactFactory(agency=police)
    attorney = _agency(
        hennepin, name="Mpls City Attorney", kind="prosecutor",
        certified_crimes=[Crime.DOMESTIC_VIOLENCE.value],
    )  # fmt: skip
    PointOfContactFactory(agency=attorney)
    general = _agency(hennepin, name="Brooklyn Park PD")
    PointOfContactFactory(agency=general)

    result = agency_suggestions(county=hennepin, crimes=[Crime.DOMESTIC_VIOLENCE.value])

    assert result == [attorney, general]
    assert police not in result


def test_suggestions_skip_inactive_agencies_and_those_refusing_the_form(hennepin):
    _agency(hennepin, name="Closed PD", is_active=False)
    # Only an agency Minn. Stat. 611A.95 does not bind may decline a form.
    u_only = _agency(hennepin, name="U Only Office", kind=AgencyKind.PROSECUTOR, accepts_t=False)
    both = _agency(hennepin, name="Both PD")
    assert agency_suggestions(county=hennepin, form_type=FormType.T) == [both]
    assert set(agency_suggestions(county=hennepin, form_type=FormType.U)) == {u_only, both}


def test_suggestions_cost_two_queries_whatever_the_number_of_agencies(
    hennepin, django_assert_num_queries
):
    for n in range(6):
        PointOfContactFactory(agency=_agency(hennepin, name=f"PD {n}"))
    # agencies, their contacts, the coordinator
    with django_assert_num_queries(3):
        assert len(agency_suggestions(county=hennepin)) == 6


def test_health_lists_agencies_without_contacts_primaries_or_current_training():
    no_contact = AgencyFactory(name="No Contact PD")
    PointOfContactFactory(agency=no_contact, is_active=False)
    no_primary = AgencyFactory(name="No Primary PD")
    PointOfContactFactory(agency=no_primary)
    lapsed_agency = AgencyFactory(name="Lapsed PD")
    lapsed = PointOfContactFactory(
        agency=lapsed_agency, is_primary=True, last_training_date=datetime.date(2024, 1, 1)
    )
    healthy = AgencyFactory(name="Healthy PD")
    PointOfContactFactory(agency=healthy, is_primary=True)
    AgencyFactory(name="Gone PD", is_active=False)

    health = directory_health()

    # A police department is bound by Minn. Stat. 611A.95: without a contact it is listed
    # as non-compliant (the statute's designated agent), apart from the others.
    assert health.covered_without_contact == [no_contact]
    assert health.no_active_contact == []
    assert health.no_primary_contact == [no_primary]
    assert health.lapsed_training == [(lapsed_agency, [lapsed])]
    assert health.duplicates == []


def test_health_lists_agencies_where_nobody_may_sign():
    from agencies.models import CertifyingDesignation

    headless = AgencyFactory(name="Headless PD")
    PointOfContactFactory(agency=headless, is_primary=True)
    with_head = AgencyFactory(name="Head PD")
    PointOfContactFactory(agency=with_head, is_primary=True, is_agency_head=True)
    designated = AgencyFactory(name="Designee PD")
    official = PointOfContactFactory(agency=designated, is_primary=True)
    CertifyingDesignation.objects.create(contact=official, designated_on=datetime.date(2026, 1, 2))
    revoked = AgencyFactory(name="Revoked PD")
    former = PointOfContactFactory(agency=revoked, is_primary=True)
    CertifyingDesignation.objects.create(
        contact=former,
        designated_on=datetime.date(2025, 1, 2),
        revoked_on=datetime.date(2026, 1, 2),
    )
    assert directory_health().no_signer == [headless, revoked]


def test_health_groups_duplicates_by_normalised_name():
    a = AgencyFactory(name="Saint Paul Police Department")
    b = AgencyFactory(name="St. Paul Police Dept.")
    AgencyFactory(name="Saint Paul City Attorney")
    assert [set(g) for g in directory_health().duplicates] == [{a, b}]


def test_training_lapses_after_the_configured_months(settings):
    contact = PointOfContactFactory(last_training_date=datetime.date(2025, 6, 1))
    with time_machine.travel(datetime.datetime(2026, 5, 31, 18, tzinfo=datetime.UTC)):
        assert not contact.training_lapsed
    with time_machine.travel(datetime.datetime(2026, 6, 2, 18, tzinfo=datetime.UTC)):
        assert contact.training_lapsed
        settings.TRAINING_VALID_MONTHS = 24
        assert not contact.training_lapsed


def test_a_new_county_is_offered_within_a_minute(settings):
    # time-machine moves Python's clock, not Redis's: the minute is checked on the local-memory
    # cache (tests/uvisa_portal/test_cache.py checks the timeout Redis is given).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CountyFactory(name="Aitkin", fips="27001")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        assert [name for _, name in county_choices()] == ["Aitkin County"]
        CountyFactory(name="Anoka", fips="27003")
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, 1, 1, tzinfo=datetime.UTC)):
        assert [name for _, name in county_choices()] == ["Aitkin County", "Anoka County"]


def test_the_contact_of_a_user_and_its_agency_cost_one_query(django_assert_num_queries):
    contact = PointOfContactFactory(user=UserFactory(role=Role.AGENCY_CONTACT, organization=None))
    user = User.objects.get(pk=contact.user_id)
    with django_assert_num_queries(1):
        assert contact_for_user(user=user) == contact
        assert user.point_of_contact.agency == contact.agency
        assert contact_for_user(user=user) == contact


def test_a_user_whose_contact_or_agency_is_inactive_acts_as_no_contact():
    contact = PointOfContactFactory(user=UserFactory(role=Role.AGENCY_CONTACT, organization=None))
    assert contact_for_user(user=User.objects.get(pk=contact.user_id)) == contact
    PointOfContact.objects.filter(pk=contact.pk).update(is_active=False)
    assert contact_for_user(user=User.objects.get(pk=contact.user_id)) is None
    PointOfContact.objects.filter(pk=contact.pk).update(is_active=True)
    Agency.objects.filter(pk=contact.agency_id).update(is_active=False)
    assert contact_for_user(user=User.objects.get(pk=contact.user_id)) is None
    assert contact_for_user(user=AnonymousUser()) is None
