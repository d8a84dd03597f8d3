"""Checking uploaded evidence: type by content, size, active content, metadata, viruses.

OWASP ASVS 12.1-12.2: the declared name and content type are never trusted. Only PDF, JPEG and
PNG are accepted; PDFs with active content or that unpack past a ceiling are refused
(`pdf.py`); images are re-encoded from their pixels alone (`images.py`); when CLAMD_SOCKET is
set every file is scanned by clamd before it is stored (`clamd.py`), and refused if clamd
cannot give a verdict.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import AuditAction
from accounts.services import audit_log

from .clamd import ClamdError, clamd_scan
from .images import reencode_image
from .pdf import check_pdf

logger = logging.getLogger(__name__)

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class CleanUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    original_name: str
    # True once clamd found nothing; `attachment_store` refuses unscanned files when scanning
    # is configured, so no upload route can skip the scan.
    scanned: bool = False

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
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def _too_big(limit: int) -> str:
    return _("The file is larger than %(megabytes)s MB. Upload a smaller scan.") % {
        "megabytes": limit // (1024 * 1024)
    }


def validate_upload(upload, *, target: str, user) -> CleanUpload:
    """Check an uploaded file and return the bytes to store, or raise a ValidationError whose
    message says plainly what to do instead.

    1. Size, then type by content (PDF, JPEG, PNG only).
    2. PDFs: no active content, bounded decompression. Images: re-encoded without metadata.
    3. With CLAMD_SOCKET set, the file as uploaded is scanned; the verdict is audited against
       `target` (the request's reference: never the file's name, which may name the victim).
    """
    data = _read_limited(upload)
    kind = filetype.guess(data)
    content_type = kind.mime if kind is not None else None
    if content_type not in ALLOWED:
        raise ValidationError(
            _(
                "Only PDF, JPEG and PNG files are accepted. This file is not one of those, "
                "whatever its name says."
            ),
            code="file_type",
        )
    content = data
    if content_type == "application/pdf":
        check_pdf(data)
    else:
        content = reencode_image(data, content_type)
    scanned = False
    if settings.CLAMD_SOCKET:
        _scan(data, target=target, user=user)
        scanned = True
    return CleanUpload(
        content=content,
        content_type=content_type,
        extension=ALLOWED[content_type],
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=_display_name(getattr(upload, "name", "") or "file"),
        scanned=scanned,
    )


def validate_uploads(uploads, *, target: str, user) -> list[CleanUpload]:
    """`validate_upload` for each file of a multiple-file field: the first refused file raises
    a ValidationError for the field `files`, each message naming the file."""
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(validate_upload(upload, target=target, user=user))
        except ValidationError as exc:
            name = getattr(upload, "name", "file")
            raise ValidationError(
                {
                    "files": [
                        _("%(file)s: %(problem)s") % {"file": name, "problem": m}
                        for m in exc.messages
                    ]
                }
            ) from exc
    return cleaned


def _scan(data: bytes, *, target: str, user) -> None:
    """Scan with clamd and audit the verdict (CJIS 5.10.4.2); a ValidationError unless clean.
    Fails closed: no verdict, no upload."""
    try:
        verdict = clamd_scan(data, address=settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT)
    except ClamdError as exc:
        logger.error("Upload for %s not scanned: %s", target, exc)
        audit_log(
            action=AuditAction.UPLOAD_SCAN,
            user=user,
            target=target,
            outcome="error",
            detail=str(exc),
        )
        raise ValidationError(
            _(
                "This file could not be scanned for viruses just now, so it was not saved. "
                "Please try again in a few minutes."
            ),
            code="scan_unavailable",
        ) from exc
    if verdict.infected:
        logger.warning("Upload for %s refused: clamd found %s", target, verdict.signature)
        audit_log(
            action=AuditAction.UPLOAD_SCAN,
            user=user,
            target=target,
            outcome="infected",
            detail=f"signature {verdict.signature}",
        )
        raise ValidationError(
            _(
                "The virus scan found something harmful in this file, so it was not saved. Do "
                "not open it again: ask the sender for a fresh copy, or scan the paper document."
            ),
            code="infected",
        )
    audit_log(action=AuditAction.UPLOAD_SCAN, user=user, target=target, outcome="clean")
