"""Statistics pages: the coordinator's and administrators' figures, the public "who certifies"
page, the chart images and the two exports (CSV per agency, annual report)."""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import AuditAction, User
from accounts.services import audit_log

from ..charts import agency_chart_svg, monthly_chart_svg
from ..choices import DenialReason
from ..statistics import PublicReport, Report, public_report, statistics_report

MAX_PERIOD_DAYS = 366 * 5


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be on or after the start date.")
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("start", "Choose a period of at most five years.")
        return cleaned


class YearForm(forms.Form):
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve calendar months, this month included."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, 1), today


def _period_form(request: HttpRequest) -> PeriodForm:
    if "start" in request.GET or "end" in request.GET:
        return PeriodForm(request.GET)
    start, end = default_period()
    return PeriodForm({"start": start.isoformat(), "end": end.isoformat()})


def _require_statistics_user(user: User) -> None:
    # The statewide coordinator and administrators see the unsuppressed figures: aggregates
    # only, never a request, so administrators may too (they never see victim data).
    if not (user.is_coordinator or user.is_administrator):
        raise Http404("No such page.")


def _month_label(month: datetime.date) -> str:
    return month.strftime("%b %Y")


@login_required
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    _require_statistics_user(request.user)
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "statistics/coordinator.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = statistics_report(start=start, end=end)
    return render(
        request,
        "statistics/coordinator.html",
        {
            "form": form,
            "report": report,
            "denial_reasons": DenialReason.choices,
            "query": f"start={start.isoformat()}&end={end.isoformat()}",
            "year": end.year if end.month == 12 and end.day == 31 else end.year - 1,
        },
    )


@require_GET
def public_page(request: HttpRequest) -> HttpResponse:
    """No sign-in: who certifies, how often and how fast, with small counts suppressed."""
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "statistics/public.html", {"form": form}, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = public_report(statistics_report(start=start, end=end))
    return render(
        request,
        "statistics/public.html",
        {
            "form": form,
            "report": report,
            "query": f"start={start.isoformat()}&end={end.isoformat()}",
        },
    )


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
            "Received": "received",
            "Certified": "certified",
            "Denied": "denied",
            "Withdrawn": "withdrawn",
        }
        if public:
            series = {k: [m.cells[v].value for m in report.months] for k, v in names.items()}
        else:
            series = {k: [getattr(m, v) for m in report.months] for k, v in names.items()}
        return monthly_chart_svg(
            title="Requests and decisions per month", labels=labels, series=series
        )
    if kind == "agencies":
        names = {
            "Certified": "certified",
            "Denied": "denied",
            "Withdrawn": "withdrawn",
            "Pending": "pending",
        }
        if public:
            rows = [
                r
                for r in report.rows
                if r.cells["received"].value != 0 or r.cells["pending"].value != 0
            ]
            labels = [r.agency.name for r in rows]
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
            labels = [a.agency.name for a in rows]
            series = {k: [getattr(a.figures, v) for a in rows] for k, v in names.items()}
        return agency_chart_svg(title="Outcomes per agency", labels=labels, series=series)
    raise Http404("No such chart.")


@login_required
@require_GET
def statistics_chart(request: HttpRequest, kind: str) -> HttpResponse:
    _require_statistics_user(request.user)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Choose a valid period.", status=400, content_type="text/plain")
    report = statistics_report(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    return _svg_response(_chart_from(report, kind, public=False))


@require_GET
def public_chart(request: HttpRequest, kind: str) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Choose a valid period.", status=400, content_type="text/plain")
    report = public_report(
        statistics_report(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    )
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


def _csv_safe(value):
    # Agency names come from the directory; a leading = + - @ would run as a spreadsheet formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@login_required
@require_GET
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
        writer.writerow([_csv_safe(v) for v in _csv_row(item.agency.name, report, item.figures)])
    writer.writerow(_csv_row("Statewide", report, report.statewide))
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        target="statistics-csv",
        detail=f"figures per agency {start.isoformat()} to {end.isoformat()}",
    )
    return response


def deadline_rules() -> list[str]:
    return [
        f"Minn. Stat. 611A.95 subd. 2: a decision is due {settings.STATUTE_RESPONSE_DAYS} days "
        f"after the request, {settings.STATUTE_EXPEDITED_DAYS} days when the victim is in "
        "removal proceedings and that was raised with the request.",
        "Where an agency's published policy is stricter (e.g. 30 days, 7 in removal "
        "proceedings), its due date is the earlier of the two.",
        "A decision is late when it is made after the due date. A transfer to another agency "
        "keeps the original submission date.",
    ]


@login_required
@require_GET
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
        *[f"denied: {r.label}" for r in DenialReason],
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
        writer.writerow([_csv_safe(v) for v in line(item.agency.name, item.figures)])
    writer.writerow(line("Statewide", report.statewide))
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        target="statistics-annual",
        detail=f"annual report {year}",
    )
    return response
