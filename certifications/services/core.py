"""Writes to requests. Nothing else changes a request's status."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log

from ..choices import FINAL_STATUSES, TRANSITIONS, Action
from ..models import FORM_FOR_TYPE, Attachment, CertificationRequest, FormEdition, Message
from ..uploads import CleanUpload
from .documents import documents_prerender_enqueue
from .events import request_event_record


class TransitionError(Exception):
    """The action is not allowed from the request's current status, or someone got there first.

    The message is shown to the user as it is: plain words, no victim data.
    """


# Actions after which the draft documents' inputs have changed.
DOCUMENT_INPUT_ACTIONS = frozenset(
    {Action.SUBMIT, Action.TRANSFER, Action.REROUTE, Action.PROVIDE_INFO}
)


def certification_request_transition(
    *,
    cert_request: CertificationRequest,
    action: Action | str,
    actor: User | None,
    note: str = "",
    updates: dict[str, Any] | None = None,
) -> CertificationRequest:
    """Move a request through the state machine.

    1. Look up the action in TRANSITIONS; refuse it if the status we read is not a start state.
    2. Conditional UPDATE on the status we read: zero rows means another click got there first,
       and nothing is written.
    3. Write the event row (who, when, from, to, why) and the audit entry, in the same
       transaction.
    Returns the request reloaded from the database.
    """
    allowed_from, to_status = TRANSITIONS[Action(action)]
    from_status = cert_request.status
    if from_status not in allowed_from:
        raise TransitionError(
            _("This cannot be done now: the request's status is “%(status)s”.")
            % {"status": cert_request.get_status_display()}
        )
    now = timezone.now()
    fields: dict[str, Any] = dict(updates or {})
    fields["status"] = to_status
    fields["updated_at"] = now
    if to_status in FINAL_STATUSES:
        fields.setdefault("closed_at", now)
    with transaction.atomic():
        changed = CertificationRequest.objects.filter(
            pk=cert_request.pk, status=from_status
        ).update(**fields)
        if changed == 0:
            raise TransitionError(
                _(
                    "Someone else changed this request a moment ago. Reload the page to see its "
                    "current state; nothing was changed."
                )
            )
        cert_request.refresh_from_db()
        request_event_record(
            cert_request=cert_request,
            actor=actor,
            action=Action(action),
            note=note,
            from_status=from_status,
            to_status=to_status,
        )
        audit_log(
            action=AuditAction.STATUS_CHANGE,
            user=actor,
            target=cert_request.reference,
            detail=f"{from_status} -> {to_status} ({Action(action).value})",
        )
        if Action(action) in DOCUMENT_INPUT_ACTIONS:
            # The draft forms depend on the agency, the routing and the attachments: pre-render
            # them once this commits (a download re-renders anyway if they are stale).
            documents_prerender_enqueue(request_id=cert_request.pk)
    return cert_request


def reference_for(*, form_type: str, year: int, pk: int) -> str:
    """`UV-2026-00042` / `TV-...`: readable, reveals nothing about the victim."""
    return f"{form_type}V-{year}-{pk:05d}"


def certification_request_create(
    *, organization, created_by: User, form_type: str, **fields: Any
) -> CertificationRequest:
    """Create a draft and give it its permanent reference number (built from its id)."""
    with transaction.atomic():
        cert_request = CertificationRequest.objects.create(
            organization=organization,
            created_by=created_by,
            form_type=form_type,
            # The request is drafted on its form's current edition, and keeps it.
            form_edition=FormEdition.objects.filter(
                form=FORM_FOR_TYPE.get(form_type), is_current=True
            ).first(),
            reference=f"tmp-{uuid.uuid4().hex[:16]}",
            **fields,
        )
        cert_request.reference = reference_for(
            form_type=form_type, year=cert_request.created_at.astimezone().year, pk=cert_request.pk
        )
        CertificationRequest.objects.filter(pk=cert_request.pk).update(
            reference=cert_request.reference
        )
    return cert_request


def attachment_store(
    *,
    cert_request: CertificationRequest,
    upload: CleanUpload,
    kind: str,
    uploaded_by: User | None,
    message: Message | None = None,
) -> Attachment:
    """Store bytes already checked by `validate_upload` under a random name (see
    `attachment_path`); the original name is kept only in the database. The file is removed
    again if the row cannot be saved, so no orphan stays on disk."""
    if not isinstance(upload, CleanUpload):
        raise ValidationError(_("Uploads must be checked with validate_upload first."))
    if settings.CLAMD_SOCKET and not upload.scanned:
        raise ValidationError(_("Uploads must be scanned for viruses before they are stored."))
    attachment = Attachment(
        request=cert_request,
        message=message,
        kind=kind,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=uploaded_by,
    )
    # The name passed here is discarded by `attachment_path`, which picks a random one.
    attachment.file.save(f"upload.{upload.extension}", ContentFile(upload.content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
