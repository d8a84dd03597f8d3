"""Event notices: who is told, in the same transaction, sent once, never with victim data."""

from __future__ import annotations

import datetime
import smtplib

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from certifications.choices import Action, DenialReason, Status
from certifications.models import Notification, NotificationKind, RequestEvent
from certifications.services import certification_request_transition, request_event_record
from certifications.services import notifications as svc
from certifications.tasks import notifications_send_for_event
from tests.factories import PointOfContactFactory, UserFactory, make_submitted_request

VICTIM_GIVEN = "Zyxwanda"
VICTIM_FAMILY = "Qorblatt"


def submitted(personas, **fields):
    fields.setdefault("victim_given_name", VICTIM_GIVEN)
    fields.setdefault("victim_family_name", VICTIM_FAMILY)
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        **fields,
    )


def notices(**filters) -> list[Notification]:
    return list(Notification.objects.filter(**filters).order_by("id"))


def assert_no_victim_data(*texts: str) -> None:
    for text in texts:
        assert VICTIM_GIVEN not in text
        assert VICTIM_FAMILY not in text
        assert "1990" not in text  # date of birth


def test_submission_tells_the_agency_contact_in_the_same_transaction(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = submitted(personas)
    [notice] = notices(request=request)
    assert notice.kind == NotificationKind.REQUEST_RECEIVED
    assert notice.user == personas.contact_x
    assert notice.email == "contact.x@example.org"
    assert notice.subject == f"New request {request.reference} for Agency X Police Department"
    assert notice.sent_at is None
    # The send task is enqueued once, after the commit (the other callback pre-renders the
    # draft documents).
    tasks = [c.args[0] for c in callbacks]
    assert tasks.count("certifications.tasks.notifications_send_for_event") == 1
    assert len(callbacks) == 2


def test_submission_without_assigned_contact_tells_every_active_contact(personas):
    PointOfContactFactory(agency=personas.agency_x, email="second.x@example.org")
    PointOfContactFactory(agency=personas.agency_x, email="gone.x@example.org", is_active=False)
    request = submitted(personas)
    assert sorted(n.email for n in notices(request=request)) == [
        "contact.x@example.org",
        "second.x@example.org",
    ]


def test_assignment_tells_only_the_assigned_contact(personas):
    other = PointOfContactFactory(agency=personas.agency_x, email="assignee@example.org")
    request = submitted(personas)
    request.assigned_contact = other
    request.save(update_fields=["assigned_contact"])
    request_event_record(cert_request=request, actor=personas.contact_x, action="assigned")
    [notice] = notices(request=request, event__action="assigned")
    assert notice.email == "assignee@example.org"
    assert notice.subject == f"Request {request.reference} was assigned to you"


@pytest.mark.parametrize(
    ("action", "updates", "subject"),
    [
        (
            Action.CERTIFY,
            {"signature_date": datetime.date(2026, 2, 1)},
            "Request {ref} was certified by Agency X Police Department",
        ),
        (
            Action.DENY,
            {"denial_reason": DenialReason.NOT_HELPFUL},
            "Request {ref} was denied by Agency X Police Department",
        ),
        (
            Action.REQUEST_INFO,
            {},
            "Agency X Police Department asked for more information on request {ref}",
        ),
    ],
)
def test_decisions_and_information_requests_tell_the_advocate(personas, action, updates, subject):
    request = submitted(personas)
    certification_request_transition(
        cert_request=request, action=action, actor=personas.contact_x, updates=updates
    )
    [notice] = notices(request=request, kind=NotificationKind.REQUEST_UPDATE)
    assert notice.user == personas.advocate_a
    assert notice.subject == subject.format(ref=request.reference)


def test_starting_review_tells_nobody(personas):
    request = submitted(personas)
    certification_request_transition(
        cert_request=request, action=Action.START_REVIEW, actor=personas.contact_x
    )
    assert notices(request=request, event__action=Action.START_REVIEW) == []


def test_agency_message_tells_the_advocate_and_advocate_message_tells_the_agency(personas):
    request = submitted(personas)
    request_event_record(cert_request=request, actor=personas.contact_x, action="message")
    request_event_record(cert_request=request, actor=personas.advocate_a, action="message")
    messages = notices(request=request, event__action="message")
    assert [(n.kind, n.user) for n in messages] == [
        (NotificationKind.REQUEST_UPDATE, personas.advocate_a),
        (NotificationKind.ADVOCATE_UPDATE, personas.contact_x),
    ]


def test_a_departed_advocate_is_replaced_by_the_organizations_active_advocates(personas):
    colleague = UserFactory(email="colleague.a@example.org", organization=personas.org_a)
    request = submitted(personas)
    personas.advocate_a.is_active = False
    personas.advocate_a.save(update_fields=["is_active"])
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
    )
    [notice] = notices(request=request, kind=NotificationKind.REQUEST_UPDATE)
    assert notice.user == colleague


