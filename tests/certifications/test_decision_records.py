"""What the agency signed is kept: the decision record outlives the purge of the victim data
(without the narrative) for CERTIFICATION_RECORD_RETENTION_YEARS, then goes; the agency can
withdraw or disavow a certification (8 CFR 214.14(h)(2)) and the advocate is told."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from certifications.choices import Action, DenialReason, Status
from certifications.models import (
    CertificationRequest,
    CertificationWithdrawal,
    DecisionRecord,
    Notification,
    WithdrawalKind,
)
from certifications.services import notifications as outbox
from certifications.services.retention import decision_records_remove_expired
from tests.factories import make_submitted_request


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "uvisa_portal.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _submitted(personas) -> CertificationRequest:
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        narrative="Zebulon Quartzfield was assaulted at home.",
    )


def _certify(client, personas, request, *, scan: bool = True) -> CertificationRequest:
    client.force_login(personas.contact_x)
    # The signer comes from the directory (8 CFR 214.14(a)(3)); the record copies its name.
    signer = personas.contact_x.point_of_contact
    signer.name, signer.title = "Dana Officer", "Lieutenant, Investigations"
    signer.save(update_fields=["name", "title"])
    data = {
        "signer": signer.pk,
        "signature_date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
    }
    if scan:
        data["signed_form"] = SimpleUploadedFile("s.pdf", _pdf(), content_type="application/pdf")
    response = client.post(reverse("certifications:certify", args=[request.pk]), data)
    assert response.status_code == 302
    request.refresh_from_db()
    return request


def _age(request, days=None):
    days = days if days is not None else settings.RETENTION_DAYS_AFTER_CLOSE + 1
    CertificationRequest.objects.filter(pk=request.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_purge_keeps_the_agencys_record_and_its_signed_scan(client, personas, media_root):
    request = _certify(client, personas, _submitted(personas))
    edition_label = request.form_edition.label
    scan_bytes = request.attachments.get().file.open("rb").read()
    _age(request)
    call_command("purge_closed_requests", verbosity=0)

    request.refresh_from_db()
    assert request.purged_at is not None
    assert request.narrative == "" and request.certifying_official_name == ""
    assert not request.attachments.exists()
    record = DecisionRecord.objects.get(request=request)
    assert (record.reference, record.decision) == (request.reference, Status.CERTIFIED)
    assert (record.signer_name, record.signer_title) == (
        "Dana Officer",
        "Lieutenant, Investigations",
    )
    assert record.signature_date == request.signature_date
    assert record.edition == edition_label and record.form_type == "U"
    assert record.agency == personas.agency_x
    assert record.signed_form.open("rb").read() == scan_bytes
    years = settings.CERTIFICATION_RECORD_RETENTION_YEARS
    assert record.keep_until == record.decided_on.replace(year=record.decided_on.year + years)
    # No narrative in the record: none of its fields holds the story.
    values = [str(getattr(record, f.attname)) for f in DecisionRecord._meta.concrete_fields]
    assert not any("Zebulon" in v for v in values)
    # The agency still sees what it decided and signed.
    client.force_login(personas.contact_x)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert (
        "Record of the agency&#x27;s decision" in page or "Record of the agency's decision" in page
    )
    assert "Dana Officer, Lieutenant, Investigations" in re.sub(r"</?bdi[^>]*>", "", page)
    assert f"edition {edition_label}" in page
    # A second run keeps one record.
    call_command("purge_closed_requests", verbosity=0)
    assert DecisionRecord.objects.count() == 1


def test_a_denial_keeps_its_category_without_the_explanation(client, personas, media_root):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    client.post(
        reverse("certifications:deny", args=[request.pk]),
        {
            "reason": DenialReason.NO_INFORMATION,
            "explanation": "Zebulon knew nothing of it.",
            "no_charge_basis": "on",
            "signer": personas.contact_x.point_of_contact.pk,
        },
    )
    _age(request)
    call_command("purge_closed_requests", verbosity=0)
    record = DecisionRecord.objects.get(reference=request.reference)
    assert record.decision == Status.DENIED
    assert record.denial_reason == DenialReason.NO_INFORMATION
    assert not record.signed_form
    assert not any(
        "Zebulon" in str(getattr(record, f.attname)) for f in DecisionRecord._meta.concrete_fields
    )


def test_a_withdrawn_request_leaves_no_decision_record(personas, media_root):
    request = _submitted(personas)
    from certifications.services import certification_request_transition

    certification_request_transition(
        cert_request=request, action=Action.WITHDRAW, actor=personas.advocate_a
    )
    _age(request)
    call_command("purge_closed_requests", verbosity=0)
    assert not DecisionRecord.objects.exists()


def test_the_record_and_its_scan_go_after_the_configured_years(
    client, personas, media_root, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATION_RECORD_RETENTION_YEARS = 2
    request = _certify(client, personas, _submitted(personas))
    _age(request)
    call_command("purge_closed_requests", verbosity=0)
    record = DecisionRecord.objects.get()
    assert record.keep_until == record.decided_on.replace(year=record.decided_on.year + 2)
    stored = record.signed_form.name
    assert record.signed_form.storage.exists(stored)
    assert decision_records_remove_expired(today=record.keep_until) == 0
    with django_capture_on_commit_callbacks(execute=True):
        removed = decision_records_remove_expired(
            today=record.keep_until + datetime.timedelta(days=1)
        )
    assert removed == 1
    assert not DecisionRecord.objects.exists()
    assert not record.signed_form.storage.exists(stored)
    assert not list(p for p in media_root.rglob("*") if p.is_file())


def _withdraw(client, request, **data):
    return client.post(reverse("certifications:withdraw_certification", args=[request.pk]), data)


def test_the_agency_withdraws_its_certification_and_the_advocate_is_told(
    client, personas, media_root
):
    request = _certify(client, personas, _submitted(personas), scan=False)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Withdraw or disavow the certification" in page
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = _withdraw(
        client, request, kind=WithdrawalKind.WITHDRAWN, reason="", effective_on=future.isoformat()
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body
    assert "The date cannot be in the future." in body
    assert not CertificationWithdrawal.objects.exists()

    mail.outbox.clear()
    Notification.objects.all().delete()
    today = timezone.localdate()
    response = _withdraw(
        client,
        request,
        kind=WithdrawalKind.WITHDRAWN,
        reason="Zebulon refused to testify at trial when subpoenaed.",
        effective_on=today.isoformat(),
    )
    assert response.status_code == 302
    withdrawal = CertificationWithdrawal.objects.get(request=request)
    assert withdrawal.kind == WithdrawalKind.WITHDRAWN and withdrawal.effective_on == today
    assert request.events.filter(
        action=Action.CERTIFICATION_WITHDRAWN, actor=personas.contact_x
    ).exists()
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED  # the decision stands; its withdrawal is beside it
    notices = Notification.objects.filter(request=request)
    assert {n.user for n in notices} == {personas.advocate_a}
    outbox.notifications_send_pending()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert request.reference in sent.subject and "withdrew or disavowed" in sent.subject
    assert "Zebulon" not in sent.subject + sent.body
    assert request.victim_family_name not in sent.body

    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[request.pk])).content.decode()
    assert "Withdrawal of the certification" in page
    assert "Zebulon refused to testify at trial when subpoenaed." in page
    assert "8 CFR 214.14(h)(2)" in page
    assert "must be filed with the petition by" not in page  # no longer to be filed

    # Once only: the action is no longer offered, and a second post is refused with a message.
    client.force_login(personas.contact_x)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "?act=withdraw_certification" not in page
    response = client.post(
        reverse("certifications:withdraw_certification", args=[request.pk]),
        {"kind": WithdrawalKind.DISAVOWED, "reason": "x", "effective_on": today.isoformat()},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    assert "already recorded" in response.content.decode()
    assert CertificationWithdrawal.objects.count() == 1


def test_only_a_certification_can_be_withdrawn_and_only_by_its_agency(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    data = {
        "kind": WithdrawalKind.DISAVOWED,
        "reason": "x",
        "effective_on": timezone.localdate().isoformat(),
    }
    response = client.post(
        reverse("certifications:withdraw_certification", args=[request.pk]), data, follow=True
    )
    assert response.redirect_chain[0][1] == 302
    assert "Only a certification the agency gave can be withdrawn" in response.content.decode()
    client.force_login(personas.contact_y)
    assert _withdraw(client, request, **data).status_code == 404
    client.force_login(personas.advocate_a)
    assert _withdraw(client, request, **data).status_code == 404
    assert not CertificationWithdrawal.objects.exists()


def test_the_purge_keeps_the_withdrawal_without_its_reason(client, personas, media_root):
    request = _certify(client, personas, _submitted(personas), scan=False)
    _withdraw(
        client,
        request,
        kind=WithdrawalKind.DISAVOWED,
        reason="Zebulon lied about the events.",
        effective_on=timezone.localdate().isoformat(),
    )
    _age(request)
    call_command("purge_closed_requests", verbosity=0)
    withdrawal = CertificationWithdrawal.objects.get(request=request)
    assert withdrawal.reason == "" and withdrawal.kind == WithdrawalKind.DISAVOWED
    assert DecisionRecord.objects.filter(request=request).exists()


def test_no_expiry_reminder_after_a_withdrawal(client, personas, media_root):
    import time_machine

    from certifications.models import NotificationKind
    from certifications.services import reminders

    request = _certify(client, personas, _submitted(personas), scan=False)
    sixty_before = datetime.datetime.combine(
        request.filing_deadline - datetime.timedelta(days=60),
        datetime.time(15, 0),
        tzinfo=datetime.UTC,
    )
    _withdraw(
        client,
        request,
        kind=WithdrawalKind.WITHDRAWN,
        reason="Refused to testify.",
        effective_on=timezone.localdate().isoformat(),
    )
    with time_machine.travel(sixty_before, tick=False):
        assert reminders.expiry_reminders_create() == 0
    assert not Notification.objects.filter(kind=NotificationKind.EXPIRY_REMINDER).exists()
