"""The agency's lists: the review queue and the statewide coordinator's overview. A request's
review page is in `review`, its actions (one POST URL each) in `agency_actions`.

Every view reaches a request only through `certifications.access`; outsiders get 404. Every page
that shows a request writes an audit entry.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.decorators import audited
from accounts.models import AuditAction, Role
from agencies.models import Agency, PointOfContact
from agencies.selectors import contact_for_user

from ..forms.filters import QueueFilterForm
from ..selectors import (
    agency_contacts_for_assignment,
    agency_queue_counts,
    certification_requests_agency_queue,
    coordinator_overdue_agencies,
    coordinator_statewide_requests,
)
from ..selectors_links import link_kinds_for_rows
from ..statistics import Figures, agency_figures, default_period
from ..statistics.reconsiderations import ReconsiderationFigures, reconsideration_figures

QUEUE_PAGE_SIZE = 25
STATEWIDE_PAGE_SIZE = 25
# Requests routed to DPS listed on the coordinator's overview (all of them on the queue).
ROUTED_SHOWN = 10


# --- The queue and the coordinator's overview -----------------------------------------------


def _contact_or_404(request: HttpRequest) -> PointOfContact:
    contact = contact_for_user(user=request.user)
    if contact is None or request.user.role not in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        raise Http404(_("No such page."))
    return contact


# Agencies with overdue requests listed on the coordinator's overview before "show all".
OVERDUE_AGENCIES_SHOWN = 20
# How long the shared cache keeps a pure aggregate (no victim data): nothing a user sees is
# older than a minute.
AGGREGATE_CACHE_SECONDS = 60


def _agency_reconsiderations(
    *, agency: Agency, start: datetime.date, end: datetime.date
) -> ReconsiderationFigures:
    """The agency's reconsiderations for the period (the same card), kept a minute too."""
    return cache.get_or_set(
        f"agency-reconsiderations:{agency.pk}:{start.isoformat()}:{end.isoformat()}",
        lambda: reconsideration_figures(agency=agency, start=start, end=end),
        AGGREGATE_CACHE_SECONDS,
    )


def _agency_figures(
    *, agency: Agency, start: datetime.date, end: datetime.date
) -> tuple[Figures, datetime.datetime]:
    """The agency's own figures for the period (the card on its queue page) and when they were
    counted: aggregates over a year of its requests, no victim data, kept a minute in the
    shared cache, so the card says when its figures were computed."""
    return cache.get_or_set(
        f"agency-figures-at:{agency.pk}:{start.isoformat()}:{end.isoformat()}",
        lambda: (agency_figures(agency=agency, start=start, end=end), timezone.now()),
        AGGREGATE_CACHE_SECONDS,
    )


@login_required
@require_GET
@audited(AuditAction.LIST_VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    """The agency's requests, most urgent first, with filters, search and pagination."""
    contact = _contact_or_404(request)
    contacts = agency_contacts_for_assignment(agency_id=contact.agency_id)
    form = QueueFilterForm(request.GET or None, contacts=contacts)
    rows = certification_requests_agency_queue(user=request.user, **form.filters())
    page = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    # Re-certifications, reconsiderations and grouped requests are marked in the list.
    page.object_list = list(page.object_list)
    link_kinds_for_rows(page.object_list)
    # The statistics pages' own "last twelve months" (statistics.figures.default_period).
    period_start, period_end = default_period()
    figures, figures_at = _agency_figures(agency=contact.agency, start=period_start, end=period_end)
    return render(
        request,
        "home/agency_contact.html",
        {
            "figures": figures,
            "figures_at": figures_at,
            "period_label": _("the last twelve months"),
            "reconsiderations": _agency_reconsiderations(
                agency=contact.agency, start=period_start, end=period_end
            ),
            "period_start": period_start,
            "period_end": period_end,
            "contact": contact,
            "agency": contact.agency,
            "filter_form": form,
            "page_obj": page,
            "counts": agency_queue_counts(user=request.user),
            "filtered": bool(request.GET.keys() - {"page"}),
        },
    )


def _overdue_agencies(*, user, show_all: bool) -> dict[str, Any]:
    """The overview's table of agencies with overdue requests and when it was counted
    (templates/home/_overdue_agencies.html): figures only (agency names, counts, dates; no
    request), the same for every coordinator, kept a minute in the shared cache; the table
    says when it was counted."""

    def counted() -> dict[str, Any]:
        overdue = coordinator_overdue_agencies(
            user=user, limit=None if show_all else OVERDUE_AGENCIES_SHOWN
        )
        return {
            "overdue_agencies": overdue.rows,
            "overdue_agencies_total": overdue.total,
            "overdue_agencies_at": timezone.now(),
        }

    key = f"overdue-agencies:{timezone.localdate().isoformat()}:{'all' if show_all else 'top'}"
    return cache.get_or_set(key, counted, AGGREGATE_CACHE_SECONDS)


@login_required
@require_GET
@audited(AuditAction.LIST_VIEW)
def coordinator(request: HttpRequest) -> HttpResponse:
    """The statewide coordinator's overview: routed to DPS, escalated, overdue, by agency."""
    contact = _contact_or_404(request)
    if request.user.role != Role.COORDINATOR or not contact.agency.is_statewide_coordinator:
        raise Http404(_("No such page."))
    statewide = coordinator_statewide_requests(user=request.user)
    page = Paginator(statewide, STATEWIDE_PAGE_SIZE).get_page(request.GET.get("page"))
    routed = certification_requests_agency_queue(user=request.user, status="open")
    # The worst agencies first; the whole list (hundreds of agencies statewide) on request.
    show_all = request.GET.get("agencies") == "all"
    return render(
        request,
        "home/coordinator.html",
        {
            "contact": contact,
            "agency": contact.agency,
            "counts": agency_queue_counts(user=request.user),
            "routed": list(routed[:ROUTED_SHOWN]),
            "page_obj": page,
            **_overdue_agencies(user=request.user, show_all=show_all),
            "all_overdue_agencies": show_all,
        },
    )
