"""The victim's releases: which agencies a request may be shared with, and for how long.

VAWA (34 U.S.C. 12291(b)(2)), FVPSA (42 U.S.C. 10406(c)(5)) and VOCA (28 CFR 94.115): a
funded program shares a victim's information only under a written, informed, reasonably
time-limited release; NNEDV's guidance is one release per receiving agency. The rules:

- a request is sent to (submitted, transferred or re-routed to) an agency only while a
  current release names it; a move to an agency no release names waits (`PendingMove`);
- the statewide coordinator sees the request's data only where a current release covers it;
- once every release has expired nothing new is shared (files, answers, transfers).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log
from agencies.models import Agency

from ..choices import Action, AttachmentKind, english
from ..models import CertificationRequest, PendingMove, Release
from ..uploads import validate_upload
from .core import attachment_store
from .events import request_event_record


class ReleaseError(Exception):
    """Sharing refused for want of a current release; the message says why, in plain words."""


def _today() -> datetime.date:
    return timezone.localdate()


def releases_current(
    *, cert_request: CertificationRequest, on: datetime.date | None = None
) -> list[Release]:
    on = on or _today()
    releases = cert_request.releases.prefetch_related("agencies").order_by("-signed_on", "-id")
    return [r for r in releases if r.is_current(on)]


def release_names(
    *, cert_request: CertificationRequest, agency: Agency, on: datetime.date | None = None
) -> bool:
    """Whether a current release lets the request go to `agency` (the coordinator counts as
    named when a release covers it)."""
    for release in releases_current(cert_request=cert_request, on=on):
        if agency.is_statewide_coordinator and release.covers_coordinator:
            return True
        if any(a.pk == agency.pk for a in release.agencies.all()):
            return True
    return False


def release_sharing_check(
    *, cert_request: CertificationRequest, on: datetime.date | None = None
) -> None:
    """Refuse new sharing once the releases have expired, saying why."""
    on = on or _today()
    releases = list(cert_request.releases.all())
    if any(r.is_current(on) for r in releases):
        return
    expired = [r.expires_on for r in releases if r.expires_on is not None and r.expires_on < on]
    if expired:
        last = max(expired)
        raise ReleaseError(
            _(
                "The victim's release expired on %(last)s: nothing new can be shared with an "
                "agency until the advocate attaches a new release."
            )
            % {"last": date_format(last, "DATE_FORMAT")}
        )
    raise ReleaseError(
        _(
            "There is no current release from the victim: nothing new can be shared with an agency "
            "until the advocate attaches one."
        )
    )


@dataclass(frozen=True)
class ReleaseState:
    """What the request's pages say about its releases."""

    releases: list[Release]
    current: list[Release]
    expired_on: datetime.date | None
    pending: PendingMove | None

    @property
    def blocked(self) -> bool:
        return not self.current


def release_state(*, cert_request: CertificationRequest) -> ReleaseState:
    today = _today()
    releases = list(cert_request.releases.select_related("document").prefetch_related("agencies"))
    current = [r for r in releases if r.is_current(today)]
    expired = [r.expires_on for r in releases if r.expires_on and r.expires_on < today]
    pending = PendingMove.objects.select_related("to_agency").filter(request=cert_request).first()
    return ReleaseState(
        releases=releases,
        current=current,
        expired_on=max(expired) if expired and not current else None,
        pending=pending,
    )


def move_wait_for_release(
    *,
    cert_request: CertificationRequest,
    actor: User,
    to_agency: Agency,
    action: Action,
    reason: str,
) -> CertificationRequest:
    """Record a transfer or re-route to an agency no release names: the request stays with its
    agency, both sides' pages say it waits, and the advocate is told (no victim data)."""
    with transaction.atomic():
        PendingMove.objects.update_or_create(
            request=cert_request,
            defaults={
                "to_agency": to_agency,
                "action": action,
                "reason": reason,
                "requested_by": actor,
                "requested_at": timezone.now(),
            },
        )
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.MOVE_WAITING,
            note=(
                f"{english(Action(action).label)} to {to_agency.name} waits: the victim's "
                "release does not name that agency. It moves once the advocate attaches a "
                "release naming it."
            ),
        )
    return cert_request


def release_add(
    *,
    cert_request: CertificationRequest,
    actor: User,
    agencies: list[Agency],
    covers_coordinator: bool,
    signed_on: datetime.date,
    expires_on: datetime.date,
    given_by: str,
    language: str,
    interpreter_name: str,
    document,
) -> Release:
    """Record a signed release and its document (checked by `validate_upload` first).

    Raises ValidationError per field; nothing is written when a field is refused."""
    today = _today()
    errors: dict[str, list[str]] = {}
    if not agencies:
        errors["agencies"] = ["Name at least one agency the victim agreed to share with."]
    if signed_on > today:
        errors["signed_on"] = ["A release cannot be signed in the future."]
    if expires_on < today:
        errors["expires_on"] = ["This date has passed: the release would already be expired."]
    elif expires_on <= signed_on:
        errors["expires_on"] = ["The expiry date must come after the date signed."]
    if not (given_by or "").strip():
        errors["given_by"] = ["Say who signed the release."]
    if not (language or "").strip():
        errors["language"] = ["Say in which language the release was explained."]
    if document is None:
        errors["document"] = ["Attach the signed release (written consent is required)."]
    if errors:
        raise ValidationError(errors)
    try:
        clean = validate_upload(document, target=cert_request.reference, user=actor)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    with transaction.atomic():
        attachment = attachment_store(
            cert_request=cert_request,
            upload=clean,
            kind=AttachmentKind.RELEASE,
            uploaded_by=actor,
        )
        release = Release.objects.create(
            request=cert_request,
            covers_coordinator=covers_coordinator,
            signed_on=signed_on,
            expires_on=expires_on,
            document=attachment,
            given_by=given_by.strip(),
            language=language.strip(),
            interpreter_name=(interpreter_name or "").strip(),
            created_by=actor,
        )
        release.agencies.set(agencies)
        names = ", ".join(sorted(a.name for a in agencies))
        coordinator = "" if covers_coordinator else "; not the statewide coordinator"
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action.RELEASE_ADDED,
            note=f"Release for {names}{coordinator}, valid until {expires_on:%B} "
            f"{expires_on.day}, {expires_on:%Y}.",
        )
        audit_log(
            action=AuditAction.REQUEST_EDIT,
            user=actor,
            target=cert_request.reference,
            detail="release attached",
        )
    return release


def release_agencies_offered(*, cert_request: CertificationRequest) -> list[Agency]:
    """The agencies a new release form offers: where the request is (or, on a draft, the
    agency asked) and the one a waiting move needs; never the whole directory."""
    offered: list[Agency] = []
    if cert_request.agency_id:
        offered.append(cert_request.agency)
    elif cert_request.requested_agency_id:
        offered.append(cert_request.requested_agency)
    pending = PendingMove.objects.select_related("to_agency").filter(request=cert_request).first()
    if pending is not None and all(a.pk != pending.to_agency_id for a in offered):
        offered.append(pending.to_agency)
    return offered
