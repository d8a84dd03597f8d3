"""The advocate's services: drafts, submission (routing, due date), withdrawal, answers."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Action, AttachmentKind, Crime, FormType, Status
from certifications.models import Attachment, CertificationRequest, Message, RequestEvent
from certifications.services.answers import certification_request_provide_info
from certifications.services.core import TransitionError, certification_request_transition
from certifications.services.intake import (
    IncompleteRequestError,
    a_number_normalize,
    attachment_add,
    certification_request_problems,
    certification_request_save_draft,
    certification_request_submit,
    certification_request_withdraw,
)

from ..factories import AgencyFactory, PointOfContactFactory
from ..security.upload_samples import one_page_pdf
from .intake_support import (
    attach,
    attach_notice_to_appear,
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    pdf_upload,
    private_media,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]

# Noon in Minnesota, a Monday.
NOON_CHICAGO = datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("A123456789", "A123456789"),
        ("a 123-456-789", "A123456789"),
        ("A 12.345.678", "A12345678"),
        ("123456789", "A123456789"),
        ("  ", ""),
    ],
)
def test_a_number_is_normalised(typed, stored):
    assert a_number_normalize(typed) == stored


@pytest.mark.parametrize("typed", ["A1234567", "A1234567890", "B123456789", "A12345678X", "12-34"])
def test_a_malformed_a_number_is_refused_with_a_plain_message(typed):
    with pytest.raises(ValidationError) as exc:
        a_number_normalize(typed)
    assert "A followed by 8 or 9 digits" in exc.value.messages[0]


def test_save_draft_creates_a_request_with_its_reference_and_audits_it(personas):
    obj = certification_request_save_draft(
        actor=personas.advocate_a,
        form_type=FormType.T,
        fields={"victim_family_name": "Muñoz", "victim_a_number": "a 123 456 789"},
    )
    assert obj.status == Status.DRAFT
    assert obj.organization == personas.org_a
    assert obj.reference.startswith("TV-")
    assert obj.victim_a_number == "A123456789"
    entry = AuditEntry.objects.get(action=AuditAction.REQUEST_EDIT)
    assert entry.target == obj.reference
    assert "Muñoz" not in entry.detail


def test_save_draft_updates_and_replaces_family_members(personas):
    obj = complete_request(personas)
    certification_request_save_draft(
        actor=personas.advocate_a,
        cert_request=obj,
        fields={"family_implicated": "yes"},
        family_members=[{"full_name": "Sam Example", "relationship": "brother"}],
    )
    certification_request_save_draft(
        actor=personas.advocate_a,
        cert_request=obj,
        fields={},
        family_members=[{"full_name": "Lee Example", "relationship": "father"}],
    )
    assert list(obj.family_members.values_list("full_name", flat=True)) == ["Lee Example"]


def test_save_draft_refuses_fields_outside_the_form_and_submitted_requests(personas):
    obj = complete_request(personas)
    with pytest.raises(ValueError):
        certification_request_save_draft(
            actor=personas.advocate_a, cert_request=obj, fields={"status": Status.CERTIFIED}
        )
    certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    with pytest.raises(TransitionError):
        certification_request_save_draft(
            actor=personas.advocate_a, cert_request=obj, fields={"narrative": "changed"}
        )


@time_machine.travel(NOON_CHICAGO, tick=False)
def test_submit_routes_computes_the_due_date_and_records_the_event(personas):
    obj = complete_request(personas)
    obj = certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    assert obj.status == Status.SUBMITTED
    assert obj.agency == personas.agency_x
    assert obj.assigned_contact.user == personas.contact_x
    assert "Agency X Police Department" in obj.routing_reason
    assert obj.submitted_at is not None
    assert obj.due_date == datetime.date(2026, 5, 31)
    assert obj.deadline_basis == "Minn. Stat. 611A.95: 90 days"
    event = RequestEvent.objects.get(request=obj, action=Action.SUBMIT)
    assert (event.from_status, event.to_status) == (Status.DRAFT, Status.SUBMITTED)
    assert event.actor == personas.advocate_a


@time_machine.travel(datetime.datetime(2026, 3, 3, 4, 30, tzinfo=datetime.UTC), tick=False)
def test_the_day_counted_from_is_minnesota_s_day_not_utc_s(personas):
    # 04:30 UTC on March 3 is still March 2 in Minnesota (22:30 CST).
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    assert obj.due_date == datetime.date(2026, 3, 2) + datetime.timedelta(days=90)


def test_submit_keeps_a_covered_agency_without_a_contact_and_escalates(personas):
    # Minn. Stat. 611A.95 subd. 2(a): the police department "shall process" the request; the
    # coordinator is told at once and chases the agency.
    lonely = AgencyFactory(name="Lonely Township Police")
    obj = certification_request_submit(
        cert_request=complete_request(personas, agency=lonely), actor=personas.advocate_a
    )
    assert obj.agency == lonely
    assert obj.escalated_at is not None
    assert "no active point of contact" in obj.routing_reason


def test_submit_refuses_an_incomplete_request_listing_every_problem(personas):
    obj = complete_request(
        personas,
        victim_family_name="",
        crimes=[],
        consent_given=False,
        in_removal_proceedings=True,
    )
    with pytest.raises(IncompleteRequestError) as exc:
        certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    problems = exc.value.message_dict
    assert set(problems) >= {"victim_family_name", "crimes", "release", "attachments"}
    obj.refresh_from_db()
    assert obj.status == Status.DRAFT
    assert not RequestEvent.objects.filter(request=obj).exists()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"victim_date_of_birth": datetime.date(2030, 1, 1)}, "victim_date_of_birth", "future"),
        ({"crime_date_from": datetime.date(2030, 1, 1)}, "crime_date_from", "after today"),
        ({"crime_date_to": datetime.date(2030, 1, 1)}, "crime_date_to", "after today"),
        (
            {"crime_date_to": datetime.date(2025, 1, 1)},
            "crime_date_to",
            "before the start date",
        ),
        ({"victim_a_number": "A12"}, "victim_a_number", "8 or 9 digits"),
        ({"crimes": []}, "crimes", "at least one"),
        ({"crimes": [Crime.ATTEMPT.value]}, "crimes", "the crime they refer to"),
        ({"crimes": ["jaywalking"]}, "crimes", "from the list"),
        ({"crimes": [Crime.SIMILAR_ACTIVITY.value]}, "similar_activity_description", "Describe"),
        ({"victim_gender": ""}, "victim_gender", "gender"),
        ({"requested_agency": None}, "requested_agency", "agency"),
        ({"crime_county": None}, "crime_county", "county"),
        ({"narrative": " "}, "narrative", "what happened"),
        ({"helpfulness": ""}, "helpfulness", "helpful"),
        ({"family_implicated": "yes"}, "family_members", "family members"),
        ({"consent_given": False}, "release", "release naming"),
        ({"consent_date": datetime.date(2030, 1, 1)}, "consent_date", "future"),
        ({"in_removal_proceedings": True}, "attachments", "Notice to Appear"),
    ],
)
@time_machine.travel(NOON_CHICAGO, tick=False)
def test_each_completeness_rule_names_its_field(personas, fields, field, words):
    obj = complete_request(personas, **fields)
    problems = certification_request_problems(cert_request=obj)
    assert field in problems
    assert words.lower() in " ".join(problems[field]).lower()


def test_a_complete_request_has_no_problems_and_t_requests_need_a_trafficking_type(personas):
    assert certification_request_problems(cert_request=complete_request(personas)) == {}
    t_request = complete_request(personas, form_type=FormType.T, trafficking_types=[])
    assert "trafficking_types" in certification_request_problems(cert_request=t_request)
    assert "crimes" not in certification_request_problems(cert_request=t_request)


def test_removal_proceedings_with_a_notice_to_appear_can_be_submitted(personas):
    obj = complete_request(personas, in_removal_proceedings=True)
    attach(obj, personas.advocate_a, kind=AttachmentKind.POLICE_REPORT)
    assert "attachments" in certification_request_problems(cert_request=obj)
    attach_notice_to_appear(obj, personas.advocate_a)
    obj = certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    assert obj.status == Status.SUBMITTED
    assert "removal proceedings" in obj.deadline_basis


def test_attachment_add_stores_a_random_name_and_keeps_the_original_in_the_database(personas):
    obj = complete_request(personas)
    attachment = attach(obj, personas.advocate_a, name="Maria Lopez police report.pdf")
    assert attachment.original_name == "Maria Lopez police report.pdf"
    assert "Maria" not in attachment.file.name
    assert attachment.content_type == "application/pdf"
    assert len(attachment.sha256) == 64
    with attachment.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"MZ\x90\x00 this is a windows program", "Only PDF, JPEG and PNG"),
        (
            one_page_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            "scripts (JavaScript)",
        ),
        # Not even a readable PDF: refused as such, whatever it carries.
        (b"%PDF-1.4\n1 0 obj << /OpenAction << /JS (app.alert(1)) >> >>", "could not be read"),
        (b"", "empty"),
    ],
)
def test_attachment_add_refuses_disguised_and_active_files(personas, content, words):
    from django.core.files.uploadedfile import SimpleUploadedFile

    obj = complete_request(personas)
    upload = SimpleUploadedFile("report.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        attachment_add(
            cert_request=obj, actor=personas.advocate_a, upload=upload, kind=AttachmentKind.OTHER
        )
    assert words in " ".join(exc.value.messages)
    assert not Attachment.objects.exists()


def test_attachment_add_refuses_an_oversized_file(personas, settings):
    settings.UPLOAD_MAX_BYTES = 100
    obj = complete_request(personas)
    with pytest.raises(ValidationError) as exc:
        attachment_add(
            cert_request=obj,
            actor=personas.advocate_a,
            upload=pdf_upload(),
            kind=AttachmentKind.OTHER,
        )
    assert "larger than" in exc.value.messages[0]


def test_withdraw_needs_a_reason_and_keeps_it(personas):
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    with pytest.raises(ValidationError):
        certification_request_withdraw(cert_request=obj, actor=personas.advocate_a, reason="  ")
    with pytest.raises(TransitionError):
        certification_request_withdraw(
            cert_request=complete_request(personas), actor=personas.advocate_a, reason="Never mind"
        )
    obj = certification_request_withdraw(
        cert_request=obj, actor=personas.advocate_a, reason="The victim moved out of state."
    )
    assert obj.status == Status.WITHDRAWN
    assert obj.withdrawal_reason == "The victim moved out of state."
    assert obj.closed_at is not None
    assert RequestEvent.objects.filter(request=obj, action=Action.WITHDRAW).exists()


def _info_requested(personas) -> CertificationRequest:
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    return certification_request_transition(
        cert_request=obj, action=Action.REQUEST_INFO, actor=personas.contact_x, note="Which night?"
    )


def test_provide_info_sends_a_message_with_files_and_returns_the_request_to_the_agency(personas):
    obj = _info_requested(personas)
    obj = certification_request_provide_info(
        cert_request=obj,
        actor=personas.advocate_a,
        message="It was the night of March 1.",
        files=[pdf_upload("statement.pdf")],
    )
    assert obj.status == Status.IN_REVIEW
    message = Message.objects.get(request=obj)
    assert message.body == "It was the night of March 1."
    assert message.author == personas.advocate_a
    assert [a.original_name for a in message.attachments.all()] == ["statement.pdf"]
    actions = list(RequestEvent.objects.filter(request=obj).values_list("action", flat=True))
    assert actions[-2:] == ["message", Action.PROVIDE_INFO]


def test_provide_info_writes_nothing_when_a_file_is_refused_or_nothing_was_asked(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    obj = _info_requested(personas)
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        certification_request_provide_info(
            cert_request=obj, actor=personas.advocate_a, message="Here", files=[bad]
        )
    assert "files" in exc.value.message_dict
    with pytest.raises(ValidationError):
        certification_request_provide_info(
            cert_request=obj, actor=personas.advocate_a, message=" ", files=[]
        )
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    submitted = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    with pytest.raises(TransitionError):
        certification_request_provide_info(
            cert_request=submitted, actor=personas.advocate_a, message="Hello", files=[]
        )


def test_a_second_primary_contact_elsewhere_does_not_change_routing(personas):
    # The contact assigned is the agency's own primary, not another agency's.
    PointOfContactFactory(agency=personas.agency_y, is_primary=False)
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    assert obj.assigned_contact.agency == personas.agency_x
