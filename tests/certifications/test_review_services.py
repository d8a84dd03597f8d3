"""The state machine and the agency's review services."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from agencies.models import Agency, AgencyKind
from certifications.choices import (
    RECORDED_ONLY_ACTIONS,
    TRANSITIONS,
    Action,
    AttachmentKind,
    DenialReason,
    Status,
)
from certifications.models import CertificationRequest, Message, RequestEvent
from certifications.services import TransitionError, certification_request_transition
from certifications.services.review import (
    ReviewError,
    certification_request_assign,
    certification_request_certify,
    certification_request_deny,
    certification_request_request_info,
    certification_request_reroute,
    certification_request_start_review,
    certification_request_transfer,
    message_post,
)
from tests.factories import (
    AgencyFactory,
    PointOfContactFactory,
    make_release,
    make_request,
    make_submitted_request,
)

# Field values each target status needs to satisfy the table's check constraints.
UPDATES_FOR = {
    Action.SUBMIT: {
        "submitted_at": datetime.datetime(2026, 1, 5, 10, tzinfo=datetime.UTC),
        "due_date": datetime.date(2026, 4, 5),
    },
    Action.CERTIFY: {"signature_date": datetime.date(2026, 1, 10)},
    Action.DENY: {"denial_reason": DenialReason.OTHER, "denial_explanation": "Because."},
}


def _request_in(personas, status: str) -> CertificationRequest:
    request = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    fields = {"status": status, "agency": personas.agency_x}
    if status != Status.DRAFT:
        fields["submitted_at"] = timezone.now()
    if status == Status.CERTIFIED:
        fields["signature_date"] = timezone.localdate()
    if status == Status.DENIED:
        fields["denial_reason"] = DenialReason.OTHER
    # Test set-up only: put the row straight into the status under test.
    CertificationRequest.objects.filter(pk=request.pk).update(**fields)
    request.refresh_from_db()
    return request


ALL_PAIRS = [(action, status) for action in TRANSITIONS for status in Status.values]


@pytest.mark.parametrize(("action", "status"), ALL_PAIRS)
def test_every_transition_of_the_table_is_allowed_or_refused_as_written(personas, action, status):
    request = _request_in(personas, status)
    allowed_from, to_status = TRANSITIONS[action]
    if status in allowed_from:
        result = certification_request_transition(
            cert_request=request,
            action=action,
            actor=personas.contact_x,
            updates=UPDATES_FOR.get(action),
        )
        assert result.status == to_status
        event = RequestEvent.objects.get(request=request)
        assert (event.action, event.from_status, event.to_status) == (action, status, to_status)
        assert event.actor == personas.contact_x
        assert AuditEntry.objects.filter(
            action=AuditAction.STATUS_CHANGE, target=request.reference
        ).exists()
    else:
        with pytest.raises(TransitionError):
            certification_request_transition(
                cert_request=request, action=action, actor=personas.contact_x
            )
        request.refresh_from_db()
        assert request.status == status
        assert not RequestEvent.objects.filter(request=request).exists()


def test_every_action_is_either_a_transition_or_recorded_beside_the_status():
    assert set(TRANSITIONS) | RECORDED_ONLY_ACTIONS == set(Action)
    assert not set(TRANSITIONS) & RECORDED_ONLY_ACTIONS


def test_a_stale_read_changes_nothing_and_says_someone_else_did(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    stale = CertificationRequest.objects.get(pk=request.pk)
    certification_request_start_review(cert_request=request, actor=personas.contact_x)
    with pytest.raises(TransitionError, match="Someone else changed"):
        certification_request_start_review(cert_request=stale, actor=personas.contact_x)
    assert RequestEvent.objects.filter(request=request, action=Action.START_REVIEW).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_certifications_make_one_transition_and_one_event(personas):
    """Two threads, each with its own database connection, read the same status and certify at
    the same moment: one wins, the other is told someone else got there first."""
    request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        status=Status.IN_REVIEW,
        actor=personas.contact_x,
    )
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def certify(name: str) -> None:
        try:
            mine = CertificationRequest.objects.get(pk=request.pk)
            assert mine.status == Status.IN_REVIEW
            barrier.wait()
            try:
                certification_request_certify(
                    cert_request=mine,
                    actor=personas.contact_x,
                    signer=personas.contact_x.point_of_contact,
                    signature_date=timezone.localdate(),
                )
                result = "won"
            except TransitionError:
                result = "refused"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=certify, args=(n,)) for n in ("First", "Second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused", "won"]
    assert RequestEvent.objects.filter(request=request, action=Action.CERTIFY).count() == 1
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED


def test_request_info_needs_a_message_keeps_the_due_date_and_writes_the_message(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    due = request.due_date
    with pytest.raises(ReviewError):
        certification_request_request_info(
            cert_request=request, actor=personas.contact_x, message=" "
        )
    request = certification_request_request_info(
        cert_request=request, actor=personas.contact_x, message="Please attach the police report."
    )
    assert request.status == Status.INFO_REQUESTED
    assert request.due_date == due
    assert Message.objects.get(request=request).body == "Please attach the police report."


def test_certify_records_the_official_the_signature_and_the_filing_deadline(personas, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    pdf = SimpleUploadedFile("signed.pdf", _tiny_pdf(), content_type="application/pdf")
    request = certification_request_certify(
        cert_request=request,
        actor=personas.contact_x,
        signer=personas.contact_x.point_of_contact,
        signature_date=datetime.date(2026, 1, 31),
        signed_form=pdf,
    )
    assert request.status == Status.CERTIFIED
    assert request.decided_at is not None and request.closed_at is not None
    assert request.signature_date == datetime.date(2026, 1, 31)
    # 8 CFR 214.14(c)(2)(i): six months after the signature (end of month clamps).
    assert request.filing_deadline == datetime.date(2026, 7, 31)
    attachment = request.attachments.get()
    assert attachment.kind == AttachmentKind.SIGNED_FORM
    assert "signed" not in attachment.file.name


def test_certify_refuses_a_signature_date_in_the_future(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    with pytest.raises(ReviewError, match="future"):
        certification_request_certify(
            cert_request=request,
            actor=personas.contact_x,
            signer=personas.contact_x.point_of_contact,
            signature_date=timezone.localdate() + datetime.timedelta(days=1),
        )
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_deny_needs_a_reason_and_an_explanation(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    with pytest.raises(ReviewError):
        certification_request_deny(
            cert_request=request,
            actor=personas.contact_x,
            signer=personas.contact_x.point_of_contact,
            reason="",
            explanation="x",
            no_charge_basis_confirmed=True,
        )
    with pytest.raises(ReviewError):
        certification_request_deny(
            cert_request=request,
            actor=personas.contact_x,
            signer=personas.contact_x.point_of_contact,
            reason=DenialReason.NO_RESPONSIBILITY,
            explanation="  ",
            no_charge_basis_confirmed=True,
        )
    request = certification_request_deny(
        cert_request=request,
        actor=personas.contact_x,
        signer=personas.contact_x.point_of_contact,
        reason=DenialReason.NO_RESPONSIBILITY,
        explanation="The crime happened in another county.",
        no_charge_basis_confirmed=True,
    )
    assert request.status == Status.DENIED
    assert request.decided_at is not None
    assert request.denial_explanation == "The crime happened in another county."


def test_transfer_keeps_the_submission_date_and_applies_the_stricter_policy(personas):
    saint_paul = AgencyFactory(
        name="Saint Paul Police Department", policy_response_days=30, policy_expedited_days=7
    )
    sp_contact = PointOfContactFactory(agency=saint_paul, is_primary=True)
    submitted = timezone.now() - datetime.timedelta(days=10)
    request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        submitted_at=submitted,
        in_removal_proceedings=True,
    )
    make_release(request, [saint_paul])
    request = certification_request_transfer(
        cert_request=request,
        actor=personas.contact_x,
        to_agency=saint_paul,
        reason="The assault happened in Saint Paul.",
    )
    assert request.status == Status.SUBMITTED
    assert request.agency == saint_paul
    assert request.assigned_contact == sp_contact
    assert request.submitted_at == submitted
    # The statute's 14 days stay counted from the first request (the portal's convention) and
    # fall first; Saint Paul's own 7 days count from its receipt today, and are named too.
    first = timezone.localdate(submitted)
    assert request.due_date == first + datetime.timedelta(days=14)
    assert request.received_by_agency_on == timezone.localdate()
    assert request.deadline_source == "statute"
    assert request.deadline_basis.startswith("Minn. Stat. 611A.95: 14 days, removal proceedings")
    assert "the portal's advocacy convention" in request.deadline_basis
    assert "clock does not restart" not in request.deadline_basis
    assert "Saint Paul Police Department's own policy, 7 days from its receipt" in (
        request.deadline_basis
    )
    assert "The assault happened in Saint Paul." in request.routing_reason
    event = request.events.get(action=Action.TRANSFER)
    assert event.from_status == Status.SUBMITTED


def test_transfer_needs_a_reason_and_another_agency(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    with pytest.raises(ReviewError, match="reason"):
        certification_request_transfer(
            cert_request=request, actor=personas.contact_x, to_agency=personas.agency_y, reason=""
        )
    with pytest.raises(ReviewError, match="already"):
        certification_request_transfer(
            cert_request=request, actor=personas.contact_x, to_agency=personas.agency_x, reason="x"
        )


def test_transfer_to_a_covered_agency_without_a_contact_stays_there_escalated(personas):
    empty = AgencyFactory(name="Agency Without Contact")
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    make_release(request, [empty])
    request = certification_request_transfer(
        cert_request=request, actor=personas.contact_x, to_agency=empty, reason="Their case."
    )
    assert request.agency == empty
    assert request.escalated_at is not None
    assert request.events.filter(action=Action.ESCALATED).count() == 1
    assert "statewide coordinator" in request.routing_reason
    assert "Their case.\n" in request.routing_reason


def test_coordinator_reroutes_to_a_local_agency_but_not_back_to_itself(personas):
    request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.coordinator_agency,
    )
    make_release(request, [personas.agency_y])
    refusing = AgencyFactory(
        name="Office Declining U", kind=AgencyKind.PROSECUTOR, accepts_u=False, accepts_t=False
    )
    with pytest.raises(ReviewError, match="cannot take"):
        certification_request_reroute(
            cert_request=request,
            actor=personas.coordinator,
            to_agency=refusing,
            reason="Local case.",
        )
    request = certification_request_reroute(
        cert_request=request,
        actor=personas.coordinator,
        to_agency=personas.agency_y,
        reason="The sheriff investigated.",
    )
    assert request.agency == personas.agency_y
    assert request.events.filter(action=Action.REROUTE).count() == 1


def test_assign_records_an_assigned_event_and_refuses_other_agencies_contacts(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    colleague = PointOfContactFactory(agency=personas.agency_x, name="Colleague X")
    request = certification_request_assign(
        cert_request=request, actor=personas.contact_x, contact=colleague
    )
    assert request.assigned_contact == colleague
    assert request.events.get(action="assigned").note == "Assigned to Colleague X."
    with pytest.raises(ReviewError):
        certification_request_assign(
            cert_request=request,
            actor=personas.contact_x,
            contact=personas.contact_y.point_of_contact,
        )


def test_a_message_records_a_message_event_without_its_text(personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    message_post(cert_request=request, author=personas.contact_x, body="We received the file.")
    event = request.events.get(action="message")
    assert event.note == ""
    assert event.actor == personas.contact_x
    with pytest.raises(ReviewError):
        message_post(cert_request=request, author=personas.contact_x, body="   ")


def test_nothing_here_sends_mail(personas, mailoutbox):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    certification_request_start_review(cert_request=request, actor=personas.contact_x)
    message_post(cert_request=request, author=personas.contact_x, body="Hello.")
    assert mailoutbox == []
    assert Agency.objects.filter(is_statewide_coordinator=True).count() == 1


def _tiny_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The personas' passwords are hashed on every test; the production hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
