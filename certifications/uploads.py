"""Checking uploaded evidence: type by content, size, no active content, no image metadata.

OWASP ASVS 12.1-12.2: the declared name and content type are never trusted. Only PDF, JPEG and
PNG are accepted; images are decoded and re-encoded (which drops EXIF, including GPS
positions); PDFs with scripts, launch actions or embedded files are refused.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Decoded-image ceiling: a 12,000 x 12,000 scan is plenty; larger is a decompression bomb.
MAX_IMAGE_PIXELS = 144_000_000
# Names of PDF features that run code or carry other files.
PDF_ACTIVE_MARKERS = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
# The same, as parsed names (a byte scan misses `/J#61vaScript`, which means `/JavaScript`).
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/ImportData",
        "/SubmitForm",
    }
)
# Parsed objects visited at most: a hostile file cannot make the walk run forever.
PDF_MAX_OBJECTS = 50_000


@dataclass(frozen=True)
class CleanUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.content)


def _display_name(name: str) -> str:
    # Keep only the last path component and printable characters; it is shown escaped anyway.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:150] or "file"


def _read_limited(upload) -> bytes:
    limit = settings.UPLOAD_MAX_BYTES
    if getattr(upload, "size", 0) and upload.size > limit:
        raise ValidationError(_too_big(limit), code="too_big")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_too_big(limit), code="too_big")
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    return data


def _too_big(limit: int) -> str:
    return f"The file is larger than {limit // (1024 * 1024)} MB. Upload a smaller scan."


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if any(marker in data for marker in PDF_ACTIVE_MARKERS):
        raise ValidationError(
            "This PDF contains scripts or embedded files, which the portal does not accept. "
            "Print it to a new PDF or scan it, then upload that.",
            code="pdf_active_content",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is password-protected. Upload a copy without a password.",
                code="pdf_encrypted",
            )
        if len(reader.pages) == 0:
            raise ValidationError("This PDF has no pages.", code="pdf_empty")
        # Object streams can hide markers from the byte scan: look at the catalog too.
        root = reader.trailer["/Root"]
        names = root.get("/Names")
        if "/OpenAction" in root and "/JS" in str(root["/OpenAction"]):
            raise ValidationError("This PDF runs a script when opened.", code="pdf_active_content")
        if names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names):
            raise ValidationError(
                "This PDF contains scripts or embedded files, which the portal does not accept.",
                code="pdf_active_content",
            )
        if _pdf_has_active_names(root):
            raise ValidationError(
                "This PDF contains scripts or embedded files, which the portal does not accept. "
                "Print it to a new PDF or scan it, then upload that.",
                code="pdf_active_content",
            )
    except (PdfReadError, KeyError, ValueError, TypeError) as exc:
        raise ValidationError(
            "This PDF could not be read. Save or scan it again and upload the new file.",
            code="pdf_unreadable",
        ) from exc


def _pdf_has_active_names(root) -> bool:
    """Walk every object reachable from the catalog (pages, annotations, actions, forms) and
    look for active-content names as keys or values, after the parser decoded escapes such as
    `#61`. Streams are not decoded: only their dictionaries matter here."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValidationError(
                "This PDF is too complex to check. Print it to a new PDF or scan it.",
                code="pdf_unreadable",
            )
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in PDF_ACTIVE_NAMES:
                    return True
                if isinstance(value, NameObject) and value in PDF_ACTIVE_NAMES:
                    return True
                if key != "/Parent":
                    stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def _reencode_image(data: bytes, content_type: str) -> bytes:
    fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        "This image is too large in pixels. Upload a smaller scan.",
                        code="image_too_large",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                # Pillow writes EXIF and text chunks only when asked (`exif=`, `pnginfo=`):
                # saving the decoded pixels drops the metadata, GPS positions included.
                image.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
                return out.getvalue()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            "This image is too large in pixels. Upload a smaller scan.", code="image_too_large"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a usable image"
        raise ValidationError(
            "This image could not be read. Take or scan it again and upload the new file.",
            code="image_unreadable",
        ) from exc


def validate_upload(upload) -> CleanUpload:
    """Check an uploaded file and return the bytes to store, or raise a ValidationError whose
    message says plainly what to do instead."""
    data = _read_limited(upload)
    kind = filetype.guess(data)
    content_type = kind.mime if kind is not None else None
    if content_type not in ALLOWED:
        raise ValidationError(
            "Only PDF, JPEG and PNG files are accepted. This file is not one of those, "
            "whatever its name says.",
            code="file_type",
        )
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        data = _reencode_image(data, content_type)
    return CleanUpload(
        content=data,
        content_type=content_type,
        extension=ALLOWED[content_type],
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=_display_name(getattr(upload, "name", "") or "file"),
    )
