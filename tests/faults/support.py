"""The fault suite's machinery: a Redis server of its own, a local SMTP sink that can be slow,
refuse or go away, real Celery worker and beat processes, and the sent / duplicated / lost
count of each scenario."""

from __future__ import annotations

import asyncio
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import ROOT, _database_url_for_worker

REDIS_SERVER = "/usr/bin/redis-server"
# aiosmtpd logs every SMTP command at INFO: the figures are what the suite reports.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, what: str, logs=lambda: "") -> None:
    """Poll until `condition()` holds: the work happens in other processes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs()}")


class RedisServer:
    """A redis-server on a port of its own, so stopping it is a real broker outage and the
    machine's Redis is untouched. Nothing is saved to disk."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_until(answers, 20, "redis-server to answer")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@dataclass
class SinkHandler:
    """aiosmtpd handler: records the X-Portal-Notice id of every message it accepts.

    `delay` slows every message; `refuse` is a list of replies given instead of accepting
    (cycled, e.g. ["451 ...", "554 ..."]) while it is not empty.
    """

    delay: float = 0.0
    refuse: list[str] = field(default_factory=list)
    received: Counter = field(default_factory=Counter)
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            if self.refuse:
                reply = self.refuse[self.refused % len(self.refuse)]
                self.refused += 1
                return reply
            message = email.message_from_bytes(envelope.content)
            self.received[int(message["X-Portal-Notice"])] += 1
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = SinkHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def accepted(self) -> int:
        return sum(self.handler.received.values())


class Processes:
    """Real `celery worker` and `celery beat` processes on the suite's Redis and SMTP sink."""

    def __init__(self, workdir: Path, redis: RedisServer, sink: SmtpSink) -> None:
        self.workdir = workdir
        self.procs: list[tuple[subprocess.Popen, Path]] = []
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=_database_url_for_worker(),
            CONN_MAX_AGE="0",
            PYTHONUNBUFFERED="1",
            CELERY_BROKER_URL=redis.url,
            CELERY_RESULT_BACKEND=redis.url,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_TIMEOUT="5",
            # Intervals and leases short, so each fault plays out in seconds.
            NOTIFICATIONS_SWEEP_SECONDS="2",
            NOTIFICATIONS_CLAIM_LEASE_SECONDS="5",
            NOTIFICATIONS_RETRY_BASE_SECONDS="1",
            NOTIFICATIONS_RETRY_MAX_SECONDS="2",
            NOTIFICATIONS_RETRY_FOR_SECONDS="600",
        )

    def _start(self, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.workdir / f"proc-{len(self.procs)}-{args[0]}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "uvisa_portal", *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.procs.append((proc, log))
        return proc

    def worker(self, **env: str) -> subprocess.Popen:
        name = f"fault-{os.getpid()}-{len(self.procs)}@%h"
        return self._start(
            ["worker", "--loglevel=INFO", "--pool=solo", "--concurrency=1", f"--hostname={name}"],
            env,
        )

    def beat(self, **env: str) -> subprocess.Popen:
        schedule = self.workdir / f"beat-{len(self.procs)}"
        return self._start(["beat", "--loglevel=INFO", "-s", str(schedule)], env)

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL: the worker runs nothing more, not even its shutdown handlers."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)

    def log_of(self, proc: subprocess.Popen) -> str:
        return next(log.read_text() for p, log in self.procs if p is proc)

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for _, log in self.procs)

    def stop_all(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 20
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@dataclass
class Figures:
    scenario: str
    expected: int
    sent: int
    duplicated: int
    lost: int
    in_flight: int

    def line(self) -> str:
        return (
            f"faults: {self.scenario}: {self.expected} notices, sent {self.sent}, "
            f"duplicated {self.duplicated}, lost {self.lost} "
            f"(duplicates allowed: {self.in_flight}, the messages in flight)"
        )


FIGURES_FILE = ROOT / "test-artifacts" / "faults.txt"


def count(scenario: str, expected_ids: set[int], sink: SmtpSink, in_flight: int) -> Figures:
    """Sent / duplicated / lost at the sink; fails on any loss or on more duplicates than
    the messages that were in flight when the fault struck."""
    received = sink.handler.received
    figures = Figures(
        scenario=scenario,
        expected=len(expected_ids),
        sent=len(set(received) & expected_ids),
        duplicated=sum(n - 1 for pk, n in received.items() if n > 1),
        lost=len(expected_ids - set(received)),
        in_flight=in_flight,
    )
    print(figures.line())
    FIGURES_FILE.parent.mkdir(exist_ok=True)
    with FIGURES_FILE.open("a") as out:
        out.write(figures.line() + "\n")
    assert not set(received) - expected_ids, "the sink received notices nobody created"
    assert figures.lost == 0, figures.line()
    assert figures.duplicated <= in_flight, figures.line()
    return figures
