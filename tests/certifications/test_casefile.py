"""The case file over HTTP: what finds the agency's file (intake, queue, agency page), the
archived-records mark, the signed original's way back and its receipt, and messages with files
in both directions; outsiders get 404 on every new URL and file."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Action, AttachmentKind, Status
from certifications.models import (
    ArchivedRecords,
    Attachment,
    CertificationRequest,
    Message,
    Notification,
    ReportNumber,
    RequestEvent,
    SignedOriginal,
)
from certifications.services.review import certification_request_certify
from tests.factories import make_submitted_request

from .intake_support import (
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    pdf_upload,
    private_media,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]

SUSPECT = "Zebulon Quartermaine"


def _submitted(personas, **fields) -> CertificationRequest:
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        **fields,
    )


def _certified(personas, **fields) -> CertificationRequest:
    cert_request = _submitted(personas, **fields)
    return certification_request_certify(
        cert_request=cert_request,
        actor=personas.contact_x,
        signer=personas.contact_x.point_of_contact,
        signature_date=timezone.localdate() - datetime.timedelta(days=5),
    )


def _crime_post(personas, county, **overrides) -> dict:
    data = {
        "crimes": ["domestic_violence"],
        "crime_date_from": "2025-12-24",
        "crime_city": "Saint Paul",
        "crime_county": str(county.pk),
        "occurred_in_us": "yes",
        "case_number": "SP-25-001234",
        "date_reported": "2025-12-25",
        "incident_address": "123 Example Avenue, Saint Paul",
        "investigating_officer": "Officer Pat Example, badge 4411",
        "suspect_name": SUSPECT,
        "court_file_number": "62-CR-25-999",
        "requested_agency": str(personas.agency_x.pk),
        "numbers-TOTAL_FORMS": "2",
        "numbers-INITIAL_FORMS": "0",
        "numbers-MIN_NUM_FORMS": "0",
        "numbers-MAX_NUM_FORMS": "20",
        "numbers-0-number": "MPD-25-777",
        "numbers-0-agency": str(personas.agency_y.pk),
        "numbers-0-agency_name": "",
        "numbers-1-number": "FBI-0042",
        "numbers-1-agency": "",
        "numbers-1-agency_name": "FBI Minneapolis",
        "go": "stay",
    }
    data.update(overrides)
    return data


# --- 3. The case the agency can find ---------------------------------------------------------


def test_the_crime_step_saves_the_case_and_every_report_number_with_its_agency(client, personas):
    draft = complete_request(personas)
    client.force_login(personas.advocate_a)
    url = reverse("certifications:edit", args=[draft.pk, "crime"])
    response = client.post(url, _crime_post(personas, draft.crime_county))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.case_number == "SP-25-001234"
    assert draft.date_reported == datetime.date(2025, 12, 25)
    assert draft.incident_address == "123 Example Avenue, Saint Paul"
    assert draft.investigating_officer.startswith("Officer Pat Example")
    assert draft.suspect_name == SUSPECT
    assert draft.court_file_number == "62-CR-25-999"
    numbers = list(draft.report_numbers.order_by("id"))
    assert [(n.number, n.agency_label) for n in numbers] == [
        ("MPD-25-777", personas.agency_y.name),
        ("FBI-0042", "FBI Minneapolis"),
    ]
    edited = draft.events.get(action=Action.EDITED)
    assert "report_numbers" in edited.changed_fields
    assert "suspect_name" in edited.changed_fields
    # The page shows them again for editing.
    page = client.get(url).content.decode()
    assert "MPD-25-777" in page and "FBI Minneapolis" in page


def test_case_text_and_numbers_are_encrypted_at_rest(client, personas):
    draft = complete_request(personas)
    client.force_login(personas.advocate_a)
    client.post(
        reverse("certifications:edit", args=[draft.pk, "crime"]),
        _crime_post(personas, draft.crime_county),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT suspect_name, incident_address, investigating_officer, court_file_number "
            "FROM certifications_certificationrequest WHERE id = %s",
            [draft.pk],
        )
        raw = " ".join(cursor.fetchone())
        cursor.execute("SELECT number FROM certifications_reportnumber")
        raw += " ".join(row[0] for row in cursor.fetchall())
    for plain in (SUSPECT, "Example Avenue", "Pat Example", "62-CR-25", "MPD-25-777", "FBI-0042"):
        assert plain not in raw


def test_a_number_without_its_agency_is_refused_with_everything_typed_kept(client, personas):
    draft = complete_request(personas)
    client.force_login(personas.advocate_a)
    data = _crime_post(personas, draft.crime_county, **{"numbers-1-agency_name": ""})
    response = client.post(reverse("certifications:edit", args=[draft.pk, "crime"]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say which agency gave this number." in page
    assert "FBI-0042" in page and SUSPECT in page and "62-CR-25-999" in page
    draft.refresh_from_db()
    assert draft.suspect_name == "" and not draft.report_numbers.exists()


def test_a_report_date_after_today_is_refused_beside_its_field(client, personas):
    draft = complete_request(personas)
    client.force_login(personas.advocate_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    data = _crime_post(personas, draft.crime_county, date_reported=tomorrow)
    response = client.post(reverse("certifications:edit", args=[draft.pk, "crime"]), data)
    assert response.status_code == 200
    assert "The report cannot be dated after today." in response.content.decode()


def test_the_agency_page_and_queue_lead_with_the_numbers_and_crimes(client, personas):
    cert_request = _submitted(
        personas,
        case_number="SP-25-001234",
        suspect_name=SUSPECT,
        incident_address="123 Example Avenue",
        court_file_number="62-CR-25-999",
    )
    ReportNumber.objects.create(request=cert_request, agency=personas.agency_y, number="MPD-25-777")
    client.force_login(personas.contact_x)
    page = client.get(reverse("certifications:detail", args=[cert_request.pk])).content.decode()
    lead = page.index('id="case-heading"')
    assert lead < page.index('id="clock-heading"')
    for text in ("SP-25-001234", "MPD-25-777", SUSPECT, "123 Example Avenue", "62-CR-25-999"):
        assert page.index(text) > lead
    queue = client.get(reverse("certifications:queue")).content.decode()
    assert "SP-25-001234" in queue and "MPD-25-777" in queue and "Domestic violence" in queue
    # An outsider agency sees none of it.
    client.force_login(personas.contact_y)
    assert client.get(reverse("certifications:detail", args=[cert_request.pk])).status_code == 404
    assert "MPD-25-777" not in client.get(reverse("certifications:queue")).content.decode()


def test_the_queue_reads_report_numbers_in_one_query_whatever_the_rows(
    client, personas, django_assert_num_queries
):
    client.force_login(personas.contact_x)
    first = _submitted(personas)
    ReportNumber.objects.create(request=first, agency_name="FBI", number="N-1")
    url = reverse("certifications:queue")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(4):
        more = _submitted(personas)
        ReportNumber.objects.create(request=more, agency_name="FBI", number=f"N-{n + 2}")
    with django_assert_num_queries(len(one)):
        page = client.get(url).content.decode()
    assert "N-5" in page


def test_the_suspect_never_reaches_an_email(client, personas, django_capture_on_commit_callbacks):
    cert_request = _submitted(personas, suspect_name=SUSPECT)
    client.force_login(personas.contact_x)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("certifications:message", args=[cert_request.pk]), {"body": "We found it."}
        )
    from certifications.services.notifications import email_render

    notices = list(Notification.objects.all())
    assert notices
    for notice in notices:
        rendered = " ".join(email_render(kind=notice.kind, context=notice.context))
        assert notice.subject and SUSPECT not in notice.subject + rendered


# --- Archived records ------------------------------------------------------------------------


def test_the_agency_marks_records_archived_and_the_basis_says_so(client, personas):
    cert_request = _submitted(personas)
    due = cert_request.due_date
    client.force_login(personas.contact_x)
    url = reverse("certifications:records_archived", args=[cert_request.pk])
    response = client.post(url, {"note": "Boxes at the county warehouse; two weeks."})
    assert response.status_code == 302
    cert_request.refresh_from_db()
    assert "as soon as reasonably possible" in cert_request.deadline_basis
    assert cert_request.due_date == due  # the statute's date still binds
    event = cert_request.events.get(action=Action.RECORDS_ARCHIVED)
    assert "county warehouse" in event.note
    assert ArchivedRecords.objects.get(request=cert_request).marked_by == personas.contact_x
    # A second mark is refused and writes nothing.
    client.post(url, {"note": "again"})
    assert cert_request.events.filter(action=Action.RECORDS_ARCHIVED).count() == 1
    cert_request.refresh_from_db()
    assert cert_request.deadline_basis.count("reasonably possible") == 1
    # The advocate sees the mark and the basis.
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[cert_request.pk])).content.decode()
    assert "as soon as reasonably possible" in page and "county warehouse" in page


def test_a_closed_request_cannot_be_marked_archived(client, personas):
    cert_request = _certified(personas)
    client.force_login(personas.contact_x)
    response = client.post(reverse("certifications:records_archived", args=[cert_request.pk]))
    assert response.status_code == 302
    assert not ArchivedRecords.objects.exists()


@pytest.mark.parametrize("persona", ["contact_y", "advocate_a", "advocate_b", "coordinator"])
def test_only_the_requests_agency_marks_records_archived(client, personas, persona):
    cert_request = _submitted(personas)
    client.force_login(getattr(personas, persona))
    url = reverse("certifications:records_archived", args=[cert_request.pk])
    assert client.post(url, {"note": "x"}).status_code == 404
    assert not ArchivedRecords.objects.exists()


# --- 4. The signed original, tracked ---------------------------------------------------------


def test_mailing_the_original_needs_its_tracking_number_and_keeps_what_was_typed(client, personas):
    cert_request = _certified(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:original_returned", args=[cert_request.pk])
    sent = timezone.localdate().isoformat()
    response = client.post(url, {"method": "mail", "sent_on": sent, "tracking_number": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the mail&#x27;s tracking number." in page or "tracking number." in page
    assert f'value="{sent}"' in page
    assert not SignedOriginal.objects.exists()


def test_the_original_goes_back_by_mail_and_the_advocate_confirms_receipt(client, personas):
    cert_request = _certified(personas)
    client.force_login(personas.contact_x)
    sent = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(
        reverse("certifications:original_returned", args=[cert_request.pk]),
        {"method": "mail", "sent_on": sent.isoformat(), "tracking_number": "9400 1000 0000"},
    )
    assert response.status_code == 302
    original = SignedOriginal.objects.get(request=cert_request)
    assert original.tracking_number == "9400 1000 0000" and original.received_on is None
    assert cert_request.events.filter(action=Action.ORIGINAL_RETURNED).count() == 1

    client.force_login(personas.advocate_a)
    detail = reverse("certifications:detail", args=[cert_request.pk])
    page = client.get(detail).content.decode()
    assert "9400 1000 0000" in page and "Not confirmed yet" in page
    received_url = reverse("certifications:original_received", args=[cert_request.pk])
    # Before it was sent: refused beside the field.
    early = (sent - datetime.timedelta(days=1)).isoformat()
    response = client.post(received_url, {"received_on": early})
    assert response.status_code == 400
    assert "cannot arrive before the agency sent it" in response.content.decode()
    received = timezone.localdate() - datetime.timedelta(days=1)
    assert client.post(received_url, {"received_on": received.isoformat()}).status_code == 302
    original.refresh_from_db()
    assert original.received_on == received and original.received_by == personas.advocate_a
    # A second confirmation writes nothing more.
    client.post(received_url, {"received_on": received.isoformat()})
    assert cert_request.events.filter(action=Action.ORIGINAL_RECEIVED).count() == 1

    # Both pages show both dates and the window counted from the signature.
    cert_request.refresh_from_db()
    signed_text = f"{cert_request.signature_date:%B} {cert_request.signature_date.day}"
    received_text = f"{received:%B} {received.day}"
    deadline_text = f"{cert_request.filing_deadline:%B} {cert_request.filing_deadline.day}"
    for user in (personas.advocate_a, personas.contact_x):
        client.force_login(user)
        page = client.get(detail).content.decode()
        section = page[page.index('id="original-heading"') :]
        assert signed_text in section and received_text in section and deadline_text in section


def test_the_scan_of_the_original_is_uploaded_and_only_its_request_sees_it(client, personas):
    cert_request = _certified(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:original_returned", args=[cert_request.pk])
    today = timezone.localdate().isoformat()
    bad = SimpleUploadedFile("signed.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"method": "upload", "sent_on": today, "scan": bad})
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG" in response.content.decode()
    assert not Attachment.objects.exists()
    response = client.post(url, {"method": "upload", "sent_on": today, "scan": pdf_upload()})
    assert response.status_code == 302
    scan = SignedOriginal.objects.get(request=cert_request).scan
    assert scan.kind == AttachmentKind.SIGNED_FORM
    download = reverse("certifications:attachment_download", args=[scan.pk])
    client.force_login(personas.advocate_a)
    assert (
        download
        in client.get(reverse("certifications:detail", args=[cert_request.pk])).content.decode()
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == scan.file.open("rb").read()
    for outsider in (personas.advocate_b, personas.contact_y, personas.coordinator):
        client.force_login(outsider)
        assert client.get(download).status_code == 404


def test_the_original_is_recorded_only_once_certified(client, personas):
    cert_request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:original_returned", args=[cert_request.pk]),
        {"method": "pickup", "sent_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert not SignedOriginal.objects.exists()


@pytest.mark.parametrize("persona", ["contact_y", "advocate_a", "advocate_b", "coordinator"])
def test_only_the_requests_agency_records_the_original(client, personas, persona):
    cert_request = _certified(personas)
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("certifications:original_returned", args=[cert_request.pk]),
        {"method": "pickup", "sent_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert not SignedOriginal.objects.exists()


@pytest.mark.parametrize("persona", ["contact_x", "contact_y", "advocate_b", "coordinator"])
def test_only_the_organization_confirms_receipt(client, personas, persona):
    cert_request = _certified(personas)
    SignedOriginal.objects.create(
        request=cert_request, method="pickup", sent_on=cert_request.signature_date
    )
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("certifications:original_received", args=[cert_request.pk]),
        {"received_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert SignedOriginal.objects.get().received_on is None


# --- Messages with files, both directions ----------------------------------------------------


def test_the_agency_sends_a_file_and_the_advocate_downloads_it_audited(client, personas):
    cert_request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:message", args=[cert_request.pk]),
        {"body": "The report pages you asked for.", "files": [pdf_upload("report-p1.pdf")]},
    )
    assert response.status_code == 302
    message = Message.objects.get(request=cert_request)
    attachment = message.attachments.get()
    assert (
        attachment.uploaded_by == personas.contact_x and attachment.original_name == "report-p1.pdf"
    )
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[cert_request.pk])).content.decode()
    download = reverse("certifications:attachment_download", args=[attachment.pk])
    assert download in page and "report-p1.pdf" in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditAction.ATTACHMENT_DOWNLOAD, user=personas.advocate_a
    ).exists()
    for outsider in (personas.advocate_b, personas.contact_y, personas.admin):
        client.force_login(outsider)
        assert client.get(download).status_code == 404


def test_the_advocate_sends_files_and_the_agency_sees_them_beside_the_message(client, personas):
    cert_request = _submitted(personas)
    client.force_login(personas.advocate_a)
    response = client.post(
        reverse("certifications:advocate_message", args=[cert_request.pk]),
        {"body": "The protection order.", "files": [pdf_upload("order.pdf"), pdf_upload("b.pdf")]},
    )
    assert response.status_code == 302
    message = Message.objects.get(request=cert_request)
    assert message.attachments.count() == 2
    assert RequestEvent.objects.filter(request=cert_request, action=Action.MESSAGE).exists()
    client.force_login(personas.contact_x)
    page = client.get(reverse("certifications:detail", args=[cert_request.pk])).content.decode()
    messages_section = page[page.index('id="messages-heading"') :]
    assert "The protection order." in messages_section
    for attachment in message.attachments.all():
        url = reverse("certifications:attachment_download", args=[attachment.pk])
        assert url in messages_section
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url_name", ["advocate_message", "message"])
def test_a_refused_file_sends_nothing_and_keeps_the_message(client, personas, url_name):
    cert_request = _submitted(personas)
    client.force_login(
        personas.advocate_a if url_name == "advocate_message" else personas.contact_x
    )
    bad = SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho no", content_type="application/pdf")
    response = client.post(
        reverse(f"certifications:{url_name}", args=[cert_request.pk]),
        {"body": "Kept text here", "files": [pdf_upload(), bad]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "x.pdf: Only PDF, JPEG and PNG" in page and "Kept text here" in page
    assert not Message.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("persona", ["advocate_b", "contact_x", "contact_y", "admin"])
def test_only_the_organization_uses_the_advocate_message(client, personas, persona):
    cert_request = _submitted(personas)
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("certifications:advocate_message", args=[cert_request.pk]),
        {"body": "hello", "files": [pdf_upload()]},
    )
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_the_retention_purge_removes_the_case_file(personas):
    from certifications.services.retention import certification_request_purge

    cert_request = _certified(personas, suspect_name=SUSPECT)
    ReportNumber.objects.create(request=cert_request, agency_name="FBI", number="N-1")
    SignedOriginal.objects.create(
        request=cert_request, method="pickup", sent_on=cert_request.signature_date
    )
    CertificationRequest.objects.filter(pk=cert_request.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=3650), status=Status.CERTIFIED
    )
    assert certification_request_purge(request_id=cert_request.pk)
    cert_request.refresh_from_db()
    assert cert_request.suspect_name == ""
    assert not ReportNumber.objects.exists() and not SignedOriginal.objects.exists()


def test_each_side_is_told_of_the_other_sides_case_file_steps(
    client, personas, django_capture_on_commit_callbacks
):
    from certifications.services.notifications import email_render

    cert_request = _certified(personas, suspect_name=SUSPECT)
    Notification.objects.all().delete()
    client.force_login(personas.contact_x)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("certifications:original_returned", args=[cert_request.pk]),
            {"method": "pickup", "sent_on": timezone.localdate().isoformat()},
        )
    to_advocate = Notification.objects.get(user=personas.advocate_a)
    assert to_advocate.subject.endswith(
        f"sent back the signed original of request {cert_request.reference}"
    )
    client.force_login(personas.advocate_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("certifications:original_received", args=[cert_request.pk]),
            {"received_on": timezone.localdate().isoformat()},
        )
    to_agency = Notification.objects.get(user=personas.contact_x)
    assert "received the signed original" in to_agency.subject
    for notice in (to_advocate, to_agency):
        rendered = " ".join(email_render(kind=notice.kind, context=notice.context))
        assert cert_request.reference in rendered and SUSPECT not in rendered
