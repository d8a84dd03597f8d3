"""The outbox under faults, in one process: a dead broker, a mail server that stops or
refuses, a worker stopped mid-claim, and e-mails given up on (dead notices)."""

from __future__ import annotations

import datetime
import smtplib
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.mail.backends import locmem
from django.db.models.functions import Now
from django.urls import reverse

from certifications.models import Notification, NotificationKind
from certifications.services import notifications as svc
from certifications.services.notices import notification_rows, notifications_save, user_recipient
from tests.celery_broker import DEAD_REDIS, celery_broker

from .intake_support import complete_request


def notices_for(personas, n: int) -> list[Notification]:
    """`n` outbox rows of a reminder kind, none tied to an event."""
    rows = notification_rows(
        kind=NotificationKind.TRAINING_LAPSE,
        recipients=[user_recipient(personas.admin)],
        window="w",
        subject="Training lapses",
        context={"agency": "Agency X Police Department"},
        agency_id=personas.agency_x.pk,
    )
    made = []
    for i in range(n):
        row = rows[0]
        row.pk = None
        row.key = f"{row.key}:{i}"
        made.append(
            Notification.objects.create(
                **{
                    f.attname: getattr(row, f.attname)
                    for f in Notification._meta.concrete_fields
                    if f.attname != "id"
                }
            )
        )
    return made


def failing_after(monkeypatch, accepted: int, exc: BaseException) -> None:
    """The mail server accepts `accepted` messages, then every send raises `exc`."""
    original = locmem.EmailBackend.send_messages

    def send(self, messages):
        if len(mail.outbox) >= accepted:
            raise exc
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send)


# --- 1. Enqueueing never blocks a request ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_submission_with_the_broker_down_answers_at_once_and_commits(personas, client, caplog):
    request = complete_request(personas)
    client.force_login(personas.advocate_a)
    # The request's page first, so the timing below is the outage's, not a cold start's.
    assert client.get(reverse("certifications:detail", args=[request.pk])).status_code == 200
    with celery_broker(DEAD_REDIS):
        started = time.monotonic()
        response = client.post(reverse("certifications:submit", args=[request.pk]))
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 1.0, f"the submission took {elapsed:.2f}s with the broker down"
    request.refresh_from_db()
    assert request.status == "submitted"
    notice = Notification.objects.get(request=request)
    assert notice.sent_at is None
    warnings = [r.getMessage() for r in caplog.records if "task not sent" in r.getMessage()]
    assert warnings and all(request.victim_family_name not in w for w in warnings)
    # The broker is back: the outbox sweep sends it, once.
    assert svc.notifications_send_pending().sent == 1
    assert svc.notifications_send_pending().sent == 0
    assert len(mail.outbox) == 1


# --- 2. Each message marked the moment it is accepted; claims small and released -------------


def test_a_claim_is_small_and_each_accepted_message_is_marked_at_once(
    personas, settings, monkeypatch
):
    settings.NOTIFICATIONS_CLAIM_SIZE = 4
    notices_for(personas, 10)
    # The server goes away after the third message of the first claim.
    failing_after(monkeypatch, 3, smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    result = svc.notifications_deliver()
    assert (result.sent, result.failed) == (3, 1)
    assert Notification.objects.filter(sent_at__isnull=False).count() == 3
    # Only the claim was touched: six rows were never claimed, none is left claimed.
    assert Notification.objects.filter(attempts=0, sent_at__isnull=True).count() == 6
    assert not Notification.objects.exclude(claim_token="").exists()


def test_the_soft_time_limit_records_what_was_sent_and_releases_the_rest(
    personas, settings, monkeypatch
):
    settings.NOTIFICATIONS_CLAIM_SIZE = 5
    notices_for(personas, 5)
    failing_after(monkeypatch, 2, SoftTimeLimitExceeded())
    with pytest.raises(SoftTimeLimitExceeded):
        svc.notifications_deliver()
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2
    unsent = Notification.objects.filter(sent_at__isnull=True)
    assert unsent.count() == 3
    # Released at once (no lease to wait out) and not counted as a failed attempt.
    assert set(unsent.values_list("claim_token", "claimed_at", "attempts")) == {("", None, 0)}
    monkeypatch.undo()
    assert svc.notifications_send_pending().sent == 3
    assert len(mail.outbox) == 5


def test_a_stopping_worker_releases_the_claims_it_holds(personas):
    notices_for(personas, 3)
    Notification.objects.update(claim_token="held", claimed_at=Now())
    svc._ACTIVE_CLAIMS.add("held")
    from certifications.tasks import _release_claims_on_shutdown

    _release_claims_on_shutdown()
    assert not svc._ACTIVE_CLAIMS
    assert Notification.objects.filter(claim_token="", claimed_at=None).count() == 3
    assert svc.notifications_send_pending().sent == 3


def test_a_killed_workers_claim_is_taken_again_after_its_lease_on_the_database_clock(
    personas, settings
):
    notices_for(personas, 2)
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    Notification.objects.update(claim_token="killed", claimed_at=Now() - lease / 2)
    assert svc.notifications_send_pending().sent == 0
    Notification.objects.update(claimed_at=Now() - lease - datetime.timedelta(seconds=1))
    assert svc.notifications_send_pending().sent == 2


# --- 3. No silent loss: capped retries, the server's reply, dead notices ----------------------


def test_retries_double_up_to_the_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 3600
    assert [svc.backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 80)] == [
        60,
        120,
        240,
        3600,
        3600,
        3600,
    ]


