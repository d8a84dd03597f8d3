"""The in-process half of the benchmark, run once per data set by bench/run.py:

1. Sign the personas in by creating their sessions directly (no login form, no signals).
2. For each page: request it through Django's test client with the persona's cookie, capture its
   SQL (`CaptureQueriesContext`), count the queries, and, with --timing, time the captured
   statements run again directly on a cursor (the data's floor).
3. With --timing: the sweeps and documents named in bench/pages.py, and a one-line WeasyPrint page.

Writes JSON to --out. Usage: DATABASE_URL=... python -m bench.inprocess --out file.json [--timing]
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uvisa_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Organization, User  # noqa: E402
from agencies.models import Agency, County, PointOfContact  # noqa: E402
from agencies.selectors import contact_for_user  # noqa: E402
from bench import pages as bench_pages  # noqa: E402
from bench.seed import PERSONA_EMAILS, PREFIX  # noqa: E402
from certifications.access import certification_requests_visible_to  # noqa: E402
from certifications.choices import OPEN_STATUSES, Status  # noqa: E402
from certifications.models import (  # noqa: E402
    Attachment,
    CertificationRequest,
    Message,
    RequestEvent,
)

CSRF_TOKEN = "benchcsrftokenbenchcsrftoken0123"  # noqa: S105 - 32 characters: a valid unmasked secret
TX_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    # Nearest rank: the smallest value with at least `fraction` of the values at or below it.
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 3),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 3),
        "runs": len(seconds),
    }


# --- personas and targets ---------------------------------------------------------------------


def session_for(user: User) -> str:
    """A signed-in session for `user`, as `django.contrib.auth.login` would store it."""
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The backend that loads users (axes' backend, first in the list, only counts failures).
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As after a completed sign-in with the second factor (required for agency roles).
    from accounts.middleware import MFA_OK_KEY

    store[MFA_OK_KEY] = True
    store.create()
    return store.session_key


def personas() -> dict[str, User]:
    found = {u.email: u for u in User.objects.filter(email__in=PERSONA_EMAILS.values())}
    missing = [p for p, email in PERSONA_EMAILS.items() if email not in found]
    if missing:
        sys.exit(f"bench: personas missing from the data set: {missing}; run seed_benchmark.")
    return {persona: found[email] for persona, email in PERSONA_EMAILS.items()}


def targets_for(user: User | None, people: dict[str, User]) -> dict[str, object]:
    bench_requests = CertificationRequest.objects.filter(organization__name__startswith=PREFIX)
    visible = certification_requests_visible_to(user=user) if user else bench_requests.none()
    # The same status on both data sets: a page's queries depend on the request's status (its
    # actions), and the growth check must compare like with like.
    request = (
        visible.filter(status=Status.SUBMITTED).order_by("-id").first()
        or visible.filter(status__in=OPEN_STATUSES).order_by("-id").first()
        or visible.exclude(status=Status.DRAFT).order_by("-id").first()
        or bench_requests.filter(status__in=OPEN_STATUSES).order_by("-id").first()
    )
    contact = contact_for_user(user=user) if user else None
    agency_pk = (
        contact.agency_id
        if contact
        else PointOfContact.objects.get(email=PERSONA_EMAILS["contact"]).agency_id
    )
    organization_pk = (
        user.organization_id
        if user and user.organization_id
        else people["advocate"].organization_id
    )
    attachment = Attachment.objects.filter(request=request).order_by("id").first()
    county = County.objects.filter(agencies__isnull=False).order_by("name").first()
    return {
        "request_pk": request.pk if request else 0,
        "attachment_pk": attachment.pk if attachment else 0,
        "agency_pk": agency_pk,
        "organization_pk": organization_pk,
        "county": county.name if county else "",
    }


# --- pages --------------------------------------------------------------------------------------


def _replay(statements: list[str], writes: bool) -> None:
    def run_all() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    if writes:
        # The page's writes (an audit entry, a session) cost time too; they are replayed and
        # rolled back so the data set stays as seeded.
        with transaction.atomic():
            run_all()
            transaction.set_rollback(True)
    else:
        run_all()


def sql_floor(captured: list[dict], runs: int) -> dict:
    """Time the page's own statements run directly, without Django around them."""
    statements = [
        q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith(TX_CONTROL)
    ]
    usable: list[str] = []
    skipped = 0
    # Dry run: a statement that cannot run twice (an INSERT of a unique row) is left out.
    with transaction.atomic():
        for sql in statements:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
                usable.append(sql)
            except DatabaseError:
                skipped += 1
        transaction.set_rollback(True)
    writes = any(not s.lstrip().upper().startswith(("SELECT", "WITH")) for s in usable)
    for _ in range(3):
        _replay(usable, writes)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        _replay(usable, writes)
        times.append(time.perf_counter() - started)
    return {**summary_ms(times), "statements": len(usable), "not_replayable": skipped}


def measure_page(
    page: bench_pages.Page, cookies: dict[str, str], targets: dict, timing: bool, runs: int
) -> dict:
    client = Client(HTTP_HOST="127.0.0.1")
    if page.persona:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookies[page.persona]
    path = page.path.format(**targets)
    data = {k: v.format(**targets) for k, v in page.data.items()}

    def fetch():
        if page.method == "POST":
            return client.post(path, data)
        return client.get(path)

    def counted(captured: list[dict]) -> int:
        return sum(1 for q in captured if not q["sql"].upper().startswith(TX_CONTROL))

    # Warm up (first-use caches: content types, templates). Then one request with Django's
    # cache empty: the page's whole work (the statistics pages keep their rendered figures,
    # the queue its agency's figures), whose query count must not grow either; then one as the
    # timed requests find it, whose statements are the SQL floor.
    for _ in range(2):
        fetch()
    cache.clear()
    with CaptureQueriesContext(connection) as uncached:
        fetch()
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
    result = {
        "path": path,
        "persona": page.persona,
        "method": page.method,
        "data": data,
        "status": response.status_code,
        "expected_status": page.status,
        "queries": counted(ctx.captured_queries),
        "queries_uncached": counted(uncached.captured_queries),
    }
    if timing:
        result["floor"] = sql_floor(ctx.captured_queries, runs)
    return result


