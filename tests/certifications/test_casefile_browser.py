"""In Chromium: the agency attaches a file to a message, the advocate downloads it; the agency
records how the signed original goes back and the advocate confirms its receipt."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from certifications.models import Message, SignedOriginal
from certifications.services.review import certification_request_certify
from tests.factories import make_submitted_request

from .intake_support import (
    fast_passwords,  # noqa: F401 - fixture
    pdf_bytes,
    private_media,  # noqa: F401 - fixture
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords", "private_media"),
]


def _sign_in_as(portal, email: str) -> None:
    portal.page.context.clear_cookies()
    portal.login(email)


def test_the_agency_attaches_a_file_to_a_message_and_the_advocate_downloads_it(
    portal, personas, tmp_path
):
    cert_request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        case_number="SP-26-000123",
    )
    page = portal.page
    _sign_in_as(portal, personas.contact_x.email)
    portal.goto(f"/requests/{cert_request.pk}/")
    assert "SP-26-000123" in page.inner_text("section.case-lead")
    portal.click_and_wait("a:text-is('Message the advocate')")
    pdf = tmp_path / "report-pages.pdf"
    pdf.write_bytes(pdf_bytes("Report pages"))
    page.get_by_label("Message to the advocate").fill("The report pages you asked for.")
    page.get_by_label("Files (optional)").set_input_files(str(pdf))
    portal.submit("Send message")
    assert "Message sent." in page.inner_text("body")
    assert "report-pages.pdf" in page.inner_text("#messages-heading ~ ul")
    portal.screenshot("casefile-01-agency-message-with-file")

    _sign_in_as(portal, personas.advocate_a.email)
    portal.goto(f"/requests/{cert_request.pk}/")
    assert "The report pages you asked for." in page.inner_text("body")
    with page.expect_download() as info:
        # The message in the timeline carries its file (it is in the list of files too).
        page.locator("ol.timeline").get_by_role("link", name="report-pages.pdf").click()
    download = info.value
    attachment = Message.objects.get(request=cert_request).attachments.get()
    assert download.suggested_filename.startswith(cert_request.reference)
    assert Path(download.path()).read_bytes() == attachment.file.open("rb").read()
    portal.screenshot("casefile-02-advocate-sees-the-file")


def test_the_agency_records_the_mailed_original_and_the_advocate_confirms_it(portal, personas):
    cert_request = certification_request_certify(
        cert_request=make_submitted_request(
            organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
        ),
        actor=personas.contact_x,
        signer=personas.contact_x.point_of_contact,
        signature_date=timezone.localdate() - datetime.timedelta(days=4),
    )
    page = portal.page
    _sign_in_as(portal, personas.contact_x.email)
    portal.goto(f"/requests/{cert_request.pk}/")
    page.get_by_label("Mailed (with a tracking number)").check()
    sent = timezone.localdate() - datetime.timedelta(days=3)
    page.get_by_label("Sent or handed over on").fill(sent.isoformat())
    page.get_by_label("Tracking number (mail)").fill("9400 1111 2222")
    portal.submit("Record how the original goes back")
    assert "9400 1111 2222" in page.inner_text("section.signed-original")
    portal.screenshot("casefile-03-original-mailed")

    _sign_in_as(portal, personas.advocate_a.email)
    portal.goto(f"/requests/{cert_request.pk}/")
    assert "Not confirmed yet" in page.inner_text("section.signed-original")
    received = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Received on").fill(received.isoformat())
    portal.submit("Confirm receipt of the original")
    section = page.inner_text("section.signed-original")
    assert f"{received:%B} {received.day}, {received:%Y}" in section
    assert SignedOriginal.objects.get(request=cert_request).received_on == received
    portal.screenshot("casefile-04-original-received")
