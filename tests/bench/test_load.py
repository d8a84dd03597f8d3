"""The load generator: its arrival schedule, latencies counted from the scheduled arrival, its
bounds, its statistics. A fake clock where timing matters, a server on 127.0.0.1 otherwise."""

from __future__ import annotations

import random
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load


def test_poisson_arrivals_come_at_the_rate_asked_within_the_time_asked():
    offsets = load.poisson_offsets(50, 100, random.Random(1))

    # 5,000 expected; a Poisson count's standard deviation is about 71.
    assert 4700 < len(offsets) < 5300
    assert offsets == sorted(offsets)
    assert offsets[0] > 0 and offsets[-1] < 100
    gaps = [b - a for a, b in zip(offsets, offsets[1:], strict=False)]
    assert statistics.mean(gaps) == pytest.approx(1 / 50, rel=0.05)
    # Exponential gaps: the standard deviation equals the mean (evenly spaced ones have none).
    assert statistics.stdev(gaps) == pytest.approx(1 / 50, rel=0.1)


def test_arrivals_are_bounded_in_count_and_repeatable():
    assert len(load.poisson_offsets(50, 100, random.Random(1), limit=10)) == 10
    assert load.poisson_offsets(5, 10, random.Random(7)) == load.poisson_offsets(
        5, 10, random.Random(7)
    )
    assert load.poisson_offsets(0, 10, random.Random(1)) == []


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))

    assert load.percentile(values, 0.95) == 95
    assert load.percentile(values, 0.5) == 50
    assert load.percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        load.percentile([], 0.5)


def test_a_summary_counts_failures_and_statuses_and_reports_milliseconds():
    samples = [load.Sample("a", 0, 0.010, 200), load.Sample("a", 0, 0.030, 200)]
    samples += [load.Sample("b", 0, 0.020, 500), load.Sample("b", 0, 1.0, 0)]

    overall = load.summarize(samples)
    pages = load.by_label(samples)

    assert overall["count"] == 4
    assert overall["failures"] == 2
    assert overall["median_ms"] == 25.0
    assert overall["max_ms"] == 1000.0
    assert overall["statuses"] == {0: 1, 200: 2, 500: 1}
    assert pages["a"] == {
        "count": 2,
        "failures": 0,
        "median_ms": 20.0,
        "p95_ms": 30.0,
        "max_ms": 30.0,
        "statuses": {200: 2},
    }
    # What counts as a failure can be given: a redirect expected, a 200 is then wrong.
    assert load.summarize(samples[:2], ok=lambda s: s.status == 302)["failures"] == 2
    assert load.summarize([])["median_ms"] is None


class FakeTime:
    """A clock that moves only when the generator sleeps or a request is answered."""

    def __init__(self, service_seconds: float) -> None:
        self.now = 0.0
        self.service_seconds = service_seconds

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch):
    fake = FakeTime(service_seconds=0.1)

    class FakeConnection:
        def __init__(self, host, port, timeout):
            load.check_loopback(host)

        def send(self, call):
            fake.now += fake.service_seconds
            return 200, 3

        def close(self):
            pass

    monkeypatch.setattr(load, "Connection", FakeConnection)
    return fake


def test_open_loop_latency_counts_from_the_scheduled_arrival_not_from_the_send(fake_time):
    calls = [load.Call(f"page {i}", "GET", "/") for i in range(3)]

    run = load.open_loop(
        "127.0.0.1", 1, calls, [0.0, 0.01, 0.02], threads=1, clock=fake_time.clock,
        sleep=fake_time.sleep,
    )  # fmt: skip

    # One thread, 0.1 s a request: the second and third arrivals wait for the one before.
    assert [round(s.latency, 3) for s in run.samples] == [0.1, 0.19, 0.28]
    assert [s.queries for s in run.samples] == [3, 3, 3]
    assert run.planned == 3 and run.unsent == 0
    assert run.offered_rate == pytest.approx(150)


def test_open_loop_stops_sending_when_its_time_is_up(fake_time):
    calls = [load.Call("page", "GET", "/")] * 3

    run = load.open_loop(
        "127.0.0.1", 1, calls, [0.0, 0.01, 0.02], threads=1, timeout=0.15,
        clock=fake_time.clock, sleep=fake_time.sleep,
    )  # fmt: skip

    # The third would start after the last arrival plus the timeout: not sent.
    assert len(run.samples) == 2
    assert run.unsent == 1


def test_the_generator_sends_to_the_loopback_interface_only():
    with pytest.raises(ValueError, match="loopback"):
        load.check_loopback("portal.example.org")
    with pytest.raises(ValueError, match="loopback"):
        load.open_loop("192.0.2.1", 80, [load.Call("x", "GET", "/")], [0.0])
    with pytest.raises(ValueError, match="loopback"):
        load.closed_loop("192.0.2.1", 80, [load.Call("x", "GET", "/")], clients=1, total=1)


class SlowHandler(BaseHTTPRequestHandler):
    delay = 0.1

    def do_GET(self):
        time.sleep(self.delay)
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("X-Bench-Queries", "4")
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_open_loop_threads_send_concurrently_and_read_the_query_header(server):
    calls = [load.Call("page", "GET", "/")] * 5
    offsets = [0.0, 0.001, 0.002, 0.003, 0.004]

    together = load.open_loop("127.0.0.1", server, calls, offsets, threads=5)
    one_by_one = load.open_loop("127.0.0.1", server, calls, offsets, threads=1)

    assert max(s.latency for s in together.samples) < 0.35
    # One thread: the fifth waits for the four before it.
    assert max(s.latency for s in one_by_one.samples) > 0.45
    assert {s.status for s in together.samples} == {200}
    assert {s.queries for s in together.samples} == {4}
    assert together.achieved_rate > 0
    assert 0 <= together.cpu_share < 1


def test_closed_loop_stops_at_its_count_or_its_time(server):
    calls = [load.Call("a", "GET", "/"), load.Call("b", "GET", "/missing")]

    counted = load.closed_loop("127.0.0.1", server, calls, clients=2, total=6)
    timed = load.closed_loop("127.0.0.1", server, calls, clients=2, seconds=0.25)

    assert len(counted.samples) == 6
    # The calls are taken in turn: half of them the missing page.
    assert sorted(s.status for s in counted.samples) == [200, 200, 200, 404, 404, 404]
    # Two clients, 0.1 s a request, 0.25 s: at most three rounds each.
    assert 2 <= len(timed.samples) <= 6
    assert timed.wall_seconds < 1
    with pytest.raises(ValueError):
        load.closed_loop("127.0.0.1", server, calls, clients=1)


def test_a_refused_connection_is_a_failure_not_a_crash():
    connection = load.Connection("127.0.0.1", 1, 1)  # nothing listens on port 1

    assert connection.send(load.Call("x", "GET", "/")) == (0, None)
