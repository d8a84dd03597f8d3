"""route_request: one test per rule, named after it."""

from __future__ import annotations

import pytest

from agencies.models import AgencyKind, AgencyLevel, ContactRole
from agencies.services import RoutingError, route_request
from certifications.choices import Crime, FormType
from tests.factories import AgencyFactory, PointOfContactFactory

pytestmark = pytest.mark.django_db

DV = [Crime.DOMESTIC_VIOLENCE.value]


@pytest.fixture
def coordinator(db):
    agency = AgencyFactory(name="Statewide DPS", is_statewide_coordinator=True)
    PointOfContactFactory(agency=agency, name="Dana State", is_primary=True)
    return agency


def test_rule_1_routes_to_the_agency_named_in_the_request(coordinator):
    agency = AgencyFactory(name="Named Police")
    contact = PointOfContactFactory(agency=agency, is_primary=True)
    decision = route_request(agency=agency, crimes=DV, form_type=FormType.U)
    assert decision.agency == agency
    assert decision.contact == contact
    assert "Named Police, the agency named in the request" in decision.reason


def test_rule_2_routes_to_the_department_of_the_same_city_that_certifies_the_crimes(coordinator):
    police = AgencyFactory(
        name="Mpls Police", city_name="Minneapolis", certified_crimes=[Crime.MURDER.value]
    )
    PointOfContactFactory(agency=police, is_primary=True)
    attorney = AgencyFactory(
        name="Mpls City Attorney", city_name="Minneapolis", certified_crimes=DV
    )
    attorney_contact = PointOfContactFactory(agency=attorney, is_primary=True)
    elsewhere = AgencyFactory(name="Other City DV", city_name="Duluth", certified_crimes=DV)
    PointOfContactFactory(agency=elsewhere, is_primary=True)

    decision = route_request(agency=police, crimes=DV, form_type=FormType.U)

    assert decision.agency == attorney
    assert decision.contact == attorney_contact
    assert "Mpls Police does not certify the crimes named" in decision.reason
    assert "Mpls City Attorney certifies them" in decision.reason


def test_rule_2_keeps_the_named_agency_when_no_department_of_its_city_certifies_the_crimes(
    coordinator,
):
    police = AgencyFactory(city_name="Minneapolis", certified_crimes=[Crime.MURDER.value])
    PointOfContactFactory(agency=police, is_primary=True)
    # A county office in the same city that certifies everything is not a city department.
    AgencyFactory(city_name="Minneapolis", certified_crimes=[])
    decision = route_request(agency=police, crimes=DV, form_type=FormType.U)
    assert decision.agency == police
    assert "no other agency in its city certifies the ones named" in decision.reason


def test_rule_2_matches_departments_by_city_served_too(coordinator):
    from agencies.models import City
    from tests.factories import CountyFactory

    city = City.objects.create(name="Brooklyn Park", county=CountyFactory(name="Hennepin"))
    police = AgencyFactory(city_name="", certified_crimes=[Crime.MURDER.value])
    police.cities.add(city)
    PointOfContactFactory(agency=police, is_primary=True)
    labor = AgencyFactory(city_name="", certified_crimes=[Crime.PEONAGE.value])
    labor.cities.add(city)
    PointOfContactFactory(agency=labor, is_primary=True)
    decision = route_request(agency=police, crimes=[Crime.PEONAGE.value], form_type=FormType.U)
    assert decision.agency == labor


def test_rule_3_a_covered_agency_without_an_active_contact_keeps_the_request(coordinator):
    agency = AgencyFactory(name="Nobody Home PD")
    PointOfContactFactory(agency=agency, is_primary=True, is_active=False)
    decision = route_request(agency=agency, crimes=DV, form_type=FormType.U)
    assert decision.agency == agency
    assert decision.contact is None
    assert "Minn. Stat. 611A.95 binds Nobody Home PD, so it keeps the request." in decision.reason
    assert "the designated agent Minn. Stat. 611A.95 requires" in decision.escalation_note
    assert "escalated at once to the statewide coordinator" in decision.escalation_note


def test_rule_3_routes_to_the_coordinator_when_the_agency_refuses_the_form_type(coordinator):
    agency = AgencyFactory(
        name="U Only Office", kind=AgencyKind.PROSECUTOR, level=AgencyLevel.COUNTY, accepts_t=False
    )
    PointOfContactFactory(agency=agency, is_primary=True)
    decision = route_request(agency=agency, crimes=[], form_type=FormType.T)
    assert decision.agency == coordinator
    assert (
        "Statewide DPS, because U Only Office does not accept T visa requests on Form I-914"
        in decision.reason
    )
    assert "((" not in decision.reason and ".." not in decision.reason
    assert route_request(agency=agency, crimes=DV, form_type=FormType.U).agency == agency


def test_rule_3_routes_to_the_coordinator_when_the_agency_is_inactive(coordinator):
    agency = AgencyFactory(name="Disbanded PD", is_active=False)
    PointOfContactFactory(agency=agency, is_primary=True)
    decision = route_request(agency=agency, crimes=DV, form_type=FormType.U)
    assert decision.agency == coordinator
    assert "Disbanded PD is no longer active" in decision.reason


def test_rule_2_skips_a_department_that_cannot_take_the_request(coordinator):
    police = AgencyFactory(city_name="Minneapolis", certified_crimes=[Crime.MURDER.value])
    PointOfContactFactory(agency=police, is_primary=True)
    attorney = AgencyFactory(
        name="U-refusing Attorney",
        kind=AgencyKind.PROSECUTOR,
        city_name="Minneapolis",
        certified_crimes=DV,
        accepts_u=False,
    )
    PointOfContactFactory(agency=attorney, is_primary=True)
    # The attorney declines U requests: it cannot take the request, so rule 2 does not pick it.
    decision = route_request(agency=police, crimes=DV, form_type=FormType.U)
    assert decision.agency == police
    assert attorney.pk != decision.agency.pk


def test_rule_3_without_a_coordinator_configured_raises_a_routing_error():
    agency = AgencyFactory(is_active=False)
    with pytest.raises(RoutingError):
        route_request(agency=agency, crimes=DV, form_type=FormType.U)


def test_rule_4_assigns_the_primary_contact(coordinator):
    agency = AgencyFactory()
    PointOfContactFactory(agency=agency, name="Aaron Official")
    primary = PointOfContactFactory(agency=agency, name="Zed Primary", is_primary=True)
    decision = route_request(agency=agency, crimes=DV, form_type=FormType.U)
    assert decision.contact == primary
    assert "Zed Primary, the primary point of contact" in decision.reason


def test_rule_4_assigns_a_certifying_official_when_there_is_no_active_primary(coordinator):
    agency = AgencyFactory()
    PointOfContactFactory(agency=agency, name="Former Primary", is_primary=True, is_active=False)
    PointOfContactFactory(agency=agency, name="A Reviewer", role=ContactRole.REVIEWER)
    official = PointOfContactFactory(agency=agency, name="B Official")
    decision = route_request(agency=agency, crimes=DV, form_type=FormType.U)
    assert decision.agency == agency
    assert decision.contact == official
    assert "certifying official" in decision.reason


def test_rule_4_leaves_the_request_unassigned_when_only_reviewers_are_active(coordinator):
    agency = AgencyFactory()
    PointOfContactFactory(agency=agency, role=ContactRole.REVIEWER)
    decision = route_request(agency=agency, crimes=DV, form_type=FormType.U)
    assert decision.agency == agency
    assert decision.contact is None
    assert "nobody is assigned yet" in decision.reason
