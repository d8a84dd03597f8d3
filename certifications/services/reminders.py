"""The daily reminder sweeps: overdue escalation, the agencies' digests, and the reminders of an
unanswered information request, an expiring certification and a lapsing training.

Each sweep selects only what is due, in batches, and creates outbox rows with a unique key, so
a sweep that runs twice (two beats, a retried task) tells nobody twice. REMINDERS_PAUSED stops
them all.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import Agency, PointOfContact, StatuteCoverage

from ..choices import Action, DeadlineSource, Status
from ..models import (
    CertificationRequest,
    Notification,
    NotificationKind,
    Release,
    RequestEvent,
)
from ..validity import form_types_with_window, validity_rule
from .notices import (
    RecipientDirectory,
    contact_recipient,
    event_notification_rows,
    notification_rows,
    notifications_save,
    request_notice_context,
    requests_for_notices,
    user_recipient,
)
from .notifications import enqueue_send_pending

logger = logging.getLogger(__name__)

# Reminder days: information requests unanswered; filing deadline approaching.
INFO_REMINDER_DAYS = (7, 14)
EXPIRY_REMINDER_DAYS = (60, 30, 7)
TRAINING_LAPSE_WARNING_DAYS = 30


def _batch_size(batch_size: int | None) -> int:
    return batch_size or settings.NOTIFICATIONS_BATCH_SIZE


def _after_sweep(created: int) -> None:
    if created:
        enqueue_send_pending()


def requests_escalate_overdue(
    *, today: datetime.date | None = None, batch_size: int | None = None
) -> int:
    """Escalate open requests whose due date has passed (the day after it, at the latest),
    at agencies Minn. Stat. 611A.95 binds: the statutory escalation.

    1. In one transaction per batch, lock up to `batch_size` overdue, not yet escalated open
       requests of covered agencies (SKIP LOCKED on PostgreSQL; SQLite serialises writers),
       and stamp `escalated_at` with a conditional UPDATE.
    2. Record an "escalated" event for each and create the notices for the statewide
       coordinator's contacts and the advocate, all in bulk.
    3. Requests at agencies the statute does not bind are not escalated: they get one "past
       the requested date" reminder (`requests_past_requested_date`).
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
                .filter(escalated_at__isnull=True, agency__statute_coverage=StatuteCoverage.COVERED)
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
            requests = requests_for_notices(ids)
            events = RequestEvent.objects.bulk_create(
                [
                    RequestEvent(
                        request_id=pk,
                        actor=None,
                        action=Action.ESCALATED,
                        note=f"Overdue since {requests[pk].due_date:%Y-%m-%d}; "
                        "escalated to the statewide coordinator.",
                        created_at=now,
                    )
                    for pk in ids
                ]
            )
            directory = RecipientDirectory(list(requests.values()))
            rows: list[Notification] = []
            for event in events:
                rows += event_notification_rows(event, requests[event.request_id], directory, "")
            _after_sweep(notifications_save(rows))
            escalated += len(ids)
        if len(ids) < size:
            break
    if escalated:
        logger.info("escalated %s overdue requests", escalated)
    requests_past_requested_date(today=today, batch_size=size)
    return escalated