def test_the_email_carries_reference_and_link_only(personas, settings):
    settings.DEFAULT_FROM_EMAIL = "portal@example.gov"
    settings.EMAIL_REPLY_TO = ["help@example.gov"]
    settings.SITE_URL = "https://portal.example.gov"
    request = submitted(personas)
    event = RequestEvent.objects.get(request=request, action=Action.SUBMIT)
    result = svc.notifications_deliver(event_id=event.pk)
    assert result.sent == 1
    [message] = mail.outbox
    assert message.to == ["contact.x@example.org"]
    assert message.from_email == "portal@example.gov"
    assert message.reply_to == ["help@example.gov"]
    assert request.reference in message.subject
    html = message.alternatives[0][0]
    # The link opens the request page, which checks access again (no victim data in it).
    link = f"https://portal.example.gov/requests/{request.pk}/"
    assert link in message.body
    assert f'href="{link}"' in html
    assert_no_victim_data(message.subject, message.body, html)
    assert Notification.objects.get().sent_at is not None


def test_delivering_twice_sends_once(personas):
    request = submitted(personas)
    event = RequestEvent.objects.get(request=request, action=Action.SUBMIT)
    assert svc.notifications_deliver(event_id=event.pk).sent == 1
    assert svc.notifications_deliver(event_id=event.pk).sent == 0
    assert svc.notifications_send_pending().sent == 0
    assert len(mail.outbox) == 1


def test_an_abandoned_claim_is_taken_again_after_the_lease(personas):
    submitted(personas)
    Notification.objects.update(claim_token="dead-worker", claimed_at=timezone.now())
    assert svc.notifications_send_pending().sent == 0
    # The lease is compared on the database's clock: the claim is made older there.
    lease = datetime.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    Notification.objects.update(claimed_at=Now() - lease - datetime.timedelta(seconds=1))
    assert svc.notifications_send_pending().sent == 1
    assert len(mail.outbox) == 1


def test_smtp_failure_backs_off_and_the_sweep_sends_later(personas, monkeypatch):
    submitted(personas)
    event = RequestEvent.objects.get(action=Action.SUBMIT)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    from django.core.mail.backends import locmem

    with monkeypatch.context() as patch:
        patch.setattr(locmem.EmailBackend, "send_messages", refuse)
        # The task asks Celery to retry it later (backoff), and the row records why.
        with pytest.raises(Retry):
            notifications_send_for_event(event.pk)
    notice = Notification.objects.get()
    assert notice.sent_at is None
    assert notice.attempts == 1
    assert notice.last_error == "SMTPServerDisconnected"
    assert notice.next_attempt_at > timezone.now()
    # Not before the backoff time ...
    assert svc.notifications_send_pending().sent == 0
    # ... and once after it (on the database's clock).
    Notification.objects.update(next_attempt_at=Now() - datetime.timedelta(seconds=1))
    assert svc.notifications_send_pending().sent == 1
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.attempts == 2
    assert notice.last_error == ""


def test_the_send_task_returns_quietly_when_the_event_is_gone(db):
    assert notifications_send_for_event(999_999) == {"sent": 0}


# --- The bell -----------------------------------------------------------------------------


def test_bell_shows_the_unread_count_in_one_query(client, personas):
    request = submitted(personas)
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
    )
    request_event_record(cert_request=request, actor=personas.contact_x, action="message")
    client.force_login(personas.advocate_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("certifications:notifications"))
    bell = [q for q in queries.captured_queries if "certifications_notification" in q["sql"]]
    # One query for the count in the nav, one for the page's list.
    assert len(bell) == 2
    html = response.content.decode()
    assert '<span class="badge text-bg-warning">2<span class="visually-hidden"> unread' in html
    assert f"asked for more information on request {request.reference}" in html
    assert_no_victim_data(html)


def _bell_queries(client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
    bell = [
        q
        for q in queries.captured_queries
        if "COUNT(" in q["sql"] and "certifications_notification" in q["sql"]
    ]
    return len(bell), html


BADGE = '<span class="badge text-bg-warning">{}<span class="visually-hidden"> unread'


def test_bell_count_is_kept_in_the_session_for_a_minute(client, personas):
    request = submitted(personas)
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
    )
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(personas.advocate_a)
        counted, html = _bell_queries(client, reverse("home"))
        assert counted == 1
        assert BADGE.format(1) in html
        # The next page within the minute counts nothing and shows the kept figure, even
        # though a second notice has arrived meanwhile.
        request_event_record(cert_request=request, actor=personas.contact_x, action="message")
        traveller.shift(30)
        counted, html = _bell_queries(client, reverse("certifications:dashboard"))
        assert counted == 0
        assert BADGE.format(1) in html
        # After the minute the bell counts again.
        traveller.shift(31)
        counted, html = _bell_queries(client, reverse("home"))
        assert counted == 1
        assert BADGE.format(2) in html


