"""`make bench`: the statewide-scale benchmark, end to end.

1. Two PostgreSQL databases on the server of DATABASE_URL: `uvisa_bench` (the full data set) and
   `uvisa_bench_small` (1 %), created, migrated and seeded when needed (seeding is idempotent).
2. In-process, against each (bench/inprocess.py): sessions for the personas, each page's SQL
   query count; against the full one also each page's SQL floor, the sweeps and the documents.
3. The portal under gunicorn on 127.0.0.1 (loopback only) with the full data set; each page and
   the minimal view requested BENCH_RUNS times after a warm-up, one at a time.
4. bench/results/latest.md and latest.json; exit status 1 when a page's query count grows with
   the data or a page answers with an unexpected status.
5. The drafts the run filed (the "new draft" page) deleted from both data sets.

Variables: DATABASE_URL (a PostgreSQL server; its database name is ignored), BENCH_DATABASE_URL
and BENCH_SMALL_DATABASE_URL (explicit databases), BENCH_RUNS (150), BENCH_PORT (8800),
BENCH_WORKERS (the number of CPUs), BENCH_SCALE (1.0), BENCH_SMALL_SCALE (0.01).
"""

# ruff: noqa: S603, S607 - the commands run are this interpreter, its gunicorn and git, with
# arguments built here; nothing comes from outside.
from __future__ import annotations

import datetime
import http.client
import importlib.metadata
import json
import math
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench import pages as bench_pages

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- databases ----------------------------------------------------------------------------------


