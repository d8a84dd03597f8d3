"""The benchmark's own load generator: threads, one HTTP connection each, loopback only.

Standard library only (http.client), so it measures the portal and not a client library, and
imports nothing from Django.

Open loop (`open_loop`): arrivals are scheduled before the run (`poisson_offsets`: exponential
gaps, so requests arrive at random as independent users' do). Each request's latency is counted
from its scheduled arrival, not from when a thread got to it: a server that falls behind makes
the requests behind it late, and that lateness is what a user waits (no coordinated omission).

Closed loop (`closed_loop`): N clients, each sending its next request when the previous one is
answered; what it measures is throughput at saturation.

Both are bounded in count and in time and stop by themselves; both report the rate achieved
and the generator's own CPU share (its process CPU time over the wall time), which says whether
the generator itself was the bottleneck.
"""

from __future__ import annotations

import http.client
import itertools
import math
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class Call:
    """One HTTP request to make; `label` groups the samples (a page's name)."""

    label: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Sample:
    label: str
    # Seconds from the run's start to the request's scheduled arrival (open loop) or to the
    # moment it was sent (closed loop).
    offset: float
    latency: float
    # 0 when no answer came (refused, reset, timed out).
    status: int
    queries: int | None = None


@dataclass
class Run:
    """What a run did: its samples, how long it took, and the generator's own cost."""

    samples: list[Sample]
    wall_seconds: float
    cpu_seconds: float
    planned: int
    # Planned requests not sent because the run's time was up (open loop).
    unsent: int = 0
    offered_rate: float | None = None

    @property
    def achieved_rate(self) -> float:
        return len(self.samples) / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.wall_seconds if self.wall_seconds > 0 else 0.0


def check_loopback(host: str) -> None:
    """The generator only ever talks to this machine."""
    if host not in LOOPBACK:
        raise ValueError(f"the load generator sends to the loopback interface only, not {host!r}")


def poisson_offsets(
    rate: float, seconds: float, rng: random.Random, limit: int | None = None
) -> list[float]:
    """Arrival times (seconds from the start) of a Poisson process of `rate` per second over
    `seconds`, at most `limit` of them (bounded in count as well as in time)."""
    if rate <= 0 or seconds <= 0:
        return []
    offsets: list[float] = []
    at = rng.expovariate(rate)
    while at < seconds and (limit is None or len(offsets) < limit):
        offsets.append(at)
        at += rng.expovariate(rate)
    return offsets


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarize(samples: Sequence[Sample], ok: Callable[[Sample], bool] | None = None) -> dict:
    """Count, failures, median, p95 and max in milliseconds. A sample is a failure when `ok`
    says so (by default: no answer or a 5xx); failures count in the latencies too (a user
    waited for them)."""
    ok = ok or (lambda s: 0 < s.status < 500)
    if not samples:
        return {"count": 0, "failures": 0, "median_ms": None, "p95_ms": None, "max_ms": None}
    latencies = [s.latency * 1000 for s in samples]
    return {
        "count": len(samples),
        "failures": sum(1 for s in samples if not ok(s)),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "max_ms": round(max(latencies), 2),
        "statuses": dict(sorted(Counter(s.status for s in samples).items())),
    }


def by_label(samples: Sequence[Sample], ok: Callable[[Sample], bool] | None = None) -> dict:
    groups: dict[str, list[Sample]] = {}
    for sample in samples:
        groups.setdefault(sample.label, []).append(sample)
    return {label: summarize(group, ok) for label, group in sorted(groups.items())}