def test_bell_counts_again_after_the_list_and_after_marking_read(client, personas):
    request = submitted(personas)
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
    )
    client.force_login(personas.advocate_a)
    assert BADGE.format(1) in client.get(reverse("home")).content.decode()
    request_event_record(cert_request=request, actor=personas.contact_x, action="message")
    # The page the bell leads to always shows the current count.
    counted, html = _bell_queries(client, reverse("certifications:notifications"))
    assert counted == 1
    assert BADGE.format(2) in html
    notice = Notification.objects.filter(user=personas.advocate_a, read_at__isnull=True).first()
    client.post(reverse("certifications:notification_read", args=[notice.pk]))
    assert BADGE.format(1) in client.get(reverse("home")).content.decode()
    client.post(reverse("certifications:notifications_read_all"))
    html = client.get(reverse("home")).content.decode()
    assert 'visually-hidden"> unread' not in html


def test_notification_page_lists_only_the_users_own(client, personas):
    submitted(personas)  # a notice for contact_x
    client.force_login(personas.advocate_b)
    response = client.get(reverse("certifications:notifications"))
    assert response.status_code == 200
    assert "You have no notifications yet" in response.content.decode()


def test_marking_read_changes_only_the_owners_rows(client, personas):
    submitted(personas)
    notice = Notification.objects.get(user=personas.contact_x)
    client.force_login(personas.advocate_b)
    client.post(reverse("certifications:notification_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is None
    client.force_login(personas.contact_x)
    assert (
        client.get(reverse("certifications:notification_read", args=[notice.pk])).status_code == 405
    )
    response = client.post(reverse("certifications:notification_read", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read(client, personas):
    request = submitted(personas)
    certification_request_transition(
        cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
    )
    request_event_record(cert_request=request, actor=personas.contact_x, action="message")
    client.force_login(personas.advocate_a)
    client.post(reverse("certifications:notifications_read_all"))
    assert not Notification.objects.filter(user=personas.advocate_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=personas.contact_x, read_at__isnull=True).exists()


def test_notification_page_requires_login(client, db):
    response = client.get(reverse("certifications:notifications"))
    assert response.status_code == 302


# --- Petition filed ---------------------------------------------------------------------


def certified(personas, signature_date=datetime.date(2026, 1, 10)):
    request = submitted(personas)
    return certification_request_transition(
        cert_request=request,
        action=Action.CERTIFY,
        actor=personas.contact_x,
        updates={"signature_date": signature_date},
    )


def test_advocate_marks_the_petition_filed(client, personas):
    request = certified(personas)
    client.force_login(personas.advocate_a)
    response = client.post(
        reverse("certifications:petition_filed", args=[request.pk]), {"filed_on": "2026-02-03"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.petition_filed_on == datetime.date(2026, 2, 3)
    assert RequestEvent.objects.filter(request=request, action="petition_filed").count() == 1
    # A second post changes nothing and explains why.
    response = client.post(
        reverse("certifications:petition_filed", args=[request.pk]), {"filed_on": "2026-02-04"}
    )
    assert response.status_code == 400
    assert "already marked as filed" in response.content.decode()
    request.refresh_from_db()
    assert request.petition_filed_on == datetime.date(2026, 2, 3)


@pytest.mark.parametrize("who", ["advocate_b", "contact_x", "coordinator", "admin"])
def test_only_the_requests_organization_can_mark_the_petition_filed(client, personas, who):
    request = certified(personas)
    client.force_login(getattr(personas, who))
    response = client.post(
        reverse("certifications:petition_filed", args=[request.pk]), {"filed_on": "2026-02-03"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.petition_filed_on is None


def test_a_future_or_missing_filing_date_is_explained(client, personas):
    request = certified(personas)
    client.force_login(personas.advocate_a)
    url = reverse("certifications:petition_filed", args=[request.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"filed_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    response = client.post(url, {"filed_on": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(url, {"filed_on": "2025-12-01"})
    assert "before the signature date" in response.content.decode()


def test_an_open_request_cannot_be_marked_filed(client, personas):
    request = submitted(personas)
    client.force_login(personas.advocate_a)
    response = client.post(
        reverse("certifications:petition_filed", args=[request.pk]), {"filed_on": "2026-02-03"}
    )
    assert response.status_code == 400
    assert "Only a certified request" in response.content.decode()
    assert Status(request.status) == Status.SUBMITTED


def test_petition_filed_partial_shows_the_form_then_the_date(personas):
    from django.template.loader import render_to_string

    request = certified(personas)
    html = render_to_string("certifications/_petition_filed.html", {"cert_request": request})
    assert reverse("certifications:petition_filed", args=[request.pk]) in html
    assert "July 10, 2026" in html
    request.petition_filed_on = datetime.date(2026, 2, 3)
    html = render_to_string("certifications/_petition_filed.html", {"cert_request": request})
    assert "Petition filed on February 3, 2026" in html
    assert "<form" not in html


def test_the_role_of_a_message_author_decides_the_direction(personas):
    """A coordinator's message counts as the agency's."""
    request = submitted(personas)
    assert personas.coordinator.role == Role.COORDINATOR
    request_event_record(cert_request=request, actor=personas.coordinator, action="message")
    [notice] = notices(request=request, event__action="message")
    assert notice.user == personas.advocate_a
