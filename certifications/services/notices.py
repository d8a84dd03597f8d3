"""Who is told what about an event: the outbox rows an event causes, and the recipients of a
batch of requests.

Every notice is a `Notification` row whose unique `key` is (kind, recipient, request or agency,
window). Rows are created in the same transaction as the event that causes them (through
`request_event_record`) or by a daily sweep (`reminders`); `notifications` sends them.

Privacy (8 U.S.C. 1367): subjects, contexts, e-mails and log lines carry reference numbers,
agency names, dates and counts only; never the victim's name or any other victim data.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Role, User
from agencies.models import PointOfContact

from ..choices import Action, Status, english
from ..models import CertificationRequest, Notification, NotificationKind, RequestEvent
from .notifications import enqueue_send_for_event
from .subjects import subject_context, subject_english

# Which events tell whom. The advocate hears about every decision, information request and
# agency message; the agency hears about new, transferred and assigned requests and about
# what the advocate does.
# Each subject is a key of `subjects.SUBJECTS`, rendered in the recipient's language.
_TO_CONTACTS = {
    Action.SUBMIT: "submit",
    Action.TRANSFER: "transfer",
    Action.REROUTE: "reroute",
    Action.ASSIGNED: "assigned",
}
_TO_CONTACTS_FROM_ADVOCATE = {
    Action.PROVIDE_INFO: "provide_info",
    Action.WITHDRAW: "withdraw",
    Action.MESSAGE: "message_from_advocate",
    Action.ORIGINAL_RECEIVED: "original_received",
    Action.EXPEDITE_RAISED: "expedite_raised",
}
_TO_ADVOCATES = {
    Action.CERTIFY: "certify",
    Action.DENY: "deny",
    Action.REQUEST_INFO: "request_info",
    Action.MESSAGE: "message_from_agency",
    # The case file (services.casefile): the answer may take longer; the original is on its way.
    Action.RECORDS_ARCHIVED: "records_archived",
    Action.ORIGINAL_RETURNED: "original_returned",
    # 8 CFR 214.14(h)(2): the advocate learns the agency no longer stands by its certification.
    Action.CERTIFICATION_WITHDRAWN: "certification_withdrawn",
    # VAWA 34 U.S.C. 12291(b)(2): the move waits for a release naming the new agency.
    Action.MOVE_WAITING: "move_waiting",
}


@dataclass(frozen=True)
class Recipient:
    email: str
    user_id: int | None


def contact_recipient(contact: PointOfContact) -> Recipient:
    return Recipient(email=contact.email, user_id=contact.user_id)


def user_recipient(user: User) -> Recipient:
    return Recipient(email=user.email, user_id=user.pk)


def _key(kind: str, recipient: Recipient, scope: str, window: str) -> str:
    who = f"u{recipient.user_id}" if recipient.user_id else recipient.email.lower()
    return f"{kind}:{scope}:{window}:{who}"


def notification_rows(
    *,
    kind: str,
    recipients: Iterable[Recipient],
    window: str,
    context: dict[str, Any],
    subject: str = "",
    subject_key: str = "",
    subject_values: dict[str, Any] | None = None,
    cert_request: CertificationRequest | None = None,
    agency_id: int | None = None,
    event: RequestEvent | None = None,
) -> list[Notification]:
    scope = f"r{cert_request.pk}" if cert_request is not None else f"a{agency_id}"
    if subject_key:
        # The record keeps the English subject; the e-mail renders it again from the key.
        subject = subject_english(subject_key, subject_values or {})
        context = {**context, **subject_context(subject_key, subject_values or {})}
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
            request=cert_request,
            agency_id=agency_id
            if agency_id is not None
            else getattr(cert_request, "agency_id", None),
            event=event,
            window=window,
            subject=subject[:200],
            context={**context, "subject": subject[:200]},
        )
    return list(rows.values())


def notifications_save(rows: list[Notification]) -> int:
    """Insert what is new and return how many rows this call really created.

    An existing key (a second run, a second beat) is skipped by the unique constraint. Each
    call stamps its rows with a token of its own and counts the rows carrying it afterwards:
    a count taken before the insert would also claim the rows a concurrent run inserted.
    """
    if not rows:
        return 0
    token = uuid.uuid4().hex
    for row in rows:
        row.created_token = token
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    keys = [r.key for r in rows]
    created = 0
    for start in range(0, len(keys), 500):
        created += Notification.objects.filter(
            key__in=keys[start : start + 500], created_token=token
        ).count()
    return created


# --- Recipients, loaded in a bounded number of queries for a whole batch -------------------


class RecipientDirectory:
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

    def contacts(self, cert_request: CertificationRequest) -> list[Recipient]:
        """The assigned contact, else every active contact of the request's agency."""
        if cert_request.assigned_contact_id and cert_request.assigned_contact.is_active:
            return [contact_recipient(cert_request.assigned_contact)]
        return [contact_recipient(c) for c in self._contacts.get(cert_request.agency_id, [])]

    def advocates(self, cert_request: CertificationRequest) -> list[Recipient]:
        """The advocate who filed the request; if that account is gone, the organization's
        active advocates, so a request never goes silent when a staff member leaves."""
        if cert_request.created_by.is_active:
            return [user_recipient(cert_request.created_by)]
        return [user_recipient(u) for u in self._advocates.get(cert_request.organization_id, [])]

    def coordinator(self) -> list[Recipient]:
        if self._coordinator is None:
            self._coordinator = list(
                PointOfContact.objects.active().filter(agency__is_statewide_coordinator=True)
            )
        return [contact_recipient(c) for c in self._coordinator]


