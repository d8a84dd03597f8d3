"""Image uploads come out as pixels alone: the bytes are read to prove no metadata is left."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from certifications.uploads import validate_upload

from .upload_samples import jpeg_segments, jpeg_with_metadata, png_chunks

SOI, APP0, APP1, APP2, COM = 0xD8, 0xE0, 0xE1, 0xE2, 0xFE


def _clean(data: bytes, content_type: str) -> bytes:
    name = "photo.jpg" if content_type == "image/jpeg" else "scan.png"
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return validate_upload(upload, target="CR-TEST", user=None).content


def test_a_jpeg_loses_its_script_comment_gps_exif_xmp_and_icc_profile():
    source = jpeg_with_metadata()
    # The sample really carries each of them.
    assert b"<script>" in source and b"CanaryCameraMaker" in source
    assert b"ICC_PROFILE" in source and b"http://ns.adobe.com/xap/1.0/" in source
    assert {COM, APP1, APP2} <= set(jpeg_segments(source))
    with Image.open(io.BytesIO(source)) as original:
        assert original.getexif().get_ifd(0x8825)  # GPS position
        assert b"<script>" in original.info["comment"]

    clean = _clean(source, "image/jpeg")

    for canary in (b"<script>", b"Canary", b"Exif", b"ICC_PROFILE", b"xap/1.0", b"GPS"):
        assert canary not in clean
    segments = set(jpeg_segments(clean))
    assert COM not in segments and APP1 not in segments and APP2 not in segments
    assert segments - {APP0, 0xDB, 0xC0, 0xC4, 0xDA} == set()  # JFIF, tables, frame, scan
    with Image.open(io.BytesIO(clean)) as reopened:
        assert reopened.size == (48, 32)
        assert not reopened.getexif()
        assert not {"comment", "exif", "icc_profile", "xmp"} & set(reopened.info)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    import struct

    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def test_a_png_loses_its_text_xmp_exif_and_icc_chunks():
    from PIL import ImageCms

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zyxwvut Canaryname")
    info.add_text("Comment", "<script>alert(1)</script>", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>Canaryname</x:xmpmeta>")
    exif = Image.Exif()
    exif[0x010F] = "CanaryCameraMaker"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(
        buffer, format="PNG", pnginfo=info, exif=exif.tobytes(), icc_profile=icc, dpi=(300, 300)
    )
    source = buffer.getvalue()
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunks(source))

    clean = _clean(source, "image/png")

    assert set(png_chunks(clean)) <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}
    assert b"Canary" not in clean and b"script" not in clean
    with Image.open(io.BytesIO(clean)) as reopened:
        assert reopened.size == (30, 20)
        # The resolution is kept, so a scan prints at its size.
        assert tuple(round(v) for v in reopened.info["dpi"]) == (300, 300)


def test_a_phone_photo_stays_upright_once_its_orientation_tag_is_gone():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="JPEG", exif=exif.tobytes())
    clean = _clean(buffer.getvalue(), "image/jpeg")
    with Image.open(io.BytesIO(clean)) as reopened:
        assert reopened.size == (20, 40)
        assert 0x0112 not in reopened.getexif()


@pytest.mark.parametrize(
    ("mode", "fmt", "expected"),
    [("P", "PNG", {"RGB", "RGBA"}), ("CMYK", "JPEG", {"RGB"}), ("LA", "PNG", {"LA"})],
)
def test_unusual_colour_modes_are_kept_readable(mode, fmt, expected):
    buffer = io.BytesIO()
    Image.new(mode, (10, 10)).save(buffer, format=fmt)
    content_type = "image/png" if fmt == "PNG" else "image/jpeg"
    with Image.open(io.BytesIO(_clean(buffer.getvalue(), content_type))) as reopened:
        assert reopened.mode in expected


def test_a_png_bomb_past_pillows_own_limit_is_refused_with_a_message():
    """20,000 x 20,000 pixels: over twice Pillow's MAX_IMAGE_PIXELS, so Pillow itself raises
    DecompressionBombError while opening, before the portal's own check."""
    import struct

    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + _png_chunk(b"IEND", b"")
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _clean(data, "image/png")
    assert exc.value.code == "image_too_large"
    assert "too large in pixels" in exc.value.messages[0]