def database_urls() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/uvisa_bench")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("bench: make bench runs against PostgreSQL; set DATABASE_URL=postgres://...")
    parts = urlsplit(base)

    def named(name: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    return (
        os.environ.get("BENCH_DATABASE_URL", named("uvisa_bench")),
        os.environ.get("BENCH_SMALL_DATABASE_URL", named("uvisa_bench_small")),
    )


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def django_env(database_url: str, secret_key: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_MANIFEST="0",
        # Nothing leaves the machine: no page or sweep may send a real e-mail from bench data.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare(url: str, scale: float, env: dict[str, str]) -> float | None:
    """Migrate and seed; the seconds the seed took, or None when it was already there."""
    ensure_database(url)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    seeded = False
    # The seeder's progress lines are passed on as they come.
    with subprocess.Popen(
        [PY, "manage.py", "seed_benchmark", "--scale", str(scale)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        for line in process.stdout:
            log(f"  {line.rstrip()}")
            seeded = seeded or line.startswith("Seeded")
    if process.returncode:
        sys.exit(f"bench: seed_benchmark failed (exit status {process.returncode})")
    seconds = time.monotonic() - started if seeded else None
    vacuum(url)
    return seconds


def vacuum(url: str) -> None:
    """VACUUM (ANALYZE) the data set, as autovacuum keeps a database in service: a migration
    that rewrote a table (a new stored column) leaves it without a visibility map, and every
    index-only scan would then read the table too, which is not what production sees."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.close()


def remove_filed_drafts(env: dict[str, str], out: Path, started: datetime.datetime) -> int:
    """The drafts this run filed, deleted (bench/inprocess.py, remove_drafts_filed_since)."""
    command = [PY, "-m", "bench.inprocess", "--out", str(out)]
    command += ["--remove-drafts-since", started.isoformat()]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    removed = json.loads(out.read_text())["removed"]
    out.unlink()
    return removed


def inprocess(env: dict[str, str], out: Path, timing: bool, runs: int) -> dict:
    command = [PY, "-m", "bench.inprocess", "--out", str(out), "--runs", str(runs)]
    if timing:
        command.append("--timing")
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text())


# --- HTTP ---------------------------------------------------------------------------------------


class Server:
    """gunicorn on the loopback interface, stopped by its own process group."""

    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "bench.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit("bench: gunicorn exited during start-up")
            try:
                status, _ = self.fetch("GET", path, {})
                if status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit("bench: gunicorn did not answer within a minute")

    def fetch(self, method: str, path: str, headers: dict, body: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            return response.status, payload
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _request_for(page: bench_pages.Page, page_result: dict, full: dict):
    headers = {"Host": "127.0.0.1", "User-Agent": "uvisa-bench"}
    cookies = [f"csrftoken={full['csrf_token']}"]
    if page.persona:
        cookies.append(f"sessionid={full['cookies'][page.persona]}")
    headers["Cookie"] = "; ".join(cookies)
    body = None
    if page.method == "POST":
        headers["X-CSRFToken"] = full["csrf_token"]
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(page_result.get("data", {}))
    return page.method, page_result["path"], headers, body


def time_pages(server: Server, pages: list[bench_pages.Page], full: dict, runs: int) -> dict:
    """Round robin: every page (and the minimal view) once per round, 5 warm-up rounds, then
    `runs` timed ones. On a shared machine the load drifts; interleaving makes every page see the
    same drift, so the ratios stay fair."""
    requests = {p.name: _request_for(p, full["pages"][p.name], full) for p in pages}
    times: dict[str, list[float]] = {p.name: [] for p in pages}
    statuses: dict[str, set[int]] = {p.name: set() for p in pages}
    for round_ in range(5 + runs):
        for page in pages:
            method, path, headers, body = requests[page.name]
            started = time.perf_counter()
            status, _ = server.fetch(method, path, headers, body)
            elapsed = time.perf_counter() - started
            statuses[page.name].add(status)
            if round_ >= 5:
                times[page.name].append(elapsed)
    return {
        name: {
            "median_ms": round(statistics.median(values) * 1000, 3),
            "p95_ms": round(percentile(values, 0.95) * 1000, 3),
            "runs": runs,
            "http_statuses": sorted(statuses[name]),
        }
        for name, values in times.items()
    }


# --- the machine --------------------------------------------------------------------------------


def subsetter() -> str:
    """Which font subsetter WeasyPrint finds: HarfBuzz's library, or its fontTools fallback,
    which makes every document about three times slower (README, "Two commands")."""
    from weasyprint.text import ffi

    return "HarfBuzz" if ffi.harfbuzz_subset is not None else "fontTools (slow)"


def machine(server_version: str, workers: int) -> dict[str, str]:
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        # Other work on the machine shows in the absolute times (not much in the ratios).
        "load_average_1_5_15_min_at_the_end": load,
        "cpu_model": cpu,
        "memory": memory,
        "os": platform.platform(),
        "database": server_version,
        "python": platform.python_version(),
        "django": importlib.metadata.version("django"),
        "gunicorn": f"{importlib.metadata.version('gunicorn')} ({workers} sync workers)",
        "weasyprint": f"{importlib.metadata.version('weasyprint')}, fonts subset by {subsetter()}",
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown",
    }


# --- the report ---------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, 2)


def fmt(value, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}{suffix}"
    return f"{value:,}{suffix}"


def page_verdict(notes: list[str]) -> list[str]:
    """ "ok" before a page's notes when none of them is a miss or a failure."""
    return [] if any(note.startswith(("miss", "FAIL")) for note in notes) else ["ok"]


def build_report(
    small: dict, full: dict, http: dict[str, dict], seed: dict, info: dict
) -> tuple[dict, str, list[str]]:
    failures: list[str] = []
    minimal = http[bench_pages.MINIMAL.name]
    base = http.get(bench_pages.BASE_PAGE.name)
    rows = []
    for page in bench_pages.PAGES:
        f, s, h = full["pages"][page.name], small["pages"][page.name], http[page.name]
        floor = f["floor"]["median_ms"] if f["floor"]["statements"] else None
        row = {
            "name": page.name,
            "path": f["path"],
            "persona": page.persona or "anonymous",
            "median_ms": h["median_ms"],
            "p95_ms": h["p95_ms"],
            "x_minimal": ratio(h["median_ms"], minimal["median_ms"]),
            "x_base_page": ratio(h["median_ms"], base["median_ms"]) if base else None,
            "sql_floor_ms": floor,
            "x_sql_floor": ratio(h["median_ms"], floor),
            "queries_small": s["queries"],
            "queries_full": f["queries"],
            "queries_uncached_small": s.get("queries_uncached"),
            "queries_uncached_full": f.get("queries_uncached"),
            "http_statuses": h["http_statuses"],
            "notes": [],
        }
        counts = [("", row["queries_small"], row["queries_full"])]
        if row["queries_uncached_small"] is not None and row["queries_uncached_full"] is not None:
            counts.append(
                (" uncached", row["queries_uncached_small"], row["queries_uncached_full"])
            )
        for kind, small_count, full_count in counts:
            if full_count > small_count:
                failures.append(
                    f"{page.name}: {small_count}{kind} queries on the small data set, "
                    f"{full_count} on the full one (grows with the data)"
                )
                row["notes"].append(f"FAIL:{kind} queries grow with the data")
        if len(counts) > 1 and row["queries_uncached_full"] != row["queries_full"]:
            row["notes"].append(
                f"{row['queries_uncached_small']} → {row['queries_uncached_full']} queries with "
                "Django's cache empty (the timed views find it filled)"
            )
        if h["http_statuses"] != [page.status] or f["status"] != page.status:
            failures.append(f"{page.name}: HTTP {h['http_statuses']}, expected {page.status}")
            row["notes"].append(f"FAIL: HTTP {h['http_statuses']}")
        if row["x_minimal"] is not None and row["x_minimal"] > bench_pages.PAGE_RATIO_TARGET:
            row["notes"].append(f"miss: over {bench_pages.PAGE_RATIO_TARGET:g}× the minimal view")
        if h["p95_ms"] > bench_pages.PAGE_P95_TARGET_MS:
            row["notes"].append(f"miss: p95 over {bench_pages.PAGE_P95_TARGET_MS:g} ms")
        rows.append(row)

    reference = full.get("weasyprint_one_line", {})
    documents = []
    for doc in full.get("documents", []):
        if doc.get("present") and "median_ms" in doc:
            target = 2 * reference["median_ms"] + 300
            doc = {
                **doc,
                "target_ms": round(target, 1),
                "x_weasyprint": ratio(doc["median_ms"], reference["median_ms"]),
                "meets": doc["median_ms"] < target,
            }
        documents.append(doc)
    sweeps = []
    small_sweeps = {s["hook"]: s for s in small.get("sweeps", [])}
    # Issue: queries per batch, not per request. Per-request queries grow like the number of open
    # requests (about 120× from the 1 % set to the full one); batches grow far more slowly.
    open_growth = full["dataset"].get("open_requests", 0) / max(
        1, small["dataset"].get("open_requests", 0)
    )
    for sweep in full.get("sweeps", []):
        if sweep.get("present"):
            queries_small = small_sweeps.get(sweep["hook"], {}).get("queries")
            growth = sweep["queries"] / max(1, queries_small or 0)
            sweep = {
                **sweep,
                "queries_small": queries_small,
                "per_request": growth > open_growth / 2,
            }
        sweeps.append(sweep)
    present_sweeps = [s for s in sweeps if s.get("present")]
    sweeps_total = sum(s["seconds"] for s in present_sweeps) if present_sweeps else None

    data = {
        "machine": info,
        "dataset": {"small": small["dataset"], "full": full["dataset"]},
        "seed": seed,
        "minimal_view": minimal,
        "base_page": base,
        "pages": rows,
        "sweeps": sweeps,
        "sweeps_total_seconds": sweeps_total,
        "weasyprint_one_line": reference,
        "documents": documents,
        "failures": failures,
    }

    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py). Times are for this machine; the ratios are what "
        "count. Targets: README, section Performance.",
        "",
        "## Machine",
        "",
        *[f"- {key.replace('_', ' ')}: {value}" for key, value in info.items()],
        "",
        "## Data set",
        "",
        "| | small | full |",
        "|---|---:|---:|",
        *[
            f"| {key.replace('_', ' ')} | {small['dataset'][key]:,} | {full['dataset'][key]:,} |"
            for key in full["dataset"]
        ],
        "",
        (
            f"Seeding the full data set took {seed['seconds']:.0f} s on {seed['date']} "
            f"(`manage.py seed_benchmark`, COPY on PostgreSQL)."
            if seed.get("seconds")
            else "Seeding time: not recorded (the data set was seeded before this run)."
        ),
        "",
        "## Pages",
        "",
        f"Each page {minimal['runs']} times after 5 warm-up rounds, one request at a time in "
        "round robin over all pages, over HTTP to gunicorn on 127.0.0.1, signed in as the "
        "persona. Minimal Django view (framework "
        f"floor, same server, middleware and session cookie): median {minimal['median_ms']:.2f} "
        f"ms, p95 {minimal['p95_ms']:.2f} ms. SQL floor: the page's own statements (captured "
        "in-process) run again directly on a cursor."
        + (
            f" Second reference (not a target): the base template with navigation and no "
            f"content, median {base['median_ms']:.2f} ms, p95 {base['p95_ms']:.2f} ms."
            if base
            else ""
        ),
        "",
        "| Page | Persona | Median ms | p95 ms | × minimal | × base template | SQL floor ms "
        "| × SQL floor | Queries (1 % → full) | Notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} (`{row['path']}`) | {row['persona']} | {fmt(row['median_ms'])} "
            f"| {fmt(row['p95_ms'])} | {fmt(row['x_minimal'])} | {fmt(row['x_base_page'])} "
            f"| {fmt(row['sql_floor_ms'])} "
            f"| {fmt(row['x_sql_floor'])} | {row['queries_small']} → {row['queries_full']} "
            f"| {'; '.join(page_verdict(row['notes']) + row['notes'])} |"
        )
    lines += ["", "## Reminder sweeps", ""]
    lines += (
        [
            "| Sweep | Hook | Seconds (full) | Queries (1 % → full) |",
            "|---|---|---:|---:|",
            *[
                f"| {s['name']} | `{s['hook']}` | {s['seconds']:.3f} | "
                f"{fmt(s.get('queries_small'))} → {s['queries']}"
                f"{' (grows like the requests: per request?)' if s['per_request'] else ''} |"
                if s.get("present")
                else f"| {s['name']} | `{s['hook']}` | not present | – |"
                for s in sweeps
            ],
            "",
            (
                f"All sweeps together: {sweeps_total:.2f} s (target under "
                f"{bench_pages.SWEEPS_TOTAL_TARGET_SECONDS:g} s)."
                if sweeps_total is not None
                else "No sweep is present yet."
            ),
        ]
        if sweeps
        else ["No sweep listed."]
    )
    lines += [
        "",
        "## Draft documents",
        "",
        f"Reference: a one-line WeasyPrint page, median {fmt(reference.get('median_ms'))} ms, "
        f"p95 {fmt(reference.get('p95_ms'))} ms.",
        "",
        "| Document | Hook | Median ms | p95 ms | × one-line page | Target ms | |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for doc in documents:
        if "median_ms" in doc:
            lines.append(
                f"| {doc['name']} | `{doc['hook']}` | {fmt(doc['median_ms'])} | "
                f"{fmt(doc['p95_ms'])} | {fmt(doc['x_weasyprint'])} | {fmt(doc['target_ms'])} | "
                f"{'ok' if doc['meets'] else 'miss'} |"
            )
        else:
            lines.append(f"| {doc['name']} | `{doc['hook']}` | not present | | | | |")
    lines += ["", "## Result", ""]
    lines += [f"- FAIL: {f}" for f in failures] or ["- No page's query count grows with the data."]
    return data, "\n".join(lines) + "\n", failures


def main() -> int:
    # 150 rounds: with 50, a page's median moved 3 to 5 % between runs of the same code, as
    # much as the margin of the pages closest to 3x (README, "Latest figures"). About five
    # minutes for the whole benchmark on the 2-CPU machine, one more than with 50.
    runs = int(os.environ.get("BENCH_RUNS", "150"))
    port = int(os.environ.get("BENCH_PORT", "8800"))
    workers = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    small_scale = float(os.environ.get("BENCH_SMALL_SCALE", "0.01"))
    full_url, small_url = database_urls()
    secret_key = secrets.token_urlsafe(50)
    full_env = django_env(full_url, secret_key)
    small_env = django_env(small_url, secret_key)
    RESULTS.mkdir(parents=True, exist_ok=True)
    seed_file = RESULTS / "seed.json"

    log(f"preparing the small data set (scale {small_scale})")
    prepare(small_url, small_scale, small_env)
    log(f"preparing the full data set (scale {scale})")
    seeded = prepare(full_url, scale, full_env)
    if seeded is not None:
        seed_file.write_text(
            json.dumps(
                {
                    "seconds": round(seeded, 1),
                    "scale": scale,
                    "date": datetime.date.today().isoformat(),
                },
                indent=2,
            )
        )
    seed = json.loads(seed_file.read_text()) if seed_file.exists() else {}

    # What the run files from here on (the "new draft" page) is removed at its end.
    started = datetime.datetime.now(datetime.UTC)
    log("measuring query counts on the small data set")
    small = inprocess(small_env, RESULTS / "inprocess-small.json", False, runs)
    log("measuring query counts, SQL floors, sweeps and documents on the full data set")
    full = inprocess(full_env, RESULTS / "inprocess-full.json", True, runs)
    # The in-process run just escalated and rolled back some 2,600 requests at once (the seeded
    # backlog; in service the sweep escalates a day's few dozen) and filed drafts. Left
    # there, those dead row versions would send every index-only count to the table until
    # autovacuum came by; the pages are measured as autovacuum keeps them.
    vacuum(full_url)

    log(f"starting gunicorn on 127.0.0.1:{port} ({workers} workers)")
    server = Server(full_env, port, workers)
    http: dict[str, dict] = {}
    try:
        server.wait_ready(bench_pages.MINIMAL.path)
        log(f"  {len(bench_pages.PAGES) + 1} pages, {runs} rounds")
        http = time_pages(
            server, [bench_pages.MINIMAL, bench_pages.BASE_PAGE, *bench_pages.PAGES], full, runs
        )
    finally:
        server.stop()
        for name, env in (("small", small_env), ("full", full_env)):
            removed = remove_filed_drafts(env, RESULTS / f"removed-{name}.json", started)
            log(f"removed the {removed} drafts this run filed in the {name} data set")

    info = machine(full.get("server_version", "unknown"), workers)
    data, markdown, failures = build_report(small, full, http, seed, info)
    (RESULTS / "latest.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown)
    for scratch in ("inprocess-small.json", "inprocess-full.json"):
        (RESULTS / scratch).unlink(missing_ok=True)  # they hold session keys
    print(markdown)
    log(f"written {RESULTS / 'latest.md'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
