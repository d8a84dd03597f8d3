"""The report writer: targets met or missed (by how much, with a place for why), failures, and
every section written, from tiny made-up results."""

from __future__ import annotations

import copy

import pytest

from bench import pages as bench_pages
from bench import report

PAGE = bench_pages.PAGES[0].name


def summary(p95: float, count: int = 10, failures: int = 0, status: int = 200) -> dict:
    return {
        "count": count,
        "failures": failures,
        "median_ms": p95 / 2,
        "p95_ms": p95,
        "max_ms": p95,
        "statuses": {status: count},
    }


def run(rate: float, p95: float, failures: int = 0, **extra) -> dict:
    return {
        "planned": 10,
        "sent": 10,
        "unsent": 0,
        "wall_seconds": 1.0,
        "offered_rate": None,
        "achieved_rate": rate,
        "ok_rate": rate,
        "generator_cpu_share": 0.05,
        "overall": summary(p95, failures=failures),
        "pages": {PAGE: summary(p95, failures=failures)},
        **extra,
    }


def counts(queries: int, uncached: int, status: int = 200) -> dict:
    return {"queries": queries, "queries_uncached": uncached, "statuses": [status]}


@pytest.fixture
def results() -> dict:
    """Every target met."""
    pages = [bench_pages.MINIMAL, *bench_pages.PAGES]
    return {
        "machine": {"date": "today", "cpus": "2"},
        "config": {"runs": 10},
        "seed": {"seconds": 200.0, "date": "2026-12-01"},
        "dataset": {"small": {"requests": 2004}, "full": {"requests": 200004}},
        "queries": {
            "small": {p.name: counts(5, 7, p.status) for p in pages},
            "full": {p.name: counts(5, 7, p.status) for p in pages},
        },
        "one_client": run(100, 12),
        "open_loop": [
            {"rate": rate, "seconds": 60, **run(rate, 40, offered_rate=rate)}
            for rate in bench_pages.RATES
        ],
        "saturation": {
            "mix": {"clients": 16, "seconds": 30, **run(100, 200)},
            "minimal": {"clients": 16, "seconds": 30, **run(300, 60)},
        },
        "restart": {"ready_seconds": 2.5, "rate": 20, "seconds": 10, **run(20, 250)},
        "submission": run(10, 90),
        "documents": run(5, 900),
        "sweeps": {
            "small": [{"task": "t.sweep", "present": True, "seconds": 0.1, "queries": 3}],
            "full": [
                {
                    "name": "sweep",
                    "task": "t.sweep",
                    "present": True,
                    "seconds": 1.5,
                    "queries": 4,
                    "again_seconds": 0.1,
                    "again_queries": 2,
                },
                {"name": "gone", "task": "t.gone", "present": False},
            ],
        },
        "pgbouncer": {"measured": True, "through": run(95, 210), "direct": run(100, 200)},
    }


def by_key(data: dict) -> dict:
    return {row["key"]: row for row in data["targets"]}


def test_every_target_met_is_reported_so_with_no_failures(results):
    data, markdown = report.build(results)

    targets = by_key(data)
    assert {row["status"] for row in targets.values()} == {"met"}
    assert targets["saturation"]["measured"] == pytest.approx(33.3)
    assert targets["pgbouncer"]["measured"] == 95.0
    assert targets["sweeps"]["measured"] == 1.5
    assert data["failures"] == []
    assert "None: every request answered as expected." in markdown
    assert report.WHY_PLACEHOLDER not in markdown
    for heading in ("Targets", "Machine", "Data set", "Pages", "The mix, open loop", "Saturation",
                    "After a restart", "A whole submission", "Sweeps", "PgBouncer"):  # fmt: skip
        assert f"## {heading}" in markdown
    assert bench_pages.PEAK_ESTIMATE in markdown


def test_a_missed_target_says_by_how_much_and_leaves_a_place_for_why(results):
    results["open_loop"][1]["pages"][PAGE] = summary(130)
    results["saturation"]["mix"]["ok_rate"] = 60  # 20 % of the minimal view's 300

    data, markdown = report.build(results)

    targets = by_key(data)
    assert targets["p95_at_50"]["status"] == "missed"
    assert targets["p95_at_50"]["miss_by"] == "30.0 ms (30 %)"
    assert f"over: {PAGE} 130 ms" in targets["p95_at_50"]["detail"]
    assert targets["saturation"]["miss_by"] == "5.0 % (20 %)"
    assert markdown.count(report.WHY_PLACEHOLDER) == 2
    assert "missed by 30.0 ms (30 %)" in markdown


def test_a_query_count_that_grows_with_the_data_misses_and_fails(results):
    results["queries"]["full"][PAGE] = counts(6, 7)
    results["queries"]["full"]["Sign-in page"] = counts(0, 9)

    data, _ = report.build(results)

    assert by_key(data)["queries"]["measured"] == 2
    assert by_key(data)["queries"]["status"] == "missed"
    assert f"query count grows with the data: {PAGE}: 5 → 6 queries" in data["failures"]
    assert (
        "query count grows with the data: Sign-in page: 7 → 9 queries with the cache empty"
        in data["failures"]
    )


def test_unexpected_statuses_and_failed_requests_are_failures(results):
    results["queries"]["small"][PAGE] = counts(5, 7, status=500)
    results["restart"] = {**results["restart"], "overall": summary(250, failures=3)}

    data, markdown = report.build(results)

    assert f"{PAGE} (small data set): HTTP [500], not 200" in data["failures"]
    assert "restart: 3 of 10 requests failed (statuses {200: 10})" in data["failures"]
    assert "## Failures" in markdown


def test_what_was_not_measured_says_so_and_why(results):
    partial = copy.deepcopy(results)
    partial["pgbouncer"] = {"measured": False, "reason": "/usr/sbin/pgbouncer is not installed"}
    del partial["submission"]

    data, markdown = report.build(partial)

    targets = by_key(data)
    assert targets["pgbouncer"]["status"] == "not measured"
    assert targets["submission"]["status"] == "not measured"
    assert "Not measured: /usr/sbin/pgbouncer is not installed." in markdown
    assert "| `t.gone` | not found |" in markdown
