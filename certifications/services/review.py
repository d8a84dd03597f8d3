"""The agency's side of a request: review, information requests, decisions, transfers,
re-routing by the statewide coordinator, assignment and messages.

Every status change goes through `certification_request_transition` (one conditional UPDATE,
one event, one audit entry). Nothing here sends mail: notifications hang off the events.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency, PointOfContact
from agencies.selectors import (
    certifying_officials,
    contact_for_user,
    contact_may_sign,
    delegation_in_force,
    dps_units,
)
from agencies.services import reason_sentence, route_request

from ..choices import (
    FINAL_STATUSES,
    Action,
    AttachmentKind,
    DecisionBasis,
    DenialReason,
    FormType,
    denial_reason_label,
    english,
)
from ..deadlines import clock_of, compute_deadline
from ..models import CertificationRequest, Message, PendingMove
from ..uploads import CleanUpload, validate_upload
from .clock import routing_escalation_record
from .core import attachment_store, certification_request_transition, request_event_record
from .releases import ReleaseError, move_wait_for_release, release_names, release_sharing_check
from .signer_answers import answers_fill_from_signer, signer_title


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
        raise ReviewError(_("Write what information you need from the advocate."))
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request, action=Action.REQUEST_INFO, actor=actor, note=message
        )
        Message.objects.create(request=cert_request, author=actor, body=message)
    return cert_request


@dataclass(frozen=True)
class DecisionAuthority:
    """Who may sign a decision on a request for the person recording it, and on what basis.

    8 CFR 214.14(a)(2)-(3): the agency responsible for the case certifies, by its head or an
    official the head designated. The statewide coordinator decides only for DPS (when DPS or
    one of its divisions had responsibility for the case) or for an agency whose head
    delegated its certifications to it in writing; the request stays that agency's.
    """

    signers: list[PointOfContact]
    basis: str = ""
    # For the coordinator's own requests: the DPS units the basis may name.
    units: list[Agency] = field(default_factory=list)


def decision_authority(*, cert_request: CertificationRequest, actor: User) -> DecisionAuthority:
    """The signers `actor` may choose from on this request, or ReviewError saying why the
    actor may not record a decision on it."""
    contact = contact_for_user(user=actor)
    if contact is None or not contact_may_sign(contact):
        raise ReviewError(
            _(
                "Only the head of the agency or an official the head designated can record a "
                "certification or a denial. Record your recommendation instead."
            )
        )
    signers = certifying_officials(contact.agency)
    if contact.agency_id == cert_request.agency_id:
        if not contact.agency.is_statewide_coordinator:
            return DecisionAuthority(signers=signers)
        return DecisionAuthority(
            signers=signers, basis=DecisionBasis.DPS_RESPONSIBILITY, units=dps_units()
        )
    if contact.agency.is_statewide_coordinator and delegation_in_force(cert_request.agency_id):
        return DecisionAuthority(signers=signers, basis=DecisionBasis.DELEGATION)
    raise ReviewError(
        _("This request is with the agency responsible for the case: only that agency decides it.")
    )


def _decision_updates(
    *,
    authority: DecisionAuthority,
    signer: PointOfContact,
    responsible_unit: Agency | None,
) -> dict:
    """The signer and the coordinator's basis, checked against the authority."""
    if signer.pk not in {s.pk for s in authority.signers}:
        raise ReviewError(
            _("Choose the signer from the agency's head and designated certifying officials.")
        )
    updates = {
        "signing_official": signer,
        "certifying_official_name": signer.name.strip()[:200],
        "certifying_official_title": signer_title(signer)[:200],
        "decision_basis": authority.basis,
        "decision_basis_agency": None,
    }
    if authority.basis == DecisionBasis.DPS_RESPONSIBILITY:
        if responsible_unit is None or responsible_unit.pk not in {u.pk for u in authority.units}:
            raise ReviewError(
                _(
                    "Name the DPS unit that detected, investigated or prosecuted the crime. If "
                    "none did, re-route the request to the agency responsible for the case."
                )
            )
        updates["decision_basis_agency"] = responsible_unit
    return updates


def _basis_note(updates: dict) -> str:
    if updates["decision_basis"] == DecisionBasis.DPS_RESPONSIBILITY:
        unit = updates["decision_basis_agency"].name
        return f" Decided by the statewide coordinator: {unit} had responsibility for the case."
    if updates["decision_basis"] == DecisionBasis.DELEGATION:
        return " Decided by the statewide coordinator under the agency head's written delegation."
    return ""


