"""The agency withdraws or disavows a certification it gave.

8 CFR 214.14(h)(2): the certifying official attests to a continuing duty to tell USCIS if the
victim later unreasonably refuses to help, and USCIS may revoke U status on the agency's
withdrawal or disavowal. The portal records the agency's decision (the agency itself notifies
USCIS); the advocate is told through the outbox, without victim data.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..choices import Action, Status, english
from ..models import CertificationRequest, CertificationWithdrawal, WithdrawalKind
from .core import request_event_record
from .review import ReviewError


def _long(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day:%Y}"


def certification_withdraw(
    *,
    cert_request: CertificationRequest,
    actor: User,
    kind: str,
    reason: str,
    effective_on: datetime.date,
) -> CertificationWithdrawal:
    """1. Only a certified request, once; the date is not in the future nor before signature.
    2. Store the withdrawal and record the event (the event's notice tells the advocate)."""
    reason = reason.strip()
    if kind not in WithdrawalKind.values:
        raise ReviewError(_("Choose whether the certification is withdrawn or disavowed."))
    if not reason:
        raise ReviewError(_("Give the reason for the withdrawal or disavowal."))
    if cert_request.status != Status.CERTIFIED:
        raise ReviewError(_("Only a certification the agency gave can be withdrawn."))
    if effective_on > timezone.localdate():
        raise ReviewError(_("The date cannot be in the future."))
    if cert_request.signature_date and effective_on < cert_request.signature_date:
        raise ReviewError(_("The date cannot be before the certification was signed."))
    label = english(WithdrawalKind(kind).label)
    try:
        with transaction.atomic():
            withdrawal = CertificationWithdrawal.objects.create(
                request=cert_request,
                kind=kind,
                reason=reason,
                effective_on=effective_on,
                recorded_by=actor,
            )
            request_event_record(
                cert_request=cert_request,
                actor=actor,
                action=Action.CERTIFICATION_WITHDRAWN,
                note=f"{label} on {_long(effective_on)}: {reason}",
            )
    except IntegrityError:
        raise ReviewError(_("This certification's withdrawal is already recorded.")) from None
    return withdrawal
