"""The daily sweeps, driven through time: right day, right recipient, right content, once."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail

from accounts.models import Role
from certifications.choices import Action
from certifications.models import Notification, NotificationKind, RequestEvent
from certifications.services import certification_request_transition
from certifications.services import notifications as svc
from certifications.services import reminders as sweeps
from certifications.services.answers import certification_request_mark_petition_filed
from tests.factories import PointOfContactFactory, make_submitted_request

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=CHICAGO)


def travel(day: datetime.date, hour: int = 9):
    return time_machine.travel(at(day, hour), tick=False)


def submitted(personas, day: datetime.date, **fields):
    with travel(day):
        return make_submitted_request(
            organization=personas.org_a,
            created_by=personas.advocate_a,
            agency=personas.agency_x,
            **fields,
        )


def kinds(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("id"))


# --- Overdue escalation -------------------------------------------------------------------


def test_escalation_happens_the_day_after_the_due_date(personas):
    due = datetime.date(2026, 3, 2)
    request = submitted(personas, datetime.date(2026, 2, 1), due_date=due)
    svc.notifications_send_pending()  # the submission notice
    mail.outbox.clear()
    with travel(due, hour=6):
        assert sweeps.requests_escalate_overdue() == 0
    request.refresh_from_db()
    assert request.escalated_at is None
    assert kinds(NotificationKind.ESCALATED) == []

    with travel(due + datetime.timedelta(days=1), hour=6):
        assert sweeps.requests_escalate_overdue() == 1
        assert sweeps.requests_escalate_overdue() == 0
    request.refresh_from_db()
    assert request.escalated_at == at(due + datetime.timedelta(days=1), hour=6)
    [event] = RequestEvent.objects.filter(request=request, action="escalated")
    assert "2026-03-02" in event.note
    notices = kinds(NotificationKind.ESCALATED)
    assert sorted(n.email for n in notices) == ["advocate.a@example.org", "coordinator@example.org"]
    assert {n.subject for n in notices} == {
        f"Request {request.reference} is overdue and was escalated"
    }
    assert svc.notifications_send_pending().sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "advocate.a@example.org",
        "coordinator@example.org",
    ]


def test_a_decided_request_is_not_escalated(personas):
    due = datetime.date(2026, 3, 2)
    request = submitted(personas, datetime.date(2026, 2, 1), due_date=due)
    certification_request_transition(
        cert_request=request,
        action=Action.CERTIFY,
        actor=personas.contact_x,
        updates={"signature_date": due},
    )
    with travel(due + datetime.timedelta(days=3)):
        assert sweeps.requests_escalate_overdue() == 0


# --- Agency digest -------------------------------------------------------------------------


def test_the_digest_is_one_email_per_contact_per_day_with_every_section(personas):
    second = PointOfContactFactory(agency=personas.agency_x, email="second.x@example.org")
    today = datetime.date(2026, 4, 15)
    overdue = submitted(personas, datetime.date(2026, 1, 1), due_date=today - datetime.timedelta(1))
    due_today = submitted(personas, datetime.date(2026, 1, 2), due_date=today)
    soon = submitted(personas, datetime.date(2026, 1, 3), due_date=today + datetime.timedelta(7))
    later = submitted(personas, datetime.date(2026, 4, 14), due_date=today + datetime.timedelta(8))
    for r in (overdue, due_today, soon):
        certification_request_transition(
            cert_request=r, action=Action.START_REVIEW, actor=personas.contact_x
        )
    # Another agency's request is not in agency X's digest.
    make_submitted_request(
        organization=personas.org_b, created_by=personas.advocate_b, agency=personas.agency_y
    )
    Notification.objects.all().delete()

    with travel(today, hour=7):
        assert sweeps.agency_digests_create() == 3  # two contacts of X, one of Y
        assert sweeps.agency_digests_create() == 0
        assert svc.notifications_send_pending().sent == 3
    digests = Notification.objects.filter(
        kind=NotificationKind.AGENCY_DIGEST, agency=personas.agency_x
    )
    assert sorted(n.email for n in digests) == ["contact.x@example.org", second.email]
    sections = digests[0].context["sections"]
    assert [i["reference"] for i in sections["overdue"]] == [overdue.reference]
    assert [i["reference"] for i in sections["due_today"]] == [due_today.reference]
    assert [i["reference"] for i in sections["due_soon"]] == [soon.reference]
    assert [i["reference"] for i in sections["new"]] == [later.reference]
    message = next(m for m in mail.outbox if m.to == ["contact.x@example.org"])
    assert "Agency X Police Department: 4 open certification requests, 1 overdue" in message.subject
    for r in (overdue, due_today, soon, later):
        assert r.reference in message.body
    assert "Victim" not in message.body

    with travel(today + datetime.timedelta(days=1), hour=7):
        assert sweeps.agency_digests_create() == 3


def test_no_digest_for_an_agency_without_open_requests(personas):
    with travel(datetime.date(2026, 4, 15)):
        assert sweeps.agency_digests_create() == 0


# --- Waiting on the advocate -----------------------------------------------------------------


def test_info_reminders_on_day_7_and_14_only(personas):
    request = submitted(personas, datetime.date(2026, 5, 1))
    asked = datetime.date(2026, 5, 4)
    with travel(asked, hour=15):
        certification_request_transition(
            cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
        )
    sent_on = {}
    for offset in range(0, 20):
        day = asked + datetime.timedelta(days=offset)
        with travel(day, hour=8):
            if sweeps.info_reminders_create():
                sent_on[offset] = [n.window for n in kinds(NotificationKind.INFO_REMINDER)][-1]
    assert list(sent_on) == [7, 14]
    reminders = kinds(NotificationKind.INFO_REMINDER)
    assert [n.user for n in reminders] == [personas.advocate_a, personas.advocate_a]
    assert reminders[0].subject == (
        f"Reminder: Agency X Police Department is waiting for your answer on request "
        f"{request.reference} (7 days)"
    )
    assert reminders[1].context["days"] == 14
    assert reminders[1].context["asked_on"] == "2026-05-04"


def test_an_answered_information_request_gets_no_reminder(personas):
    request = submitted(personas, datetime.date(2026, 5, 1))
    with travel(datetime.date(2026, 5, 4)):
        request = certification_request_transition(
            cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
        )
    with travel(datetime.date(2026, 5, 6)):
        certification_request_transition(
            cert_request=request, action=Action.PROVIDE_INFO, actor=personas.advocate_a
        )
    with travel(datetime.date(2026, 5, 11)):
        assert sweeps.info_reminders_create() == 0


def test_a_missed_day_is_caught_up_once(personas):
    request = submitted(personas, datetime.date(2026, 5, 1))
    with travel(datetime.date(2026, 5, 4)):
        certification_request_transition(
            cert_request=request, action=Action.REQUEST_INFO, actor=personas.contact_x
        )
    with travel(datetime.date(2026, 5, 12)):  # day 8: the day-7 reminder was missed
        assert sweeps.info_reminders_create() == 1
    with travel(datetime.date(2026, 5, 13)):
        assert sweeps.info_reminders_create() == 0


# --- Certification expiry -------------------------------------------------------------------


def certified(personas, signature_date: datetime.date):
    request = submitted(personas, signature_date - datetime.timedelta(days=20))
    with travel(signature_date):
        return certification_request_transition(
            cert_request=request,
            action=Action.CERTIFY,
            actor=personas.contact_x,
            updates={"signature_date": signature_date},
        )


def test_expiry_reminders_60_30_and_7_days_before_the_filing_deadline(personas):
    signature = datetime.date(2026, 1, 15)
    request = certified(personas, signature)
    deadline = datetime.date(2026, 7, 15)
    assert request.filing_deadline == deadline
    sent_days_left = []
    for left in range(75, -3, -1):
        with travel(deadline - datetime.timedelta(days=left), hour=8):
            if sweeps.expiry_reminders_create():
                sent_days_left.append(left)
    assert sent_days_left == [60, 30, 7]
    reminders = kinds(NotificationKind.EXPIRY_REMINDER)
    assert {n.user for n in reminders} == {personas.advocate_a}
    assert [n.context["days"] for n in reminders] == [60, 30, 7]
    assert reminders[0].subject == (
        f"Certification {request.reference} expires on July 15, 2026: "
        "file the petition or mark it as filed"
    )
    svc.notifications_send_pending()
    expiry_mail = [m for m in mail.outbox if "expires on" in m.subject]
    assert len(expiry_mail) == 3
    assert "File the petition by: July 15, 2026" in expiry_mail[0].body


def test_no_expiry_reminder_once_the_petition_is_filed(personas):
    request = certified(personas, datetime.date(2026, 1, 15))
    with travel(datetime.date(2026, 2, 1)):
        certification_request_mark_petition_filed(
            cert_request=request, actor=personas.advocate_a, filed_on=datetime.date(2026, 2, 1)
        )
    with travel(datetime.date(2026, 5, 16)):  # 60 days before the deadline
        assert sweeps.expiry_reminders_create() == 0


# --- Training lapse -------------------------------------------------------------------------


def test_training_lapse_tells_the_contact_and_the_administrators_once(personas):
    contact = personas.contact_x.point_of_contact
    contact.last_training_date = datetime.date(2025, 6, 30)  # lapses 2026-06-30
    contact.save(update_fields=["last_training_date"])
    # Everyone else is freshly trained.
    type(contact).objects.exclude(pk=contact.pk).update(
        last_training_date=datetime.date(2026, 5, 1)
    )
    with travel(datetime.date(2026, 5, 30)):  # 31 days before
        assert sweeps.training_lapse_reminders_create() == 0
    with travel(datetime.date(2026, 5, 31)):  # 30 days before
        assert sweeps.training_lapse_reminders_create() == 2
    with travel(datetime.date(2026, 6, 10)):
        assert sweeps.training_lapse_reminders_create() == 0
    notices = kinds(NotificationKind.TRAINING_LAPSE)
    assert sorted(n.email for n in notices) == ["admin@example.org", "contact.x@example.org"]
    assert notices[0].subject == (
        "Certification training for Contact X (Agency X Police Department) lapses on June 30, 2026"
    )
    # A new training date starts a new cycle.
    contact.last_training_date = datetime.date(2025, 7, 5)
    contact.save(update_fields=["last_training_date"])
    with travel(datetime.date(2026, 6, 10)):
        assert sweeps.training_lapse_reminders_create() == 2


# --- The global switch -----------------------------------------------------------------------


def test_reminders_paused_creates_nothing(personas, settings):
    settings.REMINDERS_PAUSED = True
    request = submitted(personas, datetime.date(2026, 1, 1), due_date=datetime.date(2026, 2, 1))
    with travel(datetime.date(2026, 3, 1)):
        assert sweeps.requests_escalate_overdue() == 0
        assert sweeps.agency_digests_create() == 0
        assert sweeps.info_reminders_create() == 0
        assert sweeps.expiry_reminders_create() == 0
        assert sweeps.training_lapse_reminders_create() == 0
    request.refresh_from_db()
    assert request.escalated_at is None


def test_administrators_never_get_request_notices(personas):
    submitted(personas, datetime.date(2026, 1, 1))
    assert not Notification.objects.filter(user__role=Role.ADMINISTRATOR).exists()


@pytest.mark.parametrize("hour", [0, 23])
def test_days_are_counted_in_minnesota_time(personas, hour):
    """A request due on the 2nd is escalated on the 3rd in Chicago, whatever the UTC date."""
    due = datetime.date(2026, 3, 2)
    submitted(personas, datetime.date(2026, 2, 1), due_date=due)
    with travel(due, hour=hour):
        assert sweeps.requests_escalate_overdue() == 0
