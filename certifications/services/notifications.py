"""The outbox and the bell: every notice sent once and none lost, whatever fails.

The rows are created by `notices` (for an event) and `reminders` (the daily sweeps); the
e-mail is sent by a task enqueued on commit and, whatever happened to that task, by the
periodic outbox sweep. Senders claim a few rows at a time with a conditional UPDATE, so two
workers never send the same row, and mark each one sent as soon as the mail server accepts
it: only a worker killed between that acceptance and the mark sends one message twice.
Failures are retried at a capped interval for a limited period, then the notice is "dead":
counted by /healthz and listed for the administrators, who may retry it.

Privacy (8 U.S.C. 1367): subjects, contexts, e-mails and log lines carry reference numbers,
agency names, dates and counts only; never the victim's name or any other victim data.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
import smtplib
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce, Now
from django.db.models.lookups import LessThanOrEqual
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from accounts.models import User
from uvisa_portal.celery import enqueue_on_commit

from ..choices import Status
from ..models import Notification
from ..text import snapshot_clean
from .subjects import DATE_VALUES, notice_subject

logger = logging.getLogger(__name__)


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


def recipient_language(notification: Notification) -> str:
    """The language a notice is read in: its user's choice, else the portal's default (a
    contact without an account has none)."""
    language = notification.user.language if notification.user_id else ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _shown_context(context: dict[str, Any]) -> dict[str, Any]:
    """The context as the active language shows it: the subject rendered again from its key,
    the status's label for its code and the ISO dates as dates, for the templates' named
    formats (a date that does not read as one is left as stored)."""
    shown = dict(context)
    shown["subject"] = notice_subject(context)
    if shown.get("status_code") in Status.values:
        shown["status"] = Status(shown["status_code"]).label
    for name in DATE_VALUES | {"date"}:
        shown[name] = _as_date(shown.get(name))
    if isinstance(shown.get("sections"), dict):
        shown["sections"] = {
            name: [{**item, "due_date": _as_date(item.get("due_date"))} for item in items]
            for name, items in shown["sections"].items()
        }
    return shown


def _as_date(value: Any) -> Any:
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def email_render(*, kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, plain text and HTML for one notice: `emails/<kind>_*` or the generic triplet,
    in the active language (`_message` activates the recipient's).

    The subject and the text part are rendered by the "text" template engine (no HTML
    escaping: they are not HTML); the HTML part by the default engine, escaped as any page.
    Bidirectional controls are removed from the context first (`text_clean`): a plain-text
    e-mail has no markup to isolate an agency name typed in the admin with an unclosed U+202E,
    which would otherwise reverse the rest of its line (UAX #9; CVE-2021-42574).
    """
    context = _shown_context(snapshot_clean(context))

    def render(suffix: str, using: str | None) -> str:
        names = [f"emails/{kind}_{suffix}", f"emails/notification_{suffix}"]
        return select_template(names, using=using).render(context)

    subject = " ".join(render("subject.txt", "text").split())
    text = render("body.txt", "text")
    html = render("body.html", None)
    return subject, text, html


def _pending():
    """Rows a sender may claim: unsent, alive, unclaimed or abandoned, not backing off.

    Times are compared on the database's clock (Now()), never a worker's own, so a worker
    whose clock runs fast cannot take a claim that is still held, nor a slow one sit on one.
    """
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    return (
        Notification.objects.filter(sent_at__isnull=True, dead_at__isnull=True)
        .exclude(email="")
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=Now() - lease))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=Now()))
    )


def backoff(attempts: int) -> datetime.timedelta:
    """NOTIFICATIONS_RETRY_BASE_SECONDS doubled on each attempt, capped at
    NOTIFICATIONS_RETRY_MAX_SECONDS (by default 1, 2, 4 ... minutes, then hourly)."""
    seconds = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 20)
    return datetime.timedelta(seconds=min(seconds, settings.NOTIFICATIONS_RETRY_MAX_SECONDS))


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0


