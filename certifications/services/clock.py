"""The clock of a submitted request: the escalation a routing decision calls for, and removal
proceedings raised after the request (a later expedite).

Minn. Stat. 611A.95 subd. 2(b): the statute's 14 days apply only when the victim's removal
proceedings are raised at the time of the request; raised later, the statute's 90 days stay,
and an agency whose own policy expedites a later raise (Saint Paul Legislative Code 44.06,
Minneapolis) gives its own expedited days (`deadlines`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.services import RoutingDecision

from ..choices import OPEN_STATUSES, Action, AttachmentKind, RemovalOf
from ..deadlines import clock_of, compute_deadline
from ..models import CertificationRequest
from ..uploads import validate_upload
from .core import attachment_store
from .events import request_event_record


class ExpediteError(Exception):
    """A later expedite refused for a reason the advocate can fix; shown as is."""


def routing_escalation_record(
    *, cert_request: CertificationRequest, decision: RoutingDecision
) -> None:
    """Record the escalation a routing decision calls for (an agency kept the request without
    an active point of contact): the coordinator and the advocate are told by the event's
    notices. The caller has stamped `escalated_at` in the same transaction."""
    if decision.escalation_note:
        request_event_record(
            cert_request=cert_request,
            actor=None,
            action=Action.ESCALATED,
            note=decision.escalation_note,
        )


def certification_request_raise_expedite(
    *,
    cert_request: CertificationRequest,
    actor: User,
    removal_of: str,
    notice_to_appear,
    today: datetime.date | None = None,
) -> CertificationRequest:
    """The advocate raises removal proceedings (of the victim or a qualifying family member)
    after the request.

    1. Only on an open request not already flagged, with the proof: a Notice to Appear (or
       other proof), checked (`validate_upload`, virus scan included) before anything is written.
    2. Flag the request, note who is in proceedings and the day raised, keep the proof as an
       attachment of kind Notice to Appear (the agency never sees it: `access`).
    3. Recompute the due date and its basis from the stored clock: the statute's days stay 90;
       an agency policy that allows a later raise counts its expedited days from the raise.
    4. Record an "expedite raised" event (the agency's contacts are told, without detail).
    """
    if cert_request.status not in OPEN_STATUSES:
        raise ExpediteError(
            _("This request is closed; removal proceedings can no longer be raised.")
        )
    if cert_request.in_removal_proceedings:
        raise ExpediteError(_("Removal proceedings are already flagged on this request."))
    if removal_of not in RemovalOf.values:
        raise ValidationError({"removal_of": ["Say whose removal proceedings these are."]})
    if notice_to_appear is None:
        raise ValidationError(
            {"notice_to_appear": ["Attach the Notice to Appear or other proof of the proceedings."]}
        )
    try:
        proof = validate_upload(notice_to_appear, target=cert_request.reference, user=actor)
    except ValidationError as exc:
        raise ValidationError({"notice_to_appear": exc.messages}) from exc
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = CertificationRequest.objects.select_for_update().get(pk=cert_request.pk)
        if locked.in_removal_proceedings or locked.status not in OPEN_STATUSES:
            raise ExpediteError(_("This request changed meanwhile; reload the page."))
        locked.in_removal_proceedings = True
        locked.removal_proceedings_of = removal_of
        locked.expedite_raised_on = today
        deadline = compute_deadline(agency=locked.agency, clock=clock_of(locked))
        # The rules include the ones the due date was set by (the same stored clock), so the
        # new date is never later than the old one.
        locked.due_date = deadline.due_date
        locked.deadline_basis = deadline.basis[:600]
        locked.deadline_source = deadline.source
        fields = [
            "in_removal_proceedings",
            "removal_proceedings_of",
            "expedite_raised_on",
            "due_date",
            "deadline_basis",
            "deadline_source",
        ]
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*fields, "updated_at"])
        attachment_store(
            cert_request=locked,
            upload=proof,
            kind=AttachmentKind.NOTICE_TO_APPEAR,
            uploaded_by=actor,
        )
        request_event_record(
            cert_request=locked,
            actor=actor,
            action=Action.EXPEDITE_RAISED,
            note=f"Due {_on(deadline.due_date)}. {deadline.basis}.",
            changed_fields=fields,
        )
    return locked


def _on(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day:%Y}"
