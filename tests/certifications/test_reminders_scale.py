"""The sweeps cost a bounded number of queries per batch, not per request (10 vs 1,000)."""

from __future__ import annotations

import datetime
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certifications.choices import Action, Status
from certifications.models import CertificationRequest, Notification, RequestEvent
from certifications.services import notifications as svc
from certifications.services import reminders as sweeps
from tests.factories import PointOfContactFactory

BATCH = 500


def bulk_requests(personas, n: int, **fields) -> list[CertificationRequest]:
    now = timezone.now()
    start = CertificationRequest.objects.count()
    rows = [
        CertificationRequest(
            reference=f"UV-2026-9{start + i:05d}",
            organization=personas.org_a,
            created_by=personas.advocate_a,
            agency=personas.agency_x,
            submitted_at=now - datetime.timedelta(days=40),
            **fields,
        )
        for i in range(n)
    ]
    return CertificationRequest.objects.bulk_create(rows)


def overdue(personas, n):
    today = timezone.localdate()
    bulk_requests(personas, n, status=Status.SUBMITTED, due_date=today - datetime.timedelta(1))


def waiting(personas, n):
    requests = bulk_requests(personas, n, status=Status.INFO_REQUESTED)
    asked = timezone.now() - datetime.timedelta(days=7)
    RequestEvent.objects.bulk_create(
        RequestEvent(request=r, action=Action.REQUEST_INFO, created_at=asked) for r in requests
    )


def expiring(personas, n):
    from dateutil.relativedelta import relativedelta

    deadline = timezone.localdate() + datetime.timedelta(days=60)
    bulk_requests(
        personas, n, status=Status.CERTIFIED, signature_date=deadline - relativedelta(months=6)
    )


def lapsing(personas, n):
    from dateutil.relativedelta import relativedelta

    trained = timezone.localdate() + datetime.timedelta(days=20) - relativedelta(months=12)
    PointOfContactFactory.create_batch(n, agency=personas.agency_y, last_training_date=trained)


SWEEPS = {
    "escalation": (overdue, sweeps.requests_escalate_overdue),
    "digest": (overdue, sweeps.agency_digests_create),
    "info": (waiting, sweeps.info_reminders_create),
    "expiry": (expiring, sweeps.expiry_reminders_create),
    "training": (lapsing, sweeps.training_lapse_reminders_create),
}


def run_counted(sweep) -> tuple[int, int, int]:
    with CaptureQueriesContext(connection) as ctx:
        created = sweep()
    sql = [q["sql"] for q in ctx.captured_queries]
    inserts = sum(1 for s in sql if s.lstrip().upper().startswith("INSERT"))
    return len(sql), len(sql) - inserts, created


@pytest.mark.parametrize("name", list(SWEEPS))
def test_sweep_queries_are_bounded_per_batch_not_per_request(personas, settings, name):
    settings.NOTIFICATIONS_BATCH_SIZE = BATCH
    make, sweep = SWEEPS[name]
    make(personas, 10)
    total_10, other_10, created_10 = run_counted(sweep)
    # One digest per contact of the agency; one notice or more per request for the others.
    assert created_10 >= (1 if name == "digest" else 10)
    Notification.objects.all().delete()
    make(personas, 990)
    if name == "escalation":
        CertificationRequest.objects.update(escalated_at=None)
    total_1000, other_1000, created_1000 = run_counted(sweep)
    assert created_1000 >= (1 if name == "digest" else 1000)
    batches = math.ceil(1000 / BATCH) + 1
    # Selects and updates: at most the 10-request cost for every batch.
    assert other_1000 <= batches * other_10, (name, other_10, other_1000)
    # Inserts go in bulk (SQLite splits them at its parameter limit of 999: about 43 notices
    # of 23 columns or 140 events per statement), never one per row.
    assert total_1000 - other_1000 <= math.ceil(created_1000 / 15) + batches, (name, total_1000)
    print(f"{name}: 10 requests -> {total_10} queries; 1000 requests -> {total_1000} queries")


def test_the_outbox_sweep_marks_each_email_with_one_query(personas, settings):
    settings.NOTIFICATIONS_BATCH_SIZE = BATCH
    overdue(personas, 1000)
    sweeps.agency_digests_create()
    sweeps.requests_escalate_overdue()
    pending = Notification.objects.filter(sent_at__isnull=True).count()
    assert pending >= 2000
    with CaptureQueriesContext(connection) as ctx:
        result = svc.notifications_send_pending(time_budget=600)
    assert result.sent == pending
    # Each e-mail is marked sent the moment it is accepted (one UPDATE); per claim of
    # NOTIFICATIONS_CLAIM_SIZE: select ids, claim, load claimed, release, and a lease renewal
    # now and then; plus the final empty select.
    claims = math.ceil(pending / settings.NOTIFICATIONS_CLAIM_SIZE)
    assert len(ctx.captured_queries) <= pending + 5 * claims + 1
