"""The case as the agency files it, and the signed original's way back.

- ReportNumber: every report or case number of the incident, each with the agency that gave it
  (a request often names a police report, a sheriff's case and a prosecutor's file).
- ArchivedRecords: the agency's note that the records are archived off-site, so it answers "as
  soon as reasonably possible" (the Saint Paul and Minneapolis procedures allow it; DOMAIN).
- SignedOriginal: how the wet-ink form went back to the advocate (mail with a tracking number,
  pickup, or the scan uploaded) and when the advocate received it. The filing window counts
  from the signature, not the receipt (8 CFR 214.14(c)(2)(i)), so both dates are shown.

The numbers, the agency's note and the tracking number are stored encrypted
(uvisa_portal.fields): a report number finds the victim's file (8 U.S.C. 1367).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from uvisa_portal.fields import EncryptedCharField, EncryptedTextField

from .requests import Attachment, CertificationRequest


class ReportNumber(models.Model):
    """A further report or case number of the incident. The request's own `case_number` stays
    the first one: the number at the agency asked to certify, which Form I-918 Supp. B Part 2
    item 9 carries; these rows add the others, each with its agency."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="report_numbers"
    )
    # The directory's agency when it is one; otherwise its name as typed (a federal agency,
    # a court, an agency of another state).
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agency_name = models.CharField(_("agency"), max_length=200, blank=True)
    number = EncryptedCharField(_("report or case number"), max_length=100)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"report number #{self.pk}"

    @property
    def agency_label(self) -> str:
        if self.agency_id is not None:
            return self.agency.name
        return self.agency_name


class ArchivedRecords(models.Model):
    """The agency's mark that its records of the case are archived off-site: it answers as
    soon as reasonably possible. The statute's due date stays (Minn. Stat. 611A.95 subd. 2);
    the deadline basis says why the answer may take longer (`deadlines.basis_with_archived_
    records`)."""

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.CASCADE, related_name="archived_records"
    )
    note = EncryptedTextField(blank=True)
    marked_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"archived records #{self.pk}"


class ReturnMethod(models.TextChoices):
    MAIL = "mail", _("Mailed (with a tracking number)")
    PICKUP = "pickup", _("Picked up at the agency")
    UPLOAD = "upload", _("Scan of the signed original uploaded")


class SignedOriginal(models.Model):
    """How the signed original went back, and when the advocate received it."""

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.CASCADE, related_name="signed_original"
    )
    method = models.CharField(max_length=10, choices=ReturnMethod.choices)
    tracking_number = EncryptedCharField(max_length=100, blank=True)
    sent_on = models.DateField(_("sent or handed over on"))
    # The uploaded scan (an attachment of kind signed_form), when that is how it went back.
    scan = models.ForeignKey(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                # A mailed original is traceable: the tracking number is what both sides ask
                # the carrier about.
                condition=~models.Q(method="mail") | ~models.Q(tracking_number=""),
                name="mailed_original_has_tracking_number",
            )
        ]

    def __str__(self) -> str:
        return f"signed original #{self.pk}"
