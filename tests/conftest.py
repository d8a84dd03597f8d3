"""Shared fixtures: the personas every access test uses, real Chromium, a real Celery worker."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Organization, Role, User
from accounts.permissions import administrator_access_set
from agencies.models import Agency, AgencyKind, AgencyLevel, CertifyingDesignation
from certifications.services.editions import form_editions_load_data

from .factories import (
    AgencyFactory,
    OrganizationFactory,
    PointOfContactFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent
# The fault suite (tests/faults, `make faults`) starts servers and processes of its own and
# takes minutes: it runs on its own (FAULT_SUITE=1), once in CI, not in every test run.
collect_ignore = [] if os.environ.get("FAULT_SUITE") == "1" else ["faults"]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test
# body (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests create and sign in many users; the production hasher's cost is not under test
    (the password rules are, through the validators, which do not depend on the hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_not_scanned(settings):
    """Uploads are not virus-scanned unless a test asks for the real clamd (`clamd` fixture),
    whatever CLAMD_SOCKET the environment running the tests has."""
    settings.CLAMD_SOCKET = ""


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached figures, rate-limit counters)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _form_editions(request):
    """The editions the data migration loads. A test that flushes the database at its end
    (transactional_db, live_server) removes them for a later run with --reuse-db."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    form_editions_load_data()


@dataclass
class Personas:
    org_a: Organization
    org_b: Organization
    advocate_a: User
    advocate_b: User
    agency_x: Agency
    agency_y: Agency
    contact_x: User
    contact_y: User
    coordinator_agency: Agency
    coordinator: User
    admin: User
    deactivated: User

    def all_users(self) -> dict[str, User]:
        return {
            "advocate_a": self.advocate_a,
            "advocate_b": self.advocate_b,
            "contact_x": self.contact_x,
            "contact_y": self.contact_y,
            "coordinator": self.coordinator,
            "admin": self.admin,
            "deactivated": self.deactivated,
        }


def _contact_user(agency: Agency, email: str, name: str, role: str = Role.AGENCY_CONTACT) -> User:
    user = UserFactory(email=email, full_name=name, role=role, organization=None)
    contact = PointOfContactFactory(
        agency=agency, user=user, name=name, email=email, is_primary=True
    )
    # Each persona is a certifying official its agency's head designated (8 CFR 214.14(a)(3)),
    # so it may record decisions; tests of who may not sign add a contact without one.
    CertifyingDesignation.objects.create(
        contact=contact, designated_on=timezone.localdate() - datetime.timedelta(days=100)
    )
    # Enrolled by the factory (every role must use a second factor), so force_login and
    # portal.login keep working.
    return user


@pytest.fixture
def personas(db) -> Personas:
    """Advocates of two organizations, contacts of two agencies, the coordinator, an admin."""
    org_a = OrganizationFactory(name="Organization A Shelter")
    org_b = OrganizationFactory(name="Organization B Legal Aid")
    agency_x = AgencyFactory(name="Agency X Police Department")
    agency_y = AgencyFactory(
        name="Agency Y Sheriff's Office", kind=AgencyKind.SHERIFF, level=AgencyLevel.COUNTY
    )
    coordinator_agency = AgencyFactory(
        name="Minnesota Department of Public Safety",
        kind=AgencyKind.STATE_COORDINATION,
        level=AgencyLevel.STATE,
        is_statewide_coordinator=True,
    )
    # Staff with the administrators' group, never a superuser (accounts/permissions.py).
    admin = UserFactory(
        email="admin@example.org", full_name="Admin", organization=None, role=Role.ADMINISTRATOR
    )
    administrator_access_set(user=admin)
    return Personas(
        org_a=org_a,
        org_b=org_b,
        advocate_a=UserFactory(
            email="advocate.a@example.org", full_name="Advocate A", organization=org_a
        ),
        advocate_b=UserFactory(
            email="advocate.b@example.org", full_name="Advocate B", organization=org_b
        ),
        agency_x=agency_x,
        agency_y=agency_y,
        contact_x=_contact_user(agency_x, "contact.x@example.org", "Contact X"),
        contact_y=_contact_user(agency_y, "contact.y@example.org", "Contact Y"),
        coordinator_agency=coordinator_agency,
        coordinator=_contact_user(
            coordinator_agency,
            "coordinator@example.org",
            "State Coordinator",
            role=Role.COORDINATOR,
        ),
        admin=admin,
        deactivated=UserFactory(
            email="gone@example.org",
            full_name="Former Advocate",
            organization=org_a,
            is_active=False,
        ),
    )


