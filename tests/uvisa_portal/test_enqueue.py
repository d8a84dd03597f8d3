"""One way to enqueue: by name, after the commit; a dead broker never breaks the write."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from uvisa_portal import celery as portal_celery

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []

    def send_task(name, args, **options):
        # Fire and forget: no result backend, no publish retry loop inside a request.
        assert options == {"ignore_result": True, "retry": False}
        calls.append((name, args))

    monkeypatch.setattr(portal_celery.app, "send_task", send_task)
    return calls


def test_a_task_is_sent_only_once_the_transaction_commits(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        portal_celery.enqueue_on_commit("some.task", 7, "x")
        assert sent == []
    assert sent == [("some.task", [7, "x"])]


def test_a_rolled_back_write_enqueues_nothing(sent, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        portal_celery.enqueue_on_commit("some.task", 7)
        raise RuntimeError("the write failed")
    assert callbacks == [] and sent == []


def test_a_dead_broker_is_logged_and_does_not_raise(monkeypatch, caplog):
    def refuse(name, args, **options):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(portal_celery.app, "send_task", refuse)
    with caplog.at_level(logging.WARNING, logger="uvisa_portal.celery"):
        assert portal_celery.task_send("some.task", 7) is False
    assert "broker unreachable, task not sent: task=some.task" in caplog.text
