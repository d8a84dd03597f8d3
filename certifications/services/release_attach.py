"""Attaching a release after submission: record it, then carry out the transfer or re-route
that was waiting for a release naming its agency (`releases.move_wait_for_release`)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User

from ..models import CertificationRequest, PendingMove, Release
from .core import TransitionError
from .releases import release_add, release_names
from .review import ReviewError, _move_to_agency


def release_attach(*, cert_request: CertificationRequest, actor: User, **fields) -> Release:
    """`release_add`, then the waiting move when the new release names its agency. A move the
    directory now refuses (the agency left it) stays waiting and keeps saying so."""
    release = release_add(cert_request=cert_request, actor=actor, **fields)
    pending = PendingMove.objects.select_related("to_agency", "requested_by").filter(
        request=cert_request
    )
    move = pending.first()
    if move is None:
        return release
    if not release_names(cert_request=cert_request, agency=move.to_agency):
        return release
    with transaction.atomic():
        try:
            _move_to_agency(
                cert_request=cert_request,
                # The move is the agency's decision: recorded as theirs, after the advocate's
                # release.
                actor=move.requested_by,
                to_agency=move.to_agency,
                reason=move.reason,
                action=move.action,
            )
        except (ReviewError, TransitionError):
            return release
        PendingMove.objects.filter(pk=move.pk).delete()
    return release
