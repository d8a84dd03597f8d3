"""A task sent by Django is executed by a real worker process over the real broker."""

from __future__ import annotations

import pytest
from django.conf import settings

from uvisa_portal.celery import app
from uvisa_portal.tasks import heartbeat


def test_celery_is_configured_for_json_late_acks_and_time_limits():
    # What a worker does on start: import every app's tasks module (autodiscovery).
    app.loader.import_default_modules()
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert "uvisa_portal.tasks.heartbeat" in app.tasks
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry
    # Tasks enqueued by name (`enqueue_on_commit`) are registered under that name.
    for name in (
        "certifications.documents.prerender",
        "certifications.tasks.notifications_send_for_event",
        "certifications.tasks.notifications_send_pending",
    ):
        assert name in app.tasks, name


@pytest.mark.worker
def test_a_real_worker_executes_a_task_sent_from_django(celery_worker_process):
    celery_worker_process()
    result = heartbeat.delay("from-test")
    try:
        reply = result.get(timeout=90)
    except Exception:
        pytest.fail("worker did not answer:\n" + celery_worker_process.logs())
    assert reply["token"] == "from-test"
    assert reply["db"] is True
