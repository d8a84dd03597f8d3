"""The bell: a user's notifications, marking them read; and the advocate's "petition filed"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from ..access import ADVOCATE, certification_request_access
from ..context_processors import unread_count_forget
from ..forms.notifications import PetitionFiledForm
from ..models import Notification
from ..services.answers import PetitionFiledError, certification_request_mark_petition_filed
from ..services.notifications import notification_link_path, notification_mark_read

PAGE_SIZE = 100


# Sign-in is checked first, as on every other page: someone signed out is sent to sign in
# whatever the method, rather than told which methods a URL accepts.
@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's latest notifications: one query, only their own rows."""
    unread_count_forget(request)  # the page the bell leads to shows a fresh count
    rows = list(Notification.objects.filter(user=request.user)[:PAGE_SIZE])
    items = [(n, notification_link_path(n)) for n in rows]
    unread = sum(1 for n in rows if n.read_at is None)
    return render(
        request,
        "certifications/notifications/list.html",
        {"items": items, "unread_on_page": unread},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the owner's rows are updated; another user's id changes nothing (and says nothing).
    notification_mark_read(user=request.user, pk=pk)
    unread_count_forget(request)
    return redirect("certifications:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(user=request.user)
    unread_count_forget(request)
    messages.success(
        request,
        ngettext(
            "%(count)s notification marked as read.",
            "%(count)s notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("certifications:notifications")


def _request_page(pk: int) -> str:
    try:
        return reverse("certifications:detail", args=[pk])
    except NoReverseMatch:
        return reverse("certifications:notifications")


@login_required
@require_POST
def petition_filed(request: HttpRequest, pk: int) -> HttpResponse:
    """8 CFR 214.14(c)(2)(i): record when the petition was filed, which ends the reminders."""
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    form = PetitionFiledForm(request.POST)
    if form.is_valid():
        try:
            certification_request_mark_petition_filed(
                cert_request=cert_request,
                actor=request.user,
                filed_on=form.cleaned_data["filed_on"],
            )
        except PetitionFiledError as exc:
            form.add_error("filed_on", str(exc))
        else:
            messages.success(
                request,
                _("Petition for %(reference)s marked as filed.")
                % {"reference": cert_request.reference},
            )
            return redirect(_request_page(cert_request.pk))
    return render(
        request,
        "certifications/notifications/petition_filed.html",
        {"form": form, "cert_request": cert_request, "back": _request_page(cert_request.pk)},
        status=400,
    )
