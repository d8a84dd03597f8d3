"""Statistics pages: the coordinator's and administrators' figures, the public "who certifies"
page, the chart images and the two exports (CSV per agency, annual report).

The pages and charts read a snapshot of the figures (`certifications.services.statistics`),
computed when the period has none fresh; the exports compute live (downloads are rare and
must match the records at the moment of download).
"""

from __future__ import annotations

import csv
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import audit_detail, audited
from accounts.models import AuditAction, User
from accounts.security import client_ip
from accounts.services import audit_log
from uvisa_portal.spreadsheets import spreadsheet_safe

from ..charts import agency_chart_svg, monthly_chart_svg
from ..choices import DenialReason, english
from ..forms.statistics import AgencyFilterForm, PeriodForm, YearForm
from ..models import StatisticsSnapshot
from ..services.statistics import (
    TooManyComputations,
    statistics_snapshot_compute,
    statistics_snapshot_get,
)
from ..statistics.figures import Report, default_period, statistics_report
from ..statistics.public import PublicReport
from ..statistics.reconsiderations import reconsideration_figures
from ..statistics.selectors import (
    statistics_snapshot_public_report,
    statistics_snapshot_report,
    statistics_snapshot_rows,
)

# Agencies per page of the per-agency table (and of the public page's agency cards), 25 like
# the other lists: a table row and (public page) a card each.
AGENCIES_PER_PAGE = 25


def _period_form(request: HttpRequest) -> PeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    start, end = default_period()
    return PeriodForm({"start": start.isoformat(), "end": end.isoformat()})


def _require_statistics_user(user: User) -> None:
    # The statewide coordinator and administrators see the unsuppressed figures: aggregates
    # only, never a request, so administrators may too (they never see victim data).
    if not (user.is_coordinator or user.is_administrator):
        raise Http404(_("No such page."))


def _month_label(month: datetime.date) -> str:
    # Django's date format, not strftime: the month's name in the reader's language.
    return date_format(month, "M Y")


def _agency_page(
    request: HttpRequest, snapshot: StatisticsSnapshot, *, public: bool
) -> tuple[AgencyFilterForm, Page, QueryDict]:
    """The page of agency rows asked for (`?agency=` name filter, `?page=`), the filter form
    and the query parameters the links to other pages keep: the period and the filter. A bad
    page number shows the nearest page; a filter that is too long is ignored with its
    message."""
    filter_form = AgencyFilterForm(request.GET)
    name = filter_form.cleaned_data["agency"].strip() if filter_form.is_valid() else ""
    rows = statistics_snapshot_rows(
        snapshot=snapshot, agency_name=name, public=public, with_agencies=public
    )
    page = Paginator(rows, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    page_params = QueryDict(mutable=True)
    page_params["start"] = snapshot.period_start.isoformat()
    page_params["end"] = snapshot.period_end.isoformat()
    if name:
        page_params["agency"] = name
    return filter_form, page, page_params


def _snapshot_context(snapshot: StatisticsSnapshot) -> dict:
    return {
        "snapshot": snapshot,
        "max_age_minutes": settings.STATS_SNAPSHOT_MAX_AGE_SECONDS // 60,
        "refresh_minutes": settings.STATS_SNAPSHOT_REFRESH_SECONDS // 60,
    }


@login_required
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    _require_statistics_user(request.user)
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "statistics/coordinator.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    snapshot = statistics_snapshot_get(start=start, end=end)
    filter_form, page, page_params = _agency_page(request, snapshot, public=False)
    return render(
        request,
        "statistics/coordinator.html",
        {
            "form": form,
            "report": statistics_snapshot_report(snapshot=snapshot, rows=page.object_list),
            "page": page,
            "page_params": page_params,
            "filter_form": filter_form,
            "denial_reasons": DenialReason.choices,
            "reconsiderations": reconsideration_figures(start=start, end=end),
            "query": f"start={start.isoformat()}&end={end.isoformat()}",
            "year": end.year if end.month == 12 and end.day == 31 else end.year - 1,
            **_snapshot_context(snapshot),
            "period_label": _period_label(start, end),
        },
    )


@login_required
@require_POST
def statistics_recompute(request: HttpRequest) -> HttpResponse:
    """The "Recompute now" button: a fresh snapshot of the period shown, for the coordinator
    and administrators (who may want today's decisions in the figures before the refresh)."""
    _require_statistics_user(request.user)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            "Choose a valid period: start and end dates (YYYY-MM-DD), end on or after start, "
            "at most five years.",
            status=400,
            content_type="text/plain",
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    snapshot = statistics_snapshot_compute(start=start, end=end)
    audit_log(
        action=AuditAction.STATISTICS_RECOMPUTE,
        request=request,
        target=f"statistics-snapshot:{snapshot.pk}",
        detail=f"figures {start.isoformat()} to {end.isoformat()}",
    )
    messages.success(request, _("The figures were recomputed."))
    query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    return redirect(f"{reverse('statistics:figures')}?{query}")


@require_GET
def public_page(request: HttpRequest) -> HttpResponse:
    """No sign-in: who certifies, how often and how fast, with small counts suppressed."""
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "statistics/public.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        snapshot = statistics_snapshot_get(
            start=start, end=end, public=True, client=client_ip(request)
        )
    except TooManyComputations:
        return _busy(request)
    filter_form, page, page_params = _agency_page(request, snapshot, public=True)
    return render(
        request,
        "statistics/public.html",
        {
            "form": form,
            "report": statistics_snapshot_public_report(snapshot=snapshot, rows=page.object_list),
            "page": page,
            "page_params": page_params,
            "filter_form": filter_form,
            "query": f"start={start.isoformat()}&end={end.isoformat()}",
            **_snapshot_context(snapshot),
            "period_label": _period_label(start, end),
        },
    )