# An address in a server's reply ("550 5.1.1 <x@example.org>: unknown user") is blanked
# before the reply is stored: the administrators' page shows recipients by role only.
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")
# Failures of one message; anything else means the connection itself is gone.
_PER_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# Claims this process holds right now, released if the worker stops (tasks.py's signals).
_ACTIVE_CLAIMS: set[str] = set()


def smtp_failure(exc: BaseException) -> tuple[int | None, str]:
    """The server's reply code and text (RFC 5321 4.2), or the error's class if none came."""
    code: int | None = None
    text: str | bytes = ""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    if code is None:
        reason = getattr(exc, "strerror", None) or ""
        return None, f"{type(exc).__name__} {reason}".strip()[:300]
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return code, _ADDRESS.sub("<address>", f"{code} {' '.join(text.split())}")[:300]


def notifications_release(*, token: str) -> int:
    """Free the rows of a claim that were not sent, for the next sender at once."""
    return Notification.objects.filter(claim_token=token, sent_at__isnull=True).update(
        claim_token="", claimed_at=None
    )


def notifications_release_active() -> int:
    """Release every claim this process holds (a worker stopping, warm or cold)."""
    released = 0
    for token in list(_ACTIVE_CLAIMS):
        released += notifications_release(token=token)
        _ACTIVE_CLAIMS.discard(token)
    return released


def _message(notification: Notification, connection) -> EmailMultiAlternatives:
    context = {
        **notification.context,
        "link": settings.SITE_URL + notification_link_path(notification),
        "site_url": settings.SITE_URL,
    }
    # The recipient's language for everything in the e-mail, dates included.
    with translation.override(recipient_language(notification)):
        subject, text, html = email_render(kind=notification.kind, context=context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        reply_to=settings.EMAIL_REPLY_TO or None,
        connection=connection,
        # The notice's id (a number, nothing about anyone) ties a bounce to its outbox row.
        headers={"X-Portal-Notice": str(notification.pk)},
    )
    message.attach_alternative(html, "text/html")
    return message


def _record_sent(notification: Notification, token: str) -> int:
    """Mark one row sent the moment the server accepted it."""
    return Notification.objects.filter(pk=notification.pk, claim_token=token).update(
        sent_at=Now(),
        claim_token="",
        claimed_at=None,
        last_error="",
        last_smtp_code=None,
        attempts=F("attempts") + 1,
    )


def _renew(token: str) -> None:
    """The claim is still being worked on: its lease starts again (database clock)."""
    Notification.objects.filter(claim_token=token).update(claimed_at=Now())


def _record_failure(notification: Notification, token: str, exc: BaseException) -> bool:
    """Record the server's answer and when to try again; True if the notice is now dead."""
    attempts = notification.attempts + 1
    code, error = smtp_failure(exc)
    retry_for = datetime.timedelta(seconds=settings.NOTIFICATIONS_RETRY_FOR_SECONDS)
    Notification.objects.filter(pk=notification.pk, claim_token=token).update(
        claim_token="",
        claimed_at=None,
        attempts=attempts,
        last_error=error,
        last_smtp_code=code,
        next_attempt_at=Now() + backoff(attempts),
        give_up_at=Coalesce(F("give_up_at"), Now() + retry_for),
        # Dead once the retry period (from the first failure) is over, on the database clock.
        dead_at=Case(
            When(LessThanOrEqual(Coalesce(F("give_up_at"), Now() + retry_for), Now()), then=Now())
        ),
    )
    dead = Notification.objects.filter(pk=notification.pk, dead_at__isnull=False).exists()
    logger.warning(
        "e-mail failed, %s: notification=%s attempt=%s code=%s error=%s",
        "given up (dead)" if dead else "will retry",
        notification.pk,
        attempts,
        code,
        type(exc).__name__,
    )
    return dead


