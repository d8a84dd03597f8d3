"""Hand-built files for the upload tests: PDFs object by object, JPEGs with metadata."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from PIL import Image

from ..clamd import EICAR


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF built by hand (objects numbered from 1; object 1 is the catalog), with a correct
    cross-reference table, so pypdf reads it without repairing anything."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), dictionary) + data + b"\nendstream"


def one_page_pdf(
    *, catalog: bytes = b"", page: bytes = b"", content: bytes = b"", extra: tuple = ()
) -> bytes:
    """Catalog (1), pages (2), one page (3) with its content stream (4), then `extra` objects
    numbered from 5. `catalog` and `page` are added to those dictionaries."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R " + page + b" >>",
        stream(content or b"BT /F1 12 Tf 20 100 Td (Police report) Tj ET"),
        *extra,
    )


def link(action: bytes) -> bytes:
    """A page carrying one link annotation (object 5) with `action`."""
    return one_page_pdf(
        page=b"/Annots [5 0 R]",
        extra=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A " + action + b" >>",),
    )


def flate_pdf(*sizes: int) -> bytes:
    """One page whose resources hold one Flate stream of zero bytes per size: tiny on the
    wire, `sum(sizes)` bytes once inflated."""
    streams = tuple(stream(_deflated_zeros(size), b"/Filter /FlateDecode") for size in sizes)
    xobjects = b" ".join(b"/X%d %d 0 R" % (i, 5 + i) for i in range(len(sizes)))
    return one_page_pdf(page=b"/Resources << /XObject << " + xobjects + b" >> >>", extra=streams)


@functools.cache
def _deflated_zeros(size: int) -> bytes:
    return zlib.compress(b"\0" * size)


def eicar_pdf() -> bytes:
    """A valid, inert PDF carrying the EICAR test string as it is, in a comment of its page's
    content (a string would need its brackets and backslash escaped)."""
    return one_page_pdf(content=b"BT /F1 10 Tf 5 100 Td (Report) Tj ET\n%" + EICAR + b"\n")


def _jpeg_segment(marker: int, body: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body


def jpeg_with_metadata(comment: bytes = b"<script>alert('gps')</script>") -> bytes:
    """A JPEG with a COM segment, EXIF carrying a camera make and a GPS position, an XMP
    packet and an ICC profile: every kind of metadata a phone or editor writes."""
    from PIL import ImageCms

    exif = Image.Exif()
    exif[0x010F] = "CanaryCameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (44.0, 57.0, 7.5), 3: "W", 4: (93.0, 5.0, 42.0)}  # GPSInfo
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), "navy").save(
        buffer, format="JPEG", exif=exif.tobytes(), icc_profile=icc, comment=comment
    )
    data = buffer.getvalue()
    xmp = (
        b"http://ns.adobe.com/xap/1.0/\0"
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'dc:creator="Zyxwvut Canaryname"/></rdf:RDF></x:xmpmeta>'
    )
    # Right after SOI: APP1 (XMP) as an editor writes it.
    return data[:2] + _jpeg_segment(0xE1, xmp) + data[2:]


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the start of the image data (SOS)."""
    markers, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF, "not at a marker"
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # SOS: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    kinds, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds
