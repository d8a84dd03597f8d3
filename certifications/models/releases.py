"""The victim's release of information, per receiving agency, and a move that waits for one.

VAWA (34 U.S.C. 12291(b)(2)), FVPSA (42 U.S.C. 10406(c)(5)) and VOCA (28 CFR 94.115) forbid a
funded program to share a victim's personally identifying information without a written,
informed, reasonably time-limited release. NNEDV's guidance: one release per receiving
agency, naming it. A request is therefore shared with an agency only while a current release
names it (`services.releases`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from uvisa_portal.fields import EncryptedCharField

from ..choices import Action
from .requests import Attachment, CertificationRequest


class Release(models.Model):
    """One signed release: the agencies it names, its dates, and the signed document."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="releases"
    )
    agencies = models.ManyToManyField(Agency, related_name="releases")
    # Escalation keeps working only if the victim also agreed to the statewide coordinator
    # seeing the request; unticked, the coordinator sees the reference, agency and dates.
    covers_coordinator = models.BooleanField(default=True)
    signed_on = models.DateField(_("date signed"))
    # Null only on releases carried over from the former consent checkbox.
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    document = models.OneToOneField(
        Attachment, on_delete=models.SET_NULL, null=True, blank=True, related_name="release"
    )
    # Informed consent: in which language it was explained, and by which interpreter. Both
    # identify the victim's circumstances, so they are encrypted like the request's data.
    language = EncryptedCharField(_("language it was explained in"), max_length=100, blank=True)
    interpreter_name = EncryptedCharField(_("interpreter's name"), max_length=200, blank=True)
    given_by = EncryptedCharField(_("given by"), max_length=200)
    # Carried over from the consent checkbox of requests made before releases were recorded.
    migrated = models.BooleanField(default=False)
    expiry_reminder_sent_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"release #{self.pk}"

    def is_current(self, on: datetime.date) -> bool:
        if self.signed_on > on:
            return False
        return self.expires_on is None or self.expires_on >= on


class PendingMove(models.Model):
    """A transfer or re-route to an agency no current release names: the request stays where
    it is until the advocate attaches a release naming the agency, then moves."""

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.CASCADE, related_name="pending_move"
    )
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(
        max_length=20,
        choices=[
            (Action.TRANSFER.value, Action.TRANSFER.label),
            (Action.REROUTE.value, Action.REROUTE.label),
        ],
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"pending move #{self.pk}"
