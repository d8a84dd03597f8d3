"""Administrators' pages (invitations, the audit trail) and accepting an invitation."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from uvisa_portal.spreadsheets import spreadsheet_safe

from .decorators import audit_detail, audited
from .forms import AcceptInvitationForm, AuditSearchForm, InvitationForm
from .invitations import invitation_accept, invitation_create, invitation_get_usable
from .models import AuditAction
from .selectors import audit_entries_search

AUDIT_PAGE_SIZE = 50


def administrator_required(view):
    """Administrators only; everybody else gets 404, like any page they may not know about."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_administrator:
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper


@administrator_required
@require_http_methods(["GET", "POST"])
def invitation_new(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation_create(
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                organization=data["organization"],
                point_of_contact=data["point_of_contact"],
                invited_by=request.user,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field, error)
        else:
            messages.success(request, f"Invitation sent to {data['email']}.")
            return redirect("accounts:invitation_new")
    return render(request, "accounts/invitation_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_usable(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"], request=request
            )
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=404)
        messages.success(request, "Your account is ready. Sign in with your new password.")
        return redirect("account_login")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@administrator_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_search(**{k: v for k, v in filters.items() if v})
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


# Outside the role check, so that a refused attempt is recorded too.
@audited(AuditAction.EXPORT)
@administrator_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The search result as CSV; the export itself is audited (CJIS 5.4.1.1)."""
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_search(**{k: v for k, v in filters.items() if v})
    # The audit search's filters (user, action, target, dates) hold no victim data.
    audit_detail(request, f"filters: {request.GET.urlencode()}"[:500])
    writer = csv.writer(_Echo())
    header = ["time", "user", "action", "target", "detail", "ip_address", "user_agent", "outcome"]

    def rows():
        yield writer.writerow(header)
        for e in entries.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    e.created_at.isoformat(),
                    e.user_label,
                    e.action,
                    spreadsheet_safe(e.target),
                    spreadsheet_safe(e.detail),
                    e.ip_address or "",
                    spreadsheet_safe(e.user_agent),
                    spreadsheet_safe(e.outcome),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
