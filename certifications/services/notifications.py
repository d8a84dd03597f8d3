"""The outbox and the reminders: who is told what, exactly once, even when the broker is down.

Every notice is a `Notification` row whose unique `key` is (kind, recipient, request or agency,
window). Rows are created in the same transaction as the event that causes them (through
`request_event_record`) or by a daily sweep; the e-mail is sent by a task enqueued on commit
and, whatever happened to that task, by the periodic outbox sweep. Senders claim rows with a
conditional UPDATE, so two workers never send the same row.

Privacy (8 U.S.C. 1367): subjects, contexts, e-mails and log lines carry reference numbers,
agency names, dates and counts only; never the victim's name or any other victim data.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.template.loader import render_to_string, select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import Agency, PointOfContact

from ..choices import Action, Status
from ..models import CertificationRequest, Notification, NotificationKind, RequestEvent

logger = logging.getLogger(__name__)

# A claim older than this is abandoned (the worker died between claim and send) and re-taken.
CLAIM_LEASE = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 8
# Reminder days (issue 6): information requests unanswered; filing deadline approaching.
INFO_REMINDER_DAYS = (7, 14)
EXPIRY_REMINDER_DAYS = (60, 30, 7)
TRAINING_LAPSE_WARNING_DAYS = 30

# Which events tell whom. The advocate hears about every decision, information request and
# agency message; the agency hears about new, transferred and assigned requests and about
# what the advocate does.
_TO_CONTACTS = {
    Action.SUBMIT: "New request {ref} for {agency}",
    Action.TRANSFER: "Request {ref} was transferred to {agency}",
    Action.REROUTE: "Request {ref} was re-routed to {agency} by the statewide coordinator",
    "assigned": "Request {ref} was assigned to you",
}
_TO_CONTACTS_FROM_ADVOCATE = {
    Action.PROVIDE_INFO: "The advocate answered the information request on {ref}",
    Action.WITHDRAW: "Request {ref} was withdrawn by the advocate",
    "message": "New message from the advocate on request {ref}",
}
_TO_ADVOCATES = {
    Action.CERTIFY: "Request {ref} was certified by {agency}",
    Action.DENY: "Request {ref} was denied by {agency}",
    Action.REQUEST_INFO: "{agency} asked for more information on request {ref}",
    "message": "New message from {agency} on request {ref}",
}


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None


def _contact_recipient(contact: PointOfContact) -> Recipient:
    return Recipient(email=contact.email, user_id=contact.user_id)


def _user_recipient(user: User) -> Recipient:
    return Recipient(email=user.email, user_id=user.pk)


def _key(kind: str, recipient: Recipient, scope: str, window: str) -> str:
    who = f"u{recipient.user_id}" if recipient.user_id else recipient.email.lower()
    return f"{kind}:{scope}:{window}:{who}"


def _rows(
    *,
    kind: str,
    recipients: Iterable[Recipient],
    window: str,
    subject: str,
    context: dict[str, Any],
    request: CertificationRequest | None = None,
    agency_id: int | None = None,
    event: RequestEvent | None = None,
) -> list[Notification]:
    scope = f"r{request.pk}" if request is not None else f"a{agency_id}"
    rows: dict[str, Notification] = {}
    for recipient in recipients:
        if not recipient.email and not recipient.user_id:
            continue
        key = _key(kind, recipient, scope, window)
        rows[key] = Notification(
            key=key,
            kind=kind,
            user_id=recipient.user_id,
            email=recipient.email,
            request=request,
            agency_id=agency_id if agency_id is not None else getattr(request, "agency_id", None),
            event=event,
            window=window,
            subject=subject[:200],
            context={**context, "subject": subject[:200]},
        )
    return list(rows.values())


def _save(rows: list[Notification]) -> int:
    """Insert what is new; an existing key (a second run, a second beat) is skipped silently."""
    if not rows:
        return 0
    before = Notification.objects.filter(key__in=[r.key for r in rows]).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows) - before


# --- Recipients, loaded in a bounded number of queries for a whole batch -------------------


class _Directory:
    """Recipients for a batch of requests: a fixed number of queries whatever the batch size."""

    def __init__(self, requests: list[CertificationRequest]) -> None:
        self._contacts: dict[int, list[PointOfContact]] = defaultdict(list)
        self._advocates: dict[int, list[User]] = defaultdict(list)
        self._coordinator: list[PointOfContact] | None = None
        agency_ids = {
            r.agency_id
            for r in requests
            if r.agency_id and not (r.assigned_contact_id and r.assigned_contact.is_active)
        }
        if agency_ids:
            for contact in PointOfContact.objects.active().filter(agency_id__in=agency_ids):
                self._contacts[contact.agency_id].append(contact)
        org_ids = {r.organization_id for r in requests if not r.created_by.is_active}
        if org_ids:
            for user in User.objects.filter(
                organization_id__in=org_ids, role=Role.ADVOCATE, is_active=True
            ):
                self._advocates[user.organization_id].append(user)

    def contacts(self, request: CertificationRequest) -> list[Recipient]:
        """The assigned contact, else every active contact of the request's agency."""
        if request.assigned_contact_id and request.assigned_contact.is_active:
            return [_contact_recipient(request.assigned_contact)]
        return [_contact_recipient(c) for c in self._contacts.get(request.agency_id, [])]

    def advocates(self, request: CertificationRequest) -> list[Recipient]:
        """The advocate who filed the request; if that account is gone, the organization's
        active advocates, so a request never goes silent when a staff member leaves."""
        if request.created_by.is_active:
            return [_user_recipient(request.created_by)]
        return [_user_recipient(u) for u in self._advocates.get(request.organization_id, [])]

    def coordinator(self) -> list[Recipient]:
        if self._coordinator is None:
            self._coordinator = list(
                PointOfContact.objects.active().filter(agency__is_statewide_coordinator=True)
            )
        return [_contact_recipient(c) for c in self._coordinator]


