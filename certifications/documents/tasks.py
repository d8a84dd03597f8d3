"""Celery task: pre-render a request's draft documents after a submit or an edit."""

from __future__ import annotations

import logging

from celery import shared_task

from ..models import DocumentKind

logger = logging.getLogger(__name__)


@shared_task(
    name="certifications.documents.prerender",
    soft_time_limit=60,
    time_limit=90,
    acks_late=True,
)
def documents_prerender(request_id: int) -> list[str]:
    """Takes an id; harmless to run twice (a current stored file is left alone, and a unique
    constraint keeps one row per version). Returns the hashes it ensured, for tests and logs."""
    from ..services.documents import document_store

    hashes = []
    for kind in DocumentKind:
        document = document_store(request_id=request_id, kind=kind)
        if document is None:
            logger.info("documents: request id=%s is gone; nothing to render", request_id)
            return []
        hashes.append(document.content_hash)
    return hashes
