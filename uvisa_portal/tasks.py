"""Project-level tasks: the worker's liveness proof."""

import logging

from celery import shared_task
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


# Its reply is awaited (portal_heartbeat), so unlike the fire-and-forget tasks it keeps a result.
@shared_task(
    name="uvisa_portal.tasks.heartbeat", soft_time_limit=10, time_limit=20, ignore_result=False
)
def heartbeat(token: str = "") -> dict:
    """Prove a worker can reach the database; returns what it saw.

    Sent by the web process on start-up (`make run` prints it) and by the worker tests: a
    reply means a real worker consumed a real message from the broker and ran a query.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    logger.info("heartbeat executed by worker token=%s", token)
    return {"token": token, "db": one == 1, "at": timezone.now().isoformat()}
