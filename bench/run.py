"""`make bench`: the statewide-scale benchmark, end to end, in one run so its ratios hold.

1. Two PostgreSQL databases on the server of DATABASE_URL: `uvisa_bench` (200,000 requests) and
   `uvisa_bench_small` (1 %), created, migrated and seeded when needed, vacuumed.
2. The sweeps, in process on each (bench/sweeps.py); the personas' sessions, the pages'
   targets and complete drafts (bench/prepare.py).
3. Every page's query count on each data set, with the cache empty and filled (a one-worker
   gunicorn, the count in each response's X-Bench-Queries header).
4. The portal under gunicorn with 2 sync workers per core, on 127.0.0.1, driven over HTTP by the
   benchmark's own load generator (bench/load.py): every page with one client; the mix at 20,
   50 and 80 requests/s (open loop); the mix and the minimal view at saturation (16 clients);
   a whole submission; the draft documents four at a time; the first seconds after a
   restart; the mix through a PgBouncer of the run's own against direct.
5. bench/results/latest.md and latest.json (bench/report.py); the requests the run filed
   deleted. Exit status 1 when a page answered with an unexpected status or a query count
   grew with the data.

Variables (durations in seconds): DATABASE_URL (a PostgreSQL server; its database name is
ignored), BENCH_DATABASE_URL and BENCH_SMALL_DATABASE_URL (explicit databases), BENCH_SMALL_ONLY=1
(everything against the small data set: a smoke test, results written to
bench/results/smoke.md), BENCH_RUNS (40 rounds of the one-client pages), BENCH_ALOAD_SECONDS
(60 per open-loop rate), BENCH_SATURATION_SECONDS (30), BENCH_RESTART_SECONDS (10),
BENCH_SUBMISSIONS (60), BENCH_DOCUMENTS (32), BENCH_WORKERS (2 per core), BENCH_THREADS (64
open-loop threads), BENCH_REDIS_URL (redis://127.0.0.1:6379/5: the cache and the broker of the
run, emptied at its start and end), BENCH_SEED (2026: the arrivals' random seed), BENCH_OUTPUT
(the results' file name, `latest`, or `smoke` with BENCH_SMALL_ONLY: a trial run at full size
with short durations can write elsewhere than the recorded run).
"""

# ruff: noqa: S603 - the commands run are this interpreter with arguments built here.
from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg2
import redis

from bench import load, report
from bench import pages as bench_pages
from bench.servers import HOST, LOG, Gunicorn, PgBouncer, free_port
from uvisa_portal.crypto import development_key

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PY = sys.executable


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"bench [{time.monotonic() - STARTED:5.0f} s]: {message}", flush=True)


def settle(seconds: float = 2.0) -> None:
    """A pause between measurements: what a server still had queued (requests whose client
    gave up) is not counted in the next one."""
    time.sleep(seconds)


@dataclass(frozen=True)
class Config:
    small_only: bool
    runs: int
    aload_seconds: float
    saturation_seconds: float
    restart_seconds: float
    submissions: int
    documents: int
    workers: int
    threads: int
    redis_url: str
    seed: int
    output: str

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        return cls(
            small_only=env("BENCH_SMALL_ONLY", "") not in ("", "0"),
            runs=int(env("BENCH_RUNS", "40")),
            aload_seconds=float(env("BENCH_ALOAD_SECONDS", "60")),
            saturation_seconds=float(env("BENCH_SATURATION_SECONDS", "30")),
            restart_seconds=float(env("BENCH_RESTART_SECONDS", "10")),
            submissions=int(env("BENCH_SUBMISSIONS", "60")),
            documents=int(env("BENCH_DOCUMENTS", "32")),
            workers=int(env("BENCH_WORKERS", str(2 * (os.cpu_count() or 1)))),
            threads=int(env("BENCH_THREADS", "64")),
            redis_url=env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
            seed=int(env("BENCH_SEED", "2026")),
            output=env("BENCH_OUTPUT", ""),
        )


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


