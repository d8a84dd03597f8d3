"""The results of a run (bench/run.py) as JSON and Markdown, with each target met or missed.

`build(results)` takes what the run measured and returns (data, markdown): `data` is `results`
plus the verdicts and failures. Where a target is missed, the results say by how much, and
leave a line for why (filled in by whoever records the run). Pure Python: unit-tested on tiny
inputs (tests/bench/test_report.py).
"""

from __future__ import annotations

from bench import pages as bench_pages

WHY_PLACEHOLDER = "_(why: to be written by whoever records the run)_"


def fmt(value, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value:,}{unit}"


def ratio_percent(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def verdict(target: bench_pages.Target, measured: float | None, detail: str = "") -> dict:
    """Met, missed by how much, or not measured."""
    row = {
        "key": target.key,
        "target": f"{target.text}: {'≤' if target.kind == 'max' else '≥'} "
        f"{target.limit:g}{target.unit}",
        "measured": measured,
        "unit": target.unit,
        "detail": detail,
        "why": "",
    }
    if measured is None:
        return {**row, "status": "not measured", "miss_by": None}
    over = measured - target.limit if target.kind == "max" else target.limit - measured
    if over <= 0:
        return {**row, "status": "met", "miss_by": None}
    relative = f" ({100 * over / target.limit:.0f} %)" if target.limit else ""
    return {**row, "status": "missed", "miss_by": f"{over:,.1f}{target.unit}{relative}"}


def _rate(results: dict, rate: float) -> dict | None:
    return next((r for r in results.get("open_loop", []) if r["rate"] == rate), None)


def query_growth(results: dict) -> list[str]:
    """Pages whose query count (cache filled or empty) is higher at full size than at 1 %."""
    counts = results.get("queries", {})
    small, full = counts.get("small", {}), counts.get("full", {})
    grown = []
    for name, f in full.items():
        s = small.get(name)
        if s is None:
            continue
        for key, kind in (("queries", ""), ("queries_uncached", " with the cache empty")):
            if f.get(key) is not None and s.get(key) is not None and f[key] > s[key]:
                grown.append(f"{name}: {s[key]} → {f[key]} queries{kind}")
    return grown


def verdicts(results: dict) -> list[dict]:
    targets = bench_pages.TARGETS
    rows = []
    at_50 = _rate(results, bench_pages.TARGET_RATE)
    if at_50 and at_50["pages"]:
        worst = max(at_50["pages"].items(), key=lambda item: item[1]["p95_ms"] or 0)
        over = [
            f"{name} {page['p95_ms']:.0f} ms"
            for name, page in at_50["pages"].items()
            if (page["p95_ms"] or 0) > targets["p95_at_50"].limit
        ]
        detail = f"worst: {worst[0]}" + (f"; over: {', '.join(over)}" if over else "")
        rows.append(verdict(targets["p95_at_50"], worst[1]["p95_ms"], detail))
    else:
        rows.append(verdict(targets["p95_at_50"], None))
    saturation = results.get("saturation", {})
    mix, minimal = saturation.get("mix"), saturation.get("minimal")
    share = ratio_percent(mix and mix["ok_rate"], minimal and minimal["ok_rate"])
    rows.append(
        verdict(
            targets["saturation"],
            share,
            f"{mix['ok_rate']:.0f} against {minimal['ok_rate']:.0f} requests/s answered"
            if share is not None
            else "",
        )
    )
    restart = results.get("restart")
    rows.append(verdict(targets["restart"], restart and restart["overall"]["p95_ms"]))
    submission = results.get("submission")
    rows.append(verdict(targets["submission"], submission and submission["overall"]["p95_ms"]))
    grown = query_growth(results)
    rows.append(
        verdict(targets["queries"], len(grown) if "queries" in results else None, "; ".join(grown))
    )
    sweeps = [s for s in results.get("sweeps", {}).get("full", []) if s.get("present")]
    total = round(sum(s["seconds"] for s in sweeps), 2) if sweeps else None
    rows.append(verdict(targets["sweeps"], total, "the seeded backlog, all tasks beat runs"))
    bouncer = results.get("pgbouncer", {})
    if bouncer.get("measured"):
        through, direct = bouncer["through"], bouncer["direct"]
        rows.append(
            verdict(
                targets["pgbouncer"],
                ratio_percent(through["ok_rate"], direct["ok_rate"]),
                f"{through['ok_rate']:.0f} against {direct['ok_rate']:.0f} requests/s answered",
            )
        )
    else:
        rows.append(verdict(targets["pgbouncer"], None, bouncer.get("reason", "")))
    return rows


def failures(results: dict) -> list[str]:
    """Unexpected statuses (a page that errs is not fast, it is broken) and query growth."""
    found = [f"query count grows with the data: {line}" for line in query_growth(results)]
    for size, pages in results.get("queries", {}).items():
        for name, page in pages.items():
            wanted = bench_pages.PAGES_BY_NAME.get(name, bench_pages.MINIMAL).status
            if page["statuses"] != [wanted]:
                found.append(f"{name} ({size} data set): HTTP {page['statuses']}, not {wanted}")
    runs = [("one client", results.get("one_client"))]
    runs += [(f"{r['rate']:g}/s", r) for r in results.get("open_loop", [])]
    runs += [(f"saturation, {k}", v) for k, v in results.get("saturation", {}).items()]
    runs += [(k, results.get(k)) for k in ("restart", "submission", "documents")]
    bouncer = results.get("pgbouncer", {})
    runs += [(f"PgBouncer, {k}", bouncer.get(k)) for k in ("through", "direct")]
    for label, run in runs:
        if run and run["overall"]["failures"]:
            statuses = run["overall"]["statuses"]
            found.append(
                f"{label}: {run['overall']['failures']} of {run['overall']['count']} "
                f"requests failed (statuses {statuses})"
            )
    return found


def _run_line(run: dict) -> str:
    offered = f"offered {run['offered_rate']:.1f}/s, " if run.get("offered_rate") else ""
    unsent = f", {run['unsent']} not sent in time" if run.get("unsent") else ""
    return (
        f"{run['sent']:,} requests in {run['wall_seconds']:.1f} s ({offered}achieved "
        f"{run['achieved_rate']:.1f}/s, {run['ok_rate']:.1f}/s as expected{unsent}); "
        f"median {fmt(run['overall']['median_ms'])} ms, "
        f"p95 {fmt(run['overall']['p95_ms'])} ms, {run['overall']['failures']} failed; the load "
        f"generator's CPU share {100 * run['generator_cpu_share']:.0f} % of one core."
    )


def _targets_section(rows: list[dict]) -> list[str]:
    lines = ["| Target | Measured | Verdict | Detail |", "|---|---:|---|---|"]
    for row in rows:
        status = row["status"] if row["status"] != "missed" else f"missed by {row['miss_by']}"
        lines.append(
            f"| {row['target']} | {fmt(row['measured'], 1, row['unit'])} | {status} "
            f"| {row['detail']} |"
        )
    for row in rows:
        if row["status"] == "missed":
            lines += ["", f"- {row['target']}: missed by {row['miss_by']}. {WHY_PLACEHOLDER}"]
    return lines


def _pages_section(results: dict) -> list[str]:
    one = results.get("one_client", {}).get("pages", {})
    counts = results.get("queries", {})
    small, full = counts.get("small", {}), counts.get("full", {})
    rates = results.get("open_loop", [])
    header = "| Page | Persona | Median ms | p95 ms | Queries 1 % → full | Cache empty |"
    header += "".join(f" p95 at {r['rate']:g}/s |" for r in rates)
    lines = [header, "|---|---|---:|---:|---:|---:|" + "---:|" * len(rates)]
    for page in [bench_pages.MINIMAL, *bench_pages.PAGES]:
        timing = one.get(page.name, {})
        s, f = small.get(page.name, {}), full.get(page.name, {})
        row = (
            f"| {page.name} | {page.persona or 'anonymous'} | {fmt(timing.get('median_ms'))} "
            f"| {fmt(timing.get('p95_ms'))} | {fmt(s.get('queries'))} → {fmt(f.get('queries'))} "
            f"| {fmt(s.get('queries_uncached'))} → {fmt(f.get('queries_uncached'))} |"
        )
        for rate in rates:
            row += f" {fmt(rate['pages'].get(page.name, {}).get('p95_ms'))} |"
        lines.append(row)
    return lines


def build(results: dict) -> tuple[dict, str]:
    rows = verdicts(results)
    found = failures(results)
    data = {**results, "targets": rows, "failures": found}
    machine = results.get("machine", {})
    dataset = results.get("dataset", {})
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py): the portal under gunicorn on this machine, "
        "driven over HTTP on 127.0.0.1 by the benchmark's own load generator (bench/load.py), "
        "all in one run. Open-loop latencies are counted from each request's scheduled arrival.",
        "",
        "## Targets",
        "",
        *_targets_section(rows),
        "",
        f"Why 50 requests/s: {bench_pages.PEAK_ESTIMATE}",
        "",
        "## Machine",
        "",
        *[f"- {key.replace('_', ' ')}: {value}" for key, value in machine.items()],
        "",
        "## Data set",
        "",
        "| | 1 % | full |",
        "|---|---:|---:|",
        *[
            f"| {key.replace('_', ' ')} | {fmt(dataset['small'].get(key))} | {fmt(value)} |"
            for key, value in dataset.get("full", {}).items()
        ],
    ]
    seed = results.get("seed", {})
    if seed.get("seconds"):
        lines += ["", f"Seeding the full data set took {seed['seconds']:.0f} s ({seed['date']})."]
    lines += [
        "",
        "## Pages",
        "",
        "One client: every page in turn, "
        f"{results.get('config', {}).get('runs', '–')} rounds after 3 warm-up rounds, signed in "
        "as the persona. Queries: per request (the session's included), on the 1 % and the "
        "full data set, with Django's cache filled and just emptied. The last columns: each "
        "page's p95 within the mix at each open-loop rate.",
        "",
        *_pages_section(results),
    ]
    if results.get("one_client"):
        lines += ["", f"One client: {_run_line(results['one_client'])}"]
    lines += ["", "## The mix, open loop", ""]
    shares = ", ".join(f"{k} {v:.0%}" for k, v in bench_pages.ROLE_SHARES.items())
    lines += [f"Arrivals at random (Poisson), users by role: {shares}; reads only.", ""]
    for rate in results.get("open_loop", []):
        lines.append(f"- {rate['rate']:g} requests/s: {_run_line(rate)}")
    saturation = results.get("saturation", {})
    lines += ["", "## Saturation", ""]
    for key in ("mix", "minimal"):
        if key in saturation:
            what = "The mix" if key == "mix" else "The minimal view"
            clients = saturation[key]["clients"]
            lines.append(
                f"- {what}, {clients} clients in a closed loop: {_run_line(saturation[key])}"
            )
    restart = results.get("restart")
    lines += ["", "## After a restart", ""]
    if restart:
        lines.append(
            f"gunicorn restarted; the readiness check (/healthz) answered after "
            f"{restart['ready_seconds']:.1f} s, then the mix at {restart['rate']:g} requests/s "
            f"for {restart['seconds']:g} s: {_run_line(restart)}"
        )
    lines += ["", "## A whole submission and the draft documents", ""]
    if results.get("submission"):
        lines.append(
            "Complete drafts submitted through HTTP (POST of the review step's submit), one at "
            "a time: the completeness check, routing, the due date, the event, the outbox row, "
            f"the pre-render enqueued. {_run_line(results['submission'])}"
        )
    documents = results.get("documents")
    if documents:
        lines += [
            "",
            f"Draft documents downloaded by the agency contact, {bench_pages.DOCUMENT_CLIENTS} "
            f"at a time, rendered on demand: {_run_line(documents)}",
            "",
            "| Document | Count | Median ms | p95 ms |",
            "|---|---:|---:|---:|",
            *[
                f"| {name} | {s['count']} | {fmt(s['median_ms'])} | {fmt(s['p95_ms'])} |"
                for name, s in documents["pages"].items()
            ],
        ]
    lines += ["", "## Sweeps", ""]
    small_sweeps = {s["task"]: s for s in results.get("sweeps", {}).get("small", [])}
    lines += [
        "Every task Celery beat runs, in process, rolled back: first over the seeded backlog, "
        "then again at once (its work done).",
        "",
        "| Task | Seconds | Queries 1 % → full | Again: seconds | Again: queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for sweep in results.get("sweeps", {}).get("full", []):
        if not sweep.get("present"):
            lines.append(f"| `{sweep['task']}` | not found | | | |")
            continue
        small = small_sweeps.get(sweep["task"], {})
        lines.append(
            f"| `{sweep['task']}` | {sweep['seconds']:.3f} | {fmt(small.get('queries'))} → "
            f"{sweep['queries']} | {sweep['again_seconds']:.3f} | {sweep['again_queries']} |"
        )
    bouncer = results.get("pgbouncer", {})
    lines += ["", "## PgBouncer", ""]
    if bouncer.get("measured"):
        lines += [
            "PgBouncer in transaction mode, started by the run; the mix at saturation "
            f"({bench_pages.SATURATION_CLIENTS} clients) through it, then direct right after.",
            "",
            f"- Through PgBouncer: {_run_line(bouncer['through'])}",
            f"- Direct: {_run_line(bouncer['direct'])}",
        ]
    else:
        lines.append(f"Not measured: {bouncer.get('reason', 'the run did not get this far')}.")
    lines += ["", "## Failures", ""]
    lines += [f"- {line}" for line in found] or ["None: every request answered as expected."]
    return data, "\n".join(lines) + "\n"
