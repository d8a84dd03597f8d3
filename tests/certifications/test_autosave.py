"""The intake steps' autosave over HTTP: what is valid is saved as typed, errors come back by
field, outsiders and submitted requests get 404, every call is audited, CSRF is enforced."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Action, Status
from certifications.models import CertificationRequest
from tests.factories import make_request, make_submitted_request

from .intake_support import fast_passwords  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]
NOON_CHICAGO = datetime.datetime(2026, 3, 2, 18, 42, tzinfo=datetime.UTC)


def autosave_url(obj, step):
    return reverse("certifications:autosave", args=[obj.pk, step])


def victim_step(**overrides):
    data = {
        "victim_family_name": "Nguyễn",
        "victim_given_name": "Thị Lan",
        "victim_middle_name": "",
        "victim_other_names": "",
        "victim_date_of_birth": "1990-05-17",
        "victim_gender": "female",
        "victim_a_number": "",
        "victim_preferred_language": "vi",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(personas):
    return make_request(organization=personas.org_a, created_by=personas.advocate_a)


@pytest.fixture
def advocate(client, personas):
    client.force_login(personas.advocate_a)
    return client


@time_machine.travel(NOON_CHICAGO, tick=False)
def test_the_step_is_saved_and_the_time_is_answered_in_minnesota_time(advocate, draft):
    response = advocate.post(autosave_url(draft, "victim"), victim_step())
    assert response.status_code == 200
    assert response.json() == {"saved_at": "12:42", "errors": {}}
    draft.refresh_from_db()
    assert draft.victim_family_name == "Nguyễn"
    assert draft.victim_preferred_language == "vi"
    assert draft.status == Status.DRAFT


def test_an_invalid_field_is_answered_and_not_saved_while_the_valid_ones_are(advocate, draft):
    response = advocate.post(
        autosave_url(draft, "victim"),
        victim_step(victim_given_name="Mai", victim_date_of_birth="17/05/1990x"),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved_at"]
    assert list(body["errors"]) == ["victim_date_of_birth"]
    draft.refresh_from_db()
    assert draft.victim_given_name == "Mai"
    assert draft.victim_date_of_birth == datetime.date(1990, 5, 17)  # the saved value stays


def test_an_invalid_a_number_is_refused_beside_its_field(advocate, draft):
    response = advocate.post(autosave_url(draft, "victim"), victim_step(victim_a_number="12"))
    assert "victim_a_number" in response.json()["errors"]
    draft.refresh_from_db()
    assert draft.victim_family_name == "Nguyễn"


def test_the_narrative_step_saves_its_text(advocate, draft):
    data = {
        "narrative": "He followed her home twice.",
        "known_injuries": "",
        "helpfulness": "Gave a statement.",
        "family_implicated": "no",
        "family-TOTAL_FORMS": "0",
        "family-INITIAL_FORMS": "0",
    }
    response = advocate.post(autosave_url(draft, "narrative"), data)
    assert response.status_code == 200
    assert response.json()["errors"] == {}
    draft.refresh_from_db()
    assert draft.narrative == "He followed her home twice."


def test_another_organization_gets_404_and_nothing_changes(client, personas, draft):
    client.force_login(personas.advocate_b)
    response = client.post(autosave_url(draft, "victim"), victim_step(victim_given_name="X"))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.victim_given_name == "Victim"


def test_an_agency_contact_gets_404(client, personas, draft):
    client.force_login(personas.contact_x)
    assert client.post(autosave_url(draft, "victim"), victim_step()).status_code == 404


def test_a_submitted_request_gets_404_and_is_not_changed(advocate, personas):
    submitted = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    response = advocate.post(autosave_url(submitted, "victim"), victim_step(victim_given_name="Z"))
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.victim_given_name != "Z"


def test_steps_with_files_or_without_fields_are_not_autosaved(advocate, draft):
    for step in ("attachments", "consent", "review", "no-such-step"):
        assert advocate.post(autosave_url(draft, step), {}).status_code == 404


def test_only_post_is_accepted(advocate, draft):
    assert advocate.get(autosave_url(draft, "victim")).status_code == 405


def test_every_autosave_is_audited_by_reference_without_victim_data(advocate, draft):
    advocate.post(autosave_url(draft, "victim"), victim_step())
    entry = AuditEntry.objects.filter(action=AuditAction.VICTIM_DATA_VIEW).latest("id")
    assert entry.outcome == "200"
    assert draft.reference in entry.target + entry.detail
    assert "Nguyễn" not in entry.target + entry.detail


def test_an_outsiders_attempt_is_audited_as_not_found(client, personas, draft):
    client.force_login(personas.advocate_b)
    client.post(autosave_url(draft, "victim"), victim_step())
    entry = AuditEntry.objects.filter(action=AuditAction.VICTIM_DATA_VIEW).latest("id")
    assert entry.outcome == "not_found"


def test_a_post_without_the_csrf_token_is_refused(personas, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.advocate_a)
    response = client.post(autosave_url(draft, "victim"), victim_step(victim_given_name="Q"))
    assert response.status_code == 403
    assert CertificationRequest.objects.get(pk=draft.pk).victim_given_name == "Victim"


def test_the_typed_steps_carry_the_autosave_and_its_status_region(advocate, draft):
    page = advocate.get(reverse("certifications:edit", args=[draft.pk, "victim"])).content.decode()
    assert f'data-autosave-url="{autosave_url(draft, "victim")}"' in page
    assert 'aria-live="polite"' in page
    assert "js/autosave.js" in page
    attachments = advocate.get(reverse("certifications:edit", args=[draft.pk, "attachments"]))
    assert "js/autosave.js" not in attachments.content.decode()


def test_family_rows_are_saved_and_a_half_typed_row_is_answered_beside_its_input(advocate, draft):
    data = {
        "narrative": "He followed her home twice.",
        "known_injuries": "",
        "helpfulness": "Gave a statement.",
        "family_implicated": "yes",
        "family-TOTAL_FORMS": "2",
        "family-INITIAL_FORMS": "0",
        "family-0-full_name": "Minh Tran",
        "family-0-relationship": "Brother",
        "family-1-full_name": "",
        "family-1-relationship": "",
    }
    advocate.post(autosave_url(draft, "narrative"), data)
    assert list(draft.family_members.values_list("full_name", flat=True)) == ["Minh Tran"]

    data.update({"family-1-full_name": "Hoa", "narrative": "He followed her home."})
    body = advocate.post(autosave_url(draft, "narrative"), data).json()
    assert list(body["errors"]) == ["family-1-relationship"]
    draft.refresh_from_db()
    assert draft.narrative == "He followed her home."  # the valid fields are saved
    assert draft.family_members.count() == 1  # the rows wait until they are whole


def test_a_stretch_of_typing_is_one_edited_line_naming_the_fields_not_their_values(
    advocate, personas, draft
):
    advocate.post(autosave_url(draft, "victim"), victim_step(victim_given_name="Mai"))
    advocate.post(autosave_url(draft, "victim"), victim_step(victim_given_name="Mai Anh"))
    advocate.post(
        autosave_url(draft, "victim"),
        victim_step(victim_given_name="Mai Anh", victim_other_names="Annie"),
    )
    edits = list(draft.events.filter(action=Action.EDITED))
    assert len(edits) == 1
    assert "victim_given_name" in edits[0].changed_fields
    assert "victim_other_names" in edits[0].changed_fields
    assert "Mai" not in str(edits[0].changed_fields) + edits[0].note

    # Another kind of event in between starts a new line.
    draft.events.create(actor=personas.advocate_a, action=Action.MESSAGE)
    advocate.post(autosave_url(draft, "victim"), victim_step(victim_given_name="Lan"))
    assert draft.events.filter(action=Action.EDITED).count() == 2
