"""The outbox and the bell: every notice sent exactly once, even when the broker is down.

The rows are created by `notices` (for an event) and `reminders` (the daily sweeps); the
e-mail is sent by a task enqueued on commit and, whatever happened to that task, by the
periodic outbox sweep. Senders claim rows with a conditional UPDATE, so two workers never send
the same row.

Privacy (8 U.S.C. 1367): subjects, contexts, e-mails and log lines carry reference numbers,
agency names, dates and counts only; never the victim's name or any other victim data.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string, select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from uvisa_portal.celery import enqueue_on_commit

from ..models import Notification

logger = logging.getLogger(__name__)

# A claim older than this is abandoned (the worker died between claim and send) and re-taken.
CLAIM_LEASE = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 8


# --- Enqueueing: after the commit; a dead broker leaves the rows to the outbox sweep --------


def enqueue_send_for_event(*, event_id: int) -> None:
    enqueue_on_commit("certifications.tasks.notifications_send_for_event", event_id)


def enqueue_send_pending() -> None:
    enqueue_on_commit("certifications.tasks.notifications_send_pending")


# --- Delivery ----------------------------------------------------------------------------


def notification_link_path(notification: Notification) -> str:
    """Where the notice points: the request page if the portal has one, else the bell page."""
    if notification.request_id:
        try:
            return reverse("certifications:detail", args=[notification.request_id])
        except NoReverseMatch:
            pass
    return reverse("certifications:notifications")


def email_render(*, kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, plain text and HTML for one notice: `emails/<kind>_*` or the generic triplet."""

    def pick(suffix: str) -> str:
        return select_template(
            [f"emails/{kind}_{suffix}", f"emails/notification_{suffix}"]
        ).template.name

    subject = " ".join(render_to_string(pick("subject.txt"), context).split())
    text = render_to_string(pick("body.txt"), context)
    html = render_to_string(pick("body.html"), context)
    return subject, text, html


def _pending(now: datetime.datetime):
    return (
        Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .exclude(email="")
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    )


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 ... minutes, at most 6 hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0


def notifications_deliver(
    *, event_id: int | None = None, limit: int | None = None
) -> DeliveryResult:
    """Send a batch of unsent e-mails exactly once.

    1. Pick up to `limit` due rows (unsent, unclaimed or abandoned, not backing off).
    2. Claim them with one conditional UPDATE stamping a fresh token; a concurrent sender's
       UPDATE re-checks the condition and skips rows already claimed.
    3. Send the rows carrying our token over one SMTP connection.
    4. One UPDATE marks the sent ones; each failure records its error and a backoff time.
    """
    now = timezone.now()
    limit = limit or settings.NOTIFICATIONS_BATCH_SIZE
    due = _pending(now)
    if event_id is not None:
        due = due.filter(event_id=event_id)
    ids = list(due.order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    if not ids:
        return DeliveryResult()
    token = uuid.uuid4().hex
    if not _pending(now).filter(pk__in=ids).update(claim_token=token, claimed_at=now):
        return DeliveryResult()
    claimed = list(Notification.objects.filter(claim_token=token).order_by("created_at", "id"))
    result = DeliveryResult()
    sent_ids: list[int] = []
    failures: list[tuple[Notification, Exception]] = []
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        failures = [(n, exc) for n in claimed]
        claimed = []
    for notification in claimed:
        context = {
            **notification.context,
            "link": settings.SITE_URL + notification_link_path(notification),
            "site_url": settings.SITE_URL,
        }
        subject, text, html = email_render(kind=notification.kind, context=context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.email],
            reply_to=settings.EMAIL_REPLY_TO or None,
            connection=connection,
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            failures.append((notification, exc))
        else:
            sent_ids.append(notification.pk)
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()
    if sent_ids:
        result.sent = Notification.objects.filter(pk__in=sent_ids, claim_token=token).update(
            sent_at=timezone.now(), claim_token="", last_error="", attempts=F("attempts") + 1
        )
    for notification, exc in failures:
        attempts = notification.attempts + 1
        Notification.objects.filter(pk=notification.pk, claim_token=token).update(
            claim_token="",
            claimed_at=None,
            attempts=attempts,
            last_error=f"{type(exc).__name__}"[:300],
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        logger.warning(
            "e-mail failed, will retry: notification=%s attempt=%s error=%s",
            notification.pk,
            attempts,
            type(exc).__name__,
        )
        result.failed += 1
    return result


def notifications_send_pending(*, max_batches: int = 20) -> DeliveryResult:
    """The outbox sweep: send what the on-commit tasks did not (broker down, worker died)."""
    total = DeliveryResult()
    for _ in range(max_batches):
        batch = notifications_deliver()
        total.sent += batch.sent
        total.failed += batch.failed
        if batch.sent + batch.failed == 0:
            break
    return total


# --- In-app bell ------------------------------------------------------------------------


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, every) unread notification of `user` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
