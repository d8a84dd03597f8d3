"""`manage.py load_minnesota_directory`: 87 counties, the coordinator, realistic agencies."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from agencies.models import Agency, County, PointOfContact
from agencies.services import route_request
from certifications.choices import Crime, FormType

pytestmark = pytest.mark.django_db


def _load() -> None:
    call_command("load_minnesota_directory", stdout=io.StringIO())


def _snapshot() -> tuple:
    return (
        list(County.objects.values_list("name", "fips").order_by("fips")),
        list(Agency.objects.values().order_by("pk")),
        list(PointOfContact.objects.values().order_by("pk")),
        list(Agency.counties.through.objects.values_list("agency_id", "county_id").order_by("pk")),
    )


def test_it_loads_all_87_counties_with_their_fips_codes():
    _load()
    assert County.objects.count() == 87
    assert County.objects.get(fips="27001").name == "Aitkin"
    assert County.objects.get(fips="27053").name == "Hennepin"
    assert County.objects.get(fips="27123").name == "Ramsey"
    assert County.objects.get(fips="27137").name == "St. Louis"
    assert County.objects.get(fips="27173").name == "Yellow Medicine"
    assert all(int(f[2:]) % 2 == 1 for f in County.objects.values_list("fips", flat=True))


def test_it_loads_the_coordinator_and_the_agencies_the_demo_accounts_need():
    _load()
    coordinator = Agency.objects.get(is_statewide_coordinator=True)
    assert "Department of Public Safety" in coordinator.name
    for name in ["Saint Paul Police Department", "Minneapolis Police Department"]:
        agency = Agency.objects.get(name=name)
        assert (agency.policy_response_days, agency.policy_expedited_days) == (30, 7)
    assert Agency.objects.get(name="Hennepin County Attorney's Office").policy_response_days == 30
    assert Agency.objects.filter(level="federal").count() >= 1
    assert PointOfContact.objects.filter(is_demo=False).count() == 0
    assert PointOfContact.objects.training_lapsed().exists()
    assert PointOfContact.objects.exclude(pk__in=PointOfContact.objects.training_lapsed()).exists()


def test_running_it_twice_changes_nothing():
    _load()
    first = _snapshot()
    _load()
    assert _snapshot() == first


def test_the_minneapolis_split_routes_domestic_violence_to_the_city_attorney():
    _load()
    police = Agency.objects.get(name="Minneapolis Police Department")
    decision = route_request(
        agency=police, crimes=[Crime.DOMESTIC_VIOLENCE.value], form_type=FormType.U
    )
    assert decision.agency.name == "Minneapolis City Attorney's Office"
    labor = route_request(agency=police, crimes=[Crime.PEONAGE.value], form_type=FormType.U)
    assert labor.agency.name.startswith("Minneapolis Department of Civil Rights")


def test_demo_accounts_still_find_their_agencies_and_become_primary(settings):
    settings.DEBUG = True
    _load()
    call_command("load_demo_accounts", stdout=io.StringIO())
    _load()
    stpaul = Agency.objects.get(name="Saint Paul Police Department")
    assert stpaul.contacts.get(is_primary=True).email == "contact@stpaul.demo.example"