def _period_label(start, end) -> str:
    """ "the last twelve months" when the period is the default one (default_period: the
    same date a year ago through today), so the pages name it as the queue and README do."""
    return gettext("the last twelve months") if (start, end) == default_period() else ""


def _busy(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        gettext(
            "Figures for several new periods are being prepared right now. Please try again "
            "in a minute; the figures for the last twelve months are always available without "
            "waiting."
        ),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


# --- Charts --------------------------------------------------------------------------------


def _svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    # Opened on its own, the SVG may still not run anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _chart_from(report: Report | PublicReport, kind: str, public: bool) -> bytes:
    if kind == "months":
        labels = [_month_label(m.month) for m in report.months]
        names = {
            gettext("Received"): "received",
            gettext("Certified"): "certified",
            gettext("Denied"): "denied",
            gettext("Withdrawn"): "withdrawn",
        }
        if public:
            series = {k: [m.cells[v].value for m in report.months] for k, v in names.items()}
        else:
            series = {k: [getattr(m, v) for m in report.months] for k, v in names.items()}
        return monthly_chart_svg(
            title=gettext("Requests and decisions per month"), labels=labels, series=series
        )
    if kind == "agencies":
        names = {
            gettext("Certified"): "certified",
            gettext("Denied"): "denied",
            gettext("Withdrawn"): "withdrawn",
            gettext("Pending"): "pending",
        }
        if public:
            rows = [
                r
                for r in report.rows
                if r.cells["received"].value != 0 or r.cells["pending"].value != 0
            ]
            labels = [r.name for r in rows]
            series = {k: [r.cells[v].value for r in rows] for k, v in names.items()}
        else:
            rows = [
                a
                for a in report.agencies
                if a.figures.received
                or a.figures.pending
                or a.figures.decided
                or a.figures.withdrawn
            ]
            labels = [a.name for a in rows]
            series = {k: [getattr(a.figures, v) for a in rows] for k, v in names.items()}
        return agency_chart_svg(title=gettext("Outcomes per agency"), labels=labels, series=series)
    raise Http404(_("No such chart."))


@login_required
@require_GET
def statistics_chart(request: HttpRequest, kind: str) -> HttpResponse:
    _require_statistics_user(request.user)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Choose a valid period.", status=400, content_type="text/plain")
    snapshot = statistics_snapshot_get(
        start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    rows = statistics_snapshot_rows(snapshot=snapshot)
    report = statistics_snapshot_report(snapshot=snapshot, rows=rows)
    return _svg_response(_chart_from(report, kind, public=False))


@require_GET
def public_chart(request: HttpRequest, kind: str) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Choose a valid period.", status=400, content_type="text/plain")
    try:
        snapshot = statistics_snapshot_get(
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            public=True,
            client=client_ip(request),
        )
    except TooManyComputations:
        return _busy(request)
    # Charts need names and cells only, not each agency's directory entry.
    rows = statistics_snapshot_rows(snapshot=snapshot, public=True)
    report = statistics_snapshot_public_report(snapshot=snapshot, rows=rows)
    return _svg_response(_chart_from(report, kind, public=True))


# --- Exports -------------------------------------------------------------------------------

CSV_HEADER = [
    "agency",
    "period_start",
    "period_end",
    "received",
    "certified",
    "denied",
    *[f"denied_{r.value}" for r in DenialReason],
    "withdrawn",
    "pending",
    "decided_late",
    "decided_on_time",
    "share_on_time_percent",
    "median_days_to_decision",
    "p90_days_to_decision",
    "transfers",
]


def _csv_row(name: str, report: Report, fig) -> list:
    return [
        name,
        report.start.isoformat(),
        report.end.isoformat(),
        fig.received,
        fig.certified,
        fig.denied,
        *[fig.denied_by_reason.get(r.value, 0) for r in DenialReason],
        fig.withdrawn,
        fig.pending,
        fig.late,
        fig.on_time,
        "" if fig.share_on_time is None else fig.share_on_time,
        "" if fig.median_days is None else f"{fig.median_days:g}",
        "" if fig.p90_days is None else f"{fig.p90_days:g}",
        fig.transfers,
    ]


@login_required
@require_GET
@audited(AuditAction.EXPORT)
def export_csv(request: HttpRequest) -> HttpResponse:
    _require_statistics_user(request.user)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "Choose a valid period: start and end dates (YYYY-MM-DD), end on or after start.",
            status=400,
            content_type="text/plain",
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = statistics_report(start=start, end=end, include_months=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="certification-figures-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for item in report.agencies:
        writer.writerow(
            [spreadsheet_safe(v) for v in _csv_row(item.agency.name, report, item.figures)]
        )
    writer.writerow(_csv_row("Statewide", report, report.statewide))
    audit_detail(request, f"figures per agency {start.isoformat()} to {end.isoformat()}")
    return response


def deadline_rules() -> list[str]:
    return [
        f"Minn. Stat. 611A.95 subd. 2, for the state and local law-enforcement agencies it "
        f"binds: a decision is due {settings.STATUTE_RESPONSE_DAYS} days after the request, "
        f"{settings.STATUTE_EXPEDITED_DAYS} days when the victim is in removal proceedings and "
        "that was raised with the request.",
        "Where an agency's published policy is stricter (e.g. 30 days, 7 in removal "
        "proceedings), its due date is the earlier of the two; the policy counts from the "
        "agency's own receipt of the request.",
        "An agency the statute does not bind answers by its own published policy or, without "
        f"one, is asked to answer within {settings.REQUESTED_RESPONSE_DAYS} days; that "
        "requested date binds nobody.",
        "A decision is late when it is made after a due date that binds the agency (the "
        "statute's or its own policy's); a decision after a requested date is not counted "
        "late. After a transfer the statute's days stay counted from the first request (the "
        "portal's convention).",
    ]


@login_required
@require_GET
@audited(AuditAction.EXPORT)
def annual_report(request: HttpRequest) -> HttpResponse:
    """The shape the oversight states use (WA RCW 7.98, Colorado, Oregon, Cal. Penal Code
    679.10): received, certified, denied with reasons, withdrawn, late; one calendar year."""
    _require_statistics_user(request.user)
    form = YearForm(request.GET or {"year": timezone.localdate().year - 1})
    if not form.is_valid():
        return HttpResponse(
            "Choose a year between 2000 and 2100.", status=400, content_type="text/plain"
        )
    year = form.cleaned_data["year"]
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    report = statistics_report(start=start, end=end, include_months=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="annual-report-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow([f"Annual report of U- and T-visa certification requests, {year}"])
    writer.writerow([f"Period: {start.isoformat()} to {end.isoformat()} (inclusive)"])
    for rule in deadline_rules():
        writer.writerow([f"Deadline rule: {rule}"])
    writer.writerow(
        [
            "Counting: received = submitted in the period; certified, denied and late = "
            "decided in the period; withdrawn = withdrawn in the period; pending = open on "
            "the last day."
        ]
    )
    writer.writerow([])
    header = [
        "agency",
        "received",
        "certified",
        "denied",
        *[f"denied: {english(r.label)}" for r in DenialReason],
        "withdrawn",
        "late",
        "pending",
    ]
    writer.writerow(header)

    def line(name: str, fig) -> list:
        return [
            name,
            fig.received,
            fig.certified,
            fig.denied,
            *[fig.denied_by_reason.get(r.value, 0) for r in DenialReason],
            fig.withdrawn,
            fig.late,
            fig.pending,
        ]

    for item in report.agencies:
        writer.writerow([spreadsheet_safe(v) for v in line(item.agency.name, item.figures)])
    writer.writerow(line("Statewide", report.statewide))
    audit_detail(request, f"annual report {year}")
    return response
