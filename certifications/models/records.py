"""What the agency signed, kept after the victim data is purged, and a certification's later
withdrawal or disavowal.

- `DecisionRecord`: when the retention purge blanks a closed request (services.retention), the
  agency's record of its decision stays: reference, decision, dates, signer, form and edition,
  and the signed scan if one was uploaded; never the narrative. USCIS adjudicates for years
  after the signature, and the certifier attests to a continuing duty to tell USCIS if the
  victim later refuses to help (8 CFR 214.14(h)(2)): the agency must be able to say what it
  signed. Kept CERTIFICATION_RECORD_RETENTION_YEARS after the decision, then removed.
- `CertificationWithdrawal`: the agency withdraws or disavows a certification it gave (8 CFR
  214.14(h)(2)), with the reason and the date; recorded as an event, the advocate is told.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uvisa_portal.fields import EncryptedTextField

from ..choices import FormType, Status
from .requests import CertificationRequest


def decision_record_path(instance: DecisionRecord, filename: str) -> str:
    # Random storage name, as for attachments: no name from the case reaches the disk.
    return f"decision-records/{uuid.uuid4().hex}"


class DecisionRecord(models.Model):
    request = models.OneToOneField(
        CertificationRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_record",
    )
    reference = models.CharField(max_length=20, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, related_name="decision_records"
    )
    form_type = models.CharField(max_length=1, choices=FormType.choices)
    edition = models.CharField(_("form edition"), max_length=40, blank=True)
    decision = models.CharField(
        max_length=20,
        choices=[(Status.CERTIFIED, "Certified"), (Status.DENIED, "Denied")],
    )
    decided_on = models.DateField()
    signature_date = models.DateField(null=True, blank=True)
    signer_name = models.CharField(max_length=200, blank=True)
    signer_title = models.CharField(max_length=200, blank=True)
    # The category only: the written explanation tells the case and goes with the purge.
    denial_reason = models.CharField(max_length=30, blank=True)
    signed_form = models.FileField(upload_to=decision_record_path, max_length=200, blank=True)
    signed_form_content_type = models.CharField(max_length=100, blank=True)
    signed_form_sha256 = models.CharField(max_length=64, blank=True)
    kept_at = models.DateTimeField(default=timezone.now)
    keep_until = models.DateField(db_index=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"decision record {self.reference}"


class WithdrawalKind(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrawal of the certification")
    DISAVOWED = "disavowed", _("Disavowal of the certification")


class CertificationWithdrawal(models.Model):
    request = models.OneToOneField(
        CertificationRequest, on_delete=models.CASCADE, related_name="certification_withdrawal"
    )
    kind = models.CharField(max_length=20, choices=WithdrawalKind.choices)
    # Why the agency no longer stands by the certification; may tell the case: encrypted, and
    # blanked by the purge (the kind and the date stay with the decision record).
    reason = EncryptedTextField(_("reason"))
    effective_on = models.DateField(_("date of the withdrawal or disavowal"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


def certification_withdrawal_of(
    cert_request: CertificationRequest,
) -> CertificationWithdrawal | None:
    """The request's withdrawal, or None; no query when the page's select_related read it."""
    try:
        return cert_request.certification_withdrawal
    except CertificationWithdrawal.DoesNotExist:
        return None