def _requests_for_notices(ids: Iterable[int]) -> dict[int, CertificationRequest]:
    qs = CertificationRequest.objects.filter(pk__in=list(ids)).select_related(
        "agency", "assigned_contact", "created_by"
    )
    return {r.pk: r for r in qs}


def _request_context(request: CertificationRequest) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "agency": request.agency.name if request.agency_id else "",
        "status": request.get_status_display(),
        # A response date means nothing once the agency has decided.
        "due_date": request.due_date.isoformat() if request.due_date and request.is_open else "",
    }


def _event_rows(
    event: RequestEvent, request: CertificationRequest, directory: _Directory, actor_role: str
) -> list[Notification]:
    fmt = {"ref": request.reference, "agency": request.agency.name if request.agency_id else ""}
    context = {**_request_context(request), "action": event.action}
    window = f"e{event.pk}"
    action = event.action
    rows: list[Notification] = []
    from_advocate = actor_role == Role.ADVOCATE
    if action in _TO_CONTACTS:
        rows += _rows(
            kind=NotificationKind.REQUEST_RECEIVED,
            recipients=directory.contacts(request),
            window=window,
            subject=_TO_CONTACTS[action].format(**fmt),
            context=context,
            request=request,
            event=event,
        )
    if action in _TO_CONTACTS_FROM_ADVOCATE and (from_advocate or action != "message"):
        rows += _rows(
            kind=NotificationKind.ADVOCATE_UPDATE,
            recipients=directory.contacts(request),
            window=window,
            subject=_TO_CONTACTS_FROM_ADVOCATE[action].format(**fmt),
            context=context,
            request=request,
            event=event,
        )
    if action in _TO_ADVOCATES and not from_advocate:
        rows += _rows(
            kind=NotificationKind.REQUEST_UPDATE,
            recipients=directory.advocates(request),
            window=window,
            subject=_TO_ADVOCATES[action].format(**fmt),
            context=context,
            request=request,
            event=event,
        )
    if action == "escalated":
        # The day after the due date passed without a decision (Minn. Stat. 611A.95 subd. 2):
        # the statewide coordinator and the advocate are told.
        subject = f"Request {request.reference} is overdue and was escalated"
        context["overdue_since"] = context["due_date"]
        for recipients in (directory.coordinator(), directory.advocates(request)):
            rows += _rows(
                kind=NotificationKind.ESCALATED,
                recipients=recipients,
                window=window,
                subject=subject,
                context=context,
                request=request,
                event=event,
            )
    return rows


