"""Helpers for the draft-document tests: submitted requests and reading PDFs back as text."""

from __future__ import annotations

import datetime
import re
import subprocess
import tempfile
from pathlib import Path

from django.utils import timezone

from certifications.choices import Status
from certifications.models import CertificationRequest

HEADER = "DRAFT — for review by the certifying official"


def submit_to(
    request: CertificationRequest, agency, contact=None, **fields
) -> CertificationRequest:
    """Put a request in the agency's queue (what the submit service does, minus the clock)."""
    CertificationRequest.objects.filter(pk=request.pk).update(
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        agency=agency,
        assigned_contact=contact or agency.contacts.first(),
        due_date=timezone.localdate() + datetime.timedelta(days=90),
        deadline_basis="Minn. Stat. 611A.95: 90 days",
        **fields,
    )
    request.refresh_from_db()
    return request


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order (poppler's pdftotext)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(pdf: bytes) -> list[str]:
    return pdf_text(pdf).split("\f")[:-1]


def body_text(pdf: bytes) -> str:
    """The running text without the page margins (DRAFT header, edition, reference, page)."""
    text = flat(pdf_text(pdf))
    text = text.replace(HEADER, " ")
    text = re.sub(r"Reference [UT]V-\d{4}-\d{5}( · Page \d+ of \d+)?", " ", text)
    text = re.sub(r"Page \d+ of \d+", " ", text)
    text = re.sub(r"Form I-91[48], Supplement B · Edition \S+", " ", text)
    return flat(text)
