"""PDF uploads: each kind of active content is refused with a message naming it, decoding is
bounded, and no malformed file gets past the check or breaks it."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications.uploads import validate_upload

from .upload_samples import flate_pdf, link, one_page_pdf, raw_pdf, stream


def _check(data: bytes):
    upload = SimpleUploadedFile("report.pdf", data, content_type="application/pdf")
    return validate_upload(upload, target="CR-TEST", user=None)


def _refused(data: bytes, code: str) -> str:
    with pytest.raises(ValidationError) as exc:
        _check(data)
    assert exc.value.code == code, exc.value
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (link(b"<< /S /URI /URI (https://tracker.example/) >>"), "opens a web address (/URI)"),
        (link(b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>"), "opens another PDF file (/GoToR)"),
        (link(b"<< /S /GoToE /T << /R /C /N (x) >> >>"), "a file carried inside it (/GoToE)"),
        (link(b"<< /S /Launch /F (cmd.exe) >>"), "starts a program"),
        (link(b"<< /S /L#61unch /F (cmd.exe) >>"), "(/Launch)"),
        (
            one_page_pdf(
                catalog=b"/AcroForm << /Fields [5 0 R] >>",
                extra=(
                    b"<< /FT /Btn /T (send) /A << /S /SubmitForm /F (https://x.example/) >> >>",
                ),
            ),
            "sends what is typed into it to a web address (/SubmitForm)",
        ),
        (link(b"<< /S /ImportData /F (data.fdf) >>"), "loads its data from another file"),
        (
            one_page_pdf(catalog=b"/Names << /JavaScript 5 0 R >>", extra=(b"<< /Names [] >>",)),
            "scripts (JavaScript)",
        ),
        (link(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "scripts (JavaScript)"),
        (
            one_page_pdf(catalog=b"/Names << /EmbeddedFiles 5 0 R >>", extra=(b"<< >>",)),
            "an attached file carried inside it (/EmbeddedFiles)",
        ),
        (
            one_page_pdf(
                page=b"/Annots [5 0 R]",
                extra=(b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] >>",),
            ),
            "(/FileAttachment)",
        ),
        (
            one_page_pdf(
                page=b"/Annots [5 0 R]",
                extra=(b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>",),
            ),
            "embedded video, sound, Flash or 3D content (/RichMedia)",
        ),
        (
            one_page_pdf(
                catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>",
                extra=(stream(b"<xdp:xdp/>"),),
            ),
            "an XFA form that can run scripts and send data (/XFA)",
        ),
        # An action that runs by itself: printing when the file is opened.
        (
            one_page_pdf(catalog=b"/OpenAction << /S /Named /N /Print >>"),
            "runs by itself when the file or a page is opened, closed or printed (/OpenAction)",
        ),
        (
            one_page_pdf(page=b"/AA << /O << /S /Named /N /Print >> >>"),
            "runs by itself when the file or a page is opened, closed or printed (/AA)",
        ),
        # Chained after a harmless "go to page 1".
        (
            one_page_pdf(
                catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>",
                extra=(b"<< /S /Named /N /Print >>",),
            ),
            "(/OpenAction)",
        ),
    ],
)
def test_active_content_is_refused_saying_what_it_is(data, words):
    message = _refused(data, "pdf_active_content")
    assert words in message
    assert "Print it to PDF again or scan it" in message


def test_an_action_type_stored_as_an_object_of_its_own_is_refused():
    data = one_page_pdf(
        page=b"/Annots [5 0 R]",
        extra=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 7 0 R >>",
            b"/URI",
            b"<< /S 6 0 R /URI (https://x/) >>",
        ),
    )
    assert "(/URI)" in _refused(data, "pdf_active_content")


def test_a_script_in_an_object_nothing_refers_to_is_found():
    """A repairing reader may find objects the catalog does not reach: every object the
    cross-reference table lists is checked."""
    data = one_page_pdf(extra=(b"<< /S /JavaScript /JS (app.alert(1)) >>",))
    _refused(data, "pdf_active_content")


def test_a_script_inside_a_compressed_object_stream_is_found():
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("https://x/")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert b"/URI" in data or b"ObjStm" in data
    _refused(data, "pdf_active_content")


@pytest.mark.parametrize(
    "data",
    [
        one_page_pdf(),
        # Opening at page 1, and a link to another page of the same document.
        one_page_pdf(catalog=b"/OpenAction [3 0 R /Fit]"),
        one_page_pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        link(b"<< /S /GoTo /D [3 0 R /Fit] >>"),
        # A document about JavaScript: its text is not its behaviour.
        one_page_pdf(content=b"BT (/JavaScript /JS /Launch /URI) Tj ET % /EmbeddedFiles"),
    ],
)
def test_pdfs_without_active_content_are_accepted(data):
    assert _check(data).content == data


def test_streams_that_inflate_to_200_mb_together_are_refused():
    data = flate_pdf(*([50 * 1024 * 1024] * 4))
    assert len(data) < 1024 * 1024
    message = _refused(data, "pdf_too_inflated")
    assert "unpacks to more than 100 MB" in message
    assert "Print it to PDF again or scan it" in message


def test_one_stream_inflating_past_the_limit_is_stopped_there(settings):
    settings.UPLOAD_MAX_INFLATED_BYTES = 1024 * 1024
    _refused(flate_pdf(1024 * 1024 + 1), "pdf_too_inflated")
    _refused(flate_pdf(600 * 1024, 600 * 1024), "pdf_too_inflated")
    assert _check(flate_pdf(400 * 1024, 400 * 1024)).content_type == "application/pdf"


def test_chained_filters_are_counted_once_unpacked(settings):
    settings.UPLOAD_MAX_INFLATED_BYTES = 1024 * 1024
    packed = zlib.compress(b"\0" * (2 * 1024 * 1024)).hex().encode() + b">"
    data = one_page_pdf(
        page=b"/Resources << /XObject << /X 5 0 R >> >>",
        extra=(stream(packed, b"/Filter [/ASCIIHexDecode /FlateDecode]"),),
    )
    _refused(data, "pdf_too_inflated")


def test_an_image_claiming_billions_of_pixels_is_refused():
    data = one_page_pdf(
        page=b"/Resources << /XObject << /Im 5 0 R >> >>",
        extra=(
            stream(
                b"\xff\xd8\xff\xd9",
                b"/Type /XObject /Subtype /Image /Width 60000 /Height 60000 "
                b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode",
            ),
        ),
    )
    assert "too large in pixels" in _refused(data, "image_too_large")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.7\n" + b"\x00\xff" * 500,
        one_page_pdf()[:-40],
        one_page_pdf().replace(b"xref", b"xrfe"),
        # A page tree that contains itself.
        raw_pdf(
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ),
        # A stream whose filter no reader knows.
        one_page_pdf(extra=(stream(b"abc", b"/Filter /NoSuchDecode"),)),
        one_page_pdf(extra=(b"<< /Subtype /Image /Width (wide) /Height 5 >>",)),
    ],
)
def test_malformed_pdfs_are_refused_with_a_message_not_an_error(data):
    with pytest.raises(ValidationError) as exc:
        _check(data)
    assert exc.value.code in {"pdf_unreadable", "pdf_empty", "file_type"}
    assert "Traceback" not in " ".join(exc.value.messages)


@pytest.mark.django_db
def test_the_portals_own_draft_form_and_cover_letter_are_accepted(personas):
    """What WeasyPrint renders for the agency (the draft Supplement B, the cover letter) is
    the most likely PDF to come back as an upload: it passes the check as it is."""
    from certifications.documents.render import cover_letter_pdf, supplement_b_pdf

    from ..certifications.documents_helpers import submit_to
    from ..certifications.intake_support import complete_request

    request = submit_to(complete_request(personas), personas.agency_x)
    for pdf in (supplement_b_pdf(cert_request=request), cover_letter_pdf(cert_request=request)):
        assert _check(pdf).content == pdf