def certification_request_certify(
    *,
    cert_request: CertificationRequest,
    actor: User,
    signer: PointOfContact,
    signature_date: datetime.date,
    signed_form=None,
    responsible_unit: Agency | None = None,
) -> CertificationRequest:
    """Record a certification signed outside the portal (wet ink).

    1. Only the agency's head or a designated official records it, choosing the signer among
       them (8 CFR 214.14(a)(3); `decision_authority`); the coordinator records why it may
       decide (`DecisionBasis`).
    2. The date of signature may not be in the future: it starts the 6-month filing window
       (8 CFR 214.14(c)(2)(i)), shown to the advocate as `filing_deadline`.
    3. Check the optional uploaded scan of the signed form (`validate_upload`, virus scan
       included) before anything is written: a refusal raises ValidationError for the field
       `signed_form`, and the scan's audit row is not rolled back with the transaction.
    4. Transition to certified with the signer, the name and title as of today, the date and
       the decision time; the official form's certifying-official part is filled from the
       signer (`answers_fill_from_signer`).
    5. Keep the scan as an attachment the advocate can download.
    """
    authority = decision_authority(cert_request=cert_request, actor=actor)
    updates = _decision_updates(
        authority=authority, signer=signer, responsible_unit=responsible_unit
    )
    if signature_date > timezone.localdate():
        raise ReviewError(_("The date of signature cannot be in the future."))
    if signed_form is not None:
        try:
            signed_form = validate_upload(signed_form, target=cert_request.reference, user=actor)
        except ValidationError as exc:
            raise ValidationError({"signed_form": exc.messages}) from exc
    now = timezone.now()
    name, title = updates["certifying_official_name"], updates["certifying_official_title"]
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request,
            action=Action.CERTIFY,
            actor=actor,
            note=(
                f"Signed on {signature_date:%B} {signature_date.day}, {signature_date:%Y} by "
                f"{name}{', ' + title if title else ''}.{_basis_note(updates)}"
            ),
            updates={**updates, "signature_date": signature_date, "decided_at": now},
        )
        answers_fill_from_signer(cert_request=cert_request, signer=signer, actor=actor)
        if signed_form is not None:
            attachment_store(
                cert_request=cert_request,
                upload=signed_form,
                kind=AttachmentKind.SIGNED_FORM,
                uploaded_by=actor,
            )
    return cert_request


def certification_request_deny(
    *,
    cert_request: CertificationRequest,
    actor: User,
    signer: PointOfContact,
    reason: str,
    explanation: str,
    no_charge_basis_confirmed: bool,
    request_described: str = "",
    request_date: datetime.date | None = None,
    refusal_unreasonable: bool = False,
    responsible_unit: Agency | None = None,
) -> CertificationRequest:
    """Deny with a reason that follows the legal elements (`DenialReason`) and a written
    explanation, both shown to the advocate (the written reason other states require, e.g.
    Illinois; DOMAIN: denials without reasons). A denial is the agency's decision as a
    certification is: the same signers record it (8 CFR 214.14(a)(3)).

    1. The reviewer has confirmed that no reason is the absence of a charge, a conviction or
       an open investigation: Minn. Stat. 611A.95 subd. 2(c) does not require them.
    2. A refusal of assistance names the request and its date (8 CFR 214.14(b)(3)); for a T
       declaration the refusal was unreasonable (8 CFR 214.11(h)).
    3. Transition to denied; the event's note carries the reason in the form's words and who
       decided.
    """
    authority = decision_authority(cert_request=cert_request, actor=actor)
    updates = _decision_updates(
        authority=authority, signer=signer, responsible_unit=responsible_unit
    )
    explanation = explanation.strip()
    request_described = request_described.strip()
    if reason not in DenialReason.values:
        raise ReviewError(_("Choose the reason for the denial."))
    if not explanation:
        raise ReviewError(_("Explain the denial in writing; the advocate will read it."))
    if not no_charge_basis_confirmed:
        raise ReviewError(
            _(
                "Confirm that the denial does not rest on the absence of a charge, a conviction or "
                "an open investigation (Minn. Stat. 611A.95 subd. 2(c))."
            )
        )
    if reason == DenialReason.REFUSED_ASSISTANCE:
        if not request_described or request_date is None:
            raise ReviewError(_("Name the request for assistance that was refused, and its date."))
        if cert_request.form_type == FormType.T and not refusal_unreasonable:
            raise ReviewError(_("A T declaration is denied for a refusal only when unreasonable."))
    else:
        request_described, request_date = "", None
    label = english(denial_reason_label(reason, cert_request.form_type))
    note = f"{label}: {explanation}"
    if request_described:
        asked = f"{request_date:%B} {request_date.day}, {request_date:%Y}"
        note += f"\nRequest for assistance ({asked}): {request_described}"
    return certification_request_transition(
        cert_request=cert_request,
        action=Action.DENY,
        actor=actor,
        note=(f"{note}\nDecided by {updates['certifying_official_name']}.{_basis_note(updates)}"),
        updates={
            **updates,
            "denial_reason": reason,
            "denial_explanation": explanation,
            "denial_request_described": request_described,
            "denial_request_date": request_date,
            "denial_confirmed_no_charge_basis": True,
            "decided_at": timezone.now(),
        },
    )