def requests_past_requested_date(
    *, today: datetime.date | None = None, batch_size: int | None = None
) -> int:
    """Open requests at agencies the statute does not bind whose date has passed.

    No statute sets their date, so nothing is escalated and nothing is called late under it:
    one "past the requested date" event per request reminds the agency's contacts (its
    digest lists the request too), and the statewide coordinator sees the request on the
    overview (`access`: open and past its date). Returns the number of events recorded.
    """
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    size = _batch_size(batch_size)
    reminded = RequestEvent.objects.filter(
        request_id=OuterRef("pk"), action=Action.PAST_REQUESTED_DATE
    )
    recorded = 0
    while True:
        with transaction.atomic():
            ids = list(
                CertificationRequest.objects.overdue(today)
                .exclude(agency__statute_coverage=StatuteCoverage.COVERED)
                .filter(agency__isnull=False, escalated_at__isnull=True)
                .exclude(Exists(reminded))
                .order_by("due_date", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:size]
            )
            if not ids:
                break
            requests = requests_for_notices(ids)
            now = timezone.now()
            events = RequestEvent.objects.bulk_create(
                [
                    RequestEvent(
                        request_id=pk,
                        actor=None,
                        action=Action.PAST_REQUESTED_DATE,
                        note=f"The date asked for a response, {requests[pk].due_date:%Y-%m-%d}, "
                        f"has passed. {requests[pk].deadline_basis}.",
                        created_at=now,
                    )
                    for pk in ids
                ]
            )
            directory = RecipientDirectory(list(requests.values()))
            rows: list[Notification] = []
            for event in events:
                rows += event_notification_rows(event, requests[event.request_id], directory, "")
            _after_sweep(notifications_save(rows))
            recorded += len(ids)
        if len(ids) < size:
            break
    return recorded


def agency_digests_create(*, today: datetime.date | None = None) -> int:
    """One summary a day per contact of each agency with open requests (not one per request).

    Sections: new (not yet opened), due within 7 days, due today, overdue, and past the
    requested date (an agency the statute does not bind, past a date no rule of its own set).
    References and dates only.
    """
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=7)
    by_agency: dict[int, dict[str, list[dict[str, str]]]] = defaultdict(
        lambda: {
            "new": [],
            "due_soon": [],
            "due_today": [],
            "overdue": [],
            "past_requested": [],
            "open": [],
        }
    )
    open_requests = (
        CertificationRequest.objects.open()
        .filter(agency__isnull=False)
        .order_by("due_date", "pk")
        .values_list("agency_id", "reference", "status", "due_date", "deadline_source")
    )
    for agency_id, reference, status, due, source in open_requests.iterator(chunk_size=2000):
        item = {"reference": reference, "due_date": due.isoformat() if due else ""}
        sections = by_agency[agency_id]
        sections["open"].append(item)
        if status == Status.SUBMITTED:
            sections["new"].append(item)
        if due is None:
            continue
        if due < today and source == DeadlineSource.REQUESTED:
            sections["past_requested"].append(item)
        elif due < today:
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
        subject_values = {
            "agency": names.get(agency_id, ""),
            "open": counts["open"],
            "overdue": counts["overdue"],
            "day": today.isoformat(),
        }
        rows += notification_rows(
            kind=NotificationKind.AGENCY_DIGEST,
            recipients=[contact_recipient(c) for c in contacts.get(agency_id, [])],
            window=today.isoformat(),
            subject_key="agency_digest",
            subject_values=subject_values,
            context=context,
            agency_id=agency_id,
        )
    created = notifications_save(rows)
    _after_sweep(created)
    return created