@pytest.fixture
def lead_a(personas) -> User:
    """The lead of organization A: approves its advocates' accounts."""
    return UserFactory(
        email="lead.a@example.org",
        full_name="Lead A",
        organization=personas.org_a,
        is_organization_lead=True,
    )


@pytest.fixture
def head_x(personas) -> User:
    """The head (designated official) of agency X: approves its contacts' accounts."""
    user = UserFactory(
        email="head.x@example.org", full_name="Head X", role=Role.AGENCY_CONTACT, organization=None
    )
    PointOfContactFactory(
        agency=personas.agency_x, user=user, name="Head X", email=user.email, is_agency_head=True
    )
    return user


# --- Browser tests: real Chromium through Playwright, with an axe-core check per page --------


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); "
            ".ci/run does this. Browser tests are never skipped."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def portal(chromium, live_server, request):
    """A fresh browser context on the live server; see tests/browser.py."""
    from .browser import PortalBrowser

    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    portal = PortalBrowser(page, live_server.url)
    yield portal
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    try:
        if not failed:
            portal.assert_every_page_checked()
    finally:
        context.close()


# --- A real clamd with a one-signature database (EICAR) -------------------------------------


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """clamd running for the whole test run, on a unix socket and on a TCP port (tests/clamd.py).

    Never skipped: without /usr/sbin/clamd the tests that scan uploads fail, whether or not
    REQUIRE_CLAMD=1 is set (.ci/run sets it and installs Debian's clamav-daemon)."""
    from .clamd import CLAMD, start_clamd

    if not os.path.exists(CLAMD):
        pytest.fail(
            f"{CLAMD} is missing: install Debian's clamav-daemon (apt-get install "
            "clamav-daemon); .ci/run does this. Virus-scan tests are never skipped"
            + (" (REQUIRE_CLAMD=1)." if os.environ.get("REQUIRE_CLAMD") == "1" else ".")
        )
    try:
        daemon = start_clamd(tmp_path_factory.mktemp("clamd"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield daemon
    daemon.stop()


# --- A real Celery worker process against the real broker ------------------------------------


def _database_url_for_worker() -> str:
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """Start `celery worker` (and optionally beat) as real processes sharing the test database.

    Yields a function `start(beat=False)` so tests choose what to run; the processes are
    stopped at teardown. Their output is kept in tmp_path for failure messages.
    """
    procs: list[tuple[subprocess.Popen, Path]] = []
    env = dict(os.environ)
    env["DATABASE_URL"] = _database_url_for_worker()
    env["PYTHONUNBUFFERED"] = "1"
    env["CONN_MAX_AGE"] = "0"

    def start(*, beat: bool = False, extra_env: dict[str, str] | None = None) -> None:
        run_env = {**env, **(extra_env or {})}
        # As `make run` does: declare the queue once, so processes starting together do not
        # race to create it on the embedded SQLite broker.
        from django.core.management import call_command

        call_command("prepare_broker", verbosity=0)
        cmds = [
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "uvisa_portal",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=solo",
                f"--hostname=test-{os.getpid()}-{len(procs)}@%h",
            ]
        ]
        if beat:
            cmds.append(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "uvisa_portal",
                    "beat",
                    "--loglevel=INFO",
                    "-s",
                    str(tmp_path / "beat-schedule"),
                ]
            )
        for cmd in cmds:
            log = tmp_path / f"proc-{len(procs)}.log"
            handle = log.open("w")
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=run_env, stdout=handle, stderr=subprocess.STDOUT
            )
            procs.append((proc, log))

    def logs() -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for _, log in procs)

    start.logs = logs  # type: ignore[attr-defined]
    yield start
    for proc, _ in procs:
        proc.terminate()
    deadline = time.monotonic() + 20
    for proc, _ in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
