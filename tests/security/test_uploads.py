"""Hostile uploads through `validate_upload`: each is refused with a plain message, or made
harmless (images re-encoded without metadata; names rendered inert)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from certifications.uploads import validate_upload as _validate_upload

from .upload_samples import raw_pdf


def validate_upload(upload):
    """The content checks alone: tests run without CLAMD_SOCKET (tests/conftest.py)."""
    return _validate_upload(upload, target="CR-TEST", user=None)


def _pdf(extra: bytes = b"") -> bytes:
    """A small valid one-page PDF, with `extra` objects in the catalog."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _refused(upload, code: str) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload)
    assert exc.value.code == code, exc.value
    message = " ".join(exc.value.messages)
    assert message and "Traceback" not in message
    return message


def test_a_plain_pdf_is_accepted():
    clean = validate_upload(_upload("report.pdf", _pdf()))
    assert clean.content_type == "application/pdf"
    assert len(clean.sha256) == 64


def test_a_renamed_executable_is_refused():
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    mz = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
    for data in (elf, mz):
        message = _refused(_upload("police-report.pdf", data), "file_type")
        assert "Only PDF, JPEG and PNG" in message


def test_a_shell_script_named_pdf_is_refused():
    _refused(_upload("scan.pdf", b"#!/bin/sh\nrm -rf /\n"), "file_type")


def _pdf_with_page_action(action: bytes) -> bytes:
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O " + action + b" >> >>",
    )


def test_the_hand_built_pdf_helper_makes_an_acceptable_pdf():
    clean = validate_upload(_upload("plain.pdf", _pdf_with_page_action(b"<< /S /GoTo >>")))
    assert clean.content_type == "application/pdf"


def test_a_pdf_with_javascript_is_refused():
    data = _pdf_with_page_action(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    message = _refused(_upload("letter.pdf", data), "pdf_active_content")
    assert "scripts" in message


def test_a_pdf_hiding_javascript_behind_escaped_names_in_a_page_action_is_refused():
    """`/J#61vaScript` is `/JavaScript` once parsed; a byte scan does not see it, and the
    action sits on a page, not in the catalog."""
    data = _pdf_with_page_action(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert b"/JavaScript" not in data and b"/JS" not in data
    _refused(_upload("letter.pdf", data), "pdf_active_content")


def test_a_pdf_with_a_launch_action_is_refused():
    data = _pdf_with_page_action(b"<< /S /L#61unch /F (cmd.exe) >>")
    _refused(_upload("letter.pdf", data), "pdf_active_content")


def test_a_pdf_with_an_open_action_script_hidden_in_a_compressed_object_stream_is_refused():
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    _refused(_upload("letter.pdf", out.getvalue()), "pdf_active_content")


def test_a_pdf_with_an_embedded_file_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("payload.exe", b"MZ....")
    out = io.BytesIO()
    writer.write(out)
    _refused(_upload("letter.pdf", out.getvalue()), "pdf_active_content")


def test_an_svg_is_refused_even_named_png():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name in ("photo.svg", "photo.png"):
        _refused(_upload(name, svg, "image/svg+xml"), "file_type")


def test_an_html_file_is_refused():
    _refused(_upload("report.pdf", b"<html><script>alert(1)</script></html>"), "file_type")


def test_an_oversized_file_is_refused_before_being_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    message = _refused(_upload("big.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1)), "too_big")
    assert "larger than 1 MB" in message


def test_an_empty_file_is_refused():
    _refused(_upload("empty.pdf", b""), "empty")


def test_a_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\x00" * (50 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200 * 1024  # small on the wire, 50 MB inflated
    _refused(_upload("evidence.pdf", data, "application/zip"), "file_type")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def test_a_decompression_bomb_png_is_refused():
    """A 50,000 x 50,000 PNG header: 2.5 billion pixels claimed in a few hundred bytes."""
    width = height = 50_000
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    message = _refused(_upload("scan.png", data, "image/png"), "image_too_large")
    assert "too large in pixels" in message


def test_a_truncated_image_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(buffer, format="PNG")
    _refused(_upload("scan.png", buffer.getvalue()[:60], "image/png"), "image_unreadable")


def test_jpeg_metadata_including_gps_is_stripped():
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "CanaryCameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (44.0, 57.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    assert b"CanaryCameraMaker" in buffer.getvalue()
    clean = validate_upload(_upload("photo.jpg", buffer.getvalue(), "image/jpeg"))
    assert b"CanaryCameraMaker" not in clean.content
    assert b"Exif" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as reopened:
        assert reopened.size == (40, 30)
        assert not reopened.getexif()


def test_png_text_chunks_are_stripped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zyxwvut Canaryname")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(buffer, format="PNG", pnginfo=info)
    clean = validate_upload(_upload("scan.png", buffer.getvalue(), "image/png"))
    assert b"Canaryname" not in clean.content


@pytest.mark.parametrize(
    "name",
    [
        '<script>alert("x")</script>.pdf',
        "<img src=x onerror=alert(1)>.pdf",
        "report'); DROP TABLE certifications_attachment;--.pdf",
        "../../../etc/passwd.pdf",
        "C:\\Windows\\System32\\evil.pdf",
        "name\x00with\x1fcontrols.pdf",
    ],
)
def test_hostile_names_are_kept_inert(name, db):
    clean = validate_upload(_upload(name, _pdf()))
    assert "/" not in clean.original_name and "\\" not in clean.original_name
    assert all(ch.isprintable() for ch in clean.original_name)
    rendered = Template("{{ name }}").render(Context({"name": clean.original_name}))
    assert "<script" not in rendered and "<img" not in rendered
    # Stored and read back through the ORM as plain text (parameterised SQL).
    from accounts.models import AuditEntry

    entry = AuditEntry.objects.create(action="export", detail=clean.original_name)
    assert AuditEntry.objects.get(pk=entry.pk).detail == clean.original_name
    assert AuditEntry.objects.count() == 1


def test_stored_name_is_random_and_carries_nothing_of_the_original():
    from certifications.models import attachment_path

    path = attachment_path(None, "Zyxwvut Canaryname police report.pdf")
    assert "Canaryname" not in path
    assert path.startswith("attachments/") and "." not in path.rsplit("/", 1)[-1]


def test_refusals_come_back_in_the_advocates_language(settings):
    """The reasons are shown beside the file field, so they follow the page's language."""
    from django.utils import translation

    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with translation.override("es"):
        assert "El archivo está vacío." in _refused(_upload("empty.pdf", b""), "empty")
        big = _refused(_upload("big.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1)), "too_big")
        assert "1 MB" in big and "larger" not in big
        script = _pdf_with_page_action(b"<< /S /JavaScript /JS (app.alert(1)) >>")
        message = _refused(_upload("letter.pdf", script), "pdf_active_content")
        assert "programas (JavaScript)" in message
