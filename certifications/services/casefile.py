"""The case the agency can find, and the signed original's way back.

1. `report_numbers_replace`: the advocate's further report or case numbers (intake, crime step).
2. `archived_records_mark`: the agency says its records are archived off-site; the deadline
   basis then says the answer comes as soon as reasonably possible (Saint Paul, Minneapolis).
3. `signed_original_record`: after certifying, the agency records how the original goes back.
4. `signed_original_receive`: the advocate confirms the date the original arrived.

Each notable action is a RequestEvent; nothing here puts victim data in an event's e-mail
(notices carry the reference and a link only).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..choices import OPEN_STATUSES, Action, AttachmentKind, Status, english
from ..deadlines import basis_with_archived_records
from ..models import (
    ArchivedRecords,
    CertificationRequest,
    ReportNumber,
    ReturnMethod,
    SignedOriginal,
)
from ..uploads import validate_upload
from .core import attachment_store
from .events import request_event_record


class CaseFileError(Exception):
    """Refused for a reason the person can fix; the message is shown as it is."""


def report_numbers_replace(*, cert_request: CertificationRequest, numbers: Iterable[dict]) -> bool:
    """Replace the request's further report numbers with `numbers` (each `agency` or
    `agency_name`, and `number`), in the caller's transaction. True when they changed."""
    wanted = [
        (n.get("agency").pk if n.get("agency") else None, n.get("agency_name", ""), n["number"])
        for n in numbers
    ]
    before = [
        (r.agency_id, r.agency_name, r.number) for r in cert_request.report_numbers.order_by("id")
    ]
    if before == wanted:
        return False
    cert_request.report_numbers.all().delete()
    ReportNumber.objects.bulk_create(
        ReportNumber(request=cert_request, agency_id=agency_id, agency_name=name, number=number)
        for agency_id, name, number in wanted
    )
    return True


def archived_records_mark(
    *, cert_request: CertificationRequest, actor: User, note: str
) -> ArchivedRecords:
    """Mark the records archived off-site, once, on an open request.

    1. Refuse a closed request: there is no answer left to wait for.
    2. One row per request (the one-to-one key): a second click is refused, not repeated.
    3. Append the mark to the deadline basis (`deadlines.basis_with_archived_records`); the due
       date stays, since the statute's days still bind (Minn. Stat. 611A.95 subd. 2).
    4. An event with the note, for both sides' timelines.
    """
    note = note.strip()
    if cert_request.status not in OPEN_STATUSES:
        raise CaseFileError(_("This request is closed; there is no answer left to delay."))
    try:
        with transaction.atomic():
            marked = ArchivedRecords.objects.create(
                request=cert_request, note=note, marked_by=actor
            )
            basis = basis_with_archived_records(cert_request.deadline_basis)[:600]
            CertificationRequest.objects.filter(pk=cert_request.pk).update(
                deadline_basis=basis, updated_at=timezone.now()
            )
            request_event_record(
                cert_request=cert_request,
                actor=actor,
                action=Action.RECORDS_ARCHIVED,
                note=note or "Records archived off-site: answer as soon as reasonably possible.",
            )
    except IntegrityError:
        raise CaseFileError(_("The records were already marked as archived.")) from None
    cert_request.deadline_basis = basis
    return marked


def signed_original_record(
    *,
    cert_request: CertificationRequest,
    actor: User,
    method: str,
    sent_on: datetime.date,
    tracking_number: str = "",
    scan=None,
) -> SignedOriginal:
    """Record how the signed original went back to the advocate.

    1. Only on a certified request, once; not dated before the signature or after today.
    2. Mail needs its tracking number; an upload needs the scan, checked by `validate_upload`
       (type, active content, virus scan, audited) before anything is written, and stored as
       an attachment of kind signed_form the advocate can download.
    3. One row (the one-to-one key) and an event, in one transaction.
    """
    tracking_number = tracking_number.strip()
    if cert_request.status != Status.CERTIFIED:
        raise CaseFileError(_("Only a certified request has a signed original to send back."))
    if method not in ReturnMethod.values:
        raise ValidationError({"method": ["Choose how the original goes back."]})
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": ["The date cannot be in the future."]})
    if cert_request.signature_date and sent_on < cert_request.signature_date:
        raise ValidationError({"sent_on": ["The original cannot go back before it was signed."]})
    if method == ReturnMethod.MAIL and not tracking_number:
        raise ValidationError({"tracking_number": ["Give the mail's tracking number."]})
    if method == ReturnMethod.UPLOAD and scan is None:
        raise ValidationError({"scan": ["Choose the scan of the signed original."]})
    clean = None
    if method == ReturnMethod.UPLOAD:
        try:
            clean = validate_upload(scan, target=cert_request.reference, user=actor)
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from exc
    if SignedOriginal.objects.filter(request=cert_request).exists():
        raise CaseFileError(_("How the original went back is already recorded."))
    stored = None
    try:
        with transaction.atomic():
            if clean is not None:
                stored = attachment_store(
                    cert_request=cert_request,
                    upload=clean,
                    kind=AttachmentKind.SIGNED_FORM,
                    uploaded_by=actor,
                )
            original = SignedOriginal.objects.create(
                request=cert_request,
                method=method,
                tracking_number=tracking_number if method == ReturnMethod.MAIL else "",
                sent_on=sent_on,
                scan=stored,
                recorded_by=actor,
            )
            label = english(ReturnMethod(method).label)
            request_event_record(
                cert_request=cert_request,
                actor=actor,
                action=Action.ORIGINAL_RETURNED,
                note=f"{label} on {sent_on:%B} {sent_on.day}, {sent_on:%Y}.",
            )
    except IntegrityError:
        if stored is not None:
            stored.file.delete(save=False)
        raise CaseFileError(_("How the original went back is already recorded.")) from None
    return original


def signed_original_receive(
    *, cert_request: CertificationRequest, actor: User, received_on: datetime.date
) -> SignedOriginal:
    """The advocate confirms the date the signed original arrived.

    Conditional UPDATE on a row not yet received, so a double click records one event. The
    filing window still counts from the signature (8 CFR 214.14(c)(2)(i)): the page shows both.
    """
    original = SignedOriginal.objects.filter(request=cert_request).first()
    if original is None:
        raise CaseFileError(_("The agency has not recorded sending the original back yet."))
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": ["The date cannot be in the future."]})
    if received_on < original.sent_on:
        raise ValidationError(
            {"received_on": ["The original cannot arrive before the agency sent it."]}
        )
    with transaction.atomic():
        changed = SignedOriginal.objects.filter(pk=original.pk, received_on__isnull=True).update(
            received_on=received_on, received_by=actor
        )
        if not changed:
            raise CaseFileError(_("The original's receipt was already confirmed."))
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.ORIGINAL_RECEIVED,
            note=f"Received on {received_on:%B} {received_on.day}, {received_on:%Y}.",
        )
    original.refresh_from_db()
    return original
