"""The snapshot a document is rendered from, and its content hash.

Everything a document shows comes from this dict and nothing else, so two equal snapshots give
the same PDF: the hash of the snapshot is how a stored file is known to be current (a download
after any change never serves a stale draft).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.utils import timezone

from agencies.models import Agency, PointOfContact

from ..choices import AttachmentKind, FormType, Status
from ..models import AgencyFormAnswers, CertificationRequest, DocumentKind

# Bump when a template or the layout rules change, so every stored file is re-rendered.
LAYOUT_VERSION = "2026-11-21.1"

# The agency's answers to Parts 2-4 (AgencyFormAnswers); blank means "not corrected".
ANSWER_FIELDS: tuple[str, ...] = (
    "agency_name",
    "agency_address",
    "certifying_official_name",
    "certifying_official_title",
    "division_office",
    "head_of_agency_name",
    "agency_phone",
    "agency_fax",
    "agency_email",
    "agency_type",
    "agency_category",
    "agency_category_other",
    "case_status",
    "case_status_other",
    "case_number",
    "fbi_sid_number",
    "crimes",
    "trafficking_types",
    "crime_dates",
    "statutes_cited",
    "crime_location",
    "activity_description",
    "known_injuries",
    "possesses_information",
    "has_been_helpful",
    "refused_assistance",
    "helpfulness_explanation",
    "refusal_explanation",
)

# Evidence that is not part of the packet sent to the agency.
NOT_ENCLOSED = frozenset({AttachmentKind.SIGNED_FORM})


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def answers_snapshot(answers: AgencyFormAnswers | None) -> dict[str, Any]:
    """Only the answers the agency actually gave (blank and null fields are left out)."""
    if answers is None:
        return {}
    given: dict[str, Any] = {}
    for name in ANSWER_FIELDS:
        value = getattr(answers, name)
        if value is None or value == "":
            continue
        given[name] = list(value) if isinstance(value, list | tuple) else value
    return given


def _agency_snapshot(agency: Agency | None) -> dict[str, Any] | None:
    if agency is None:
        return None
    return {
        "name": agency.name,
        "address_lines": agency.address_lines,
        "phone": agency.phone,
        "fax": agency.fax,
        "email": agency.public_email,
        "level": agency.level,
        "kind": agency.kind,
        "kind_label": agency.get_kind_display(),
    }


def _contact_snapshot(contact: PointOfContact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "name": contact.name,
        "title": contact.title,
        "division": contact.division,
        "email": contact.email,
        "phone": contact.phone,
    }


def document_inputs(
    *,
    request: CertificationRequest,
    answers: AgencyFormAnswers | None | bool = True,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Read everything the documents show into a plain dict (a handful of queries).

    `answers=True` loads the agency's saved answers; pass an unsaved AgencyFormAnswers to
    preview corrections, or None to render the advocate's data alone.
    """
    if answers is True:
        answers = AgencyFormAnswers.objects.filter(request_id=request.pk).first()
    agency = request.agency or request.requested_agency
    organization = request.organization
    advocate = request.created_by
    if request.submitted_at is not None:
        letter_date = timezone.localtime(request.submitted_at).date()
    else:
        # A draft is dated the day it is printed (the date is part of the hash).
        letter_date = today or timezone.localdate()
    family = list(request.family_members.order_by("id").values("full_name", "relationship"))
    attachments = [
        {"kind": a.kind, "kind_label": a.get_kind_display(), "name": a.original_name}
        for a in request.attachments.order_by("uploaded_at", "id")
        if a.kind not in NOT_ENCLOSED
    ]
    return {
        "layout_version": LAYOUT_VERSION,
        "edition": (
            settings.FORM_I918B_EDITION
            if request.form_type == FormType.U
            else settings.FORM_I914B_EDITION
        ),
        "reference": request.reference,
        "form_type": request.form_type,
        "is_draft_request": request.status == Status.DRAFT,
        "letter_date": _date(letter_date),
        "victim": {
            "family_name": request.victim_family_name,
            "given_name": request.victim_given_name,
            "middle_name": request.victim_middle_name,
            "other_names": request.victim_other_names,
            "date_of_birth": _date(request.victim_date_of_birth),
            "gender": request.victim_gender,
            "a_number": request.victim_a_number,
        },
        "in_removal_proceedings": request.in_removal_proceedings,
        "child_turns_21_on": _date(request.child_turns_21_on),
        "crimes": list(request.crimes or []),
        "similar_activity_description": request.similar_activity_description,
        "trafficking_types": list(request.trafficking_types or []),
        "crime_date_from": _date(request.crime_date_from),
        "crime_date_to": _date(request.crime_date_to),
        "crime_city": request.crime_city,
        "crime_county": request.crime_county.name if request.crime_county_id else "",
        "occurred_in_us": request.occurred_in_us,
        "statutes_cited": request.statutes_cited,
        "case_number": request.case_number,
        "narrative": request.narrative,
        "known_injuries": request.known_injuries,
        "helpfulness": request.helpfulness,
        "family_implicated": request.family_implicated,
        "family_members": family,
        "submitted_on": _date(
            timezone.localtime(request.submitted_at).date() if request.submitted_at else None
        ),
        "due_date": _date(request.due_date),
        "deadline_basis": request.deadline_basis,
        "decision_official_name": request.certifying_official_name,
        "decision_official_title": request.certifying_official_title,
        "agency": _agency_snapshot(agency),
        "contact": _contact_snapshot(request.assigned_contact),
        "organization": {
            "name": organization.name,
            "address": organization.address,
            "phone": organization.phone,
            "email": organization.email,
        },
        "advocate": {"name": advocate.full_name, "email": advocate.email},
        "attachments": attachments,
        "answers": answers_snapshot(answers or None),
        "statute_response_days": settings.STATUTE_RESPONSE_DAYS,
        "statute_expedited_days": settings.STATUTE_EXPEDITED_DAYS,
    }


def content_hash(*, kind: DocumentKind | str, inputs: dict[str, Any]) -> str:
    """SHA-256 of the document kind and its snapshot (canonical JSON)."""
    payload = json.dumps({"kind": str(kind), "inputs": inputs}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
