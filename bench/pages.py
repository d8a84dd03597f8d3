"""What `make bench` measures. Adding a page is one line in PAGES.

A path may name targets resolved for the page's persona in the data set (bench/inprocess.py):
  {request_pk}     a request the persona may see, with events, messages and attachments
  {attachment_pk}  an attachment of that request
  {agency_pk}      the persona's agency (the busiest agency for other personas)
  {organization_pk} the persona's organization (the busiest one for other personas)
  {county}         the name of a county that has agencies
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
    # Form fields for a POST; values may use the same {placeholders} as the path.
    data: dict[str, str] = field(default_factory=dict)
    status: int = 200


# The framework's floor: the same server, middleware and session cookie, a view that does nothing
# (bench/urls.py; reachable only through bench/wsgi.py, never in the portal's own URLs).
MINIMAL = Page("Minimal Django view (framework floor)", "/_bench/minimal/", "advocate")

# A second reference, not a target: the base template with navigation and no content. Pages are
# reported against it too, to show what the shared layout costs and what the page adds.
BASE_PAGE = Page("Base template, no content (layout floor)", "/_bench/base/", "advocate")

PAGES: list[Page] = [
    Page("Home: advocate", "/", "advocate"),
    Page("Home: agency contact", "/", "contact"),
    Page("Home: statewide coordinator", "/", "coordinator"),
    Page("Home: administrator", "/", "admin"),
    Page("Sign-in page", "/accounts/login/", None),
    Page("Health check", "/healthz", None),
    Page("Advocate dashboard", "/requests/", "advocate"),
    Page("Agency queue", "/requests/queue/", "contact"),
    Page("Coordinator view", "/requests/statewide/", "coordinator"),
    Page("Request page (advocate)", "/requests/{request_pk}/", "advocate"),
    Page("Request page (agency)", "/requests/{request_pk}/", "contact"),
    Page("Directory search", "/directory/?name=police", "advocate"),
    Page("Directory agency page", "/directory/{agency_pk}/", "advocate"),
    Page("Statistics (coordinator)", "/statistics/figures/", "coordinator"),
    Page("Public figures", "/statistics/", None),
    Page("Notifications", "/requests/notifications/", "advocate"),
    Page(
        "Submission: new draft",
        "/requests/new/",
        "advocate",
        method="POST",
        data={"form_type": "U"},
        status=302,
    ),
]


@dataclass(frozen=True)
class Hook:
    """A function run in-process against the full data set, found by its dotted name.

    Sweeps are called with no arguments (a Celery task object runs its body when called).
    Documents are called with `request=<CertificationRequest>` and return the PDF bytes.
    A missing module or name is reported as "not present", not as a failure.
    """

    name: str
    dotted: str
    # Target time in seconds, or None.
    target_seconds: float | None = None


# Minn. Stat. 611A.95 deadlines are only kept if the reminder sweeps stay cheap at scale.
SWEEPS: list[Hook] = [
    Hook("Overdue escalation", "certifications.tasks.requests_escalate_overdue"),
    Hook("Agency digests", "certifications.tasks.agency_digests_create"),
    Hook("Information reminders", "certifications.tasks.info_reminders_create"),
    Hook("Certification expiry reminders", "certifications.tasks.expiry_reminders_create"),
    Hook("Training lapse reminders", "certifications.tasks.training_lapse_reminders_create"),
    Hook("Outbox send", "certifications.tasks.notifications_send_pending"),
]
# Modules searched for any other callable whose name contains "sweep" (so a sweep added under
# another name is measured without a line here).
SWEEP_MODULES = ["certifications.tasks", "certifications.services.reminders"]
# Issue target: all sweeps together over 200,000 requests in under 10 s.
SWEEPS_TOTAL_TARGET_SECONDS = 10.0

DOCUMENTS: list[Hook] = [
    Hook("Supplement B draft (I-918 or I-914)", "certifications.documents.render.supplement_b_pdf"),
    Hook("Cover letter", "certifications.documents.render.cover_letter_pdf"),
]
# The per-document ratios against a one-line page are in bench/documents.py; no auto-discovery
# here (render_pdf takes a snapshot, not a request).
DOCUMENT_MODULES: list[str] = []

# Issue targets for pages.
PAGE_RATIO_TARGET = 3.0  # median page time / median minimal-view time
PAGE_P95_TARGET_MS = 150.0
