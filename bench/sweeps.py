"""The sweeps: every task Celery beat runs on a schedule (settings.CELERY_BEAT_SCHEDULE), found
by its name in the project's Celery app and run in this process against one data set, by
bench/run.py (`python -m bench.sweeps --out FILE --runs N`).

Each run is one transaction, rolled back, so every run finds the same work and the data set
stays as seeded:
1. the task once: the seeded backlog (a decade of requests no sweep has seen yet: more work
   than a day's, so an upper bound);
2. the task again at once: what a sweep costs when its work is done (its steady state).
Each is timed and its queries counted (Django's CaptureQueriesContext). E-mail goes to Django's
in-memory backend (bench/run.py sets it), and what a task enqueues on commit is never sent.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from uvisa_portal.celery import app  # noqa: E402


def timed(task, entry: dict) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        task(*entry.get("args", ()), **entry.get("kwargs", {}))
        seconds = time.perf_counter() - started
    return seconds, len(queries.captured_queries)


def measure(name: str, entry: dict, runs: int) -> dict:
    task = app.tasks.get(entry["task"])
    if task is None:
        return {"name": name, "task": entry["task"], "present": False}
    first, again = [], []
    for _ in range(runs):
        with transaction.atomic():
            first.append(timed(task, entry))
            again.append(timed(task, entry))
            transaction.set_rollback(True)
    return {
        "name": name,
        "task": entry["task"],
        "present": True,
        "seconds": round(statistics.median(s for s, _ in first), 3),
        "queries": max(q for _, q in first),
        "again_seconds": round(statistics.median(s for s, _ in again), 3),
        "again_queries": max(q for _, q in again),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    app.loader.import_default_modules()
    results = [
        measure(name, entry, args.runs) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
