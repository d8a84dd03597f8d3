"""The statewide coordinator's two roles, over HTTP: it decides only where DPS or one of its
divisions had responsibility for the case (recording that basis) or where the agency's head
delegated its certifications in writing; otherwise it coordinates, and the request, its clock
and its statistics stay with the responsible agency (8 CFR 214.14(a)(2))."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind, AgencyLevel, Delegation, TrainingRecord
from certifications.choices import Action, CoordinationKind, DecisionBasis, Status
from certifications.models import CertificationRequest
from certifications.statistics import agency_figures
from tests.factories import AgencyFactory, make_submitted_request

from .intake_support import pdf_bytes


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bca(personas):
    return AgencyFactory(
        name="Bureau of Criminal Apprehension",
        kind=AgencyKind.OTHER,
        level=AgencyLevel.STATE,
        is_dps_division=True,
    )


def _submitted(personas, agency, **kw):
    return make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=agency, **kw
    )


def _escalated(request):
    CertificationRequest.objects.filter(pk=request.pk).update(escalated_at=timezone.now())
    request.refresh_from_db()
    return request


def _certify(client, request, signer, **extra):
    data = {"signer": signer.pk, "signature_date": timezone.localdate().isoformat(), **extra}
    return client.post(reverse("certifications:certify", args=[request.pk]), data)


def test_the_coordinator_decides_a_dps_request_only_naming_the_responsible_unit(
    client, personas, bca
):
    request = _submitted(personas, personas.coordinator_agency)
    signer = personas.coordinator.point_of_contact
    client.force_login(personas.coordinator)
    page = client.get(
        reverse("certifications:review", args=[request.pk]) + "?act=certify"
    ).content.decode()
    assert "Bureau of Criminal Apprehension" in page
    refused = _certify(client, request, signer)
    assert refused.status_code == 400
    # A local agency is no DPS unit: the choice is refused too.
    assert (
        _certify(client, request, signer, responsible_unit=personas.agency_x.pk).status_code == 400
    )
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert _certify(client, request, signer, responsible_unit=bca.pk).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED
    assert request.decision_basis == DecisionBasis.DPS_RESPONSIBILITY
    assert request.decision_basis_agency == bca
    assert "Bureau of Criminal Apprehension had responsibility" in (
        request.events.get(action=Action.CERTIFY).note
    )


def test_the_coordinator_coordinates_an_escalated_request_which_stays_with_its_agency(
    client, personas
):
    request = _escalated(_submitted(personas, personas.agency_x))
    due, basis = request.due_date, request.deadline_basis
    client.force_login(personas.coordinator)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Record what was done" in page
    assert "?act=certify" not in page
    signer = personas.coordinator.point_of_contact
    assert _certify(client, request, signer).status_code == 404
    url = reverse("certifications:coordinate", args=[request.pk])
    assert (
        client.post(url, {"kind": CoordinationKind.CONTACTED_HEAD, "note": ""}).status_code == 400
    )
    response = client.post(
        url, {"kind": CoordinationKind.CONTACTED_HEAD, "note": "Called the chief; due Friday."}
    )
    assert response.status_code == 302
    # Re-routing never hands it to DPS: the coordinator re-routes to a local agency only.
    rerouted = client.post(
        reverse("certifications:reroute", args=[request.pk]),
        {"agency": personas.coordinator_agency.pk, "reason": "Take it over."},
    )
    assert rerouted.status_code == 400
    request.refresh_from_db()
    assert request.agency == personas.agency_x
    assert (request.due_date, request.deadline_basis) == (due, basis)
    assert request.status == Status.SUBMITTED
    event = request.events.get(action=Action.COORDINATED)
    assert "Called the chief" in event.note and event.actor == personas.coordinator
    # The agency's own page shows it; the advocate's does not.
    client.force_login(personas.contact_x)
    review = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Called the chief; due Friday." in review
    client.force_login(personas.advocate_a)
    detail = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "Called the chief" not in detail
    # The statistics count it for the agency, not for DPS.
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    assert agency_figures(agency=personas.agency_x, start=start, end=today).received == 1
    assert agency_figures(agency=personas.coordinator_agency, start=start, end=today).received == 0


def test_coordination_on_an_on_time_request_of_another_agency_is_404(client, personas):
    request = _submitted(personas, personas.agency_x)
    client.force_login(personas.coordinator)
    url = reverse("certifications:coordinate", args=[request.pk])
    assert client.post(url, {"kind": "other", "note": "x"}).status_code == 404
    client.force_login(personas.contact_x)
    assert client.post(url, {"kind": "other", "note": "x"}).status_code == 404


def test_escalating_marks_the_request_and_keeps_its_agency(client, personas):
    request = CertificationRequest.objects.get(
        pk=_submitted(
            personas,
            personas.agency_x,
            due_date=timezone.localdate() - datetime.timedelta(days=2),
        ).pk
    )
    assert request.escalated_at is None
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("certifications:coordinate", args=[request.pk]),
        {"kind": CoordinationKind.ESCALATED, "note": "Raised with the sheriff's chief deputy."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.escalated_at is not None
    assert request.agency == personas.agency_x


def test_under_a_written_delegation_the_coordinator_decides_the_agencys_requests(client, personas):
    request = _submitted(personas, personas.agency_y)
    client.force_login(personas.coordinator)
    review = reverse("certifications:review", args=[request.pk])
    assert client.get(review).status_code == 404
    page = client.get(reverse("agencies:delegations"))
    assert page.status_code == 200 and "question for counsel" in page.content.decode()
    missing = client.post(
        reverse("agencies:delegations"),
        {"agency": personas.agency_y.pk, "signed_by": "Sheriff Y", "signed_on": "2026-01-05"},
    )
    assert missing.status_code == 400
    document = SimpleUploadedFile("delegation.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("agencies:delegations"),
        {
            "agency": personas.agency_y.pk,
            "signed_by": "Sheriff Y",
            "signed_on": "2026-01-05",
            "document": document,
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get(agency=personas.agency_y)
    assert delegation.recorded_by == personas.coordinator
    download = reverse("agencies:delegation_document", args=[delegation.pk])
    assert client.get(download).status_code == 200
    client.force_login(personas.contact_x)
    assert client.get(download).status_code == 404
    client.force_login(personas.coordinator)
    assert client.get(review).status_code == 200
    assert _certify(client, request, personas.coordinator.point_of_contact).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED
    assert request.decision_basis == DecisionBasis.DELEGATION
    # The request stays the agency's: its statistics count it.
    assert request.agency == personas.agency_y
    # Revoked, the coordinator no longer decides (nor sees) the agency's on-time requests.
    other = _submitted(personas, personas.agency_y)
    client.post(reverse("agencies:delegation_revoke", args=[delegation.pk]))
    delegation.refresh_from_db()
    assert delegation.revoked_on == timezone.localdate()
    assert client.get(reverse("certifications:review", args=[other.pk])).status_code == 404


def test_only_the_coordinator_reaches_the_delegations_and_training_pages(client, personas):
    for name in ("agencies:delegations", "agencies:training"):
        for persona in ("contact_x", "advocate_a", "admin"):
            client.force_login(getattr(personas, persona))
            assert client.get(reverse(name)).status_code == 404, (name, persona)


def test_the_coordinator_sees_every_contacts_training_and_records_a_dps_training(client, personas):
    contact_y = personas.contact_y.point_of_contact
    contact_y.last_training_date = timezone.localdate() - datetime.timedelta(days=800)
    contact_y.save()
    client.force_login(personas.coordinator)
    page = client.get(reverse("agencies:training") + "?lapsed=1").content.decode()
    assert "Contact Y" in page and "Lapsed" in page
    assert "Contact X" not in page
    everyone = client.get(reverse("agencies:training")).content.decode()
    assert "Contact X" in everyone and "Contact Y" in everyone
    trained = timezone.localdate() - datetime.timedelta(days=1)
    refused = client.post(
        reverse("agencies:training"), {"date": trained.isoformat(), "topic": "U visa basics"}
    )
    assert refused.status_code == 400
    assert "Choose the points of contact" in refused.content.decode()
    response = client.post(
        reverse("agencies:training"),
        {"date": trained.isoformat(), "topic": "U visa basics", "contacts": [contact_y.pk]},
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(contact=contact_y)
    assert (record.provider, record.topic, record.date) == ("DPS", "U visa basics", trained)
    contact_y.refresh_from_db()
    assert contact_y.last_training_date == trained


def test_the_overdue_sweep_escalates_without_moving_the_request_to_dps(client, personas):
    from certifications.services.reminders import requests_escalate_overdue

    request = _submitted(
        personas, personas.agency_x, due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert requests_escalate_overdue() == 1
    request.refresh_from_db()
    assert request.escalated_at is not None
    assert request.agency == personas.agency_x
    client.force_login(personas.coordinator)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Record what was done" in page and "?act=certify" not in page
