"""Directory pages: the searchable list and agency pages for everyone signed in; health, CSV
import and export, and merging for administrators."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import audited
from accounts.models import AuditAction
from certifications.choices import Crime

from .forms import AgencyFilter, AgencyMergeForm, DirectoryImportConfirmForm, DirectoryImportForm
from .importing import directory_export_csv, directory_import_apply, directory_import_plan
from .models import Agency, training_cutoff
from .selectors import (
    agencies_for_directory_list,
    agency_deadline_rules,
    agency_get_for_directory,
    directory_health,
)
from .services import MergeError, agency_merge

PAGE_SIZE = 25


def administrator_required(view):
    """Directory maintenance is for administrators only (DOMAIN: who uses it)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_administrator:
            raise PermissionDenied(_("Only administrators maintain the directory."))
        return view(request, *args, **kwargs)

    return wrapper


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Search by name, county, city or kind; a fixed number of queries per page."""
    agency_filter = AgencyFilter(request.GET, queryset=agencies_for_directory_list())
    agencies = agency_filter.qs if agency_filter.is_valid() else Agency.objects.none()
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "agencies/directory.html",
        {
            "filter": agency_filter,
            "page": page,
            "searched": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@login_required
@require_GET
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = agency_get_for_directory(pk=pk)
    crime_labels = dict(Crime.choices)
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "deadline_rules": agency_deadline_rules(agency=agency),
            # A covered agency processes both forms (Minn. Stat. 611A.95 subd. 2(a)).
            "accepts_u": agency.accepts_form("U"),
            "accepts_t": agency.accepts_form("T"),
            "certified_crimes": [crime_labels.get(c, c) for c in agency.certified_crimes],
            "training_cutoff": training_cutoff(),
            "lapsed_count": sum(1 for c in agency.active_contacts if c.training_lapsed),
        },
    )


@administrator_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "agencies/health.html",
        {"health": directory_health(), "training_cutoff": training_cutoff()},
    )


# Outside the role check, so that a refused attempt is recorded too.
@audited(AuditAction.EXPORT)
@administrator_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(directory_export_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="directory-{stamp}.csv"'
    return response


@administrator_required
@require_http_methods(["GET", "POST"])
def import_csv(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and dry run. Shows every row's outcome; writes nothing."""
    plan = None
    confirm_form = None
    if request.method == "POST":
        form = DirectoryImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            plan = directory_import_plan(data=data)
            if plan.is_valid:
                confirm_form = DirectoryImportConfirmForm(
                    initial={"content": data.decode("utf-8-sig")}
                )
    else:
        form = DirectoryImportForm()
    return render(
        request,
        "agencies/import.html",
        {"form": form, "plan": plan, "confirm_form": confirm_form},
        status=400 if plan is not None and not plan.is_valid else 200,
    )


@administrator_required
@require_POST
def import_apply(request: HttpRequest) -> HttpResponse:
    """Step 2: check the previewed file again and write it, all or nothing."""
    form = DirectoryImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The checked file did not come back; upload it again."))
        return redirect("agencies:import")
    plan = directory_import_apply(
        data=form.cleaned_data["content"].encode("utf-8"), actor=request.user, request=request
    )
    if not plan.applied:
        # The directory changed since the dry run: show the new verdict, write nothing.
        return render(
            request,
            "agencies/import.html",
            {"form": DirectoryImportForm(), "plan": plan, "confirm_form": None},
            status=400,
        )
    summary = plan.summary
    messages.success(
        request,
        _("Imported: %(create)s row(s) created, %(update)s updated, %(unchanged)s unchanged.")
        % {
            "create": summary["create"],
            "update": summary["update"],
            "unchanged": summary["unchanged"],
        },
    )
    return redirect("agencies:health")


@administrator_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """Merge a duplicate agency into the one kept (requests and contacts move)."""
    if request.method == "POST":
        form = AgencyMergeForm(request.POST)
        if form.is_valid():
            try:
                result = agency_merge(
                    survivor=form.cleaned_data["survivor"],
                    duplicate=form.cleaned_data["duplicate"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except MergeError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, result.note)
                return redirect("agencies:detail", pk=result.survivor.pk)
    else:
        form = AgencyMergeForm(
            initial={k: request.GET.get(k) for k in ("survivor", "duplicate") if request.GET.get(k)}
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "agencies/merge.html", {"form": form}, status=status)
