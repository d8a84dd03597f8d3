"""Fixtures of the fault suite (`make faults`): its own Redis, an SMTP sink, real processes."""

from __future__ import annotations

import pytest

from tests.celery_broker import celery_broker

from .support import Processes, RedisServer, SmtpSink


@pytest.fixture(scope="session")
def fault_redis(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(fault_redis):
    """The suite's Redis, running at the start of each scenario; this process (the web
    layer) publishes to it too."""
    if fault_redis.proc is None:
        fault_redis.start()
    with celery_broker(fault_redis.url):
        yield fault_redis
    if fault_redis.proc is None:
        fault_redis.start()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def processes(transactional_db, broker, smtp_sink, tmp_path, settings):
    # The web layer's e-mails (none are sent from requests, but to be sure) go to the sink.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    procs = Processes(tmp_path, broker, smtp_sink)
    yield procs
    procs.stop_all()