def _advocate_reminders(
    requests: list[CertificationRequest], kind: str, build
) -> list[Notification]:
    directory = RecipientDirectory(requests)
    rows: list[Notification] = []
    for cert_request in requests:
        spec = build(cert_request)
        if spec is None:
            continue
        window, (subject_key, subject_values), extra = spec
        rows += notification_rows(
            kind=kind,
            recipients=directory.advocates(cert_request),
            window=window,
            subject_key=subject_key,
            subject_values=subject_values,
            context={**request_notice_context(cert_request), **extra},
            cert_request=cert_request,
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

    def build(cert_request):
        asked_on = timezone.localdate(cert_request.info_at)
        days = (today - asked_on).days
        if days >= second:
            step = second
        elif days >= first:
            step = first
        else:
            return None
        values = {"ref": cert_request.reference, "days": step}
        if cert_request.agency_id:
            subject = ("info_reminder", {**values, "agency": cert_request.agency.name})
        else:
            subject = ("info_reminder_no_agency", values)
        return (
            f"e{cert_request.info_event}:{step}",
            subject,
            {
                "days": step,
                "asked_on": asked_on.isoformat(),
            },
        )

    created = notifications_save(
        _advocate_reminders(candidates, NotificationKind.INFO_REMINDER, build)
    )
    _after_sweep(created)
    return created


def expiry_reminders_create(*, today: datetime.date | None = None) -> int:
    """Remind the advocate 60, 30 and 7 days before the filing deadline (signature + 6 months,
    8 CFR 214.14(c)(2)(i)) unless the petition was marked as filed. Only the forms whose
    signature starts a window (`validity`): never a T declaration, which has none."""
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
            form_type__in=form_types_with_window(),
            petition_filed_on__isnull=True,
            # A certification the agency withdrew or disavowed is no longer to be filed.
            certification_withdrawal__isnull=True,
            signature_date__gte=earliest,
            signature_date__lte=latest,
        ).select_related("agency", "assigned_contact", "created_by")
    )
    steps = sorted(EXPIRY_REMINDER_DAYS)  # 7, 30, 60

    def build(cert_request):
        deadline = cert_request.filing_deadline
        if deadline is None:
            return None
        left = (deadline - today).days
        if left < 0 or left > widest:
            return None
        step = next(s for s in steps if left <= s)
        subject = (
            "expiry_reminder",
            {"ref": cert_request.reference, "filing_deadline": deadline.isoformat()},
        )
        context = {
            "days": step,
            "filing_deadline": deadline.isoformat(),
            "filing_window_months": validity_rule(cert_request.form_type).months,
        }
        return f"d{step}", subject, context

    created = notifications_save(
        _advocate_reminders(candidates, NotificationKind.EXPIRY_REMINDER, build)
    )
    _after_sweep(created)
    return created


# Days before a release's expiry the advocate is reminded to have a new one signed.
RELEASE_EXPIRY_REMINDER_DAYS = 14


def release_expiry_reminders_create(*, today: datetime.date | None = None) -> int:
    """Remind the advocate before the victim's release expires: once it has, nothing new is
    shared with the agency (VAWA 34 U.S.C. 12291(b)(2): a time-limited release). One notice
    per release (the key's window is the release); the reference and date only."""
    if settings.REMINDERS_PAUSED:
        return 0
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=RELEASE_EXPIRY_REMINDER_DAYS)
    expiring = {
        release.request_id: release
        for release in Release.objects.filter(expires_on__gte=today, expires_on__lte=horizon)
        .exclude(request__status=Status.WITHDRAWN)
        .order_by("expires_on")
    }
    # A request with a newer release lasting beyond the horizon needs no reminder.
    renewed = set(
        Release.objects.filter(request_id__in=expiring, expires_on__gt=horizon).values_list(
            "request_id", flat=True
        )
    )
    candidates = list(
        CertificationRequest.objects.filter(pk__in=set(expiring) - renewed).select_related(
            "agency", "assigned_contact", "created_by"
        )
    )

    def build(cert_request):
        release = expiring[cert_request.pk]
        ends = release.expires_on
        subject = (
            "release_expiry",
            {"ref": cert_request.reference, "release_expires_on": ends.isoformat()},
        )
        return f"r{release.pk}", subject, {"release_expires_on": ends.isoformat()}

    created = notifications_save(
        _advocate_reminders(candidates, NotificationKind.RELEASE_EXPIRY, build)
    )
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
        user_recipient(u)
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
        subject_values = {
            "contact_name": contact.name,
            "agency": contact.agency.name,
            "lapses_on": lapses_on.isoformat(),
        }
        context = {
            "contact_name": contact.name,
            "agency": contact.agency.name,
            "lapses_on": lapses_on.isoformat(),
        }
        rows += notification_rows(
            kind=NotificationKind.TRAINING_LAPSE,
            recipients=[contact_recipient(contact), *admins],
            window=f"c{contact.pk}:{contact.last_training_date.isoformat()}",
            subject_key="training_lapse",
            subject_values=subject_values,
            context=context,
            agency_id=contact.agency_id,
        )
    created = notifications_save(rows)
    _after_sweep(created)
    return created