def notifications_for_event(*, event: RequestEvent) -> int:
    """Create the notices an event causes, in the caller's transaction; send them on commit.

    Called by `request_event_record` for every event. If the broker cannot be reached when the
    transaction commits, the rows stay unsent and the outbox sweep sends them later.
    """
    if event.action not in _NOTIFYING_ACTIONS:
        return 0
    requests = _requests_for_notices([event.request_id])
    request = requests.get(event.request_id)
    if request is None:
        return 0
    actor_role = event.actor.role if event.actor_id and event.actor else ""
    rows = _event_rows(event, request, _Directory([request]), actor_role)
    created = _save(rows)
    if created:
        transaction.on_commit(lambda: enqueue_send_for_event(event_id=event.pk))
    return created


_NOTIFYING_ACTIONS = (
    set(_TO_CONTACTS) | set(_TO_CONTACTS_FROM_ADVOCATE) | set(_TO_ADVOCATES) | {"escalated"}
)


# --- Enqueueing: never let a dead broker break the request that caused the notice ----------


def _enqueue(task_name: str, *args: Any) -> bool:
    from uvisa_portal.celery import app

    try:
        app.send_task(task_name, args=list(args))
    except Exception as exc:  # noqa: BLE001 - any broker failure; the sweep sends later
        logger.warning(
            "broker unreachable, left in the outbox for the sweep: task=%s args=%s error=%s",
            task_name,
            args,
            type(exc).__name__,
        )
        return False
    return True


def enqueue_send_for_event(*, event_id: int) -> bool:
    return _enqueue("certifications.tasks.notifications_send_for_event", event_id)


def enqueue_send_pending() -> bool:
    return _enqueue("certifications.tasks.notifications_send_pending")


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


# --- Reminder sweeps: each selects only what is due, in batches ---------------------------


def _batch_size(batch_size: int | None) -> int:
    return batch_size or settings.NOTIFICATIONS_BATCH_SIZE


def _after_sweep(created: int) -> None:
    if created:
        transaction.on_commit(enqueue_send_pending)


def requests_escalate_overdue(
    *, today: datetime.date | None = None, batch_size: int | None = None
) -> int:
    """Escalate open requests whose due date has passed (the day after it, at the latest).

    1. In one transaction per batch, lock up to `batch_size` overdue, not yet escalated open
       requests (SKIP LOCKED on PostgreSQL; SQLite serialises writers), and stamp
       `escalated_at` with a conditional UPDATE.
    2. Record an "escalated" event for each and create the notices for the statewide
       coordinator's contacts and the advocate, all in bulk.
    Returns the number of requests escalated.
    """
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    size = _batch_size(batch_size)
    escalated = 0
    while True:
        with transaction.atomic():
            ids = list(
                CertificationRequest.objects.overdue(today)
                .filter(escalated_at__isnull=True)
                .order_by("due_date", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:size]
            )
            if not ids:
                break
            now = timezone.now()
            CertificationRequest.objects.filter(pk__in=ids, escalated_at__isnull=True).update(
                escalated_at=now
            )
            requests = _requests_for_notices(ids)
            events = RequestEvent.objects.bulk_create(
                [
                    RequestEvent(
                        request_id=pk,
                        actor=None,
                        action="escalated",
                        note=f"Overdue since {requests[pk].due_date:%Y-%m-%d}; "
                        "escalated to the statewide coordinator.",
                        created_at=now,
                    )
                    for pk in ids
                ]
            )
            directory = _Directory(list(requests.values()))
            rows: list[Notification] = []
            for event in events:
                rows += _event_rows(event, requests[event.request_id], directory, "")
            _after_sweep(_save(rows))
            escalated += len(ids)
        if len(ids) < size:
            break
    if escalated:
        logger.info("escalated %s overdue requests", escalated)
    return escalated


