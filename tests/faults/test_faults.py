"""The fault suite: the outbox's promises (nothing lost, nothing twice, nothing blocked) under
a broker outage, a worker killed mid-batch, a slow mail server, one that refuses and one that
stays down past the retry period, and two beats at once.

Each scenario prints (and appends to test-artifacts/faults.txt) the notices it expected and
how many the SMTP sink received once, more than once, or never; it fails on any loss and on
more duplicates than the messages in flight when the fault struck.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from certifications.models import CertificationRequest, Notification, NotificationKind, RequestEvent
from tests.celery_broker import DEAD_REDIS, celery_broker
from tests.certifications.intake_support import complete_request
from tests.certifications.test_reminders_worker import due_work
from tests.conftest import ROOT

from .support import count, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def outbox(n: int, personas, tag: str) -> set[int]:
    """`n` unsent notices to the agency's contact (a reminder kind, no event)."""
    rows = [
        Notification(
            key=f"{NotificationKind.TRAINING_LAPSE}:{tag}:{i}",
            kind=NotificationKind.TRAINING_LAPSE,
            email="contact.x@example.org",
            agency=personas.agency_x,
            subject=f"Training lapses ({tag} {i})",
            context={"agency": personas.agency_x.name, "lapses_on": "2030-01-01"},
        )
        for i in range(n)
    ]
    Notification.objects.bulk_create(rows)
    return set(
        Notification.objects.filter(key__startswith=f"training_lapse:{tag}:").values_list(
            "pk", flat=True
        )
    )


def all_sent(ids: set[int]):
    return lambda: not Notification.objects.filter(pk__in=ids, sent_at__isnull=True).exists()


def test_broker_down_during_20_submissions(personas, processes, broker, smtp_sink, client):
    drafts = [complete_request(personas) for _ in range(21)]
    client.force_login(personas.advocate_a)
    # One submission while the broker is up: the process has loaded what a submission needs,
    # so what is timed below is the outage, not a cold start.
    warm = drafts.pop()
    assert client.post(reverse("certifications:submit", args=[warm.pk])).status_code == 302
    broker.stop()
    times = []
    for draft in drafts:
        started = time.monotonic()
        response = client.post(reverse("certifications:submit", args=[draft.pk]))
        times.append(time.monotonic() - started)
        assert response.status_code == 302
    print(
        f"faults: broker down: 20 submissions, slowest {max(times):.2f}s, "
        f"mean {sum(times) / len(times):.2f}s"
    )
    # Every submission committed and answered at once, with nobody to publish to.
    assert max(times) < 1.0
    assert CertificationRequest.objects.filter(status="submitted").count() == 21
    ids = set(Notification.objects.exclude(email="").values_list("pk", flat=True))
    assert len(ids) == 21
    # The broker is back: the outbox sweep (beat) sends them.
    broker.start()
    processes.worker()
    processes.beat()
    wait_until(all_sent(ids), 120, "the outbox sweep after the outage", processes.logs)
    time.sleep(3)  # one more sweep: nothing is sent twice
    count("broker down during 20 submissions (+1 before)", ids, smtp_sink, in_flight=0)


def test_worker_killed_mid_batch(personas, processes, smtp_sink):
    smtp_sink.handler.delay = 0.03
    ids = outbox(200, personas, "killed")
    worker = processes.worker()
    processes.beat()
    wait_until(lambda: smtp_sink.accepted() >= 80, 120, "80 messages", processes.logs)
    processes.kill(worker)
    at_kill = smtp_sink.accepted()
    claimed = Notification.objects.filter(sent_at__isnull=True).exclude(claim_token="").count()
    print(f"faults: worker killed after {at_kill} of 200 sent, {claimed} rows left claimed")
    # A worker is back at once; the dead one's claim (a few dozen at most) waits out its
    # short lease, everything else is sent straight away.
    assert claimed <= 25
    processes.worker()
    wait_until(all_sent(ids), 180, "the rest after the restart", processes.logs)
    count("worker killed (SIGKILL) mid-batch", ids, smtp_sink, in_flight=1)


def test_slow_smtp(personas, processes, smtp_sink):
    # 0.25 s a message; a claim of 25 takes about 6 s, the sweep's soft limit is 10 s and it
    # stops claiming at half of that, so no sweep runs into its limit.
    smtp_sink.handler.delay = 0.25
    ids = outbox(60, personas, "slow")
    processes.worker(NOTIFICATIONS_SWEEP_SOFT_TIME_LIMIT="10", EMAIL_TIMEOUT="5")
    processes.beat()
    wait_until(all_sent(ids), 180, "every message through a slow server", processes.logs)
    assert "SoftTimeLimitExceeded" not in processes.logs()
    count("slow SMTP (0.25 s a message)", ids, smtp_sink, in_flight=0)


