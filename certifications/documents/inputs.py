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

from ..access import agency_view_of, shown_attachments
from ..choices import AttachmentKind, RemovalOf, Status
from ..deadlines import Clock, deadline_rules_for, statute_applies
from ..models import (
    FORM_FOR_TYPE,
    AgencyFormAnswers,
    CertificationRequest,
    DocumentKind,
    FormEdition,
)
from ..petitioner import petitioner_snapshot
from ..text import snapshot_clean
from .common import in_english

# Bump when a template or the layout rules change, so every stored file is re-rendered.
LAYOUT_VERSION = "2026-12-02.4"

# The agency's answers to Parts 2-6 (AgencyFormAnswers); blank means "not answered".
ANSWER_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in AgencyFormAnswers._meta.concrete_fields
    if f.name not in {"id", "request", "updated_at", "updated_by"}
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
        if isinstance(value, datetime.date):
            value = value.isoformat()
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
        "street_address": agency.street_address,
        "city_name": agency.city_name,
        "state": agency.state,
        "postal_code": agency.postal_code,
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


def _edition(cert_request: CertificationRequest) -> FormEdition | None:
    """The edition the request was drafted on, else the form's current one (the editions are
    data: FormEdition)."""
    edition = cert_request.form_edition
    if edition is None:
        edition = FormEdition.objects.filter(
            form=FORM_FOR_TYPE[cert_request.form_type], is_current=True
        ).first()
    return edition


@in_english
def document_inputs(
    *,
    cert_request: CertificationRequest,
    answers: AgencyFormAnswers | None | bool = True,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Read everything the documents show into a plain dict (a handful of queries).

    `answers=True` loads the agency's saved answers; pass an unsaved AgencyFormAnswers to
    preview corrections, or None to render the advocate's data alone.
    """
    if answers is True:
        answers = AgencyFormAnswers.objects.filter(request_id=cert_request.pk).first()
    agency = cert_request.agency or cert_request.requested_agency
    organization = cert_request.organization
    advocate = cert_request.created_by
    if cert_request.submitted_at is not None:
        letter_date = timezone.localtime(cert_request.submitted_at).date()
    else:
        # A draft is dated the day it is printed (the date is part of the hash).
        letter_date = today or timezone.localdate()
    family = list(cert_request.family_members.order_by("id").values("full_name", "relationship"))
    files = list(cert_request.attachments.order_by("uploaded_at", "id"))
    # The documents go to the agency: they show what the agency may see (access.py), for the
    # advocate too. Files are named by kind, never by their original name (which may carry the
    # victim's name or immigration detail).
    attachments = [
        {"kind": a.kind, "kind_label": a.get_kind_display()}
        for a in shown_attachments(files, sees_notice_to_appear=False)
        if a.kind not in NOT_ENCLOSED
    ]
    seen = agency_view_of(cert_request)
    edition = _edition(cert_request)
    # The letter is the request: its date (the submission's, or today's for a draft) is the
    # day the statute's days are counted from (Minn. Stat. 611A.95 subd. 2).
    # After a transfer the agency's own policy counts from its receipt (`deadlines`).
    clock = Clock(
        requested_on=letter_date,
        received_on=cert_request.received_by_agency_on or letter_date,
        in_removal_proceedings=cert_request.in_removal_proceedings,
        removal_of_victim=cert_request.removal_proceedings_of != RemovalOf.FAMILY_MEMBER,
        expedite_raised_on=cert_request.expedite_raised_on,
    )
    rules = deadline_rules_for(agency=agency, clock=clock)
    # Text is rendered in NFC without bidirectional controls (text.py), whatever was stored.
    return snapshot_clean(
        {
            "layout_version": LAYOUT_VERSION,
            "edition": edition.label if edition is not None else "",
            # The draft worksheet follows the edition item by item (its parts, numbers and
            # labels), so the structure is part of the snapshot and of its hash.
            "edition_title": edition.title if edition is not None else "",
            "edition_structure": edition.structure if edition is not None else {"parts": []},
            "reference": cert_request.reference,
            "form_type": cert_request.form_type,
            "is_draft_request": cert_request.status == Status.DRAFT,
            "letter_date": _date(letter_date),
            "petitioner": petitioner_snapshot(cert_request),
            "victim": {
                "family_name": cert_request.victim_family_name,
                "given_name": cert_request.victim_given_name,
                "middle_name": cert_request.victim_middle_name,
                # The letter names the victim as they write their name; the form's boxes
                # keep family and given apart.
                "display_name": cert_request.victim_display_name,
                "other_names": cert_request.victim_other_names,
                "date_of_birth": _date(cert_request.victim_date_of_birth),
                "gender": cert_request.victim_gender,
                "a_number": seen.a_number,
            },
            "in_removal_proceedings": cert_request.in_removal_proceedings,
            "removal_proceedings_of": cert_request.removal_proceedings_of,
            "expedite_raised_on": _date(cert_request.expedite_raised_on),
            "decision_needed_by": _date(seen.decision_needed_by),
            # The advocate holds the proof of removal proceedings (the agency does not see it).
            "notice_to_appear_held": any(a.kind == AttachmentKind.NOTICE_TO_APPEAR for a in files),
            "crimes": list(cert_request.crimes or []),
            "similar_activity_description": cert_request.similar_activity_description,
            "trafficking_types": list(cert_request.trafficking_types or []),
            "crime_date_from": _date(cert_request.crime_date_from),
            "crime_date_to": _date(cert_request.crime_date_to),
            "crime_city": cert_request.crime_city,
            "crime_county": cert_request.crime_county.name if cert_request.crime_county_id else "",
            "occurred_in_us": cert_request.occurred_in_us,
            "statutes_cited": cert_request.statutes_cited,
            "case_number": cert_request.case_number,
            "narrative": cert_request.narrative,
            "known_injuries": cert_request.known_injuries,
            "helpfulness": cert_request.helpfulness,
            "family_implicated": cert_request.family_implicated,
            "family_members": family,
            "submitted_on": _date(
                timezone.localtime(cert_request.submitted_at).date()
                if cert_request.submitted_at
                else None
            ),
            "due_date": _date(cert_request.due_date),
            "deadline_basis": cert_request.deadline_basis,
            "decision_official_name": cert_request.certifying_official_name,
            "decision_official_title": cert_request.certifying_official_title,
            "signature_date": _date(cert_request.signature_date),
            "agency": _agency_snapshot(agency),
            "contact": _contact_snapshot(cert_request.assigned_contact),
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
            "requested_on": _date(letter_date),
            # Minn. Stat. 611A.95 binds the agency (`deadlines.statute_applies`): the letter
            # cites it only then.
            "statute_binds": statute_applies(agency),
            "deadline_rules": [
                {
                    "source": r.source,
                    "days": r.days,
                    "due_date": _date(r.due_date),
                    "counted_from": _date(r.counted_from),
                    "expedited": r.expedited,
                }
                for r in rules
            ],
        }
    )


def content_hash(*, kind: DocumentKind | str, inputs: dict[str, Any]) -> str:
    """SHA-256 of the document kind and its snapshot (canonical JSON)."""
    payload = json.dumps({"kind": str(kind), "inputs": inputs}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
