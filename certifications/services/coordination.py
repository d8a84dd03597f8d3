"""Actions that record and leave the status alone: a reviewer's recommendation to the agency's
signers, and the statewide coordinator's work on a request it coordinates.

8 CFR 214.14(a)(2)-(3): the agency responsible for the case decides, by its head or a
designated official. A reviewer prepares and recommends; the coordinator contacts the agency's
head, escalates and supports, while the request, its clock and its statistics stay with the
responsible agency: nothing here changes `agency`, `due_date` or the status.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..choices import FINAL_STATUSES, Action, CoordinationKind, Recommendation, english
from ..models import CertificationRequest
from .events import request_event_record
from .review import ReviewError


def certification_request_recommend(
    *, cert_request: CertificationRequest, actor: User, recommendation: str, note: str
) -> CertificationRequest:
    """A contact who may not sign recommends a decision, with a note, on the agency's
    timeline and in its queue."""
    note = note.strip()
    if cert_request.status in FINAL_STATUSES:
        raise ReviewError(_("This request is closed; there is nothing left to recommend."))
    if recommendation not in Recommendation.values:
        raise ReviewError(_("Choose what you recommend: certify or deny."))
    if not note:
        raise ReviewError(_("Explain your recommendation for the official who signs."))
    with transaction.atomic():
        CertificationRequest.objects.filter(pk=cert_request.pk).update(
            recommendation=recommendation, updated_at=timezone.now()
        )
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.RECOMMENDED,
            note=f"Recommends: {english(Recommendation(recommendation).label).lower()}. {note}",
        )
    cert_request.refresh_from_db()
    return cert_request


def certification_request_coordinate(
    *, cert_request: CertificationRequest, actor: User, kind: str, note: str
) -> CertificationRequest:
    """The coordinator records what it did on a request that stays with its agency.

    An escalation marks the request escalated (the coordinator's list keeps it in sight) and
    nothing else: the agency, the due date and the statistics stay the agency's."""
    note = note.strip()
    if cert_request.status in FINAL_STATUSES:
        raise ReviewError(_("This request is closed; record nothing more on it."))
    if kind not in CoordinationKind.values:
        raise ReviewError(_("Choose what you did."))
    if not note:
        raise ReviewError(_("Write what was done, for the record."))
    with transaction.atomic():
        if kind == CoordinationKind.ESCALATED and cert_request.escalated_at is None:
            CertificationRequest.objects.filter(pk=cert_request.pk).update(
                escalated_at=timezone.now()
            )
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.COORDINATED,
            note=f"{english(CoordinationKind(kind).label)}: {note}",
        )
    cert_request.refresh_from_db()
    return cert_request
