"""The agency's lists: the review queue and the statewide coordinator's overview. A request's
review page is in `review`, its actions (one POST URL each) in `agency_actions`.

Every view reaches a request only through the access functions in `certifications.selectors`;
outsiders get 404. Every page that shows a request writes an audit entry.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from agencies.models import PointOfContact
from agencies.selectors import contact_for_user

from ..review_forms import QueueFilterForm
from ..selectors import (
    QUEUE_ROWS,
    agency_contacts_for_assignment,
    agency_queue_counts,
    certification_requests_agency_queue_parts,
    certification_requests_page,
    coordinator_overdue_agencies,
    coordinator_overview_ids,
    coordinator_statewide_summary,
    request_rows,
)

QUEUE_PAGE_SIZE = 25
STATEWIDE_PAGE_SIZE = 25


# --- The queue and the coordinator's overview -----------------------------------------------


def _contact_or_404(request: HttpRequest) -> PointOfContact:
    contact = contact_for_user(user=request.user)
    if contact is None or request.user.role not in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        raise Http404("No such page.")
    return contact


# Aggregates over a year of the agency's requests cost more than the whole queue on a busy
# agency (bench/results/latest.md); figures a few minutes old are fine on a work queue.
AGENCY_FIGURES_CACHE_SECONDS = 600
# Agencies with overdue requests listed on the coordinator's overview before "show all".
OVERDUE_AGENCIES_SHOWN = 20
# How long the queue's "assigned to" filter keeps the agency's contacts.
FILTER_CONTACTS_CACHE_SECONDS = 60
# How long the overview's table of agencies with overdue requests is kept (figures only).
OVERDUE_AGENCIES_CACHE_SECONDS = 60


def _agency_figures_card(*, agency, start: datetime.date, end: datetime.date) -> str:
    """The card of the agency's own figures for the period, as contacts see it on their queue
    page, kept rendered: its nine figures through the template cost 0.2 ms on every view
    (in-process, issue 10). Aggregates and the agency's name only, no request."""
    from django.core.cache import cache

    from ..statistics import agency_figures

    def rendered() -> str:
        context = {
            "agency": agency,
            "figures": agency_figures(agency=agency, start=start, end=end),
            "period_start": start,
            "period_end": end,
        }
        return render_to_string("statistics/_agency_figures.html", context)

    return cache.get_or_set(
        f"agency-figures-card:{agency.pk}:{start.isoformat()}:{end.isoformat()}",
        rendered,
        AGENCY_FIGURES_CACHE_SECONDS,
    )


def _filter_contacts_cached(agency_id: int) -> list[tuple[int, str]]:
    """The agency's contacts for the queue's "assigned to" filter, kept a minute: names of
    the agency's staff, no request data; read on every view of the queue, they cost as much
    as its figures (issue 10). Assigning a request reads them afresh (agency_panel_context)."""
    from django.core.cache import cache

    return cache.get_or_set(
        f"queue-filter-contacts:{agency_id}",
        lambda: agency_contacts_for_assignment(agency_id=agency_id),
        FILTER_CONTACTS_CACHE_SECONDS,
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's requests, most urgent first, with filters, search and pagination."""
    contact = _contact_or_404(request)
    form = QueueFilterForm(request.GET or None, contacts=_filter_contacts_cached(contact.agency_id))
    filters = form.filters()
    counts = agency_queue_counts(user=request.user)
    rows = certification_requests_agency_queue_parts(user=request.user, **filters)
    # The unfiltered queue's size is one of the figures above it: not counted twice (issue 10).
    size = [counts["open"]] if filters == QueueFilterForm.DEFAULTS else None
    page = certification_requests_page(
        rows, request.GET.get("page"), QUEUE_PAGE_SIZE, size, rows=QUEUE_ROWS
    )
    period_end = timezone.localdate()
    period_start = period_end - datetime.timedelta(days=365)
    return render(
        request,
        "home/agency_contact.html",
        {
            "figures_card": _agency_figures_card(
                agency=contact.agency, start=period_start, end=period_end
            ),
            "contact": contact,
            "agency": contact.agency,
            "filter_form": form,
            "page_obj": page,
            "counts": counts,
            "filtered": bool(request.GET.keys() - {"page"}),
        },
    )


def _overdue_agencies_section(*, user, show_all: bool) -> str:
    """The overview's table of agencies with overdue requests, rendered, with when it was
    counted (templates/home/_overdue_agencies.html).

    Grouping the state's overdue requests by agency cost more than the rest of the page
    (bench/results/latest.md, issue 10), and its twenty rows through the template another
    0.7 ms (in-process). The table holds figures only (agency names, counts, dates; no
    request), the same for every coordinator, a management view where a minute's delay
    changes nothing, and it says when it was counted. The list of requests above it is always
    read afresh.
    """
    from django.core.cache import cache

    def rendered() -> str:
        limit = None if show_all else OVERDUE_AGENCIES_SHOWN
        overdue = coordinator_overdue_agencies(user=user, limit=limit)
        context = {
            "overdue_agencies": overdue.rows,
            "overdue_agencies_total": overdue.total,
            "overdue_agencies_at": timezone.now(),
            "all_overdue_agencies": show_all,
            "overview_url": reverse("certifications:coordinator"),
        }
        return render_to_string("home/_overdue_agencies.html", context)

    key = f"overdue-agencies:{timezone.localdate().isoformat()}:{'all' if show_all else 'top'}"
    return cache.get_or_set(key, rendered, OVERDUE_AGENCIES_CACHE_SECONDS)


@login_required
@require_GET
def coordinator(request: HttpRequest) -> HttpResponse:
    """The statewide coordinator's overview: routed to DPS, escalated, overdue, by agency."""
    contact = _contact_or_404(request)
    if request.user.role != Role.COORDINATOR or not contact.agency.is_statewide_coordinator:
        raise Http404("No such page.")
    summary = coordinator_statewide_summary(user=request.user)
    # The worst agencies first; the whole list (hundreds of agencies statewide) on request.
    show_all = request.GET.get("agencies") == "all"
    overdue_agencies = _overdue_agencies_section(user=request.user, show_all=show_all)
    page, routed = coordinator_overview_ids(
        user=request.user,
        number=request.GET.get("page"),
        per_page=STATEWIDE_PAGE_SIZE,
        part_sizes=summary.part_sizes,
        routed=10,
    )
    # Both lists' rows in one query (issue 10: each query costs Django about 0.5 ms).
    page.object_list, routed_rows = request_rows(QUEUE_ROWS, page.object_list, routed)
    return render(
        request,
        "home/coordinator.html",
        {
            "contact": contact,
            "agency": contact.agency,
            "counts": summary.counts,
            "routed": routed_rows,
            "page_obj": page,
            "overdue_agencies_section": overdue_agencies,
        },
    )