def _mover_words(actor: User) -> str:
    """ "Dana Lee of Ramsey County Sheriff": the person who moved a request and the agency
    they act for (the statewide coordinator's staff act for DPS)."""
    name = actor.full_name or "a former user"
    contact = contact_for_user(user=actor)
    return f"{name} of {contact.agency.name}" if contact is not None else name


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
    reason = " ".join((reason or "").split())
    if not reason.rstrip(" .,;:"):
        raise ReviewError(_("Give the reason for sending this request to another agency."))
    if to_agency.pk == cert_request.agency_id:
        raise ReviewError(_("The request is already with that agency; choose another one."))
    if not to_agency.is_active:
        raise ReviewError(
            _("%(to_agency)s is no longer active in the directory.") % {"to_agency": to_agency.name}
        )
    mover = _mover_words(actor)
    decision = route_request(
        agency=to_agency,
        crimes=list(cert_request.crimes or []),
        form_type=cert_request.form_type,
        county=cert_request.crime_county,
        chosen_by=mover,
    )
    if action == Action.REROUTE and decision.agency.is_statewide_coordinator:
        # The coordinator re-routes *to a local agency*; routing it back to DPS helps no one.
        raise ReviewError(
            _("%(to_agency)s cannot take this request. %(reason)s Choose another agency.")
            % {"to_agency": to_agency.name, "reason": decision.reason}
        )
    if decision.agency.pk == cert_request.agency_id:
        raise ReviewError(
            _(
                "The directory routes requests for %(to_agency)s back to this agency. %(reason)s "
                "Choose another agency."
            )
            % {"to_agency": to_agency.name, "reason": decision.reason}
        )
    # VAWA 34 U.S.C. 12291(b)(2): a release per receiving agency. Expired: refused, saying
    # why; current but not naming the agency: the move waits for the advocate's new release.
    try:
        release_sharing_check(cert_request=cert_request)
    except ReleaseError as exc:
        raise ReviewError(str(exc)) from exc
    if not release_names(cert_request=cert_request, agency=decision.agency):
        return move_wait_for_release(
            cert_request=cert_request,
            actor=actor,
            to_agency=decision.agency,
            action=action,
            reason=reason,
        )
    today = timezone.localdate()
    deadline = compute_deadline(
        agency=decision.agency, clock=clock_of(cert_request, received_on=today)
    )
    from_name = cert_request.agency.name if cert_request.agency_id else "the previous agency"
    verb = "Transferred" if action == Action.TRANSFER else "Re-routed"
    # The routing text is replaced, never appended to: after a move the old "the agency named
    # in the request" is no longer true. It names who moved it, for which agency, and why.
    routing_reason = (
        f"{verb} from {from_name} by {mover}, who gave this reason: "
        f"{reason_sentence(reason)}\n{decision.reason}"
    )
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request,
            action=action,
            actor=actor,
            note=f"{verb} from {from_name} to {decision.agency.name} by {mover}: "
            f"{reason_sentence(reason)}",
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
        # A move carried out ends any earlier one that waited for a release.
        PendingMove.objects.filter(request=cert_request).delete()
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
        raise ReviewError(_("This request is closed; it cannot be assigned."))
    if contact.agency_id != cert_request.agency_id or not contact.is_active:
        raise ReviewError(_("Choose an active point of contact of this agency."))
    if contact.pk == cert_request.assigned_contact_id:
        raise ReviewError(
            _("The request is already assigned to %(contact)s.") % {"contact": contact.name}
        )
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
    attachments: Sequence[CleanUpload] = (),
) -> Message:
    """A message about one request, recorded as a "message" event on its timeline, with its
    files (already checked by `validate_upload`; `services.messages` checks them).

    The event carries no text: the message itself is the record, and e-mails hooked onto the
    event carry the reference and a link only. A stored file is removed again if the
    transaction fails, so no orphan stays on disk.
    """
    body = body.strip()
    if not body:
        raise ReviewError(_("Write a message before sending it."))
    uploads = [*([attachment] if attachment is not None else []), *attachments]
    stored = []
    try:
        with transaction.atomic():
            message = Message.objects.create(request=cert_request, author=author, body=body)
            for upload in uploads:
                stored.append(
                    attachment_store(
                        cert_request=cert_request,
                        upload=upload,
                        kind=AttachmentKind.OTHER,
                        uploaded_by=author,
                        message=message,
                    )
                )
            request_event_record(cert_request=cert_request, actor=author, action=Action.MESSAGE)
    except Exception:
        for file in stored:
            file.file.delete(save=False)
        raise
    return message
