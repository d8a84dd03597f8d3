"""The draft forms and the cover letter: render, store, serve current, and the agency's answers.

A stored file is served only while its content hash (of every input) matches the request's
current data; otherwise the document is rendered on demand, so a download never serves a stale
draft. A Celery task pre-renders after a submit or an edit (`documents_prerender_enqueue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log
from uvisa_portal.celery import enqueue_on_commit

from ..choices import Action, english
from ..documents.inputs import ANSWER_FIELDS, content_hash, document_inputs
from ..documents.render import render_pdf
from ..editions.completeness import missing_items
from ..editions.values import item_values
from ..models import (
    FORM_FOR_TYPE,
    AgencyFormAnswers,
    CertificationRequest,
    DocumentKind,
    FormEdition,
    GeneratedDocument,
)
from .events import request_event_record

# URL slugs of the downloadable documents.
DOCUMENT_SLUGS: dict[str, DocumentKind] = {
    "supplement-b": DocumentKind.SUPPLEMENT_B,
    "cover-letter": DocumentKind.COVER_LETTER,
}


@dataclass(frozen=True)
class DocumentFile:
    content: bytes
    filename: str
    content_hash: str
    from_store: bool


def document_filename(*, cert_request: CertificationRequest, kind: DocumentKind | str) -> str:
    """The reference and the document, never the victim's name (8 U.S.C. 1367)."""
    if kind == DocumentKind.COVER_LETTER:
        return f"{cert_request.reference}-cover-letter-draft.pdf"
    form = "I-914-Supplement-B" if cert_request.form_type == "T" else "I-918-Supplement-B"
    return f"{cert_request.reference}-{form}-draft.pdf"


def document_request_load(request_id: int) -> CertificationRequest | None:
    """The request with everything its documents read (one query)."""
    return (
        CertificationRequest.objects.select_related(
            "agency",
            "requested_agency",
            "organization",
            "created_by",
            "crime_county",
            "assigned_contact",
            "form_edition",
        )
        .filter(pk=request_id)
        .first()
    )


