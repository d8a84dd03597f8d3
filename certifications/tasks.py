"""Background work: the notification outbox, the daily reminder sweeps, the pre-rendering of
the draft documents, the retention purge, the statistics snapshot.

Every task takes ids (or nothing), is harmless when run twice (rows are claimed with a
conditional UPDATE; notices have a unique key), carries its own time limits, and is enqueued
with `uvisa_portal.celery.enqueue_on_commit`. REMINDERS_PAUSED stops the sweeps that create
reminders.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown
from django.conf import settings

from .models import DocumentKind
from .services import notifications as svc
from .services import reminders
from .services.documents import document_store
from .services.retention import (
    certification_requests_purge_due,
    decision_records_remove_expired,
)
from .services.statistics import statistics_snapshot_compute
from .statistics import default_period

logger = logging.getLogger(__name__)

SEND_LIMITS = {"soft_time_limit": 60, "time_limit": 90}
SWEEP_LIMITS = {"soft_time_limit": 240, "time_limit": 300}
OUTBOX_SWEEP_LIMITS = {
    "soft_time_limit": settings.NOTIFICATIONS_SWEEP_SOFT_TIME_LIMIT,
    "time_limit": settings.NOTIFICATIONS_SWEEP_SOFT_TIME_LIMIT + 60,
}


@worker_shutdown.connect
@worker_process_shutdown.connect
def _release_claims_on_shutdown(**_kwargs) -> None:
    """A stopping worker (or pool process) frees the e-mails it claimed but did not send, so
    another worker sends them at once instead of after the lease. A worker killed outright
    (SIGKILL) runs nothing: its claim is taken again once its lease runs out."""
    try:
        released = svc.notifications_release_active()
    except Exception as exc:  # noqa: BLE001 - shutting down; the lease covers what is left
        logger.warning("outbox: claims not released at shutdown: %s", type(exc).__name__)
        return
    if released:
        logger.info("outbox: released %s claimed e-mails at shutdown", released)


@shared_task(
    bind=True,
    name="certifications.tasks.notifications_send_for_event",
    max_retries=6,
    **SEND_LIMITS,
)
def notifications_send_for_event(self, event_id: int) -> dict:
    """Send the e-mails one event caused; SMTP failures are retried with exponential backoff."""
    result = svc.notifications_deliver(event_id=event_id)
    if result.failed:
        # The failed rows carry their own backoff time; retry just after it.
        countdown = int(svc.backoff(self.request.retries + 1).total_seconds()) + 5
        raise self.retry(countdown=countdown)
    return {"sent": result.sent}


@shared_task(name="certifications.tasks.notifications_send_pending", **OUTBOX_SWEEP_LIMITS)
def notifications_send_pending() -> dict:
    """The outbox sweep (every NOTIFICATIONS_SWEEP_SECONDS): sends whatever is still unsent.

    At the soft time limit the claim in hand is released (notifications_deliver's `finally`)
    and what was sent is already recorded; the next sweep goes on."""
    result = svc.notifications_send_pending()
    return {"sent": result.sent, "failed": result.failed, "dead": result.dead}


@shared_task(name="certifications.tasks.requests_escalate_overdue", **SWEEP_LIMITS)
def requests_escalate_overdue() -> dict:
    return {"escalated": reminders.requests_escalate_overdue()}


@shared_task(name="certifications.tasks.agency_digests_create", **SWEEP_LIMITS)
def agency_digests_create() -> dict:
    return {"created": reminders.agency_digests_create()}


@shared_task(name="certifications.tasks.info_reminders_create", **SWEEP_LIMITS)
def info_reminders_create() -> dict:
    return {"created": reminders.info_reminders_create()}


@shared_task(name="certifications.tasks.expiry_reminders_create", **SWEEP_LIMITS)
def expiry_reminders_create() -> dict:
    return {"created": reminders.expiry_reminders_create()}


@shared_task(name="certifications.tasks.release_expiry_reminders_create", **SWEEP_LIMITS)
def release_expiry_reminders_create() -> dict:
    return {"created": reminders.release_expiry_reminders_create()}


@shared_task(name="certifications.tasks.training_lapse_reminders_create", **SWEEP_LIMITS)
def training_lapse_reminders_create() -> dict:
    return {"created": reminders.training_lapse_reminders_create()}


@shared_task(name="certifications.tasks.purge_closed_requests", soft_time_limit=600, time_limit=660)
def purge_closed_requests() -> int:
    """Nightly retention purge (beat). Each request is claimed with a conditional UPDATE, so
    overlapping runs purge nothing twice; then the decision records past
    CERTIFICATION_RECORD_RETENTION_YEARS are removed (idempotent too)."""
    purged = certification_requests_purge_due()
    decision_records_remove_expired()
    return purged


@shared_task(
    name="certifications.tasks.statistics_snapshot_refresh", soft_time_limit=240, time_limit=300
)
def statistics_snapshot_refresh() -> int:
    """Beat (every STATS_SNAPSHOT_REFRESH_SECONDS): a new snapshot of the default period (the
    last twelve months), so its viewers never wait for the computation. Running it twice
    writes a newer snapshot and prunes the older one; the pages read whichever is newest."""
    start, end = default_period()
    return statistics_snapshot_compute(start=start, end=end).pk


@shared_task(
    name="certifications.documents.prerender",
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
    # The worker tests wait for its hashes; the portal sends it fire and forget (task_send).
    ignore_result=False,
)
def documents_prerender(request_id: int) -> list[str]:
    """Pre-render a request's draft documents after a submit or an edit.

    Takes an id; harmless to run twice (a current stored file is left alone, and a unique
    constraint keeps one row per version). Returns the hashes it ensured, for tests and logs."""
    hashes = []
    for kind in DocumentKind:
        document = document_store(request_id=request_id, kind=kind)
        if document is None:
            logger.info("documents: request id=%s is gone; nothing to render", request_id)
            return []
        hashes.append(document.content_hash)
    return hashes