def test_the_servers_code_and_text_are_stored_without_the_address(personas, monkeypatch):
    [notice] = notices_for(personas, 1)
    refused = smtplib.SMTPRecipientsRefused(
        {"admin@example.org": (450, b"4.2.1 <admin@example.org>: mailbox busy, try later")}
    )
    failing_after(monkeypatch, 0, refused)
    assert svc.notifications_deliver().failed == 1
    notice.refresh_from_db()
    assert notice.last_smtp_code == 450
    assert notice.last_error == "450 4.2.1 <<address>>: mailbox busy, try later"
    assert notice.next_attempt_at is not None
    assert notice.give_up_at is not None
    assert notice.dead_at is None


def test_a_notice_failing_past_the_retry_period_is_dead_shown_and_retried(
    personas, settings, monkeypatch, client
):
    settings.NOTIFICATIONS_RETRY_FOR_SECONDS = 3600
    [notice] = notices_for(personas, 1)
    failing_after(monkeypatch, 0, smtplib.SMTPDataError(554, b"5.7.1 rejected by policy"))
    assert svc.notifications_deliver().failed == 1
    # Retry period over (on the database's clock), next attempt due: this failure is the last.
    Notification.objects.update(
        give_up_at=Now() - datetime.timedelta(seconds=1), next_attempt_at=Now()
    )
    result = svc.notifications_send_pending()
    assert (result.failed, result.dead) == (1, 1)
    notice.refresh_from_db()
    assert notice.dead_at is not None and notice.attempts == 2
    # Never retried by itself again.
    Notification.objects.update(next_attempt_at=Now() - datetime.timedelta(days=1))
    assert svc.notifications_send_pending().failed == 0

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["dead_notifications"] == 1

    client.force_login(personas.admin)
    assert "1 e-mail could not be delivered" in client.get("/").content.decode()
    page = client.get(reverse("certifications:outbox_dead")).content.decode()
    assert f"#{notice.pk}" in page
    assert "554 5.7.1 rejected by policy" in page
    assert "Training about to lapse" in page and "administrator" in page
    assert "admin@example.org" not in page and "Training lapses" not in page

    monkeypatch.undo()
    response = client.post(reverse("certifications:outbox_retry", args=[notice.pk]))
    assert response.status_code == 302
    assert svc.notifications_send_pending().sent == 1
    assert client.get("/healthz").json()["status"] == "ok"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["advocate_a", "contact_x", "coordinator"])
def test_only_administrators_see_the_outbox(personas, client, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("certifications:outbox_dead")).status_code == 404
    retry = reverse("certifications:outbox_retry_all")
    assert client.post(retry).status_code == 404


# --- 4. Plain text is not HTML --------------------------------------------------------------


def test_subjects_and_text_bodies_are_not_html_escaped_and_html_bodies_are(personas):
    personas.agency_x.name = "Sheriff's Office & Jail"
    personas.agency_x.save()
    from tests.factories import make_submitted_request

    make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    assert svc.notifications_send_pending().sent == 1
    [message] = mail.outbox
    assert message.subject.endswith("for Sheriff's Office & Jail")
    assert "Agency: Sheriff's Office & Jail" in message.body
    assert "&#x27;" not in message.subject + message.body
    assert "&amp;" not in message.subject + message.body
    html = message.alternatives[0][0]
    assert "Sheriff&#x27;s Office &amp; Jail" in html
    assert "Sheriff's Office & Jail" not in html


# --- 5. A sweep reports what it created ----------------------------------------------------


def test_saving_notices_counts_only_the_rows_this_call_created(personas):
    rows = notification_rows(
        kind=NotificationKind.TRAINING_LAPSE,
        recipients=[user_recipient(personas.admin), user_recipient(personas.coordinator)],
        window="w",
        subject="s",
        context={},
        agency_id=personas.agency_x.pk,
    )
    # Another run already inserted the first row (a second beat).
    Notification.objects.create(
        **{
            f.attname: getattr(rows[0], f.attname)
            for f in Notification._meta.concrete_fields
            if f.attname != "id"
        }
    )
    assert notifications_save(rows) == 1
    assert notifications_save(rows) == 0
    assert Notification.objects.count() == 2
