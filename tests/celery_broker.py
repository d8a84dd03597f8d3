"""Point this process's Celery app at another broker (and result backend) for one test.

The app reads its configuration once; its producer pool and result backend are cached. A
test that needs the web process to publish to a dead (or the fault suite's own) Redis swaps
the URLs and drops the caches, and puts everything back afterwards.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from uvisa_portal.celery import app

# Nothing listens on port 1: a connection is refused at once, as with a stopped Redis.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def _drop_caches() -> None:
    app._pool = None
    app.amqp._producer_pool = None
    with contextlib.suppress(AttributeError):
        del app._local.backend


@contextlib.contextmanager
def celery_broker(url: str, result_backend: str | None = None) -> Iterator[None]:
    saved = (app.conf.broker_url, app.conf.broker_write_url, app.conf.result_backend)
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    app.conf.result_backend = result_backend or url
    _drop_caches()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url, app.conf.result_backend = saved
        _drop_caches()
