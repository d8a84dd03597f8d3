"""Background work of requests."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="certifications.tasks.purge_closed_requests", soft_time_limit=600, time_limit=660)
def purge_closed_requests() -> int:
    """Nightly retention purge (beat). Each request is claimed with a conditional UPDATE, so
    overlapping runs purge nothing twice."""
    from certifications.services.retention import certification_requests_purge_due

    return certification_requests_purge_due()
