"""The agency's information requests paired with the advocate's answers, for the answer page
and the agency's review page.

Minn. Stat. 611A.95 subd. 2: asking for information does not stop the agency's clock, so the
advocate answers the question as asked, and the agency reads each answer beside its question.
Reads the request's prefetched `event_list`, `message_list` and the attachments the viewer may
see (selectors.certification_request_page_lists): no query of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .choices import Action
from .models import CertificationRequest, Message, RequestEvent


@dataclass
class InfoExchange:
    question: RequestEvent
    answer: Message | None = None
    files: list = field(default_factory=list)
    question_message_id: int | None = None
    # When the advocate answered (the PROVIDE_INFO event), even without a message to show.
    answered_at: datetime.datetime | None = None


def info_exchanges(*, cert_request: CertificationRequest, attachments: list) -> list[InfoExchange]:
    """Each REQUEST_INFO event (the question, its author and date) with the advocate's answer:
    the message sent with the PROVIDE_INFO that followed it, and that message's files among
    `attachments`. A question not yet answered has no answer. Oldest first."""
    events = cert_request.event_list
    messages = list(cert_request.message_list)
    files: dict[int, list] = {}
    for attachment in attachments:
        if attachment.message_id:
            files.setdefault(attachment.message_id, []).append(attachment)
    exchanges: list[InfoExchange] = []
    used: set[int] = set()
    for index, event in enumerate(events):
        if event.action != Action.REQUEST_INFO:
            continue
        exchange = InfoExchange(question=event)
        # The question is also sent as a message (services.review): that one is not an answer.
        for message in messages:
            if (
                message.pk not in used
                and message.author_id == event.actor_id
                and message.body == event.note
                and message.created_at >= event.created_at
            ):
                exchange.question_message_id = message.pk
                used.add(message.pk)
                break
        answered = next((e for e in events[index + 1 :] if e.action == Action.PROVIDE_INFO), None)
        if answered is not None:
            exchange.answered_at = answered.created_at
            # The answer is written in the same transaction just before the PROVIDE_INFO event
            # (services.answers): the latest message not yet used, up to that event.
            candidates = [
                m
                for m in messages
                if m.pk not in used
                and m.created_at <= answered.created_at
                and m.created_at >= event.created_at
                and m.author_id == answered.actor_id
            ]
            if candidates:
                exchange.answer = candidates[-1]
                used.add(exchange.answer.pk)
                exchange.files = files.get(exchange.answer.pk, [])
        exchanges.append(exchange)
    return exchanges


def exchange_message_ids(exchanges: list[InfoExchange]) -> set[int]:
    """The messages the exchanges already show (questions and answers)."""
    ids = {e.question_message_id for e in exchanges if e.question_message_id}
    return ids | {e.answer.pk for e in exchanges if e.answer is not None}
