"""The retention purge: victim data of long-closed requests is destroyed (8 U.S.C. 1367: no
victim data kept longer than needed), non-identifying facts stay for the statistics, and the
agency's record of what it decided and signed stays longer (`DecisionRecord`, 8 CFR
214.14(h)(2)), without the narrative, until CERTIFICATION_RECORD_RETENTION_YEARS have passed."""

from __future__ import annotations

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_log

from ..choices import AttachmentKind, Status
from ..models import (
    Attachment,
    CertificationRequest,
    CertificationWithdrawal,
    DecisionRecord,
    RequestEvent,
)

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
        # Who petitioned, as a kind (8 CFR 214.14(a)(14)): counted by the statistics; the
        # names and explanations that go with it are purged.
        "petitioner_kind",
    }
)
# Related rows kept (with their free text blanked): the timeline's dates feed the statistics;
# the decision record and a withdrawal of the certification are the agency's own record. The
# links between requests hold ids and closed-list kinds only (models.links) and feed the
# reconsideration figures, so they stay too.
KEPT_RELATIONS = frozenset(
    {
        "events",
        "decision_record",
        "certification_withdrawal",
        "links_to_later",
        "links_to_earlier",
    }
)


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


def decision_record_keep(*, cert_request: CertificationRequest) -> DecisionRecord | None:
    """Copy the agency's record of a decision out of a request about to be purged.

    Certified and denied requests only (a withdrawn request was never decided). The signed
    scan's stored file is handed over to the record, not copied, and its attachment row no
    longer points at it: the purge then deletes the row and leaves the file. Called inside
    the purge's transaction, before the request's fields are blanked.
    """
    if cert_request.status not in (Status.CERTIFIED, Status.DENIED):
        return None
    if cert_request.decided_at is None:
        return None
    decided_on = timezone.localdate(cert_request.decided_at)
    edition = cert_request.form_edition
    record = DecisionRecord(
        request=cert_request,
        reference=cert_request.reference,
        agency_id=cert_request.agency_id,
        form_type=cert_request.form_type,
        edition=edition.label if edition is not None else "",
        decision=cert_request.status,
        decided_on=decided_on,
        signature_date=cert_request.signature_date,
        signer_name=cert_request.certifying_official_name,
        signer_title=cert_request.certifying_official_title,
        denial_reason=cert_request.denial_reason,
        keep_until=decided_on + relativedelta(years=settings.CERTIFICATION_RECORD_RETENTION_YEARS),
    )
    scan = (
        Attachment.objects.filter(request=cert_request, kind=AttachmentKind.SIGNED_FORM)
        .exclude(file="")
        .order_by("-uploaded_at", "-id")
        .first()
    )
    if scan is not None:
        record.signed_form.name = scan.file.name
        record.signed_form_content_type = scan.content_type
        record.signed_form_sha256 = scan.sha256
        Attachment.objects.filter(pk=scan.pk).update(file="")
    record.save()
    return record


def certification_request_purge(*, request_id: int) -> bool:
    """Purge one closed request. Returns False when there was nothing to do.

    1. Read the request as it is (the decision's signer and edition are about to be blanked).
    2. Claim it with a conditional UPDATE (`purged_at` is null, closed before the cut-off): a
       second run, or a second worker, finds nothing to claim.
    3. In the same UPDATE, blank every victim and case field not kept for the statistics.
    4. Keep the agency's decision record (`decision_record_keep`), signed scan included.
    5. Delete attachments (and their files), messages and every other related row.
    6. Blank the notes of the timeline's events (their changed fields are names, no values)
       and the reason of a withdrawal of the certification (its kind and date stay).
    7. Write an audit entry naming only the reference.
    """
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    with transaction.atomic():
        before = (
            CertificationRequest.objects.select_related("form_edition")
            .filter(pk=request_id, purged_at__isnull=True, closed_at__lt=cutoff)
            .first()
        )
        if before is None:
            return False
        claimed = CertificationRequest.objects.filter(
            pk=request_id, purged_at__isnull=True, closed_at__lt=cutoff
        ).update(purged_at=now, **_blanked_values())
        if not claimed:
            return False
        decision_record_keep(cert_request=before)
        cert_request = CertificationRequest.objects.get(pk=request_id)
        counts = purge_related(cert_request)
        RequestEvent.objects.filter(request=cert_request).update(note="")
        CertificationWithdrawal.objects.filter(request=cert_request).update(reason="")
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


def decision_records_remove_expired(*, today: datetime.date | None = None) -> int:
    """Remove the decision records kept CERTIFICATION_RECORD_RETENTION_YEARS, with their
    scans. Idempotent: a record already removed is not found again."""
    today = today or timezone.localdate()
    removed = 0
    for record in DecisionRecord.objects.filter(keep_until__lt=today).order_by("pk"):
        with transaction.atomic():
            deleted, _ = DecisionRecord.objects.filter(pk=record.pk).delete()
            if not deleted:
                continue
            if record.signed_form and record.signed_form.name:
                name = record.signed_form.name
                # The file goes once the row is gone for good (after the commit).
                storage = record.signed_form.storage
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            audit_log(
                action=AuditAction.PURGE,
                user=None,
                target=record.reference,
                detail="decision record removed after its retention period",
            )
        removed += 1
    return removed
