"""The letter to the victim: where the request stands, in plain words and in the victim's
language, from the advocate's organization.

It says only what the victim already knows or is owed: which agency has the request and
since when, the date it should answer by, and the outcome as it happens (the certification
and its filing window per `validity`, or the denial with the agency's stated reason). Never
the narrative, internal notes, reviewers' names or the victim's name (a letter can be found
by the wrong person; 8 U.S.C. 1367). The texts live in the template, translated by the
catalogs under locale/; a catalog header says whether a fluent reviewer has checked it.
"""

from __future__ import annotations

import datetime
import functools
import gettext
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML

from ..choices import DeadlineSource, FormType, Status
from ..models import CertificationRequest
from ..validity import validity_rule
from .render import _refuse_fetch

# The languages the letter is written in: English and Minnesota's most spoken others.
LETTER_LANGUAGES = ("en", "es", "so", "hmn", "vi")

# What an advocate may have typed before the preferred language became a code: the
# language's names in English and in the language itself, lowercased without accents.
_NAMES = {
    "en": ("english", "ingles", "ingles (english)"),
    "es": ("spanish", "espanol", "castellano", "castilian"),
    "so": ("somali", "soomaali", "af soomaali", "af-soomaali"),
    "hmn": ("hmong", "hmoob", "lus hmoob", "white hmong", "green hmong", "hmong daw"),
    "vi": ("vietnamese", "tieng viet", "viet", "vietnam"),
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names}

# The catalog header field a fluent reviewer sets to "reviewed" once the texts are checked.
REVIEW_HEADER = "x-translation-review"
REVIEWED = "reviewed"


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def letter_language(cert_request: CertificationRequest) -> str:
    """The letter's language for this request: the preferred language when it is a code of
    LETTER_LANGUAGES (or a regional variant, "es-MX"), else the language it names
    ("Spanish", "Español"), else English."""
    value = _folded(cert_request.victim_preferred_language or "")
    base = value.replace("_", "-").split("-")[0]
    if base in LETTER_LANGUAGES:
        return base
    return _BY_NAME.get(value, "en")


@functools.cache
def translation_reviewed(language: str) -> bool:
    """Whether a fluent reviewer has checked the letter's language, as its catalog's header
    says (the one source of truth: the .po, compiled into the .mo read here)."""
    if language == "en":
        return True
    try:
        catalog = gettext.translation(
            "django", localedir=str(settings.LOCALE_PATHS[0]), languages=[language]
        )
    except OSError:
        return False
    return catalog.info().get(REVIEW_HEADER, "").strip().lower() == REVIEWED


@dataclass
class VictimLetter:
    """What the letter says, as data; the words are the template's."""

    language: str
    reviewed: bool
    reference: str
    status: str
    trafficking: bool
    organization_name: str
    organization_phone: str
    organization_email: str
    agency_name: str
    sent_on: datetime.date | None
    # The agency now holding it got it later (a transfer or a re-routing): when.
    moved_on: datetime.date | None
    answer_by: datetime.date | None
    # The answer-by date is a statute's or the agency's own policy (binding), or only ours.
    answer_by_binding: bool
    certified_on: datetime.date | None
    filing_months: int | None
    file_by: datetime.date | None
    decided_on: datetime.date | None
    denial_reason: str
    denial_explanation: str
    withdrawn_on: datetime.date | None
    letter_date: datetime.date


def victim_letter(*, cert_request: CertificationRequest, language: str) -> VictimLetter:
    """The letter's content for a submitted request (a draft was never sent: ValueError)."""
    r = cert_request
    if r.status == Status.DRAFT or r.submitted_at is None:
        raise ValueError("A draft has not been sent to an agency.")
    org = r.organization
    rule = validity_rule(r.form_type)
    certified = r.status == Status.CERTIFIED
    denied = r.status == Status.DENIED
    decided = r.decided_at or r.closed_at
    return VictimLetter(
        language=language,
        reviewed=translation_reviewed(language),
        reference=r.reference,
        status=r.status,
        trafficking=r.form_type == FormType.T,
        organization_name=org.name,
        organization_phone=org.phone,
        organization_email=org.email,
        agency_name=r.agency.name if r.agency_id else "",
        sent_on=timezone.localdate(r.submitted_at),
        moved_on=r.received_by_agency_on if r.received_after_request else None,
        answer_by=r.due_date if r.is_open else None,
        answer_by_binding=r.deadline_source in (DeadlineSource.STATUTE, DeadlineSource.POLICY),
        certified_on=r.signature_date if certified else None,
        filing_months=rule.months if certified else None,
        file_by=r.filing_deadline if certified else None,
        decided_on=timezone.localdate(decided) if denied and decided else None,
        denial_reason=r.denial_reason if denied else "",
        # The agency's own words, as it gave them to the advocate: the victim is owed them.
        denial_explanation=r.denial_explanation if denied else "",
        withdrawn_on=timezone.localdate(r.closed_at)
        if r.status == Status.WITHDRAWN and r.closed_at
        else None,
        letter_date=timezone.localdate(),
    )


def letter_body_html(letter: VictimLetter, *, title_level: int = 1) -> str:
    """The letter's body in its own language (the preview shows two of them side by side,
    their headings under the page's own: `title_level` 2)."""
    with translation.override(letter.language):
        return render_to_string(
            "documents/_victim_letter_body.html",
            {"letter": letter, "title_level": title_level, "section_level": title_level + 1},
        )


def victim_letter_pdf(*, cert_request: CertificationRequest, language: str) -> bytes:
    """The one-page letter as a PDF (WeasyPrint; fonts for every script in the stylesheet)."""
    letter = victim_letter(cert_request=cert_request, language=language)
    with translation.override(language):
        html = render_to_string(
            "documents/victim_letter.html",
            {"letter": letter, "body": letter_body_html(letter)},
        )
        css = CSS(string=render_to_string("documents/victim_letter.css"), url_fetcher=_refuse_fetch)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(stylesheets=[css])