def _read(stored: GeneratedDocument) -> bytes | None:
    try:
        with stored.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def document_store(*, request_id: int, kind: DocumentKind | str) -> GeneratedDocument | None:
    """Render and keep the document for the request's current data (idempotent).

    1. Read the snapshot and its hash; if a stored file has that hash, nothing to do.
    2. Render, save the file under a random name, insert the row. A unique constraint on
       (request, kind, hash) makes a concurrent second run lose quietly (its file is removed).
    3. Remove older versions (they hold victim data that is no longer current) and record a
       "document_generated" event.
    """
    cert_request = document_request_load(request_id)
    if cert_request is None:
        return None
    inputs = document_inputs(cert_request=cert_request)
    digest = content_hash(kind=kind, inputs=inputs)
    existing = GeneratedDocument.objects.filter(
        request=cert_request, kind=kind, content_hash=digest
    ).first()
    if existing is not None and existing.file and existing.file.storage.exists(existing.file.name):
        return existing
    pdf = render_pdf(kind, inputs)
    document = GeneratedDocument(
        request=cert_request,
        kind=kind,
        content_hash=digest,
        edition=inputs["edition"],
        size=len(pdf),
    )
    document.file.save("document.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            if existing is not None:
                # The row is there but its file is gone: replace the row.
                existing.delete()
            document.save()
    except IntegrityError:
        document.file.delete(save=False)
        return GeneratedDocument.objects.filter(
            request=cert_request, kind=kind, content_hash=digest
        ).first()
    for old in GeneratedDocument.objects.filter(request=cert_request, kind=kind).exclude(
        pk=document.pk
    ):
        old.file.delete(save=False)
        old.delete()
    request_event_record(
        cert_request=cert_request,
        actor=None,
        action=Action.DOCUMENT_GENERATED,
        note=f"{english(DocumentKind(kind).label)} prepared (edition {inputs['edition']}).",
    )
    return document


def document_current(
    *, cert_request: CertificationRequest, kind: DocumentKind | str
) -> DocumentFile:
    """The document for the request as it is now: the stored file when its hash matches,
    else rendered on demand (never stale). Nothing is written, so a GET has no side effects."""
    loaded = document_request_load(cert_request.pk) or cert_request
    inputs = document_inputs(cert_request=loaded)
    digest = content_hash(kind=kind, inputs=inputs)
    stored = GeneratedDocument.objects.filter(
        request_id=cert_request.pk, kind=kind, content_hash=digest
    ).first()
    content = _read(stored) if stored is not None else None
    from_store = content is not None
    if content is None:
        content = render_pdf(kind, inputs)
    return DocumentFile(
        content=content,
        filename=document_filename(cert_request=loaded, kind=kind),
        content_hash=digest,
        from_store=from_store,
    )


def document_download_note(*, cert_request: CertificationRequest, document: DocumentFile) -> str:
    """What the download's audit row says about the file sent: its kind, whether it came from
    the store or was rendered, and the start of its hash (so a later question "which version
    did they take?" has an answer). No victim data: the file name carries the reference only."""
    return (
        f"{document.filename.removeprefix(cert_request.reference + '-')} "
        f"({'stored' if document.from_store else 'rendered'}, {document.content_hash[:12]})"
    )


def documents_prerender_enqueue(*, request_id: int) -> None:
    """Pre-render the request's documents after the current transaction commits.

    Called by the submit and edit services. If the broker is down nothing is lost: a download
    renders on demand.
    """
    enqueue_on_commit("certifications.documents.prerender", request_id)


def agency_form_answers_get(*, cert_request: CertificationRequest) -> AgencyFormAnswers:
    """The agency's answers, or an unsaved empty set (nothing corrected yet)."""
    return AgencyFormAnswers.objects.filter(request=cert_request).first() or AgencyFormAnswers(
        request=cert_request
    )


def agency_form_answers_update(
    *, cert_request: CertificationRequest, actor: User, answers: dict[str, Any]
) -> AgencyFormAnswers:
    """Save the agency's answers to Parts 2-6. The advocate's data is never touched: the
    answers live in their own row and the draft prefers them. A blank answer means "keep what
    the request and the directory say", so later changes by the advocate still reach the
    draft for every item the agency did not correct.
    """
    with transaction.atomic():
        row = AgencyFormAnswers.objects.select_for_update().get_or_create(request=cert_request)[0]
        changed = []
        for name in ANSWER_FIELDS:
            if name not in answers:
                continue
            value = answers[name]
            if name in ("crimes", "trafficking_types"):
                requested = getattr(cert_request, name) or []
                # Checking exactly what the advocate checked is no correction.
                value = None if value is None or set(value) == set(requested) else list(value)
            elif value is None and not AgencyFormAnswers._meta.get_field(name).null:
                value = ""
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.append(name)
        row.updated_by = actor
        row.save()
        if changed:
            request_event_record(
                cert_request=cert_request,
                actor=actor,
                action=Action.AGENCY_ANSWERS_EDITED,
                note=f"The agency corrected {len(changed)} answer(s) on the draft form.",
                changed_fields=changed,
            )
            audit_log(
                action=AuditAction.REQUEST_EDIT,
                user=actor,
                target=cert_request.reference,
                detail="agency answers on the draft form: " + ", ".join(changed)[:400],
            )
    documents_prerender_enqueue(request_id=cert_request.pk)
    return row


# The item each agency answer corrects (item keys of the edition structures).
ANSWER_ITEMS: dict[str, str] = {
    "agency_name": "agency.name",
    "certifying_official_title": "official.title_division",
    "case_number": "case.number",
    "crime_dates": "crime.dates",
    "statutes_cited": "crime.citations",
    "activity_description": "crime.description",
    "known_injuries": "crime.injury",
    "helpfulness_explanation": "helpful.description",
    "agency_phone": "certification.phone",
    "agency_fax": "certification.fax",
}


def agency_answer_hints(*, cert_request: CertificationRequest) -> dict[str, str]:
    """What the worksheet shows for an item when the agency leaves it blank (from the request
    and the directory), to print beside each field of the answers form."""
    loaded = document_request_load(cert_request.pk) or cert_request
    values = item_values(document_inputs(cert_request=loaded, answers=None))
    hints = {}
    for name, key in ANSWER_ITEMS.items():
        value = values.get(key)
        if isinstance(value, list):
            value = "; ".join(value)
        if value and isinstance(value, str):
            hints[name] = value if len(value) <= 120 else value[:117] + "…"
    return hints


def request_form_edition(*, cert_request: CertificationRequest) -> FormEdition | None:
    """The edition the request was drafted on, else its form's current one."""
    if cert_request.form_edition_id:
        return cert_request.form_edition
    return FormEdition.objects.filter(
        form=FORM_FOR_TYPE[cert_request.form_type], is_current=True
    ).first()


def agency_form_missing_items(*, cert_request: CertificationRequest) -> list[str]:
    """The required items of the request's edition that the agency or its certifying official
    answers and that have no answer yet, as "Part 2, Item 4: <label>" (labels only, never
    values), in the form's order. Empty when the agency's part of the form is complete."""
    edition = request_form_edition(cert_request=cert_request)
    if edition is None:
        return []
    loaded = document_request_load(cert_request.pk) or cert_request
    values = item_values(document_inputs(cert_request=loaded))
    return [
        # The item's words are USCIS's, in English like the form itself.
        _("Part %(part)s, Item %(number)s: %(label)s") % item
        for item in missing_items(
            items=edition.items(), values=values, answered_by=frozenset({"agency", "official"})
        )
    ]
