"""Re-encoding an uploaded JPEG or PNG from its pixels alone.

A phone photo or scan can carry where and when it was taken (EXIF, GPS), the device's owner,
editing history (XMP), comment segments (JPEG COM, which may hold markup such as `<script>`),
PNG text chunks and ICC profiles. Victims may be undocumented: the portal keeps the picture
and nothing else (OWASP ASVS 12.2; 8 CFR 214.14(e) confidentiality of U-visa information).
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# Decoded-image ceiling: a 12,000 x 12,000 scan is plenty; larger is a decompression bomb.
# Checked from the header, before any pixel is decoded.
MAX_IMAGE_PIXELS = 144_000_000
# Modes kept as they are; anything else (palettes, CMYK, 16-bit) becomes RGB or RGBA.
JPEG_MODES = frozenset({"RGB", "L"})
PNG_MODES = frozenset({"1", "L", "LA", "RGB", "RGBA"})


def image_too_large() -> ValidationError:
    return ValidationError(
        _("This image is too large in pixels. Upload a smaller scan."), code="image_too_large"
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("This image could not be read. Take or scan it again and upload the new file."),
        code="image_unreadable",
    )


def reencode_image(data: bytes, content_type: str) -> bytes:
    """The image's pixels in a new file of the same format, without any metadata.

    1. Read the header: refuse more than MAX_IMAGE_PIXELS (Pillow's own DecompressionBombError
       guards the same before this check can run); verify the file's structure.
    2. Decode, and turn the picture as its EXIF orientation says, so a phone photo stays
       upright once the orientation tag is gone.
    3. Copy the pixels into a new image, which has no `info` at all: Pillow writes a JPEG's
       COM segment and a PNG's ICC profile from the source image's `info` even when they are
       not asked for, so saving the decoded image itself would keep them.
    4. Save with nothing but the resolution (dpi), so scans print at their size.
    """
    fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise image_too_large()
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            dpi = _dpi(image.info.get("dpi"))
            upright = ImageOps.exif_transpose(image)
            modes = JPEG_MODES if fmt == "JPEG" else PNG_MODES
            if upright.mode not in modes:
                has_alpha = "A" in upright.getbands() or "transparency" in upright.info
                upright = upright.convert("RGBA" if fmt == "PNG" and has_alpha else "RGB")
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
        out = io.BytesIO()
        options = {"quality": 90} if fmt == "JPEG" else {"optimize": True}
        if dpi is not None:
            options["dpi"] = dpi
        clean.save(out, format=fmt, **options)
        return out.getvalue()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise image_too_large() from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a usable image"
        raise _unreadable() from exc


def _dpi(value) -> tuple[float, float] | None:
    """The resolution, if it is a plausible pair of numbers (it is the only thing kept)."""
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if 1 <= x <= 10_000 and 1 <= y <= 10_000:
        return (x, y)
    return None
