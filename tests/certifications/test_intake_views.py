"""The intake form over HTTP: every rule refused with a clear message beside its field, and
nothing typed lost."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifications.choices import Crime, FormType, Status
from certifications.models import Attachment, CertificationRequest, RequestEvent

from .intake_support import (
    attach_notice_to_appear,
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    pdf_bytes,
    pdf_upload,
    private_media,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]
NOON_CHICAGO = datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC)


@pytest.fixture
def advocate(client, personas):
    client.force_login(personas.advocate_a)
    return client


def victim_data(**overrides):
    data = {
        "form_type": "U",
        "victim_family_name": "Nguyễn",
        "victim_given_name": "Thị Lan",
        "victim_middle_name": "",
        "victim_other_names": "Lan N.",
        "victim_date_of_birth": "1990-05-17",
        "victim_gender": "female",
        "victim_a_number": "A 123-456-789",
        "victim_preferred_language": "vi",
        "victim_interpreter_needed": "on",
        "go": "next",
    }
    data.update(overrides)
    return data


def edit_url(obj, step):
    return reverse("certifications:edit", args=[obj.pk, step])


def test_a_new_request_is_saved_as_a_draft_with_the_a_number_normalised(advocate, personas):
    response = advocate.post(reverse("certifications:new"), victim_data())
    obj = CertificationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(obj, "expedite")
    assert obj.status == Status.DRAFT
    assert obj.reference.startswith("UV-")
    assert obj.victim_a_number == "A123456789"
    assert obj.victim_family_name == "Nguyễn"
    assert obj.victim_interpreter_needed is True
    # No victim data in the URL the advocate is sent to.
    assert "Nguy" not in response["Location"]


def test_save_draft_stays_on_the_step_and_says_so(advocate, personas):
    response = advocate.post(reverse("certifications:new"), victim_data(go="stay"), follow=True)
    obj = CertificationRequest.objects.get()
    assert response.redirect_chain[-1][0] == edit_url(obj, "victim")
    assert f"Draft {obj.reference} saved" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"victim_date_of_birth": "2027-01-01"}, "victim_date_of_birth", "cannot be in the future"),
        ({"victim_date_of_birth": "17/05/1990x"}, "victim_date_of_birth", "Enter a valid date"),
        ({"victim_a_number": "A12-34"}, "victim_a_number", "A followed by 8 or 9 digits"),
        ({"victim_a_number": "Z123456789"}, "victim_a_number", "A followed by 8 or 9 digits"),
    ],
)
@time_machine.travel(NOON_CHICAGO, tick=False)
def test_bad_victim_input_is_refused_beside_the_field_and_nothing_is_lost(
    advocate, overrides, field, message
):
    response = advocate.post(reverse("certifications:new"), victim_data(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'id="error_1_id_{field}"' in body or f"error_1_id_{field}" in body
    # Everything typed is still in the form.
    assert 'value="Nguyễn"' in body
    assert '<option value="vi" selected>' in body
    assert f'value="{overrides[field]}"' in body
    assert not CertificationRequest.objects.exists()


def crime_data(personas, county, **overrides):
    data = {
        "crimes": [Crime.DOMESTIC_VIOLENCE.value, Crime.STALKING.value],
        "similar_activity_description": "",
        "crime_date_from": "2025-12-24",
        "crime_date_to": "",
        "crime_city": "Saint Paul",
        "crime_county": str(county.pk),
        "occurred_in_us": "yes",
        "statutes_cited": "Minn. Stat. 609.2242",
        "case_number": "SP-25-001234",
        "requested_agency": str(personas.agency_x.pk),
        "go": "next",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"crime_date_from": "2026-03-03"}, "crime_date_from", "after today"),
        ({"crime_date_to": "2026-04-01"}, "crime_date_to", "after today"),
        ({"crime_date_to": "2025-12-01"}, "crime_date_to", "before the start date"),
        ({"crimes": ["jaywalking"]}, "crimes", "Select a valid choice"),
        ({"requested_agency": "999999"}, "requested_agency", "Select a valid choice"),
    ],
)
@time_machine.travel(NOON_CHICAGO, tick=False)
def test_bad_crime_input_is_refused_and_nothing_is_lost(
    advocate, personas, overrides, field, message
):
    obj = complete_request(personas, case_number="")
    response = advocate.post(
        edit_url(obj, "crime"), crime_data(personas, obj.crime_county, **overrides)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'value="SP-25-001234"' in body
    assert 'value="Minn. Stat. 609.2242"' in body
    obj.refresh_from_db()
    assert obj.case_number == ""


def test_the_crime_step_saves_and_t_requests_show_trafficking_types(advocate, personas):
    obj = complete_request(personas)
    response = advocate.post(edit_url(obj, "crime"), crime_data(personas, obj.crime_county))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.crimes == [Crime.DOMESTIC_VIOLENCE.value, Crime.STALKING.value]
    assert obj.case_number == "SP-25-001234"
    t_request = complete_request(personas, form_type=FormType.T)
    body = advocate.get(edit_url(t_request, "crime")).content.decode()
    assert "Type of trafficking" in body
    assert "Labor trafficking: debt bondage" in body
    assert "Qualifying criminal activity" not in body


def test_the_agency_list_puts_the_county_s_suggestions_first(advocate, personas):
    obj = complete_request(personas)
    body = advocate.get(edit_url(obj, "crime")).content.decode()
    assert "Suggested for Ramsey County" in body
    assert body.index(personas.agency_x.name) < body.index("Agency Y Sheriff")
    suggestions = advocate.get(
        reverse("certifications:agency_suggestions"),
        {"county": obj.crime_county.pk, "form_type": "U"},
    ).json()
    # The county's agency first; the statewide coordinator is always offered last.
    assert suggestions["agencies"] == [
        {"id": personas.agency_x.pk, "name": personas.agency_x.name},
        {"id": personas.coordinator_agency.pk, "name": personas.coordinator_agency.name},
    ]


def test_family_members_are_saved_from_the_narrative_step(advocate, personas):
    obj = complete_request(personas)
    data = {
        "narrative": "He hit her.",
        "known_injuries": "",
        "helpfulness": "Gave a statement.",
        "family_implicated": "yes",
        "family-TOTAL_FORMS": "2",
        "family-INITIAL_FORMS": "0",
        "family-MIN_NUM_FORMS": "0",
        "family-MAX_NUM_FORMS": "20",
        "family-0-full_name": "Sam Example",
        "family-0-relationship": "",
        "family-1-full_name": "",
        "family-1-relationship": "",
        "go": "next",
    }
    response = advocate.post(edit_url(obj, "narrative"), data)
    assert "Enter the relationship" in response.content.decode()
    assert 'value="Sam Example"' in response.content.decode()
    data["family-0-relationship"] = "brother-in-law"
    assert advocate.post(edit_url(obj, "narrative"), data).status_code == 302
    assert [m.relationship for m in obj.family_members.all()] == ["brother-in-law"]


def test_a_request_without_a_release_blocks_submission_with_a_message(advocate, personas):
    obj = complete_request(personas, consent_given=False)
    response = advocate.post(reverse("certifications:submit", args=[obj.pk]))
    body = response.content.decode()
    assert "signed, current release naming Agency X" in body
    assert f"{edit_url(obj, 'consent')}?check=1" in body
    obj.refresh_from_db()
    assert obj.status == Status.DRAFT
    # The link leads to the release step, which offers the agency asked.
    body = advocate.get(edit_url(obj, "consent") + "?check=1").content.decode()
    assert "No release recorded." in body
    assert f'value="{personas.agency_x.pk}"' in body


def test_removal_proceedings_without_proof_blocks_submission(advocate, personas):
    obj = complete_request(personas, in_removal_proceedings=True)
    body = advocate.post(reverse("certifications:submit", args=[obj.pk])).content.decode()
    assert "attach the Notice to Appear" in body
    attach_notice_to_appear(obj, personas.advocate_a)
    response = advocate.post(reverse("certifications:submit", args=[obj.pk]))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == Status.SUBMITTED


def test_no_crime_selected_is_listed_on_the_review_page(advocate, personas):
    obj = complete_request(personas, crimes=[])
    body = advocate.get(edit_url(obj, "review")).content.decode()
    assert "Select at least one qualifying criminal activity" in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 a program pretending", "Only PDF, JPEG and PNG"),
        ("photo.png", b"GIF89a not really a png", "Only PDF, JPEG and PNG"),
        ("huge.pdf", None, "larger than"),
    ],
)
def test_disguised_or_oversized_uploads_are_refused_beside_the_field(
    advocate, personas, settings, name, content, message
):
    settings.UPLOAD_MAX_BYTES = 200
    obj = complete_request(personas)
    upload = SimpleUploadedFile(name, content or pdf_bytes() + b"\n" * 300)
    response = advocate.post(
        edit_url(obj, "attachments"), {"kind": "police_report", "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert "is-invalid" in body
    assert not Attachment.objects.exists()


def test_a_pdf_is_attached_and_can_be_removed_from_a_draft(advocate, personas):
    obj = complete_request(personas)
    response = advocate.post(
        edit_url(obj, "attachments"), {"kind": "police_report", "file": pdf_upload()}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    response = advocate.post(reverse("certifications:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_a_submitted_request_can_no_longer_be_edited(advocate, personas):
    obj = complete_request(personas)
    advocate.post(reverse("certifications:submit", args=[obj.pk]))
    response = advocate.post(edit_url(obj, "victim"), victim_data(victim_family_name="Changed"))
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:detail", args=[obj.pk])
    obj.refresh_from_db()
    assert obj.victim_family_name == "Example"


def test_withdraw_needs_a_reason(advocate, personas):
    obj = complete_request(personas)
    advocate.post(reverse("certifications:submit", args=[obj.pk]))
    url = reverse("certifications:withdraw", args=[obj.pk])
    response = advocate.post(url, {"reason": ""})
    assert "This field is required" in response.content.decode()
    response = advocate.post(url, {"reason": "The victim chose not to go on."})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == Status.WITHDRAWN


def test_answering_an_information_request_returns_it_to_the_agency(advocate, personas):
    from certifications.choices import Action
    from certifications.services.core import certification_request_transition
    from certifications.services.intake import certification_request_submit

    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    certification_request_transition(
        cert_request=obj, action=Action.REQUEST_INFO, actor=personas.contact_x, note="Which night?"
    )
    url = reverse("certifications:respond", args=[obj.pk])
    response = advocate.post(url, {"message": "", "files": []})
    assert "This field is required" in response.content.decode()
    response = advocate.post(url, {"message": "Christmas Eve.", "files": [pdf_upload("a.pdf")]})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == Status.IN_REVIEW
    detail = advocate.get(reverse("certifications:detail", args=[obj.pk])).content.decode()
    assert "Christmas Eve." in detail
    assert "Which night?" in detail


@pytest.mark.parametrize(
    ("fields", "step", "message", "kept"),
    [
        ({"crimes": []}, "crime", "Select at least one qualifying", 'value="Saint Paul"'),
        ({"victim_gender": ""}, "victim", "Choose the victim&#x27;s gender", 'value="Example"'),
        (
            {"crimes": [Crime.SIMILAR_ACTIVITY.value]},
            "crime",
            "Describe the similar activity",
            'value="similar_activity"  id="id_crimes_31" checked',
        ),
    ],
)
def test_the_review_link_shows_what_is_missing_beside_the_field(
    advocate, personas, fields, step, message, kept
):
    obj = complete_request(personas, **fields)
    body = advocate.get(edit_url(obj, step) + "?check=1").content.decode()
    assert message in body
    assert "is-invalid" in body
    assert kept in body


def test_the_progress_list_ticks_only_complete_steps(advocate, personas):
    obj = complete_request(personas, consent_given=False)
    body = advocate.get(edit_url(obj, "review")).content.decode()
    assert '1. Victim<span class="visually-hidden"> (complete)' in body
    assert '5. Release<span class="visually-hidden"> (complete)' not in body


def _asked_for_the_police_report(personas) -> CertificationRequest:
    """A submitted request whose agency asked the advocate for the police report."""
    from certifications.services.intake import certification_request_submit
    from certifications.services.review import (
        certification_request_request_info,
        certification_request_start_review,
    )

    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    obj = certification_request_start_review(cert_request=obj, actor=personas.contact_x)
    certification_request_request_info(
        cert_request=obj, actor=personas.contact_x, message="Please attach the police report."
    )
    obj.refresh_from_db()
    return obj


def test_an_information_request_appears_once_on_the_advocates_timeline(advocate, personas):
    obj = _asked_for_the_police_report(personas)
    detail = advocate.get(reverse("certifications:detail", args=[obj.pk])).content.decode()
    timeline = detail[detail.index('id="timeline-heading"') :]
    assert timeline.count("Please attach the police report.") == 1


def test_a_replys_files_show_under_its_message_on_the_timeline(advocate, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certifications.services.answers import certification_request_provide_info

    obj = _asked_for_the_police_report(personas)
    url = reverse("certifications:detail", args=[obj.pk])
    advocate.get(url)
    with CaptureQueriesContext(connection) as before:
        advocate.get(url)
    upload = pdf_upload()
    upload.name = "report-for-agency.pdf"
    certification_request_provide_info(
        cert_request=obj, actor=personas.advocate_a, message="Here it is.", files=[upload]
    )
    with CaptureQueriesContext(connection) as after:
        detail = advocate.get(url).content.decode()
    timeline = detail[detail.index('id="timeline-heading"') :]
    reply = timeline[timeline.index("Here it is.") :]
    assert "report-for-agency.pdf" in reply[: reply.index("</li>")]
    # The message's files come from the request's attachments: no query of their own.
    assert len(after) == len(before)


def test_an_advocate_deletes_a_draft_with_its_files_and_the_deletion_is_audited(advocate, personas):
    from accounts.models import AuditAction, AuditEntry
    from certifications.services.intake import attachment_add

    draft = complete_request(personas)
    attachment = attachment_add(
        cert_request=draft, actor=personas.advocate_a, upload=pdf_upload(), kind="police_report"
    )
    stored = attachment.file.storage
    name = attachment.file.name
    assert stored.exists(name)
    detail = advocate.get(reverse("certifications:detail", args=[draft.pk])).content.decode()
    assert reverse("certifications:delete_draft", args=[draft.pk]) in detail
    url = reverse("certifications:delete_draft", args=[draft.pk])
    confirm = advocate.get(url).content.decode()
    assert "never submitted" in confirm and "1 attached file" in confirm
    response = advocate.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:dashboard")
    assert not CertificationRequest.objects.filter(pk=draft.pk).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not stored.exists(name)
    assert not RequestEvent.objects.filter(request_id=draft.pk).exists()
    entry = AuditEntry.objects.filter(action=AuditAction.PURGE).latest("created_at")
    assert entry.target == draft.reference and entry.user == personas.advocate_a
    assert "Victim" not in entry.detail  # the audit trail names the reference only


def test_only_a_draft_of_ones_own_organization_can_be_deleted(client, personas):
    from certifications.services.intake import certification_request_submit

    draft = complete_request(personas)
    url = reverse("certifications:delete_draft", args=[draft.pk])
    client.force_login(personas.advocate_b)
    assert client.post(url).status_code == 404
    client.force_login(personas.advocate_a)
    submitted = certification_request_submit(cert_request=draft, actor=personas.advocate_a)
    response = client.post(url, follow=True)
    assert "only a draft can be deleted" in response.content.decode()
    assert CertificationRequest.objects.filter(pk=submitted.pk).exists()


@time_machine.travel(NOON_CHICAGO, tick=False)
def test_the_review_step_previews_the_agency_and_due_date_the_submission_will_set(
    advocate, personas
):
    from certifications.services.intake import certification_request_submit

    agency = personas.agency_x
    agency.policy_response_days = 30
    agency.save()
    draft = complete_request(personas)
    review = advocate.get(reverse("certifications:edit", args=[draft.pk, "review"]))
    html = review.content.decode()
    assert "If you submit today" in html
    # March 2 + 30 days under the agency's stricter policy, named with its basis.
    assert "April 1, 2026" in html
    assert "Agency X Police Department policy: 30 days (stricter than the statute)" in html
    submitted = certification_request_submit(cert_request=draft, actor=personas.advocate_a)
    assert submitted.due_date == datetime.date(2026, 4, 1)
    # An incomplete draft shows what is missing instead of a preview.
    incomplete = complete_request(personas, crimes=[])
    html = advocate.get(reverse("certifications:edit", args=[incomplete.pk, "review"])).content
    assert b"If you submit today" not in html