def requests_for_notices(ids: Iterable[int]) -> dict[int, CertificationRequest]:
    qs = CertificationRequest.objects.filter(pk__in=list(ids)).select_related(
        "agency", "assigned_contact", "created_by"
    )
    return {r.pk: r for r in qs}


def _english_label(status: str) -> str:
    return english(Status(status).label) if status else ""


def request_notice_context(cert_request: CertificationRequest) -> dict[str, Any]:
    return {
        "reference": cert_request.reference,
        "agency": cert_request.agency.name if cert_request.agency_id else "",
        # The record's English label; the e-mail shows the code's label in its own language.
        "status": _english_label(cert_request.status),
        "status_code": cert_request.status,
        # A response date means nothing once the agency has decided.
        "due_date": cert_request.due_date.isoformat()
        if cert_request.due_date and cert_request.is_open
        else "",
    }


def event_notification_rows(
    event: RequestEvent,
    cert_request: CertificationRequest,
    directory: RecipientDirectory,
    actor_role: str,
) -> list[Notification]:
    fmt = {
        "ref": cert_request.reference,
        "agency": cert_request.agency.name if cert_request.agency_id else "",
    }
    context = {**request_notice_context(cert_request), "action": event.action}
    window = f"e{event.pk}"
    action = event.action
    rows: list[Notification] = []
    from_advocate = actor_role == Role.ADVOCATE
    if action in _TO_CONTACTS:
        rows += notification_rows(
            kind=NotificationKind.REQUEST_RECEIVED,
            recipients=directory.contacts(cert_request),
            window=window,
            subject_key=_TO_CONTACTS[action],
            subject_values=fmt,
            context=context,
            cert_request=cert_request,
            event=event,
        )
    if action in _TO_CONTACTS_FROM_ADVOCATE and (from_advocate or action != Action.MESSAGE):
        rows += notification_rows(
            kind=NotificationKind.ADVOCATE_UPDATE,
            recipients=directory.contacts(cert_request),
            window=window,
            subject_key=_TO_CONTACTS_FROM_ADVOCATE[action],
            subject_values=fmt,
            context=context,
            cert_request=cert_request,
            event=event,
        )
    if action in _TO_ADVOCATES and not from_advocate:
        rows += notification_rows(
            kind=NotificationKind.REQUEST_UPDATE,
            recipients=directory.advocates(cert_request),
            window=window,
            subject_key=_TO_ADVOCATES[action],
            subject_values=fmt,
            context=context,
            cert_request=cert_request,
            event=event,
        )
    if action == Action.PAST_REQUESTED_DATE:
        # An agency the statute does not bind: a reminder to it, never an escalation.
        rows += notification_rows(
            kind=NotificationKind.PAST_REQUESTED_DATE,
            recipients=directory.contacts(cert_request),
            window=window,
            subject_key="past_requested_date",
            subject_values=fmt,
            context=context,
            cert_request=cert_request,
            event=event,
        )
    if action == Action.ESCALATED:
        # The day after the due date passed without a decision (Minn. Stat. 611A.95 subd. 2),
        # or at routing, when the agency has no active point of contact (`route_request`):
        # the statewide coordinator and the advocate are told.
        overdue = cert_request.due_date is not None and cert_request.due_date < timezone.localdate()
        if overdue:
            subject_key = "escalated_overdue"
            context["overdue_since"] = context["due_date"]
        else:
            subject_key = "escalated_no_contact"
        for recipients in (directory.coordinator(), directory.advocates(cert_request)):
            rows += notification_rows(
                kind=NotificationKind.ESCALATED,
                recipients=recipients,
                window=window,
                subject_key=subject_key,
                subject_values=fmt,
                context=context,
                cert_request=cert_request,
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
    requests = requests_for_notices([event.request_id])
    cert_request = requests.get(event.request_id)
    if cert_request is None:
        return 0
    actor_role = event.actor.role if event.actor_id and event.actor else ""
    rows = event_notification_rows(
        event, cert_request, RecipientDirectory([cert_request]), actor_role
    )
    created = notifications_save(rows)
    if created:
        enqueue_send_for_event(event_id=event.pk)
    return created


_NOTIFYING_ACTIONS = (
    set(_TO_CONTACTS)
    | set(_TO_CONTACTS_FROM_ADVOCATE)
    | set(_TO_ADVOCATES)
    | {Action.ESCALATED, Action.PAST_REQUESTED_DATE}
)
