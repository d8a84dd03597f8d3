"""The administrators' outbox page: the e-mails given up on ("dead" notices), to retry them.

A staff page of the portal rather than the Django admin: it shows only what an administrator
needs to fix delivery (id, kind, recipient by role, attempts, the mail server's reply), never
a request's data, an e-mail's text or a recipient's address (8 U.S.C. 1367).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..access import outbox_access
from ..selectors import notifications_dead_list
from ..services.notifications import notification_retry_dead

PAGE_SIZE = 200


@login_required
@require_GET
def dead_list(request: HttpRequest) -> HttpResponse:
    outbox_access(request.user)
    rows, total = notifications_dead_list(limit=PAGE_SIZE)
    context = {"rows": rows, "total": total, "retry_period": _period()}
    return render(request, "certifications/outbox/dead.html", context)


# The largest whole unit first; plural by the number under "n" (ngettext_lazy's key).
_UNITS = (
    (86400, ngettext_lazy("%(n)s day", "%(n)s days", "n")),
    (3600, ngettext_lazy("%(n)s hour", "%(n)s hours", "n")),
    (60, ngettext_lazy("%(n)s minute", "%(n)s minutes", "n")),
)
_SECONDS = ngettext_lazy("%(n)s second", "%(n)s seconds", "n")


def _period() -> str:
    """NOTIFICATIONS_RETRY_FOR_SECONDS in words ("3 days", "10 seconds")."""
    seconds = settings.NOTIFICATIONS_RETRY_FOR_SECONDS
    for size, words in _UNITS:
        if seconds >= size and seconds % size == 0:
            return words % {"n": seconds // size}
    return _SECONDS % {"n": seconds}


def _retried(request: HttpRequest, count: int) -> HttpResponse:
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s e-mail will be sent again shortly.",
                "%(count)s e-mails will be sent again shortly.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Nothing to retry: that e-mail was already sent or retried."))
    return redirect("certifications:outbox_dead")


@login_required
@require_POST
def dead_retry(request: HttpRequest, pk: int) -> HttpResponse:
    outbox_access(request.user)
    return _retried(request, notification_retry_dead(pk=pk))


@login_required
@require_POST
def dead_retry_all(request: HttpRequest) -> HttpResponse:
    outbox_access(request.user)
    return _retried(request, notification_retry_dead())