def test_smtp_refusing_4xx_and_5xx_then_recovering(personas, processes, smtp_sink):
    smtp_sink.handler.refuse = ["451 4.3.0 Try again later", "554 5.7.1 Rejected by policy"]
    ids = outbox(20, personas, "refused")
    processes.worker()
    processes.beat()
    wait_until(lambda: smtp_sink.handler.refused >= 40, 120, "40 refusals", processes.logs)
    codes = set(Notification.objects.filter(pk__in=ids).values_list("last_smtp_code", flat=True))
    assert {451, 554} <= codes
    errors = set(Notification.objects.filter(pk__in=ids).values_list("last_error", flat=True))
    assert "451 4.3.0 Try again later" in errors
    smtp_sink.handler.refuse = []
    wait_until(all_sent(ids), 120, "every message once the server accepts", processes.logs)
    count("SMTP refusing (4xx and 5xx) then recovering", ids, smtp_sink, in_flight=0)


def test_smtp_down_past_the_retry_period(personas, processes, smtp_sink, client):
    smtp_sink.stop()
    ids = outbox(5, personas, "down")
    processes.worker(NOTIFICATIONS_RETRY_FOR_SECONDS="4")
    processes.beat(NOTIFICATIONS_RETRY_FOR_SECONDS="4")
    dead = Notification.objects.filter(pk__in=ids, dead_at__isnull=False)
    wait_until(lambda: dead.count() == 5, 120, "5 dead notices", processes.logs)
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["dead_notifications"] == 5
    # The server is back, but a dead notice is not retried by itself ...
    smtp_sink.start()
    Notification.objects.filter(pk__in=ids).update(next_attempt_at=Now())
    time.sleep(5)
    assert smtp_sink.accepted() == 0
    # ... an administrator sees it and retries it.
    client.force_login(personas.admin)
    page = client.get(reverse("certifications:outbox_dead")).content.decode()
    assert all(f"#{pk}" in page for pk in ids)
    assert "ConnectionRefusedError" in page
    assert client.post(reverse("certifications:outbox_retry_all")).status_code == 302
    wait_until(all_sent(ids), 60, "the retried notices", processes.logs)
    assert client.get("/healthz").json()["status"] == "ok"
    count("SMTP down past the retry period, then retried", ids, smtp_sink, in_flight=0)


def test_two_beats(personas, processes, smtp_sink):
    # The work due is set up without publishing its on-commit tasks (PDF renders would keep
    # the workers busy); the outbox sweep sends its notices like everything else.
    with celery_broker(DEAD_REDIS):
        due_work(personas)
    compressed = {"REMINDERS_EVERY_SECONDS": "3"}
    processes.worker(**compressed)
    processes.worker(**compressed)
    beats = [processes.beat(**compressed), processes.beat(**compressed)]

    def each_beat_ran_every_sweep_three_times() -> bool:
        logs = [processes.log_of(beat) for beat in beats]
        return all(log.count("Sending due task agency-digests") >= 3 for log in logs) and all(
            log.count("Sending due task requests-escalate-overdue") >= 3 for log in logs
        )

    wait_until(each_beat_ran_every_sweep_three_times, 180, "both beats", processes.logs)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"escalated", "agency_digest", "info_reminder", "expiry_reminder"} <= kinds, (
        processes.logs()
    )
    ids = set(Notification.objects.exclude(email="").values_list("pk", flat=True))
    wait_until(all_sent(ids), 120, "every reminder", processes.logs)
    time.sleep(3)
    # Each reminder exists once (unique key) and was e-mailed once.
    assert CertificationRequest.objects.filter(escalated_at__isnull=False).count() == 12
    assert RequestEvent.objects.filter(action="escalated").count() == 12
    count("two beats over a compressed schedule", ids, smtp_sink, in_flight=0)
    # And the sweep command reports what it created now: nothing.
    again = subprocess.run(
        [sys.executable, "manage.py", "notifications_sweep"],
        cwd=ROOT,
        env=processes.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "escalated=0 digests=0 info_reminders=0 expiry_reminders=0" in again.stdout
    assert timezone.now()
