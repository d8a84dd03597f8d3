"""Writes to requests, one module per capability:

- core: the state machine's single transition service, creation, references, attachments;
- events: the timeline's events (and the notices each causes);
- intake: the advocate's drafts, submission, withdrawal, answers and "petition filed";
- review: the agency's decisions, transfers, assignment and messages;
- releases: the victim's releases per agency (what may be shared with whom, until when) and a
  move waiting for one; release_attach: a new release, then the move that waited for it;
- notices: who is told what about an event (outbox rows);
- notifications: the outbox's delivery and the bell;
- reminders: the daily sweeps (escalation, digests, reminders);
- documents: the draft forms and cover letter;
- retention: the purge of closed requests;
- statistics: the stored snapshots of the statistics pages' figures.

Imports run one way (a test fails on any circle): core -> documents -> events -> notices ->
notifications; releases sits above events; intake, review and reminders above it; and
release_attach above review. Tasks are enqueued by name after
the commit (`uvisa_portal.celery.enqueue_on_commit`), so no service imports a tasks module.
"""

from .core import (
    TransitionError,
    certification_request_create,
    certification_request_transition,
    reference_for,
)
from .events import request_event_record

__all__ = [
    "TransitionError",
    "certification_request_create",
    "certification_request_transition",
    "reference_for",
    "request_event_record",
]
