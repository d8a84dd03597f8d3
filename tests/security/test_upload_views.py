"""Every upload point over HTTP, with the personas: the advocate's attachments step and answer
to an information request, the agency's signed form. Refusals are shown beside the field with
the rest of the form kept; with CLAMD_SOCKET set a real clamd scans each file and every
verdict is audited against the request's reference, never the file's name."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AuditAction, AuditEntry
from certifications.choices import Action, Status
from certifications.models import Attachment, Message
from certifications.services.core import certification_request_transition
from certifications.services.intake import certification_request_submit

from ..certifications.intake_support import complete_request, pdf_bytes
from ..clamd import EICAR, SIGNATURE, start_clamd
from .upload_samples import eicar_pdf, flate_pdf, link

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

# A file name that names the victim: it must reach no audit row and no log line.
VICTIM_FILE_NAME = "Zyxwvut Canaryname police report.pdf"


def _pdf(data: bytes, name: str = VICTIM_FILE_NAME) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _attach(client, obj, upload, kind: str = "declaration"):
    url = reverse("certifications:edit", args=[obj.pk, "attachments"])
    return client.post(url, {"kind": kind, "file": upload})


def _scans(obj) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action=AuditAction.UPLOAD_SCAN, target=obj.reference).order_by(
            "id"
        )
    )


def _no_file_name_in_the_audit_trail() -> None:
    for target, detail in AuditEntry.objects.values_list("target", "detail"):
        assert "Canaryname" not in target and "Canaryname" not in detail


@pytest.fixture
def advocate(client, personas):
    client.force_login(personas.advocate_a)
    return client


@pytest.fixture(params=["unix", "tcp"])
def scanning(request, settings, clamd):
    """Uploads scanned by the test run's clamd, over its unix socket and over TCP."""
    settings.CLAMD_SOCKET = clamd.socket if request.param == "unix" else clamd.tcp
    return clamd


# --- Active content and bombs, refused beside the field ---------------------------------------


def test_a_pdf_with_a_web_link_is_refused_beside_the_field_saying_why(advocate, personas):
    obj = complete_request(personas)
    response = _attach(advocate, obj, _pdf(link(b"<< /S /URI /URI (https://x.example/) >>")))
    body = response.content.decode()
    assert response.status_code == 400
    assert "a link that opens a web address (/URI)" in body
    assert "Print it to PDF again or scan it" in body
    assert "is-invalid" in body
    assert '<option value="declaration" selected>' in body  # what was chosen is kept
    assert not Attachment.objects.exists()


def test_a_pdf_inflating_past_the_limit_is_refused_over_http(advocate, personas, settings):
    settings.UPLOAD_MAX_INFLATED_BYTES = 1024 * 1024
    obj = complete_request(personas)
    response = _attach(advocate, obj, _pdf(flate_pdf(2 * 1024 * 1024)))
    assert response.status_code == 400
    assert "unpacks to more than 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + b"\xff" * 300, pdf_bytes()[:-60], b"%PDF-1.7\n1 0 obj << /Type /Catalog"],
)
def test_a_malformed_pdf_gets_a_plain_400_not_a_500(advocate, personas, data):
    obj = complete_request(personas)
    response = _attach(advocate, obj, _pdf(data))
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_the_stored_jpeg_has_no_comment_or_gps(advocate, personas):
    from .upload_samples import jpeg_with_metadata

    obj = complete_request(personas)
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_metadata(), content_type="image/jpeg")
    assert _attach(advocate, obj, upload).status_code == 302
    with Attachment.objects.get().file.open("rb") as stored:
        data = stored.read()
    assert b"<script>" not in data and b"Exif" not in data and b"CanaryCameraMaker" not in data


# --- Without clamd: stored unscanned, and no page claims a scan -------------------------------


def test_without_clamd_socket_nothing_is_scanned_and_no_page_claims_it(advocate, personas):
    obj = complete_request(personas)
    response = _attach(advocate, obj, _pdf(eicar_pdf()))
    assert response.status_code == 302
    assert Attachment.objects.count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.UPLOAD_SCAN).exists()
    for url in (
        reverse("certifications:edit", args=[obj.pk, "attachments"]),
        reverse("certifications:detail", args=[obj.pk]),
    ):
        page = advocate.get(url).content.decode().lower()
        assert "virus" not in page and "scanned" not in page and "malware" not in page


# --- With clamd --------------------------------------------------------------------------------


def test_a_clean_pdf_is_scanned_stored_and_audited_clean(advocate, personas, scanning):
    obj = complete_request(personas)
    response = _attach(advocate, obj, _pdf(pdf_bytes()))
    assert response.status_code == 302
    assert Attachment.objects.count() == 1
    [scan] = _scans(obj)
    assert scan.outcome == "clean"
    assert scan.user == personas.advocate_a
    _no_file_name_in_the_audit_trail()


def test_a_pdf_carrying_eicar_is_refused_and_audited_infected(advocate, personas, scanning):
    obj = complete_request(personas)
    data = eicar_pdf()
    assert EICAR in data
    response = _attach(advocate, obj, _pdf(data))
    body = response.content.decode()
    assert response.status_code == 400
    assert "The virus scan found something harmful in this file" in body
    assert "is-invalid" in body
    assert not Attachment.objects.exists()
    [scan] = _scans(obj)
    assert scan.outcome == "infected"
    assert SIGNATURE in scan.detail
    assert scan.user == personas.advocate_a
    _no_file_name_in_the_audit_trail()