def sql(url: str, statement: str, params: list | None = None, database: str | None = None):
    """One statement in autocommit (CREATE DATABASE and VACUUM cannot run in a transaction)."""
    parts = urlsplit(url)
    if database is not None:
        url = urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def django_env(database_url: str, secret_key: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        # The benchmark's server speaks plain HTTP on 127.0.0.1, with no TLS proxy in front.
        SECURE_SSL_REDIRECT="0",
        SECRET_KEY=secret_key,
        # The seeded databases are kept from run to run, so their encryption key must be too:
        # the caller's FIELD_ENCRYPTION_KEYS, or one derived from a fixed phrase (synthetic
        # data only; the bench refuses a database with real requests).
        FIELD_ENCRYPTION_KEYS=os.environ.get("FIELD_ENCRYPTION_KEYS")
        or development_key("uvisa-portal benchmark data set").decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_MANIFEST="0",
        CACHE_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        # Nothing leaves the machine: no page or sweep may send a real e-mail from bench data.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def prepare_database(url: str, scale: float, env: dict[str, str]) -> float | None:
    """Create, migrate, seed and vacuum; the seconds the seed took, or None if it was there."""
    name = urlsplit(url).path.lstrip("/")
    if not sql(url, "SELECT 1 FROM pg_database WHERE datname = %s", [name], "postgres"):
        log(f"creating database {name}")
        sql(url, f'CREATE DATABASE "{name}"', database="postgres")
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    seeded = False
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
    """VACUUM (ANALYZE), as autovacuum keeps a database in service: fresh statistics, and a
    visibility map so that index-only scans do not read the table (a freshly copied or
    migrated table has none, and the sweeps' rolled-back runs leave dead rows)."""
    sql(url, "VACUUM (ANALYZE)")


def django_step(module: str, env: dict[str, str], *args: str) -> dict | list:
    out = RESULTS / f".{module.rpartition('.')[2]}-{secrets.token_hex(4)}.json"
    try:
        subprocess.run([PY, "-m", module, *args, "--out", str(out)], cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)  # it may hold session keys


def flush_redis(url: str) -> None:
    """The run's own Redis database: its cache and the tasks it enqueued (no worker runs)."""
    redis.Redis.from_url(url).flushdb()


# --- what is sent -------------------------------------------------------------------------------


class Calls:
    """HTTP requests for the pages, signed in as their personas (one data set's sessions)."""

    def __init__(self, prepared: dict) -> None:
        self.prepared = prepared

    def headers(self, persona: str | None, post: bool = False) -> dict[str, str]:
        token = self.prepared["csrf_token"]
        cookies = [f"{self.prepared['csrf_cookie']}={token}"]
        if persona:
            cookies.append(f"{self.prepared['session_cookie']}={self.prepared['cookies'][persona]}")
        headers = {"Host": HOST, "User-Agent": "uvisa-bench", "Cookie": "; ".join(cookies)}
        if post:
            headers.update(
                {"X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"}
            )
        return headers

    def path(self, template: str, persona: str | None, pick: int = 0) -> str:
        targets = self.prepared["targets"].get(persona or "advocate", {})
        pks = targets.get("request_pks") or [0]
        return template.format(request_pk=pks[pick % len(pks)], agency_pk=targets["agency_pk"])

    def page(self, page: bench_pages.Page, pick: int = 0) -> load.Call:
        post = page.method == "POST"
        return load.Call(
            page.name,
            page.method,
            self.path(page.path, page.persona, pick),
            self.headers(page.persona, post),
            urlencode(page.data).encode() if post else None,
        )

    def mix(self, count: int, rng: random.Random) -> list[load.Call]:
        """`count` arrivals of the realistic mix: a role by its share, then one of its pages,
        then (for a request page) one of a hundred requests of the persona."""
        roles = list(bench_pages.ROLE_SHARES)
        shares = list(bench_pages.ROLE_SHARES.values())
        calls = []
        for _ in range(count):
            role = rng.choices(roles, shares)[0]
            names = list(bench_pages.MIX[role])
            name = rng.choices(names, list(bench_pages.MIX[role].values()))[0]
            calls.append(self.page(bench_pages.PAGES_BY_NAME[name], rng.randrange(1_000_000)))
        return calls

    def submissions(self) -> list[load.Call]:
        return [
            load.Call(
                "Submission",
                "POST",
                bench_pages.SUBMIT_PATH.format(request_pk=pk),
                self.headers("advocate", post=True),
                b"",
            )
            for pk in self.prepared["drafts"]
        ]

    def documents(self, count: int) -> list[load.Call]:
        pks = self.prepared["targets"]["contact"]["request_pks"] or [0]
        kinds = list(bench_pages.DOCUMENT_PATHS.items())
        return [
            load.Call(
                kinds[i % len(kinds)][0],
                "GET",
                kinds[i % len(kinds)][1].format(request_pk=pks[(i // len(kinds)) % len(pks)]),
                self.headers("contact"),
            )
            for i in range(count)
        ]


EXPECTED = {page.name: page.status for page in [bench_pages.MINIMAL, *bench_pages.PAGES]}
EXPECTED["Submission"] = 302


def expected(sample: load.Sample) -> bool:
    return sample.status == EXPECTED.get(sample.label, 200)


def run_info(run: load.Run) -> dict:
    overall = load.summarize(run.samples, expected)
    return {
        "planned": run.planned,
        "sent": len(run.samples),
        "unsent": run.unsent,
        "wall_seconds": round(run.wall_seconds, 2),
        "offered_rate": round(run.offered_rate, 2) if run.offered_rate else None,
        "achieved_rate": round(run.achieved_rate, 2),
        # Answered as expected, per second: what throughput is compared by (a server error is
        # fast, and no answer).
        "ok_rate": round((overall["count"] - overall["failures"]) / run.wall_seconds, 2),
        "generator_cpu_share": round(run.cpu_share, 3),
        "overall": overall,
        "pages": load.by_label(run.samples, expected),
    }


# --- the measurements ---------------------------------------------------------------------------


def query_counts(env: dict[str, str], calls: Calls) -> dict[str, dict]:
    """Each page with the cache emptied just before, then again: the counts and statuses."""
    counts = {}
    clear = load.Call("clear", "POST", "/_bench/cache-clear/", {"Host": HOST})
    with Gunicorn(env, free_port(), workers=1) as server:
        server.wait_ready()
        for page in [bench_pages.MINIMAL, *bench_pages.PAGES]:
            call = calls.page(page)
            load.fetch(HOST, server.port, call)  # first use of templates and the like
            load.fetch(HOST, server.port, clear)
            status_uncached, uncached = load.fetch(HOST, server.port, call)
            status, queries = load.fetch(HOST, server.port, call)
            counts[page.name] = {
                "queries": queries,
                "queries_uncached": uncached,
                "statuses": sorted({status, status_uncached}),
            }
    return counts


def server_info(port: int) -> dict:
    connection = load.Connection(HOST, port, 30)
    try:
        connection.connection.request("GET", "/_bench/info/", headers={"Host": HOST})
        return json.loads(connection.connection.getresponse().read())
    finally:
        connection.close()


def warm(server: Gunicorn, calls: list[load.Call], seconds: float = 3.0) -> None:
    """Every worker warm (imports, templates, connections), as in service between restarts."""
    load.closed_loop(HOST, server.port, calls, clients=server.workers, seconds=seconds)


def one_client(server: Gunicorn, calls: Calls, runs: int) -> dict:
    """Round robin: every page (and the minimal view) once per round, 3 warm-up rounds. On a
    shared machine the load drifts; interleaving makes every page see the same drift."""
    sequence = [calls.page(p) for p in [bench_pages.MINIMAL, *bench_pages.PAGES]]
    load.closed_loop(HOST, server.port, sequence, clients=1, total=3 * len(sequence))
    run = load.closed_loop(HOST, server.port, sequence, clients=1, total=runs * len(sequence))
    return run_info(run)


def open_loop(server: Gunicorn, calls: list[load.Call], rate: float, seconds: float, config):
    rng = random.Random(config.seed + int(rate))
    offsets = load.poisson_offsets(rate, seconds, rng, limit=int(rate * seconds * 2))
    run = load.open_loop(HOST, server.port, calls[: len(offsets)], offsets, threads=config.threads)
    return {"rate": rate, "seconds": seconds, **run_info(run)}


def saturated(server: Gunicorn, calls: list[load.Call], seconds: float) -> dict:
    clients = bench_pages.SATURATION_CLIENTS
    run = load.closed_loop(HOST, server.port, calls, clients=clients, seconds=seconds)
    return {"clients": clients, "seconds": seconds, **run_info(run)}


def pgbouncer_phase(url: str, env: dict, config: Config, calls: Calls, mix: list) -> dict:
    """The mix at saturation through PgBouncer, then direct again right after (adjacent in
    time, so the comparison sees the same machine)."""
    missing = PgBouncer.missing()
    if missing:
        log(f"PgBouncer not measured: {missing}")
        return {"measured": False, "reason": missing}
    bouncer = PgBouncer(url)
    result: dict = {"measured": True}
    try:
        bouncer.start()
        log(f"PgBouncer (transaction mode) on {HOST}:{bouncer.port}")
        through_env = {**env, "DATABASE_URL": bouncer.url(url)}
        for key, server_env in (("through", through_env), ("direct", env)):
            with Gunicorn(server_env, free_port(), config.workers) as server:
                server.wait_ready()
                result[f"{key}_server"] = server_info(server.port)
                warm(server, mix)
                result[key] = saturated(server, mix, config.saturation_seconds)
    except (RuntimeError, OSError) as exc:
        log(f"PgBouncer failed: {exc}")
        return {"measured": False, "reason": f"PgBouncer failed: {exc}"}
    finally:
        bouncer.stop()
    return result


def machine(workers: int, server: dict) -> dict[str, str]:
    def first(path: str, prefix: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    memory = first("/proc/meminfo", "MemTotal")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu_model": first("/proc/cpuinfo", "model name"),
        "memory": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory[0].isdigit() else "",
        "load_average_1_5_15_min_at_the_end": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": server.get("django", ""),
        "database": server.get("database", ""),
        "cache": server.get("cache", ""),
        "session_engine": server.get("session_engine", ""),
        "gunicorn": f"{importlib.metadata.version('gunicorn')} ({workers} sync workers)",
        "commit": commit or "unknown",
    }


def main() -> int:
    config = Config.from_env()
    full_url, small_url = database_urls()
    if config.small_only:
        full_url = small_url
    secret_key = secrets.token_urlsafe(50)
    full_env = django_env(full_url, secret_key, config.redis_url)
    small_env = django_env(small_url, secret_key, config.redis_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("")
    seed_file = RESULTS / "seed.json"

    log("preparing the small data set (scale 0.01)")
    prepare_database(small_url, 0.01, small_env)
    if not config.small_only:
        log("preparing the full data set")
        seeded = prepare_database(full_url, 1.0, full_env)
        if seeded is not None:
            seed_file.write_text(
                json.dumps({"seconds": round(seeded, 1), "date": str(datetime.date.today())})
            )
    seed = json.loads(seed_file.read_text()) if seed_file.exists() and not config.small_only else {}

    log("sweeps, in process, on each data set")
    sweeps = {"small": django_step("bench.sweeps", small_env)}
    sweeps["full"] = sweeps["small"] if config.small_only else django_step("bench.sweeps", full_env)
    for url in {small_url, full_url}:
        vacuum(url)

    started = datetime.datetime.now(datetime.UTC)
    settings = {k: v for k, v in config.__dict__.items() if k != "redis_url"}
    results: dict = {"seed": seed, "sweeps": sweeps, "config": settings}
    try:
        flush_redis(config.redis_url)
        small = django_step("bench.prepare", small_env, "targets")
        full = django_step(
            "bench.prepare", full_env, "targets", "--drafts", str(config.submissions)
        )
        results["dataset"] = {"small": small["dataset"], "full": full["dataset"]}
        small_calls, calls = Calls(small), Calls(full)
        log("query counts, cache empty and filled, on each data set")
        results["queries"] = {
            "small": query_counts(small_env, small_calls),
            "full": query_counts(full_env, calls),
        }
        flush_redis(config.redis_url)
        rng = random.Random(config.seed)
        mix = calls.mix(int(max(bench_pages.RATES) * config.aload_seconds * 2), rng)

        log(f"gunicorn with {config.workers} workers")
        with Gunicorn(full_env, free_port(), config.workers) as server:
            server.wait_ready()
            results["server"] = server_info(server.port)
            warm(server, mix)
            log(f"  every page with one client ({config.runs} rounds)")
            results["one_client"] = one_client(server, calls, config.runs)
            results["open_loop"] = []
            for rate in bench_pages.RATES:
                settle()
                log(f"  the mix at {rate} requests/s for {config.aload_seconds:g} s")
                results["open_loop"].append(
                    open_loop(server, mix, rate, config.aload_seconds, config)
                )
            log(f"  saturation: {bench_pages.SATURATION_CLIENTS} clients")
            settle()
            results["saturation"] = {"mix": saturated(server, mix, config.saturation_seconds)}
            settle()
            results["saturation"]["minimal"] = saturated(
                server, [calls.page(bench_pages.MINIMAL)], config.saturation_seconds
            )
            settle()
            log(f"  {len(full['drafts'])} submissions, one at a time")
            if full["drafts"]:
                submissions = calls.submissions()
                run = load.closed_loop(
                    HOST, server.port, submissions, total=len(submissions), clients=1
                )
                results["submission"] = run_info(run)
            log(f"  {config.documents} draft documents, {bench_pages.DOCUMENT_CLIENTS} at a time")
            documents = calls.documents(config.documents)
            clients = bench_pages.DOCUMENT_CLIENTS
            run = load.closed_loop(
                HOST, server.port, documents, clients=clients, total=len(documents)
            )
            results["documents"] = run_info(run)

        log(f"restart: the mix at {bench_pages.RESTART_RATE}/s for {config.restart_seconds:g} s")
        with Gunicorn(full_env, free_port(), config.workers) as server:
            ready = server.wait_ready()
            results["restart"] = {
                "ready_seconds": round(ready, 2),
                **open_loop(server, mix, bench_pages.RESTART_RATE, config.restart_seconds, config),
            }
        results["pgbouncer"] = pgbouncer_phase(full_url, full_env, config, calls, mix)
    finally:
        for url, env in {small_url: small_env, full_url: full_env}.items():
            removed = django_step("bench.prepare", env, "cleanup", "--since", started.isoformat())
            name = urlsplit(url).path.lstrip("/")
            log(f"removed the {removed['removed']} requests this run filed ({name})")
        flush_redis(config.redis_url)

    results["machine"] = machine(config.workers, results.get("server", {}))
    data, markdown = report.build(results)
    stem = config.output or ("smoke" if config.small_only else "latest")
    (RESULTS / f"{stem}.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / f"{stem}.md").write_text(markdown)
    print(markdown)
    log(f"written {RESULTS / f'{stem}.md'} ({(time.monotonic() - STARTED) / 60:.1f} minutes)")
    if data["failures"]:
        log(f"failures: the servers' output is in {LOG.relative_to(ROOT)}")
    return 1 if data["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
