"""Admin forms for people: certified crimes are ticked by name, and every refusal names the
values that would be accepted."""

from __future__ import annotations

import datetime
import html

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Organization
from agencies.importing import directory_import_plan
from agencies.models import Agency, AgencyKind
from agencies.signing import CertifyingDesignation, Delegation
from certifications.choices import Crime
from certifications.models import FormEdition, OfficialForm
from tests.factories import AgencyFactory, PointOfContactFactory

pytestmark = pytest.mark.django_db


def _agency_post(agency, **changes):
    data = {
        "name": agency.name,
        "kind": agency.kind,
        "level": agency.level,
        "is_active": "on",
        "statute_coverage": agency.statute_coverage,
        "statute_coverage_note": agency.statute_coverage_note,
        "state": "MN",
        "accepts_u": "on",
        "accepts_t": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _change(client, personas, agency, **changes):
    client.force_login(personas.admin)
    return client.post(
        f"/admin/agencies/agency/{agency.pk}/change/", _agency_post(agency, **changes)
    )


def _admin_form(model, personas, data, obj=None):
    request = RequestFactory().get("/admin/")
    request.user = personas.admin
    form_class = admin.site._registry[model].get_form(request, obj, change=obj is not None)
    return form_class(data=data, instance=obj)


def test_certified_crimes_are_checkboxes_with_the_crimes_names(client, personas):
    agency = AgencyFactory(name="Mpls Police")
    client.force_login(personas.admin)
    body = client.get(f"/admin/agencies/agency/{agency.pk}/change/").content.decode()
    assert 'type="checkbox" name="certified_crimes" value="domestic_violence"' in body
    assert "Domestic violence" in body
    assert "Enter a valid JSON" not in body


def test_ticked_crimes_are_saved_as_codes_in_list_order(client, personas):
    agency = AgencyFactory(name="Mpls Police")
    response = _change(
        client, personas, agency, certified_crimes=[Crime.STALKING, Crime.DOMESTIC_VIOLENCE]
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.certified_crimes == ["domestic_violence", "stalking"]
    response = _change(client, personas, agency)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.certified_crimes == []


def test_an_unknown_crime_code_is_refused_naming_the_crimes(client, personas):
    agency = AgencyFactory(name="Mpls Police")
    response = _change(client, personas, agency, certified_crimes=["jaywalking"])
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "“jaywalking” is not one of the valid values" in body
    assert "Domestic violence (domestic_violence)" in body
    agency.refresh_from_db()
    assert agency.certified_crimes == []


def test_a_bad_kind_or_coverage_names_the_valid_values(client, personas):
    agency = AgencyFactory(name="Mpls Police")
    response = _change(client, personas, agency, kind="constable", statute_coverage="maybe")
    body = html.unescape(response.content.decode())
    assert "“constable” is not one of the valid values:" in body
    assert f"{AgencyKind.POLICE.label} (police)" in body
    assert "“maybe” is not one of the valid values: " in body
    assert "(covered)" in body and "(undecided)" in body


def test_policy_days_out_of_range_name_the_range(client, personas):
    agency = AgencyFactory(name="Mpls Police")
    response = _change(client, personas, agency, policy_response_days="0")
    assert "Enter a number of days from 1 to 365" in response.content.decode()
    response = _change(client, personas, agency, policy_expedited_days="a week")
    assert "Enter a whole number, e.g. 30." in response.content.decode()


def test_a_second_statewide_coordinator_names_the_first(client, personas):
    current = Agency.objects.get(is_statewide_coordinator=True)
    agency = AgencyFactory(name="Mpls Police")
    response = _change(client, personas, agency, is_statewide_coordinator="on")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert f"{current.name} is the statewide coordinator; there is only one." in body


def test_a_revocation_before_the_delegation_is_refused_with_the_valid_range(personas):
    agency = AgencyFactory(name="Small Town PD")
    delegation = Delegation.objects.create(
        agency=agency, document="x.pdf", signed_on=datetime.date(2026, 3, 1), signed_by="Chief"
    )
    data = {"signed_on": "2026-03-01", "signed_by": "Chief", "revoked_on": "2026-02-01"}
    form = _admin_form(Delegation, personas, data, delegation)
    assert not form.is_valid()
    assert form.errors["revoked_on"] == [
        "The revocation must be on or after the date signed (2026-03-01), or left empty if "
        "it is not revoked. Enter a date as YYYY-MM-DD, e.g. 2026-01-31."
    ]
    form = _admin_form(Delegation, personas, {**data, "revoked_on": "first of May"}, delegation)
    assert form.errors["revoked_on"] == ["Enter a date as YYYY-MM-DD, e.g. 2026-01-31."]


def test_a_designation_revoked_before_it_was_made_is_refused(personas):
    contact = PointOfContactFactory(agency=AgencyFactory(name="Small Town PD"))
    designation = CertifyingDesignation.objects.create(
        contact=contact, designated_on=datetime.date(2026, 3, 1)
    )
    data = {"contact": contact.pk, "designated_on": "2026-03-01", "revoked_on": "2026-01-01"}
    form = _admin_form(CertifyingDesignation, personas, data, designation)
    assert "on or after the date of the designation (2026-03-01)" in form.errors["revoked_on"][0]


def test_an_edition_s_bad_json_names_the_shape(personas):
    edition = FormEdition.objects.get(form=OfficialForm.I918B, is_current=True)
    data = {
        "form": edition.form,
        "edition_date": "2025-01-20",
        "title": edition.title,
        "structure": "{parts: []",
        "field_map": "not json",
        "mapping_source": "",
    }
    form = _admin_form(FormEdition, personas, data, edition)
    assert form.errors["structure"][0].startswith('Enter valid JSON: {"parts": [{"number"')
    assert form.errors["field_map"][0].startswith('Enter valid JSON: {"item_key": ["PDF')
    form = _admin_form(FormEdition, personas, {**data, "form": "I-130"}, edition)
    assert form.errors["form"] == [
        "“I-130” is not one of the valid values: Form I-918 Supplement B (I-918B), "
        "Form I-914 Supplement B (I-914B)."
    ]


def test_an_organization_s_bad_kind_names_the_kinds(personas):
    form = _admin_form(Organization, personas, {"name": "New shelter", "kind": "church"})
    message = form.errors["kind"][0]
    assert message.startswith("“church” is not one of the valid values: ")
    assert all(f"({code})" in message for code, _ in Organization._meta.get_field("kind").choices)


def test_a_user_s_bad_role_names_the_roles(personas):
    user = personas.advocate_a
    form = _admin_form(type(user), personas, {"email": user.email, "role": "boss"}, user)
    assert form.errors["role"][0].startswith("“boss” is not one of the valid values: ")


def test_the_import_names_the_crime_codes_when_one_is_unknown(personas):
    header = "agency_name,kind,level,counties,certified_crimes\n"
    plan = directory_import_plan(data=(header + "Town PD,police,city,,jaywalking\n").encode())
    errors = [e for row in plan.rows for e in row.errors]
    assert any(
        e.startswith("certified_crimes: unknown crime code(s) jaywalking. The codes are: ")
        and "domestic_violence" in e
        for e in errors
    ), errors
