"""Routing texts stay true and read cleanly on every routing path: the agency the advocate
named, a sibling department, the statewide coordinator, an agency without a contact, a
transfer and a re-route (each through HTTP, read back from the pages that show them)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind, AgencyLevel
from certifications.choices import Crime, Status
from certifications.models import CertificationRequest
from tests.certifications.intake_support import complete_request
from tests.factories import (
    AgencyFactory,
    PointOfContactFactory,
    make_release,
    make_submitted_request,
)

pytestmark = pytest.mark.django_db

# Doubled or nested punctuation: "..", ".,", ":.", "))", "((", "( ... ( ... )", " .", "  ".
BAD = re.compile(r"[.,;:]\s*[.,;:]|\)\s*\)|\(\s*\(|\([^()]*\(|\s[.,;:]|  ")


def _clean(text: str) -> str:
    for line in text.splitlines():
        assert not BAD.search(line), line
        assert line.rstrip().endswith((".", "?", "!")), line
    return text


def _submit(client, personas, agency) -> CertificationRequest:
    draft = complete_request(personas, agency=agency)
    make_release(draft, [agency])
    client.force_login(personas.advocate_a)
    response = client.post(reverse("certifications:submit", args=[draft.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    page = client.get(reverse("certifications:detail", args=[draft.pk])).content.decode()
    assert draft.routing_reason.splitlines()[0].replace("'", "&#x27;") in page
    return draft


def test_the_named_agency(client, personas):
    obj = _submit(client, personas, personas.agency_x)
    assert _clean(obj.routing_reason).startswith(
        "Routed to Agency X Police Department, the agency named in the request."
    )


def test_a_sibling_department(client, personas):
    police = AgencyFactory(
        name="Mpls Police", city_name="Minneapolis", certified_crimes=[Crime.MURDER.value]
    )
    PointOfContactFactory(agency=police, is_primary=True)
    attorney = AgencyFactory(
        name="Mpls City Attorney",
        city_name="Minneapolis",
        certified_crimes=[c.value for c in Crime],
    )
    PointOfContactFactory(agency=attorney, is_primary=True)
    draft = complete_request(personas, agency=police)
    make_release(draft, [police, attorney])
    client.force_login(personas.advocate_a)
    client.post(reverse("certifications:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.agency == attorney
    assert "Mpls City Attorney certifies them" in _clean(draft.routing_reason)


def test_the_coordinator_named_as_the_directory_names_it(client, personas):
    # The directory loader's name already says "(statewide coordinator)"; the form's name
    # must not add a second pair of parentheses to the same sentence.
    personas.coordinator_agency.name = (
        "Minnesota Department of Public Safety (statewide coordinator)"
    )
    personas.coordinator_agency.save()
    federal = AgencyFactory(
        name="Federal Bureau of Investigation",
        kind=AgencyKind.FEDERAL_LE,
        level=AgencyLevel.FEDERAL,
        accepts_u=False,
    )
    PointOfContactFactory(agency=federal, is_primary=True)
    draft = complete_request(personas, agency=federal)
    make_release(draft, [federal, personas.coordinator_agency])
    client.force_login(personas.advocate_a)
    client.post(reverse("certifications:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.agency == personas.coordinator_agency
    assert _clean(draft.routing_reason) == (
        "Routed to Minnesota Department of Public Safety (statewide coordinator) because "
        "Federal Bureau of Investigation does not accept U visa requests on Form I-918 "
        "Supplement B."
    )


def test_no_contact(client, personas):
    lonely = AgencyFactory(name="Lonely PD")
    obj = _submit(client, personas, lonely)
    text = _clean(obj.routing_reason)
    assert "Lonely PD has no active point of contact" in text


def _moved(client, personas, *, actor, url_name, to_agency, reason, overdue=False):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    make_release(request, [personas.agency_x, to_agency])
    if overdue:
        CertificationRequest.objects.filter(pk=request.pk).update(
            due_date=timezone.localdate() - datetime.timedelta(days=3)
        )
    client.force_login(actor)
    response = client.post(
        reverse(f"certifications:{url_name}", args=[request.pk]),
        {"agency": to_agency.pk, "reason": reason},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.agency == to_agency
    return request


@pytest.mark.parametrize(
    "reason", ["The sheriff investigated.", "The sheriff investigated..", "Theirs?"]
)
def test_a_transfer_names_who_moved_it_and_why(client, personas, reason):
    obj = _moved(
        client,
        personas,
        actor=personas.contact_x,
        url_name="transfer",
        to_agency=personas.agency_y,
        reason=reason,
    )
    text = _clean(obj.routing_reason)
    assert "the agency named in the request" not in text
    said = "Theirs?" if reason == "Theirs?" else "The sheriff investigated."
    assert text.startswith(
        "Transferred from Agency X Police Department by Contact X of Agency X Police "
        f"Department, who gave this reason: {said}\n"
    )
    assert "Routed to Agency Y Sheriff's Office, the agency Contact X of Agency X Police " in text
    # The advocate's page shows the new text.
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[obj.pk])).content.decode()
    assert "who gave this reason" in page
    assert "the agency named in the request" not in page


def test_a_reroute_names_the_coordinators_staff_and_why(client, personas):
    obj = _moved(
        client,
        personas,
        actor=personas.coordinator,
        url_name="reroute",
        to_agency=personas.agency_y,
        reason="The sheriff has the case",
        overdue=True,
    )
    text = _clean(obj.routing_reason)
    coordinator = personas.coordinator
    assert text.startswith(
        f"Re-routed from Agency X Police Department by {coordinator.full_name} of Minnesota "
        "Department of Public Safety, who gave this reason: The sheriff has the case.\n"
    )
    assert "the agency named in the request" not in text
