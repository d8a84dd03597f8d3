"""PDF bytes from a snapshot (pure: no database; the templates and WeasyPrint only).

`supplement_b_pdf` and `cover_letter_pdf` are the entry points for a request; `render_pdf`
renders a snapshot already read with `inputs.document_inputs` (what the service and the
benchmark use).
"""

from __future__ import annotations

import threading
from typing import Any

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..models import AgencyFormAnswers, CertificationRequest, DocumentKind
from .common import in_english
from .drafts import supplement_b_draft
from .inputs import document_inputs
from .letter import cover_letter


@in_english
def html_for(kind: DocumentKind | str, snapshot: dict[str, Any]) -> str:
    if kind == DocumentKind.SUPPLEMENT_B:
        return render_to_string(
            "documents/supplement_b.html", {"draft": supplement_b_draft(snapshot)}
        )
    if kind == DocumentKind.COVER_LETTER:
        return render_to_string("documents/cover_letter.html", {"letter": cover_letter(snapshot)})
    raise ValueError(f"Unknown document kind: {kind!r}")


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    # The templates load nothing (system fonts, inline CSS): a URL in a document could only
    # come from injected content, so nothing is ever fetched (no file://, no network).
    raise ValueError("Draft documents load no external resources.")


_local = threading.local()


def _print_css() -> tuple[CSS, FontConfiguration]:
    """The print stylesheet, parsed once per thread with its font configuration (saves about
    15% of a render; see bench/documents.py)."""
    if not hasattr(_local, "css"):
        fonts = FontConfiguration()
        source = render_to_string("documents/print.css")
        _local.css = (CSS(string=source, font_config=fonts, url_fetcher=_refuse_fetch), fonts)
    return _local.css


def render_pdf(kind: DocumentKind | str, snapshot: dict[str, Any]) -> bytes:
    css, fonts = _print_css()
    return HTML(string=html_for(kind, snapshot), url_fetcher=_refuse_fetch).write_pdf(
        stylesheets=[css], font_config=fonts
    )


def supplement_b_pdf(
    *, cert_request: CertificationRequest, answers: AgencyFormAnswers | None | bool = True
) -> bytes:
    """The draft I-918 Supplement B (U) or I-914 Supplement B (T) of a request."""
    return render_pdf(
        DocumentKind.SUPPLEMENT_B, document_inputs(cert_request=cert_request, answers=answers)
    )


def cover_letter_pdf(
    *, cert_request: CertificationRequest, answers: AgencyFormAnswers | None | bool = True
) -> bytes:
    """The cover letter of a request to its certifying agency."""
    return render_pdf(
        DocumentKind.COVER_LETTER, document_inputs(cert_request=cert_request, answers=answers)
    )