# --- hooks: sweeps and documents -----------------------------------------------------------------


def resolve(dotted: str) -> Callable | None:
    module_name, _, name = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None  # the module does not exist (yet)
        raise
    return getattr(module, name, None)


def discover(modules: list[str], word: str) -> dict[str, Callable]:
    found: dict[str, Callable] = {}
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        for name, obj in vars(module).items():
            if name.startswith("_") or word not in name.lower() or not callable(obj):
                continue
            if getattr(obj, "__module__", None) != module_name or inspect.isclass(obj):
                continue
            found[f"{module_name}.{name}"] = obj
    return found


def _hooks(listed: list[bench_pages.Hook], modules: list[str], word: str):
    seen: set[int] = set()
    for hook in listed:
        fn = resolve(hook.dotted)
        if fn is not None:
            seen.add(id(fn))
        yield hook.name, hook.dotted, fn
    for dotted, fn in discover(modules, word).items():
        if id(fn) not in seen:
            seen.add(id(fn))
            yield dotted.rpartition(".")[2].replace("_", " ").capitalize(), dotted, fn


def measure_sweeps(runs: int) -> list[dict]:
    results = []
    for name, dotted, fn in _hooks(bench_pages.SWEEPS, bench_pages.SWEEP_MODULES, "sweep"):
        if fn is None:
            results.append({"name": name, "hook": dotted, "present": False})
            continue
        times, queries = [], []
        for _ in range(runs):
            # Rolled back: each run finds the same work, and the data set stays as seeded.
            with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
            queries.append(len(ctx.captured_queries))
        results.append(
            {
                "name": name,
                "hook": dotted,
                "present": True,
                "seconds": round(statistics.median(times), 3),
                "queries": max(queries),
            }
        )
    return results


def weasyprint_reference(runs: int) -> dict:
    from weasyprint import HTML

    def render() -> bytes:
        return HTML(string="<p>One line.</p>").write_pdf()

    render()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        times.append(time.perf_counter() - started)
    return summary_ms(times)


def measure_documents(runs: int, request: CertificationRequest | None) -> list[dict]:
    results = []
    for name, dotted, fn in _hooks(bench_pages.DOCUMENTS, bench_pages.DOCUMENT_MODULES, "render"):
        if fn is None or request is None:
            results.append({"name": name, "hook": dotted, "present": fn is not None})
            continue
        fn(request=request)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            fn(request=request)
            times.append(time.perf_counter() - started)
        results.append({"name": name, "hook": dotted, "present": True, **summary_ms(times)})
    return results


# --- the data set -------------------------------------------------------------------------------


def dataset() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "points_of_contact": PointOfContact.objects.count(),
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "requests": CertificationRequest.objects.count(),
        "open_requests": CertificationRequest.objects.filter(status__in=OPEN_STATUSES).count(),
        "events": RequestEvent.objects.count(),
        "messages": Message.objects.count(),
        "attachments": Attachment.objects.count(),
    }


def remove_drafts_filed_since(started: datetime.datetime) -> int:
    """Delete the drafts the benchmark itself filed since `started` (its "new draft" page, in
    process and over HTTP: one per round), so the data set stays as seeded from run to run
    instead of growing by some 160 requests each time. Seeded drafts are older than the run.
    Their audit entries stay: the trail is append-only, and no measured page reads it."""
    advocate = User.objects.get(email=PERSONA_EMAILS["advocate"])
    filed = CertificationRequest.objects.filter(
        created_by=advocate, status=Status.DRAFT, created_at__gte=started
    )
    removed = filed.count()
    with transaction.atomic():
        filed.delete()
    return removed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--remove-drafts-since",
        type=datetime.datetime.fromisoformat,
        help="only delete the drafts the benchmark filed since this moment (ISO 8601)",
    )
    args = parser.parse_args(argv)
    if args.remove_drafts_since is not None:
        removed = remove_drafts_filed_since(args.remove_drafts_since)
        args.out.write_text(json.dumps({"removed": removed}))
        return
    # The same URLconf as the gunicorn the runner starts (bench/wsgi.py): the minimal view.
    settings.ROOT_URLCONF = "bench.urls"

    people = personas()
    cookies = {persona: session_for(user) for persona, user in people.items()}
    pages = {}
    for page in [bench_pages.MINIMAL, bench_pages.BASE_PAGE, *bench_pages.PAGES]:
        user = people.get(page.persona) if page.persona else None
        pages[page.name] = measure_page(
            page, cookies, targets_for(user, people), args.timing, args.runs
        )
    out: dict = {
        "vendor": connection.vendor,
        "database": connection.settings_dict["NAME"],
        "dataset": dataset(),
        "cookies": cookies,
        "csrf_token": CSRF_TOKEN,
        "pages": pages,
    }
    out["sweeps"] = measure_sweeps(3 if args.timing else 1)
    if args.timing:
        contact = people["contact"]
        document_request = (
            certification_requests_visible_to(user=contact)
            .filter(status__in=OPEN_STATUSES)
            .order_by("-id")
            .first()
        )
        out["weasyprint_one_line"] = weasyprint_reference(10)
        out["documents"] = measure_documents(10, document_request)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            out["server_version"] = f"PostgreSQL {cursor.fetchone()[0]}"
    args.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