def test_eicar_in_a_jpeg_comment_is_caught_before_re_encoding_would_drop_it(
    advocate, personas, scanning
):
    from .upload_samples import jpeg_with_metadata

    obj = complete_request(personas)
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_metadata(EICAR), content_type="image/jpeg")
    response = _attach(advocate, obj, upload)
    assert response.status_code == 400
    assert [s.outcome for s in _scans(obj)] == ["infected"]
    assert not Attachment.objects.exists()


def _info_requested(personas):
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    return certification_request_transition(
        cert_request=obj, action=Action.REQUEST_INFO, actor=personas.contact_x, note="Which?"
    )


def test_an_infected_file_in_an_answer_to_the_agency_sends_nothing(advocate, personas, scanning):
    obj = _info_requested(personas)
    url = reverse("certifications:respond", args=[obj.pk])
    response = advocate.post(
        url, {"message": "The report is attached.", "files": [_pdf(pdf_bytes()), _pdf(eicar_pdf())]}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The virus scan found something harmful" in body
    assert "The report is attached." in body  # what was typed is kept
    obj.refresh_from_db()
    assert obj.status == Status.INFO_REQUESTED
    assert not Message.objects.exists() and not Attachment.objects.exists()
    assert [s.outcome for s in _scans(obj)] == ["clean", "infected"]


def test_an_infected_signed_form_is_refused_and_the_request_stays_undecided(
    client, personas, scanning
):
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:certify", args=[obj.pk]),
        {
            "signer": personas.contact_x.point_of_contact.pk,
            "signature_date": timezone.localdate().isoformat(),
            "signed_form": _pdf(eicar_pdf(), "signed.pdf"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The virus scan found something harmful" in body
    assert "selected>Contact X" in body
    obj.refresh_from_db()
    assert obj.status == Status.SUBMITTED
    [scan] = _scans(obj)
    assert scan.outcome == "infected" and scan.user == personas.contact_x


def test_a_clean_signed_form_is_scanned_and_kept(client, personas, scanning):
    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:certify", args=[obj.pk]),
        {
            "signer": personas.contact_x.point_of_contact.pk,
            "signature_date": timezone.localdate().isoformat(),
            "signed_form": _pdf(pdf_bytes(), "signed.pdf"),
        },
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == Status.CERTIFIED
    assert obj.attachments.count() == 1
    assert [s.outcome for s in _scans(obj)] == ["clean"]


def test_when_clamd_stops_uploads_are_refused_with_try_again_and_logged(
    advocate, personas, settings, tmp_path, caplog
):
    daemon = start_clamd(tmp_path / "clamd")
    try:
        settings.CLAMD_SOCKET = daemon.socket
        obj = complete_request(personas)
        assert _attach(advocate, obj, _pdf(pdf_bytes())).status_code == 302
    finally:
        daemon.stop()
    with caplog.at_level(logging.ERROR, logger="certifications.uploads"):
        response = _attach(advocate, obj, _pdf(pdf_bytes()))
    body = response.content.decode()
    assert response.status_code == 400
    assert "could not be scanned for viruses just now" in body
    assert "try again" in body
    assert Attachment.objects.count() == 1  # only the file scanned before clamd stopped
    assert [s.outcome for s in _scans(obj)] == ["clean", "error"]
    [record] = [r for r in caplog.records if r.name == "certifications.uploads"]
    assert obj.reference in record.getMessage()
    assert "Canaryname" not in record.getMessage()
    _no_file_name_in_the_audit_trail()


def test_a_clamd_address_nobody_answers_on_fails_closed(advocate, personas, settings, tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    obj = complete_request(personas)
    for address in (str(tmp_path / "no-clamd.sock"), f"127.0.0.1:{closed_port}", "nonsense"):
        settings.CLAMD_SOCKET = address
        response = _attach(advocate, obj, _pdf(pdf_bytes()))
        assert response.status_code == 400
        assert "could not be scanned" in response.content.decode()
    assert not Attachment.objects.exists()
    assert [s.outcome for s in _scans(obj)] == ["error"] * 3


def test_a_clamd_that_never_answers_fails_closed_after_the_timeout(
    advocate, personas, settings, tmp_path
):
    import socket

    path = str(tmp_path / "silent.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(path)
        silent.listen(1)  # accepts the connection into its backlog, never reads or answers
        settings.CLAMD_SOCKET = path
        settings.CLAMD_TIMEOUT = 0.5
        obj = complete_request(personas)
        response = _attach(advocate, obj, _pdf(pdf_bytes()))
    assert response.status_code == 400
    assert "could not be scanned" in response.content.decode()
    [scan] = _scans(obj)
    assert scan.outcome == "error" and "Timeout" in scan.detail


def test_a_file_checked_before_scanning_was_configured_cannot_be_stored(personas, settings, clamd):
    """`attachment_store` is the one place files are written: with scanning configured it
    refuses a checked but unscanned upload, so no route can skip the scan."""
    from django.core.exceptions import ValidationError

    from certifications.services.core import attachment_store
    from certifications.uploads import validate_upload

    obj = complete_request(personas)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    unscanned = validate_upload(
        SimpleUploadedFile("a.png", buffer.getvalue(), "image/png"),
        target=obj.reference,
        user=personas.advocate_a,
    )
    settings.CLAMD_SOCKET = clamd.socket
    with pytest.raises(ValidationError):
        attachment_store(
            cert_request=obj, upload=unscanned, kind="other", uploaded_by=personas.advocate_a
        )
    assert not Attachment.objects.exists()
