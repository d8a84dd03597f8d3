"""Writes to requests, one module per capability:

- core: the state machine's single transition service, events, creation and references;
- intake: the advocate's drafts, submission, withdrawal and answers;
- review: the agency's decisions, transfers, assignment and messages;
- notifications: the outbox and reminders;
- documents: the draft forms and cover letter;
- retention: the purge of closed requests;
- statistics: the stored snapshots of the statistics pages' figures.
"""

from .core import (
    TransitionError,
    certification_request_create,
    certification_request_transition,
    reference_for,
    request_event_record,
)

__all__ = [
    "TransitionError",
    "certification_request_create",
    "certification_request_transition",
    "reference_for",
    "request_event_record",
]
