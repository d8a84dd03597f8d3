"""The notices: one outbox row and bell entry per person told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .requests import CertificationRequest, RequestEvent


class NotificationKind(models.TextChoices):
    """What a notification is about; each kind has its e-mail templates under templates/emails/."""

    REQUEST_RECEIVED = "request_received", _("New request for your agency")
    REQUEST_UPDATE = "request_update", _("Update from the agency")
    ADVOCATE_UPDATE = "advocate_update", _("Update from the advocate")
    ESCALATED = "escalated", _("Overdue request escalated")
    PAST_REQUESTED_DATE = "past_requested", _("Past the requested response date")
    AGENCY_DIGEST = "agency_digest", _("Daily summary of open requests")
    INFO_REMINDER = "info_reminder", _("Information still requested")
    EXPIRY_REMINDER = "expiry_reminder", _("Certification about to expire")
    TRAINING_LAPSE = "training_lapse", _("Training about to lapse")
    RELEASE_EXPIRY = "release_expiry", _("Victim's release about to expire")


class Notification(models.Model):
    """One notice to one person: an outbox row for the e-mail and the in-app bell entry.

    `key` is (kind, recipient, request or agency, window) in one string with a unique
    constraint, so a sweep that runs twice, two beats or a retried task create it at most once.
    `subject` and `context` hold the reference number, dates and counts only, never victim data.
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(blank=True)
    request = models.ForeignKey(
        CertificationRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        RequestEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    window = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=200)
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The sweep run that inserted the row, so a sweep reports what it created, not what it
    # tried (a concurrent run's rows, skipped on the unique key, carry the other run's token).
    created_token = models.CharField(max_length=32, blank=True)
    # E-mail delivery (the outbox): claimed by one sender at a time, retried with backoff.
    # Every time here is the database's clock (Now()), so senders on several hosts agree.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The mail server's reply to the last failed attempt (RFC 5321 reply code and text, with
    # any address in it blanked), or the error's class when no server answered.
    last_error = models.CharField(max_length=300, blank=True)
    last_smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When retrying stops: NOTIFICATIONS_RETRY_FOR_SECONDS after the first failure (set then).
    give_up_at = models.DateTimeField(null=True, blank=True)
    # Given up after NOTIFICATIONS_RETRY_FOR_SECONDS of failures: no longer retried by itself,
    # counted by /healthz ("degraded") and listed for the administrators, who may retry it.
    dead_at = models.DateTimeField(null=True, blank=True)
    # In-app bell.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The outbox sweep: unsent e-mails, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True) & ~Q(email=""),
                name="notif_unsent",
            ),
            # The bell: a user's unread notifications.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notif_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notif_user_time"),
            # /healthz and the administrators' page: the notices given up on.
            models.Index(fields=["dead_at"], condition=Q(dead_at__isnull=False), name="notif_dead"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def recipient_role(self) -> str:
        """Who the notice is for, by role only (the administrators' outbox page)."""
        if self.user_id is None:
            return str(_("agency contact"))
        return self.user.get_role_display().lower()
