"""The retention purge: victim data of long-closed requests is destroyed (8 U.S.C. 1367: no
victim data kept longer than needed), non-identifying facts stay for the statistics."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_log

from ..models import CertificationRequest, RequestEvent

logger = logging.getLogger(__name__)

# Kept for the statistics (Minn. Stat. 611A.95 reporting shapes: requested, certified, denied
# with the reason category, withdrawn, late): everything not listed here that can hold text about
# the victim or the case is blanked.
KEPT_FIELDS = frozenset(
    {
        "id",
        "reference",
        "form_type",
        "organization",
        "created_by",
        "status",
        "created_at",
        "updated_at",
        "in_removal_proceedings",
        "detained",
        "crimes",
        "trafficking_types",
        "occurred_in_us",
        "crime_county",
        "requested_agency",
        "family_implicated",
        "consent_given",
        "agency",
        "assigned_contact",
        "submitted_at",
        "due_date",
        "deadline_basis",
        # Which rule set the due date: "late" counts only against a binding one.
        "deadline_source",
        "received_by_agency_on",
        "escalated_at",
        "decided_at",
        "signature_date",
        "petition_filed_on",
        "denial_reason",
        "closed_at",
        "purged_at",
        "victim_interpreter_needed",
        "victim_gender",
    }
)
# Related rows kept (with their free text blanked): the timeline's dates feed the statistics.
KEPT_RELATIONS = frozenset({"events"})


def _blanked_values() -> dict:
    """Field -> empty value for every concrete field of a request not in KEPT_FIELDS."""
    values: dict = {}
    for field in CertificationRequest._meta.concrete_fields:
        if field.name in KEPT_FIELDS or field.primary_key or field.generated:
            continue  # generated columns (list_group) are the database's, computed from status
        if field.null:
            values[field.attname] = None
        elif isinstance(field, models.JSONField):
            values[field.attname] = field.get_default()
        elif isinstance(field, models.BooleanField):
            values[field.attname] = False
        elif isinstance(field, (models.CharField, models.TextField)):
            values[field.attname] = ""
    return values


def _delete_files(queryset: models.QuerySet) -> int:
    """Delete the stored files of every FileField of the rows in `queryset`."""
    file_fields = [
        f for f in queryset.model._meta.concrete_fields if isinstance(f, models.FileField)
    ]
    removed = 0
    if not file_fields:
        return 0
    for row in queryset.only("pk", *[f.name for f in file_fields]):
        for field in file_fields:
            stored = getattr(row, field.name)
            if stored and stored.name:
                stored.storage.delete(stored.name)
                removed += 1
    return removed


def purge_related(cert_request: CertificationRequest) -> dict[str, int]:
    """Delete every row that hangs off the request (attachments and their files, messages,
    family members, generated documents, notifications...), except KEPT_RELATIONS.

    Walks the model's reverse relations so that rows added by later features are purged too
    unless somebody decides, here, that they are safe to keep.
    """
    counts: dict[str, int] = {}
    for rel in CertificationRequest._meta.related_objects:
        if rel.one_to_many is False and rel.one_to_one is False:
            continue
        accessor = rel.get_accessor_name()
        if accessor in KEPT_RELATIONS:
            continue
        queryset = rel.related_model._default_manager.filter(**{rel.field.name: cert_request})
        _delete_files(queryset)
        deleted, _ = queryset.delete()
        if deleted:
            counts[accessor] = deleted
    return counts


def certification_request_purge(*, request_id: int) -> bool:
    """Purge one closed request. Returns False when there was nothing to do.

    1. Claim the request with a conditional UPDATE (`purged_at` is null, closed before the
       cut-off): a second run, or a second worker, finds nothing to claim.
    2. In the same UPDATE, blank every victim and case field not kept for the statistics.
    3. Delete attachments (and their files), messages and every other related row.
    4. Blank the notes of the timeline's events (their changed fields are names, no values).
    5. Write an audit entry naming only the reference.
    """
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    with transaction.atomic():
        claimed = CertificationRequest.objects.filter(
            pk=request_id, purged_at__isnull=True, closed_at__lt=cutoff
        ).update(purged_at=now, **_blanked_values())
        if not claimed:
            return False
        cert_request = CertificationRequest.objects.get(pk=request_id)
        counts = purge_related(cert_request)
        RequestEvent.objects.filter(request=cert_request).update(note="")
        audit_log(
            action=AuditAction.PURGE,
            user=None,
            target=cert_request.reference,
            detail="victim data purged after retention period; "
            + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())),
        )
    logger.info("retention purge request_id=%s", request_id)
    return True


def certification_requests_due_for_purge() -> models.QuerySet[CertificationRequest]:
    cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    return CertificationRequest.objects.filter(purged_at__isnull=True, closed_at__lt=cutoff)


def certification_requests_purge_due(*, limit: int | None = None) -> int:
    """Purge every request closed longer than RETENTION_DAYS_AFTER_CLOSE. Idempotent."""
    ids = list(
        certification_requests_due_for_purge().order_by("closed_at").values_list("pk", flat=True)
    )
    if limit is not None:
        ids = ids[:limit]
    return sum(1 for pk in ids if certification_request_purge(request_id=pk))
