"""Real processes: two sweeps at once, a real worker and beat, and a dead broker at submission."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from certifications.choices import Action, Status
from certifications.models import CertificationRequest, Notification, RequestEvent
from certifications.services import certification_request_transition
from tests.conftest import ROOT, _database_url_for_worker
from tests.factories import make_request, make_submitted_request

DEAD_BROKER = "redis://127.0.0.1:1/0"


def process_env(mail_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url_for_worker(),
        CONN_MAX_AGE="0",
        PYTHONUNBUFFERED="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        **extra,
    )
    return env


def delivered(mail_dir: Path) -> list[str]:
    """Every message the file backend wrote (one file per connection, messages separated)."""
    if not mail_dir.exists():
        return []
    messages = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if "Message-ID:" in chunk:
                messages.append(chunk)
    return messages


def wait_until(condition, timeout: float, logs) -> None:
    """Poll until `condition()` holds (the worker runs in another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail("timed out waiting for the worker:\n" + logs())


def due_work(personas, n: int = 12) -> None:
    """Some of everything the sweeps act on, dated relative to the real clock."""
    today = timezone.localdate()
    for i in range(n):
        make_submitted_request(
            organization=personas.org_a,
            created_by=personas.advocate_a,
            agency=personas.agency_x,
            due_date=today - datetime.timedelta(days=1 + i % 3),
        )
    asked = make_submitted_request(
        organization=personas.org_b, created_by=personas.advocate_b, agency=personas.agency_y
    )
    certification_request_transition(
        cert_request=asked, action=Action.REQUEST_INFO, actor=personas.contact_y
    )
    RequestEvent.objects.filter(action=Action.REQUEST_INFO).update(
        created_at=timezone.now() - datetime.timedelta(days=7)
    )
    signed = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    certification_request_transition(
        cert_request=signed,
        action=Action.CERTIFY,
        actor=personas.contact_x,
        updates={"signature_date": today + datetime.timedelta(days=30) - relativedelta(months=6)},
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_then_again_send_every_notice_exactly_once(personas, tmp_path):
    due_work(personas)
    cmd = [sys.executable, "manage.py", "notifications_sweep"]
    runs = []
    for i in range(2):
        env = process_env(tmp_path / f"mail-{i}", CELERY_BROKER_URL=DEAD_BROKER)
        runs.append(
            subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        )
    outputs = [p.communicate(timeout=240)[0] for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    # Each run reports what it created, not what it tried: together, each thing once.
    reported = [dict(f.split("=") for f in out.strip().splitlines()[-1].split()) for out in outputs]
    assert sum(int(r["escalated"]) for r in reported) == 12, outputs
    created = sum(int(r["info_reminders"]) + int(r["expiry_reminders"]) for r in reported)
    assert (
        created
        == Notification.objects.filter(kind__in=["info_reminder", "expiry_reminder"]).count()
    )
    # And once more in a row: nothing new.
    again = subprocess.run(
        cmd,
        cwd=ROOT,
        env=process_env(tmp_path / "mail-2", CELERY_BROKER_URL=DEAD_BROKER),
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    assert "escalated=0 digests=0 info_reminders=0 expiry_reminders=0" in again.stdout
    assert "sent=0" in again.stdout

    notices = Notification.objects.all()
    kinds = set(notices.values_list("kind", flat=True))
    assert {"escalated", "agency_digest", "info_reminder", "expiry_reminder"} <= kinds
    assert not notices.filter(sent_at__isnull=True).exists()
    messages = [m for i in range(3) for m in delivered(tmp_path / f"mail-{i}")]
    assert len(messages) == notices.count()
    # Each notice went to its recipient once: (subject, recipient) pairs are unique.
    pairs = [(line_after(m, "Subject: "), line_after(m, "To: ")) for m in messages]
    assert len(set(pairs)) == len(pairs)
    assert CertificationRequest.objects.filter(escalated_at__isnull=False).count() == 12
    assert RequestEvent.objects.filter(action="escalated").count() == 12


def line_after(message: str, prefix: str) -> str:
    return next(line for line in message.splitlines() if line.startswith(prefix))


@pytest.mark.worker
def test_a_real_worker_and_beat_deliver_the_submission_email(
    personas, celery_worker_process, tmp_path, client
):
    mail_dir = tmp_path / "mail"
    celery_worker_process(
        beat=True,
        extra_env=process_env(mail_dir, NOTIFICATIONS_SWEEP_SECONDS="2"),
    )
    # The advocate submits through the web layer, as in the portal.
    from django.urls import reverse

    from .intake_support import complete_request

    request = complete_request(personas)
    client.force_login(personas.advocate_a)
    response = client.post(reverse("certifications:submit", args=[request.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.status == "submitted"
    notice = Notification.objects.get(request=request)
    wait_until(
        lambda: Notification.objects.filter(pk=notice.pk, sent_at__isnull=False).exists(),
        120,
        celery_worker_process.logs,
    )
    [message] = delivered(mail_dir)
    assert f"Subject: New request {request.reference} for Agency X Police Department" in message
    assert "To: contact.x@example.org" in message
    assert "Victim" not in message


@pytest.mark.worker
def test_a_dead_broker_at_submission_loses_nothing(personas, celery_worker_process, tmp_path):
    draft = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    script = (
        "import django; django.setup()\n"
        "from django.utils import timezone\n"
        "from agencies.models import Agency\n"
        "from accounts.models import User\n"
        "from certifications.models import CertificationRequest\n"
        "from certifications.services import certification_request_transition\n"
        f"r = CertificationRequest.objects.get(pk={draft.pk})\n"
        "certification_request_transition(cert_request=r, action='submit',\n"
        f"    actor=User.objects.get(pk={personas.advocate_a.pk}),\n"
        f"    updates={{'agency': Agency.objects.get(pk={personas.agency_x.pk}),\n"
        "             'submitted_at': timezone.now(),\n"
        "             'due_date': timezone.localdate() + timezone.timedelta(days=90)})\n"
        "print('submitted', r.pk)\n"
    )
    mail_dir = tmp_path / "mail"
    env = process_env(mail_dir, CELERY_BROKER_URL=DEAD_BROKER)
    env["DJANGO_SETTINGS_MODULE"] = "uvisa_portal.settings"
    started = time.monotonic()
    web = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert web.returncode == 0, web.stdout + web.stderr
    # Publishing gives up fast (CELERY_BROKER_TRANSPORT_OPTIONS) and says so without victim data.
    assert time.monotonic() - started < 60
    assert (
        "broker unreachable, task not sent: task=certifications.tasks.notifications_send_for_event"
        in web.stderr
    )
    assert "Victim" not in web.stderr
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    notice = Notification.objects.get(request=draft)
    assert notice.sent_at is None

    # The broker is back: the beat's outbox sweep sends it, once.
    celery_worker_process(
        beat=True, extra_env=process_env(mail_dir, NOTIFICATIONS_SWEEP_SECONDS="2")
    )
    wait_until(
        lambda: Notification.objects.filter(pk=notice.pk, sent_at__isnull=False).exists(),
        120,
        celery_worker_process.logs,
    )
    messages = delivered(mail_dir)
    assert len(messages) == 1
    assert draft.reference in messages[0]
