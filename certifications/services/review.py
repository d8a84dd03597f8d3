"""The agency's side of a request: review, information requests, decisions, transfers,
re-routing by the statewide coordinator, assignment and messages.

Every status change goes through `certification_request_transition` (one conditional UPDATE,
one event, one audit entry). Nothing here sends mail: notifications hang off the events.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agencies.models import Agency, PointOfContact
from agencies.services import route_request

from ..choices import FINAL_STATUSES, Action, AttachmentKind, DenialReason
from ..deadlines import clock_of, compute_deadline
from ..models import CertificationRequest, Message
from ..uploads import CleanUpload, validate_upload
from .clock import routing_escalation_record
from .core import attachment_store, certification_request_transition, request_event_record


class ReviewError(Exception):
    """An agency action refused for a reason the person can fix; the message is shown as is."""


def certification_request_start_review(
    *, cert_request: CertificationRequest, actor: User
) -> CertificationRequest:
    return certification_request_transition(
        cert_request=cert_request, action=Action.START_REVIEW, actor=actor
    )


def certification_request_request_info(
    *, cert_request: CertificationRequest, actor: User, message: str
) -> CertificationRequest:
    """Ask the advocate for more information.

    Minn. Stat. 611A.95 subd. 2 counts from the request: asking for information does not stop
    or restart the clock, so the due date is left as it is.
    """
    message = message.strip()
    if not message:
        raise ReviewError("Write what information you need from the advocate.")
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request, action=Action.REQUEST_INFO, actor=actor, note=message
        )
        Message.objects.create(request=cert_request, author=actor, body=message)
    return cert_request


def certification_request_certify(
    *,
    cert_request: CertificationRequest,
    actor: User,
    official_name: str,
    official_title: str,
    signature_date: datetime.date,
    signed_form=None,
) -> CertificationRequest:
    """Record a certification signed outside the portal (wet ink).

    1. The date of signature may not be in the future: it starts the 6-month filing window
       (8 CFR 214.14(c)(2)(i)), shown to the advocate as `filing_deadline`.
    2. Check the optional uploaded scan of the signed form (`validate_upload`, virus scan
       included) before anything is written: a refusal raises ValidationError for the field
       `signed_form`, and the scan's audit row is not rolled back with the transaction.
    3. Transition to certified with the official's name, title, date and the decision time.
    4. Keep the scan as an attachment the advocate can download.
    """
    if signature_date > timezone.localdate():
        raise ReviewError("The date of signature cannot be in the future.")
    if not official_name.strip() or not official_title.strip():
        raise ReviewError("Give the certifying official's name and title.")
    if signed_form is not None:
        try:
            signed_form = validate_upload(signed_form, target=cert_request.reference, user=actor)
        except ValidationError as exc:
            raise ValidationError({"signed_form": exc.messages}) from exc
    now = timezone.now()
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request,
            action=Action.CERTIFY,
            actor=actor,
            note=(
                f"Signed on {signature_date:%B} {signature_date.day}, {signature_date:%Y} by "
                f"{official_name.strip()}, {official_title.strip()}."
            ),
            updates={
                "certifying_official_name": official_name.strip(),
                "certifying_official_title": official_title.strip(),
                "signature_date": signature_date,
                "decided_at": now,
            },
        )
        if signed_form is not None:
            attachment_store(
                cert_request=cert_request,
                upload=signed_form,
                kind=AttachmentKind.SIGNED_FORM,
                uploaded_by=actor,
            )
    return cert_request


def certification_request_deny(
    *, cert_request: CertificationRequest, actor: User, reason: str, explanation: str
) -> CertificationRequest:
    """Deny with a reason category and a written explanation, both shown to the advocate
    (the written reason other states require, e.g. Illinois; DOMAIN: denials without reasons)."""
    explanation = explanation.strip()
    if reason not in DenialReason.values:
        raise ReviewError("Choose the reason for the denial.")
    if not explanation:
        raise ReviewError("Explain the denial in writing; the advocate will read it.")
    return certification_request_transition(
        cert_request=cert_request,
        action=Action.DENY,
        actor=actor,
        note=f"{DenialReason(reason).label}: {explanation}",
        updates={
            "denial_reason": reason,
            "denial_explanation": explanation,
            "decided_at": timezone.now(),
        },
    )


def _move_to_agency(
    *,
    cert_request: CertificationRequest,
    actor: User,
    to_agency: Agency,
    reason: str,
    action: Action,
) -> CertificationRequest:
    """Shared by transfer and re-route.

    1. Route through the directory (`route_request`): the named agency may hand it to a sibling
       department or, lacking a contact, keep it escalated to the statewide coordinator, saying
       why.
    2. Keep `submitted_at`: the statute's days stay counted from the first request. That is the
       portal's advocacy convention (a transfer is no new request), not a rule of the statute,
       and the basis says so.
    3. Count the receiving agency's own policy from its receipt, today (Saint Paul Legislative
       Code 44.06: 30 days from receipt by the city agency), store that receipt, and name both
       dates in `deadline_basis`.
    """
    reason = reason.strip().rstrip(".")
    if not reason:
        raise ReviewError("Give the reason for sending this request to another agency.")
    if to_agency.pk == cert_request.agency_id:
        raise ReviewError("The request is already with that agency; choose another one.")
    if not to_agency.is_active:
        raise ReviewError(f"{to_agency.name} is no longer active in the directory.")
    decision = route_request(
        agency=to_agency,
        crimes=list(cert_request.crimes or []),
        form_type=cert_request.form_type,
        county=cert_request.crime_county,
    )
    if action == Action.REROUTE and decision.agency.is_statewide_coordinator:
        # The coordinator re-routes *to a local agency*; routing it back to DPS helps no one.
        raise ReviewError(
            f"{to_agency.name} cannot take this request. {decision.reason} Choose another agency."
        )
    if decision.agency.pk == cert_request.agency_id:
        raise ReviewError(
            f"The directory routes requests for {to_agency.name} back to this agency. "
            f"{decision.reason} Choose another agency."
        )
    today = timezone.localdate()
    deadline = compute_deadline(
        agency=decision.agency, clock=clock_of(cert_request, received_on=today)
    )
    from_name = cert_request.agency.name if cert_request.agency_id else "the previous agency"
    verb = "Transferred" if action == Action.TRANSFER else "Re-routed by the statewide coordinator"
    routing_reason = f"{verb} from {from_name}: {reason}.\n{decision.reason}"
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request,
            action=action,
            actor=actor,
            note=f"{verb} from {from_name} to {decision.agency.name}: {reason}.",
            updates={
                "agency": decision.agency,
                "assigned_contact": decision.contact,
                "routing_reason": routing_reason,
                "received_by_agency_on": today,
                "due_date": deadline.due_date,
                "deadline_basis": deadline.basis[:600],
                "deadline_source": deadline.source,
                **({"escalated_at": timezone.now()} if decision.escalation_note else {}),
            },
        )
        routing_escalation_record(cert_request=cert_request, decision=decision)
    return cert_request


def certification_request_transfer(
    *, cert_request: CertificationRequest, actor: User, to_agency: Agency, reason: str
) -> CertificationRequest:
    """An agency sends a request it cannot decide to another agency of the directory."""
    return _move_to_agency(
        cert_request=cert_request,
        actor=actor,
        to_agency=to_agency,
        reason=reason,
        action=Action.TRANSFER,
    )


def certification_request_reroute(
    *, cert_request: CertificationRequest, actor: User, to_agency: Agency, reason: str
) -> CertificationRequest:
    """The statewide coordinator sends a request routed to DPS, or an escalated or overdue one,
    to a local agency."""
    return _move_to_agency(
        cert_request=cert_request,
        actor=actor,
        to_agency=to_agency,
        reason=reason,
        action=Action.REROUTE,
    )


def certification_request_assign(
    *, cert_request: CertificationRequest, actor: User, contact: PointOfContact
) -> CertificationRequest:
    """Give the request to one contact of its agency; recorded as an "assigned" event."""
    if cert_request.status in FINAL_STATUSES:
        raise ReviewError("This request is closed; it cannot be assigned.")
    if contact.agency_id != cert_request.agency_id or not contact.is_active:
        raise ReviewError("Choose an active point of contact of this agency.")
    if contact.pk == cert_request.assigned_contact_id:
        raise ReviewError(f"The request is already assigned to {contact.name}.")
    with transaction.atomic():
        CertificationRequest.objects.filter(pk=cert_request.pk).update(
            assigned_contact=contact, updated_at=timezone.now()
        )
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.ASSIGNED,
            note=f"Assigned to {contact.name}.",
        )
    cert_request.refresh_from_db()
    return cert_request


def message_post(
    *,
    cert_request: CertificationRequest,
    author: User,
    body: str,
    attachment: CleanUpload | None = None,
) -> Message:
    """A message about one request, recorded as a "message" event on its timeline.

    The event carries no text: the message itself is the record, and e-mails hooked onto the
    event carry the reference and a link only.
    """
    body = body.strip()
    if not body:
        raise ReviewError("Write a message before sending it.")
    with transaction.atomic():
        message = Message.objects.create(request=cert_request, author=author, body=body)
        if attachment is not None:
            attachment_store(
                cert_request=cert_request,
                upload=attachment,
                kind=AttachmentKind.OTHER,
                uploaded_by=author,
                message=message,
            )
        request_event_record(cert_request=cert_request, actor=author, action=Action.MESSAGE)
    return message