def agency_digests_create(*, today: datetime.date | None = None) -> int:
    """One summary a day per contact of each agency with open requests (not one per request).

    Sections: new (not yet opened), due within 7 days, due today, overdue. References and
    dates only.
    """
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=7)
    by_agency: dict[int, dict[str, list[dict[str, str]]]] = defaultdict(
        lambda: {"new": [], "due_soon": [], "due_today": [], "overdue": [], "open": []}
    )
    open_requests = (
        CertificationRequest.objects.open()
        .filter(agency__isnull=False)
        .order_by("due_date", "pk")
        .values_list("agency_id", "reference", "status", "due_date")
    )
    for agency_id, reference, status, due in open_requests.iterator(chunk_size=2000):
        item = {"reference": reference, "due_date": due.isoformat() if due else ""}
        sections = by_agency[agency_id]
        sections["open"].append(item)
        if status == Status.SUBMITTED:
            sections["new"].append(item)
        if due is None:
            continue
        if due < today:
            sections["overdue"].append(item)
        elif due == today:
            sections["due_today"].append(item)
        elif due <= soon:
            sections["due_soon"].append(item)
    if not by_agency:
        return 0
    names = dict(Agency.objects.filter(pk__in=by_agency).values_list("pk", "name"))
    contacts: dict[int, list[PointOfContact]] = defaultdict(list)
    for contact in PointOfContact.objects.active().filter(agency_id__in=by_agency):
        contacts[contact.agency_id].append(contact)
    rows: list[Notification] = []
    cap = 50  # an e-mail lists at most this many references per section; the portal has all
    for agency_id, sections in by_agency.items():
        counts = {name: len(items) for name, items in sections.items()}
        context = {
            "agency": names.get(agency_id, ""),
            "date": today.isoformat(),
            "counts": counts,
            "sections": {name: items[:cap] for name, items in sections.items() if name != "open"},
        }
        subject = (
            f"{names.get(agency_id, '')}: {counts['open']} open certification requests, "
            f"{counts['overdue']} overdue ({today:%b} {today.day})"
        )
        rows += _rows(
            kind=NotificationKind.AGENCY_DIGEST,
            recipients=[_contact_recipient(c) for c in contacts.get(agency_id, [])],
            window=today.isoformat(),
            subject=subject,
            context=context,
            agency_id=agency_id,
        )
    created = _save(rows)
    _after_sweep(created)
    return created


def _advocate_reminders(
    requests: list[CertificationRequest], kind: str, build
) -> list[Notification]:
    directory = _Directory(requests)
    rows: list[Notification] = []
    for request in requests:
        spec = build(request)
        if spec is None:
            continue
        window, subject, extra = spec
        rows += _rows(
            kind=kind,
            recipients=directory.advocates(request),
            window=window,
            subject=subject,
            context={**_request_context(request), **extra},
            request=request,
        )
    return rows


def info_reminders_create(*, today: datetime.date | None = None) -> int:
    """Remind the advocate 7 and 14 days after an information request that is unanswered.

    A day missed by the beat is caught up the next day; the 14-day reminder replaces a
    7-day one never sent. Each (information request, day) is sent once.
    """
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    first, second = INFO_REMINDER_DAYS
    latest = RequestEvent.objects.filter(
        request=OuterRef("pk"), action=Action.REQUEST_INFO
    ).order_by("-created_at", "-id")
    cutoff = timezone.now() - datetime.timedelta(days=first - 1)
    candidates = list(
        CertificationRequest.objects.filter(status=Status.INFO_REQUESTED)
        .annotate(
            info_at=Subquery(latest.values("created_at")[:1]),
            info_event=Subquery(latest.values("pk")[:1]),
        )
        .filter(info_at__lte=cutoff)
        .select_related("agency", "assigned_contact", "created_by")
    )

    def build(request):
        asked_on = timezone.localdate(request.info_at)
        days = (today - asked_on).days
        if days >= second:
            step = second
        elif days >= first:
            step = first
        else:
            return None
        subject = (
            f"Reminder: {request.agency.name if request.agency_id else 'the agency'} is "
            f"waiting for your answer on request {request.reference} ({step} days)"
        )
        return (
            f"e{request.info_event}:{step}",
            subject,
            {
                "days": step,
                "asked_on": asked_on.isoformat(),
            },
        )

    created = _save(_advocate_reminders(candidates, NotificationKind.INFO_REMINDER, build))
    _after_sweep(created)
    return created