def notifications_deliver(
    *, event_id: int | None = None, limit: int | None = None
) -> DeliveryResult:
    """Send one small claim of unsent e-mails, each marked sent the moment it is accepted.

    1. Pick up to `limit` (NOTIFICATIONS_CLAIM_SIZE, a few dozen) due rows.
    2. Claim them with one conditional UPDATE stamping a fresh token and the database's time;
       a concurrent sender's UPDATE re-checks the condition and skips rows already claimed.
    3. Send them over one SMTP connection. Each accepted message is marked sent at once (the
       claim's lease renewed every quarter lease), so a worker killed outright re-sends at
       most the one message in flight; a refused one records the server's code and text
       and a backoff.
    4. Whatever stops the loop (an error, the soft time limit, a worker shutting down), the
       unsent rows of the claim are released at once, not left to the lease.
    """
    due = _pending()
    if event_id is not None:
        due = due.filter(event_id=event_id)
    size = limit or settings.NOTIFICATIONS_CLAIM_SIZE
    ids = list(due.order_by("created_at", "id").values_list("pk", flat=True)[:size])
    if not ids:
        return DeliveryResult()
    token = uuid.uuid4().hex
    if not _pending().filter(pk__in=ids).update(claim_token=token, claimed_at=Now()):
        return DeliveryResult()
    _ACTIVE_CLAIMS.add(token)
    try:
        return _send_claim(token)
    finally:
        notifications_release(token=token)
        _ACTIVE_CLAIMS.discard(token)


def _send_claim(token: str) -> DeliveryResult:
    claimed = list(
        Notification.objects.filter(claim_token=token)
        .select_related("user")
        .order_by("created_at", "id")
    )
    result = DeliveryResult()
    connection = get_connection()
    broken: BaseException | None = None
    # Renewed at a quarter of the lease, so a slow server never lets a live claim lapse.
    renew_every = settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS / 4
    renewed = time.monotonic()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        broken = exc
    try:
        for notification in claimed:
            if broken is None:
                try:
                    accepted = _message(notification, connection).send()
                except _PER_MESSAGE as exc:
                    result.dead += _record_failure(notification, token, exc)
                    result.failed += 1
                    continue
                except (smtplib.SMTPException, OSError) as exc:
                    # The connection is gone: the rest of the claim fails with the same cause.
                    broken = exc
                else:
                    if accepted:
                        result.sent += _record_sent(notification, token)
                        if time.monotonic() - renewed > renew_every:
                            _renew(token)
                            renewed = time.monotonic()
                        continue
                    broken = smtplib.SMTPException("message not accepted")
            result.dead += _record_failure(notification, token, broken)
            result.failed += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return result


def notifications_send_pending(*, time_budget: float | None = None) -> DeliveryResult:
    """The outbox sweep: send what the on-commit tasks did not (broker down, worker died).

    Claims one small batch after another until nothing is due, the mail server refuses a
    whole claim (the rows back off; the next sweep tries again), or the time budget (half
    the sweep's soft time limit) is spent, so a slow server never runs into the limit.
    """
    budget = time_budget or settings.NOTIFICATIONS_SWEEP_SOFT_TIME_LIMIT / 2
    deadline = time.monotonic() + budget
    total = DeliveryResult()
    while time.monotonic() < deadline:
        batch = notifications_deliver()
        total.sent += batch.sent
        total.failed += batch.failed
        total.dead += batch.dead
        if batch.sent == 0:
            break
    return total


def notifications_dead_count() -> int:
    return Notification.objects.filter(dead_at__isnull=False, sent_at__isnull=True).count()


def notification_retry_dead(*, pk: int | None = None) -> int:
    """Give one dead notice (or, without pk, every one) a new retry period, due at once."""
    qs = Notification.objects.filter(dead_at__isnull=False, sent_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    retried = qs.update(dead_at=None, give_up_at=None, next_attempt_at=None)
    if retried:
        enqueue_send_pending()
    return retried


# --- In-app bell ------------------------------------------------------------------------


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, every) unread notification of `user` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
