"""The request's timeline: one event row per transition or notable action, and the notices it
causes, in the caller's transaction.

The events (with the audit trail) are the request's history. An edit records the names of the
fields it changed, never their values: a copy of victim data in the timeline would be one more
place every purge must remember (8 U.S.C. 1367).
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User

from ..choices import Action
from ..models import CertificationRequest, RequestEvent
from .notices import notifications_for_event


def request_event_record(
    *,
    cert_request: CertificationRequest,
    actor: User | None,
    action: Action | str,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    changed_fields: Iterable[str] = (),
) -> RequestEvent:
    event = RequestEvent.objects.create(
        request=cert_request,
        actor=actor,
        action=Action(action),
        from_status=from_status,
        to_status=to_status,
        note=note,
        changed_fields=sorted(set(changed_fields)),
    )
    notifications_for_event(event=event)
    return event
