"""Administrators' pages (invitations, the audit trail), accepting an invitation, and the
approval of accounts (the waiting page, the approvers' list)."""

from __future__ import annotations

import csv
from functools import wraps

from allauth.mfa.base.views import AuthenticateView, ReauthenticateView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from uvisa_portal.spreadsheets import spreadsheet_safe

from .approvals import accounts_pending_for, approver_description, user_can_approve_accounts
from .decorators import audit_detail, audited
from .forms import AcceptInvitationForm, AuditSearchForm, InvitationForm
from .invitations import invitation_accept, invitation_create, invitation_get_usable
from .models import AuditAction
from .selectors import audit_entries_search
from .services import (
    account_approve,
    account_refuse,
    mfa_code_failed,
    mfa_code_failures_clear,
    mfa_signin_locked,
    user_language_set,
)

AUDIT_PAGE_SIZE = 50


def administrator_required(view):
    """Administrators only; everybody else gets 404, like any page they may not know about."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_administrator:
            raise Http404(_("No such page."))
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
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
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
        messages.success(request, _("Your account is ready. Sign in with your new password."))
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


# --- The second factor's code step, limited (OWASP ASVS 2.8; CJIS 5.5.3) ---------------------
# allauth's own views at allauth's URLs, with the attempt limit allauth leaves to the
# `login_failed` rate limit (off here: django-axes is the one lockout).

TOO_MANY_CODES = (
    "Too many wrong codes. For your security this sign-in was stopped: enter your e-mail "
    "address and password again, then the current code from your authenticator app."
)


def _wrong_code(form) -> bool:
    return form is not None and form.has_error("code", "incorrect_code")


class PortalAuthenticateView(AuthenticateView):
    """The code step of sign-in: after MFA_CODE_ATTEMPTS wrong codes the pending sign-in
    ends and the user is back at the password step; the ended attempt counts toward the
    account's lockout."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if mfa_signin_locked(request=request, user=self.stage.login.user):
            messages.error(request, TOO_MANY_CODES)
            return self.stage.abort()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        mfa_code_failures_clear(user=self.stage.login.user)
        return super().form_valid(form)

    def form_invalid(self, form) -> HttpResponse:
        user = self.stage.login.user
        if _wrong_code(form) and mfa_code_failed(
            request=self.request, user=user, reauthentication=False
        ):
            messages.error(self.request, TOO_MANY_CODES)
            return self.stage.abort()
        return super().form_invalid(form)


class PortalReauthenticateView(ReauthenticateView):
    """Confirming a signed-in user with a code (before changing the second factor): after
    MFA_CODE_ATTEMPTS wrong codes the session ends, so a borrowed session cannot guess."""

    def form_valid(self, form) -> HttpResponse:
        mfa_code_failures_clear(user=self.request.user)
        return super().form_valid(form)

    def form_invalid(self, form) -> HttpResponse:
        user = self.request.user
        if _wrong_code(form) and mfa_code_failed(
            request=self.request, user=user, reauthentication=True
        ):
            logout(self.request)
            messages.error(self.request, TOO_MANY_CODES)
            return redirect("account_login")
        return super().form_invalid(form)


mfa_authenticate = PortalAuthenticateView.as_view()
mfa_reauthenticate = PortalReauthenticateView.as_view()


@login_required
@require_GET
def approval_pending(request: HttpRequest) -> HttpResponse:
    """What an account waiting for approval sees, and only that (PendingApprovalMiddleware)."""
    if request.user.is_approved:
        return redirect("home")
    return render(
        request,
        "accounts/approval_pending.html",
        {"approver": approver_description(user=request.user)},
    )


def approver_required(view):
    """Organization leads, agency heads and the coordinator; everybody else gets 404."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_can_approve_accounts(request.user):
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)

    return wrapper


@approver_required
@require_GET
def approval_list(request: HttpRequest) -> HttpResponse:
    pending = accounts_pending_for(approver=request.user).select_related(
        "organization", "point_of_contact__agency"
    )
    return render(request, "accounts/approval_list.html", {"pending": pending.order_by("pk")})


@approver_required
@require_POST
def approval_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = account_approve(approver=request.user, pk=pk, request=request)
    messages.success(
        request,
        _("%(email)s may now sign in as %(role)s.")
        % {"email": user.email, "role": user.get_role_display()},
    )
    return redirect("accounts:approval_list")


@approver_required
@require_POST
def approval_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = account_refuse(approver=request.user, pk=pk, request=request)
    messages.success(
        request, _("%(email)s was refused; the account is deactivated.") % {"email": user.email}
    )
    return redirect("accounts:approval_list")


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language selector: Django's set_language (the cookie, then back to the page), and
    for a signed-in user the choice saved on the account too, so the next sign-in, in any
    browser, starts in it."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response