def expiry_reminders_create(*, today: datetime.date | None = None) -> int:
    """Remind the advocate 60, 30 and 7 days before the filing deadline (signature + 6 months,
    8 CFR 214.14(c)(2)(i)) unless the petition was marked as filed."""
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    months = relativedelta(months=settings.CERTIFICATION_VALID_MONTHS)
    widest = max(EXPIRY_REMINDER_DAYS)
    # Indexed range on signature_date, a few days wider than needed for month-end rounding.
    earliest = today - months - datetime.timedelta(days=3)
    latest = today + datetime.timedelta(days=widest) - months + datetime.timedelta(days=3)
    candidates = list(
        CertificationRequest.objects.filter(
            status=Status.CERTIFIED,
            petition_filed_on__isnull=True,
            signature_date__gte=earliest,
            signature_date__lte=latest,
        ).select_related("agency", "assigned_contact", "created_by")
    )
    steps = sorted(EXPIRY_REMINDER_DAYS)  # 7, 30, 60

    def build(request):
        deadline = request.filing_deadline
        left = (deadline - today).days
        if left < 0 or left > widest:
            return None
        step = next(s for s in steps if left <= s)
        subject = (
            f"Certification {request.reference} expires on {deadline:%B} {deadline.day}, "
            f"{deadline:%Y}: file the petition or mark it as filed"
        )
        return f"d{step}", subject, {"days": step, "filing_deadline": deadline.isoformat()}

    created = _save(_advocate_reminders(candidates, NotificationKind.EXPIRY_REMINDER, build))
    _after_sweep(created)
    return created


def training_lapse_reminders_create(*, today: datetime.date | None = None) -> int:
    """Tell a contact whose training lapses within 30 days, and the administrators, once per
    training date (a new training starts a new cycle)."""
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    months = relativedelta(months=settings.TRAINING_VALID_MONTHS)
    earliest = today - months - datetime.timedelta(days=3)
    latest = today + datetime.timedelta(days=TRAINING_LAPSE_WARNING_DAYS) - months
    contacts = list(
        PointOfContact.objects.active()
        .filter(
            agency__is_active=True,
            last_training_date__gte=earliest,
            last_training_date__lte=latest + datetime.timedelta(days=3),
        )
        .select_related("agency")
    )
    if not contacts:
        return 0
    admins = [
        _user_recipient(u)
        for u in User.objects.filter(is_active=True).filter(
            Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True)
        )
    ]
    rows: list[Notification] = []
    for contact in contacts:
        lapses_on = contact.last_training_date + months
        left = (lapses_on - today).days
        if left < 0 or left > TRAINING_LAPSE_WARNING_DAYS:
            continue
        subject = (
            f"Certification training for {contact.name} ({contact.agency.name}) lapses on "
            f"{lapses_on:%B} {lapses_on.day}, {lapses_on:%Y}"
        )
        context = {
            "contact_name": contact.name,
            "agency": contact.agency.name,
            "lapses_on": lapses_on.isoformat(),
        }
        rows += _rows(
            kind=NotificationKind.TRAINING_LAPSE,
            recipients=[_contact_recipient(contact), *admins],
            window=f"c{contact.pk}:{contact.last_training_date.isoformat()}",
            subject=subject,
            context=context,
            agency_id=contact.agency_id,
        )
    created = _save(rows)
    _after_sweep(created)
    return created


# --- In-app bell and the advocate's "petition filed" action --------------------------------


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (or, without pk, every) unread notification of `user` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


class PetitionFiledError(Exception):
    """The petition cannot be marked as filed (plain words for the user, no victim data)."""


def certification_request_mark_petition_filed(
    *, request: CertificationRequest, actor: User, filed_on: datetime.date
) -> CertificationRequest:
    """Record that the petition was filed, which stops the expiry reminders.

    Conditional UPDATE on a certified request without a filing date, so a double click
    records one event.
    """
    from .core import request_event_record

    if request.status != Status.CERTIFIED:
        raise PetitionFiledError("Only a certified request can be marked as filed.")
    if filed_on > timezone.localdate():
        raise PetitionFiledError("The filing date cannot be in the future.")
    if request.signature_date and filed_on < request.signature_date:
        raise PetitionFiledError("The filing date cannot be before the signature date.")
    with transaction.atomic():
        changed = CertificationRequest.objects.filter(
            pk=request.pk, status=Status.CERTIFIED, petition_filed_on__isnull=True
        ).update(petition_filed_on=filed_on, updated_at=timezone.now())
        if not changed:
            raise PetitionFiledError("The petition was already marked as filed.")
        request.refresh_from_db()
        request_event_record(
            request=request,
            actor=actor,
            action="petition_filed",
            note=f"Petition filed on {filed_on:%Y-%m-%d}.",
        )
    return request
