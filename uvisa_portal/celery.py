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

    `robust=True`: the callback runs after the commit, when the response is already decided;
    whatever it raises is logged by Django and never turns a committed write into a 500
    (OWASP ASVS 7.4.1: errors handled without leaving the user in doubt).
    """
    transaction.on_commit(partial(task_send, task_name, *args), robust=True)


def task_send(task_name: str, *args: Any) -> bool:
    """Send now; False (and a warning naming the task and its ids only) if the broker is down.

    Fire and forget, so a dead broker costs a web request about a second, not minutes:
    1. `ignore_result=True`: no result backend is touched (Celery's Redis result backend
       subscribes to the result channel on every send, retrying its connection 20 times a
       second apart when the server is down).
    2. `retry=False`: no publish retry loop inside a request; the connection attempt itself is
       bounded by CELERY_BROKER_TRANSPORT_OPTIONS (a one-second connect and socket timeout).
    The arguments are ids, never victim data, so the warning may name them.
    """
    try:
        app.send_task(task_name, args=list(args), ignore_result=True, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure; a sweep does the work later
        logger.warning(
            "broker unreachable, task not sent: task=%s args=%s error=%s",
            task_name,
            args,
            type(exc).__name__,
        )
        return False
    return True