class Connection:
    """One thread's connection. http.client reopens it when the server closed it (gunicorn's
    sync workers close after every response), so a thread keeps exactly one open at a time."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        check_loopback(host)
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def send(self, call: Call) -> tuple[int, int | None]:
        """The status and the X-Bench-Queries header; (0, None) when no answer came."""
        try:
            self.connection.request(call.method, call.path, body=call.body, headers=call.headers)
            response = self.connection.getresponse()
            response.read()
            queries = response.getheader("X-Bench-Queries")
            return response.status, int(queries) if queries is not None else None
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 0, None

    def close(self) -> None:
        self.connection.close()


def _run_threads(count: int, target: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def open_loop(
    host: str,
    port: int,
    calls: Sequence[Call],
    offsets: Sequence[float],
    *,
    threads: int = 64,
    timeout: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Run:
    """Send `calls[i]` at `offsets[i]` seconds after the start, each latency counted from
    that moment.

    1. Threads take the next arrival in order and wait for its time; at most `threads` are in
       flight, and an arrival none is free for waits, its wait counted in its latency.
    2. Bounded: nothing is sent after the last arrival plus `timeout` (those are `unsent`);
       each request times out after `timeout`, so the run ends by itself.
    """
    if len(calls) != len(offsets):
        raise ValueError("one call per arrival")
    check_loopback(host)
    samples: list[Sample] = []
    unsent = [0]
    lock = threading.Lock()
    order = itertools.count()
    start = clock() + 0.05
    deadline = start + (offsets[-1] if offsets else 0) + timeout
    cpu_start = time.process_time()

    def worker(_: int) -> None:
        connection = Connection(host, port, timeout)
        try:
            while (index := next(order)) < len(offsets):
                due = start + offsets[index]
                wait = due - clock()
                if wait > 0:
                    sleep(wait)
                if clock() > deadline:
                    with lock:
                        unsent[0] += 1
                    continue
                status, queries = connection.send(calls[index])
                sample = Sample(calls[index].label, offsets[index], clock() - due, status, queries)
                with lock:
                    samples.append(sample)
        finally:
            connection.close()

    _run_threads(max(1, min(threads, len(offsets))), worker)
    wall = max(clock() - start, 1e-9)
    return Run(
        samples=sorted(samples, key=lambda s: s.offset),
        wall_seconds=wall,
        cpu_seconds=time.process_time() - cpu_start,
        planned=len(offsets),
        unsent=unsent[0],
        offered_rate=len(offsets) / offsets[-1] if offsets and offsets[-1] > 0 else None,
    )


def closed_loop(
    host: str,
    port: int,
    calls: Sequence[Call],
    *,
    clients: int,
    seconds: float | None = None,
    total: int | None = None,
    timeout: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
) -> Run:
    """`clients` threads, each sending the next call of `calls` (in turn, all clients sharing
    one sequence) as soon as its previous one is answered, until `seconds` have passed or
    `total` calls were sent, whichever comes first (one of them is required)."""
    if seconds is None and total is None:
        raise ValueError("a closed loop needs a time or a count to stop at")
    if not calls:
        raise ValueError("nothing to send")
    check_loopback(host)
    samples: list[Sample] = []
    lock = threading.Lock()
    order = itertools.count()
    limit = total if total is not None else math.inf
    start = clock()
    stop = start + seconds if seconds is not None else math.inf
    cpu_start = time.process_time()

    def client(_: int) -> None:
        connection = Connection(host, port, timeout)
        try:
            while clock() < stop and (index := next(order)) < limit:
                call = calls[index % len(calls)]
                sent = clock()
                status, queries = connection.send(call)
                sample = Sample(call.label, sent - start, clock() - sent, status, queries)
                with lock:
                    samples.append(sample)
        finally:
            connection.close()

    _run_threads(clients, client)
    wall = max(clock() - start, 1e-9)
    return Run(
        samples=sorted(samples, key=lambda s: s.offset),
        wall_seconds=wall,
        cpu_seconds=time.process_time() - cpu_start,
        planned=len(samples),
    )


def fetch(host: str, port: int, call: Call, timeout: float = 30.0) -> tuple[int, int | None]:
    """One request on a connection of its own (readiness checks, query counts)."""
    connection = Connection(host, port, timeout)
    try:
        return connection.send(call)
    finally:
        connection.close()
