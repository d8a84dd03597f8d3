"""A request's history is its timeline and the audit trail: an edit names the fields it
changed, never their values; no copy of the request is kept anywhere else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from agencies.models import Agency
from certifications.choices import Action
from certifications.models import CertificationRequest, RequestEvent
from certifications.services.documents import agency_form_answers_update
from certifications.services.intake import certification_request_save_draft

from .documents_helpers import submit_to
from .intake_support import complete_request

pytestmark = pytest.mark.django_db

SECRET = "Qwertzuiop"


def _edits(cert_request) -> list[RequestEvent]:
    return list(RequestEvent.objects.filter(request=cert_request, action=Action.EDITED))


def _event_text(event: RequestEvent) -> str:
    return f"{event.note} {event.changed_fields} {event.changed_field_labels}"


def test_an_edit_step_records_which_fields_changed_and_not_their_values(personas):
    draft = complete_request(personas, victim_given_name="Ana")
    certification_request_save_draft(
        actor=personas.advocate_a,
        cert_request=draft,
        fields={"victim_given_name": SECRET, "victim_gender": draft.victim_gender},
    )
    [event] = _edits(draft)
    assert event.changed_fields == ["victim_given_name"]
    assert event.actor == personas.advocate_a
    assert event.changed_field_labels == ["given name (first name)"]
    assert SECRET not in _event_text(event)
    audit = AuditEntry.objects.filter(action=AuditAction.REQUEST_EDIT).latest("created_at")
    assert audit.detail == "changed: victim_given_name"


def test_saving_a_step_unchanged_records_no_edit(personas):
    draft = complete_request(personas, victim_given_name="Ana")
    certification_request_save_draft(
        actor=personas.advocate_a, cert_request=draft, fields={"victim_given_name": "Ana"}
    )
    assert _edits(draft) == []


def test_new_family_members_are_named_as_a_change_without_their_names(personas):
    draft = complete_request(personas)
    members = [{"full_name": SECRET, "relationship": "brother"}]
    certification_request_save_draft(
        actor=personas.advocate_a, cert_request=draft, fields={}, family_members=members
    )
    certification_request_save_draft(
        actor=personas.advocate_a, cert_request=draft, fields={}, family_members=members
    )
    [event] = _edits(draft)
    assert event.changed_fields == ["family_members"]
    assert SECRET not in _event_text(event)


def test_the_agency_s_corrections_name_the_answers_it_changed(personas):
    cert_request = submit_to(complete_request(personas), personas.agency_x)
    agency_form_answers_update(
        cert_request=cert_request,
        actor=personas.contact_x,
        answers={"case_number": f"{SECRET}-1", "statutes_cited": "", "crime_dates": ""},
    )
    event = RequestEvent.objects.get(request=cert_request, action=Action.AGENCY_ANSWERS_EDITED)
    assert event.changed_fields == ["case_number"]
    assert event.changed_field_labels == ["case number"]
    assert SECRET not in _event_text(event)


def test_the_timeline_shows_the_changed_fields_in_words(client, personas):
    draft = complete_request(personas, victim_given_name="Ana")
    certification_request_save_draft(
        actor=personas.advocate_a, cert_request=draft, fields={"victim_given_name": SECRET}
    )
    client.force_login(personas.advocate_a)
    html = client.get(reverse("certifications:detail", args=[draft.pk])).content.decode()
    assert "Changed: given name (first name)" in html


def test_no_copy_of_a_request_is_kept_beside_it_but_the_directory_keeps_its_history(personas):
    tables = connection.introspection.table_names()
    assert "certifications_historicalcertificationrequest" not in tables
    assert not hasattr(CertificationRequest, "history")
    # The directory is not victim data: who changed an agency's details, and when, is kept.
    agency = Agency.objects.get(pk=personas.agency_x.pk)
    agency.phone = "651-555-0100"
    agency.save()
    assert agency.history.first().phone == "651-555-0100"
