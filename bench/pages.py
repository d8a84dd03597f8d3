"""What `make bench` requests: the pages, the realistic mix, and the targets. Adding a page is one
line in PAGES (and a weight in MIX if users of a role open it often).

A path may name targets found for the page's persona in the data set (bench/prepare.py):
  {request_pk}       a request the persona may see (in the mix: one of a hundred, at random)
  {agency_pk}        the persona's agency (the busiest agency for other personas)
Personas (bench/seed.py PERSONA_EMAILS): "advocate" (busiest program), "contact" (busiest
agency), "coordinator" (statewide), "admin", or None for an anonymous visitor.

This module imports nothing from Django: the runner reads it before any Django process starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    persona: str | None
    method: str = "GET"
    # Form fields for a POST.
    data: dict[str, str] = field(default_factory=dict)
    status: int = 200


# Django's floor on this machine: the same server, middleware and session cookie, a view that
# does nothing (bench/urls.py; served only by bench/wsgi.py, never by the portal's own URLs).
MINIMAL = Page("Minimal Django view", "/_bench/minimal/", "advocate")

PAGES: list[Page] = [
    Page("Home: advocate", "/", "advocate"),
    Page("Home: agency contact", "/", "contact"),
    Page("Home: statewide coordinator", "/", "coordinator"),
    Page("Home: administrator", "/", "admin"),
    Page("Sign-in page", "/accounts/login/", None),
    Page("Health check", "/healthz", None),
    Page("Public figures", "/statistics/", None),
    Page("Advocate dashboard", "/requests/", "advocate"),
    Page("Request page (advocate)", "/requests/{request_pk}/", "advocate"),
    Page("Notifications", "/requests/notifications/", "advocate"),
    Page("Directory search", "/directory/?name=police", "advocate"),
    Page("Directory agency page", "/directory/{agency_pk}/", "advocate"),
    Page("New draft", "/requests/new/", "advocate", "POST", {"form_type": "U"}, status=302),
    Page("Agency queue", "/requests/queue/", "contact"),
    Page("Request page (agency)", "/requests/{request_pk}/", "contact"),
    Page("Draft documents page", "/requests/{request_pk}/documents/", "contact"),
    Page("Coordinator view", "/requests/statewide/", "coordinator"),
    Page("Request page (coordinator)", "/requests/{request_pk}/", "coordinator"),
    Page("Statistics (coordinator)", "/statistics/figures/", "coordinator"),
    Page("Directory (administrator)", "/directory/", "admin"),
    Page("Administration index", "/admin/", "admin"),
]
PAGES_BY_NAME = {page.name: page for page in PAGES}

# The realistic mix: each arrival is a user of a role (by its share of the traffic), then one
# of the pages users of that role open (by weight). Reads only: the writes are measured on
# their own (the submission), and the data set stays as seeded.
ROLE_SHARES = {"advocate": 0.50, "contact": 0.35, "coordinator": 0.10, "admin": 0.05}
MIX: dict[str, dict[str, float]] = {
    "advocate": {
        "Home: advocate": 15,
        "Advocate dashboard": 25,
        "Request page (advocate)": 30,
        "Notifications": 10,
        "Directory search": 12,
        "Directory agency page": 8,
    },
    "contact": {
        "Home: agency contact": 15,
        "Agency queue": 35,
        "Request page (agency)": 35,
        "Draft documents page": 10,
        "Directory search": 5,
    },
    "coordinator": {
        "Home: statewide coordinator": 10,
        "Coordinator view": 40,
        "Request page (coordinator)": 30,
        "Statistics (coordinator)": 20,
    },
    "admin": {
        "Home: administrator": 20,
        "Directory (administrator)": 40,
        "Directory agency page": 20,
        "Administration index": 20,
    },
}

# The whole submission: a complete draft submitted through the review step's POST (the
# completeness check, routing, the due date, the event, the outbox row, the pre-render
# enqueued), by the advocate persona, one at a time.
SUBMIT_PATH = "/requests/{request_pk}/submit/"
# The draft documents, downloaded by the agency contact (rendered on demand: nothing is stored
# for seeded requests), four at a time.
DOCUMENT_PATHS = {
    "Supplement B draft": "/requests/{request_pk}/documents/supplement-b.pdf",
    "Cover letter draft": "/requests/{request_pk}/documents/cover-letter.pdf",
}
DOCUMENT_CLIENTS = 4

# The open-loop rates (requests per second) and the one for the first seconds after a restart.
RATES = (20, 50, 80)
TARGET_RATE = 50
RESTART_RATE = 20
SATURATION_CLIENTS = 16


@dataclass(frozen=True)
class Target:
    key: str
    text: str
    limit: float
    # "max": the measured value must be at most `limit`; "min": at least.
    kind: str = "max"
    unit: str = ""


TARGETS = {
    "p95_at_50": Target("p95_at_50", "every page's p95 at 50 requests/s", 100, unit=" ms"),
    "saturation": Target(
        "saturation", "the mix's saturated throughput against the minimal view's", 25, "min", " %"
    ),
    "restart": Target("restart", "p95 in the first 10 s after a restart", 300, unit=" ms"),
    "submission": Target("submission", "a whole submission's p95", 150, unit=" ms"),
    "queries": Target("queries", "pages whose query count grows with the data", 0),
    "sweeps": Target("sweeps", "all sweeps over 200,000 requests", 5, unit=" s"),
    "pgbouncer": Target(
        "pgbouncer", "the mix's throughput through PgBouncer against direct", 90, "min", " %"
    ),
}

# How 50 requests/s compares with the state's use (the results quote this).
PEAK_ESTIMATE = (
    "Minnesota's agencies receive on the order of a few thousand certification requests a "
    "year (about a dozen a working day). The portal's accounts: some 2,000 advocates in 200 "
    "programs and 1,000 agencies' contacts (the full data set). A generous peak hour, such as "
    "the morning the daily digests and reminders go out, has a fifth of the 3,000 accounts "
    "active at once (600 users) opening 30 pages each: 18,000 pages an hour, 5 pages a "
    "second. 50 requests/s is ten times that."
)
