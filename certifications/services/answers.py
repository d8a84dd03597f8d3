"""The advocate's writes after submission: answering the agency's information request, and
recording that the petition was filed.

Status changes go through `core.certification_request_transition` only.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..choices import Action, AttachmentKind, Status
from ..models import Attachment, CertificationRequest, Message
from ..uploads import validate_uploads
from .core import TransitionError, attachment_store, certification_request_transition
from .events import request_event_record
from .releases import ReleaseError, release_sharing_check


def certification_request_provide_info(
    *,
    cert_request: CertificationRequest,
    actor: User,
    message: str,
    files: Sequence = (),
    kind: str = AttachmentKind.OTHER,
) -> CertificationRequest:
    """Answer the agency's information request: a message, its attachments, and the request
    goes back to the agency's queue (INFO_REQUESTED -> IN_REVIEW).

    1. Refuse early (nothing written) if the request is not waiting on the advocate, the
       message is empty, or a file is refused.
    2. In one transaction: the message, its attachments, a "message" event, the transition.
       If the transition loses a race, everything is rolled back.
    """
    body = (message or "").strip()
    if cert_request.status != Status.INFO_REQUESTED:
        raise TransitionError(_("The agency has not asked for information on this request."))
    try:
        # An expired release shares nothing new (VAWA 34 U.S.C. 12291(b)(2): time-limited).
        release_sharing_check(cert_request=cert_request)
    except ReleaseError as exc:
        raise TransitionError(str(exc)) from exc
    if not body:
        raise ValidationError({"message": ["Write an answer to the agency."]})
    cleaned = validate_uploads(files, target=cert_request.reference, user=actor)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            msg = Message.objects.create(request=cert_request, author=actor, body=body)
            for clean in cleaned:
                stored.append(
                    attachment_store(
                        cert_request=cert_request,
                        upload=clean,
                        kind=kind,
                        uploaded_by=actor,
                        message=msg,
                    )
                )
            request_event_record(
                cert_request=cert_request,
                actor=actor,
                action=Action.MESSAGE,
                note="The advocate answered the information request.",
            )
            return certification_request_transition(
                cert_request=cert_request,
                action=Action.PROVIDE_INFO,
                actor=actor,
                note="Information provided; back in the agency's queue.",
            )
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise


class PetitionFiledError(Exception):
    """The petition cannot be marked as filed (plain words for the user, no victim data)."""


def certification_request_mark_petition_filed(
    *, cert_request: CertificationRequest, actor: User, filed_on: datetime.date
) -> CertificationRequest:
    """Record that the petition was filed, which stops the expiry reminders.

    Conditional UPDATE on a certified request without a filing date, so a double click
    records one event.
    """
    if cert_request.status != Status.CERTIFIED:
        raise PetitionFiledError(_("Only a certified request can be marked as filed."))
    if filed_on > timezone.localdate():
        raise PetitionFiledError(_("The filing date cannot be in the future."))
    if cert_request.signature_date and filed_on < cert_request.signature_date:
        raise PetitionFiledError(_("The filing date cannot be before the signature date."))
    with transaction.atomic():
        changed = CertificationRequest.objects.filter(
            pk=cert_request.pk, status=Status.CERTIFIED, petition_filed_on__isnull=True
        ).update(petition_filed_on=filed_on, updated_at=timezone.now())
        if not changed:
            raise PetitionFiledError(_("The petition was already marked as filed."))
        cert_request.refresh_from_db()
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.PETITION_FILED,
            note=f"Petition filed on {filed_on:%Y-%m-%d}.",
        )
    return cert_request
