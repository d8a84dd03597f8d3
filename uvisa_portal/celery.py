"""The Celery application (configured from Django settings, CELERY_* names, tasks from apps) and
the one way the portal enqueues a task: `enqueue_on_commit`."""

from __future__ import annotations

import logging
import os
from functools import partial
from typing import Any

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")

logger = logging.getLogger(__name__)

app = Celery("uvisa_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["uvisa_portal"])


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Send the task named `task_name` once the current transaction commits (at once outside one).

    A task never sees rows its caller has not committed, and a rolled-back write enqueues
    nothing. The task is sent by name, so a service never imports the task module that imports
    it. A broker that cannot be reached must not break the write that caused the task: the
    failure is logged, and every task has a sweep or an on-demand path that does its work later
    (the outbox sweep sends notices; a download renders a document that is not stored).
    """
    transaction.on_commit(partial(task_send, task_name, *args))


def task_send(task_name: str, *args: Any) -> bool:
    """Send now; False (and a warning without the arguments' meaning) if the broker is down."""
    try:
        app.send_task(task_name, args=list(args))
    except Exception as exc:  # noqa: BLE001 - any broker failure; a sweep does the work later
        logger.warning(
            "broker unreachable, task not sent: task=%s args=%s error=%s",
            task_name,
            args,
            type(exc).__name__,
        )
        return False
    return True
