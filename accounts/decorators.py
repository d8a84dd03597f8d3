"""`@audited`: the one way a view that shows victim data writes its audit row.

CJIS Security Policy 5.4.1.1 (auditable events: who, what, when, from where, outcome) and
8 U.S.C. 1367 (the confidentiality of U- and T-visa applicants) ask that every look at a
victim's record be traceable. Writing that row by hand in each view left looks unrecorded, so
the views carry this decorator instead and a test (tests/security/test_audit_coverage.py) fails
on any route that can show victim data without it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .models import AuditAction
from .services import audit_log

# Set on the request once its row is being written: a decorated view that calls another
# decorated view (the home page showing the dashboard) still writes one row, the outer one's.
_WRITTEN = "_portal_audit_written"
_DETAIL = "_portal_audit_detail"
_REFERENCE = "_portal_audit_reference"

OUTCOME_NOT_FOUND = "not_found"
OUTCOME_DENIED = "denied"
OUTCOME_ERROR = "error"


def audit_detail(request: HttpRequest, detail: str) -> None:
    """Add a note to the row `@audited` writes for this request (e.g. which stored version of
    a document was sent). Never victim data: the audit trail is read by administrators."""
    setattr(request, _DETAIL, detail)


def audit_reference(request: HttpRequest, reference: str) -> None:
    """Name the request looked at by its reference number, which leads the row's target: the
    audit search finds rows by target, and an investigation starts from a reference."""
    setattr(request, _REFERENCE, reference)


def _target(request: HttpRequest, view: Callable, kwargs: dict) -> str:
    """The request's reference when the view named it, the view's URL name and the object ids
    from the URL, e.g. `UV-2026-00007 certifications:detail pk=7`.

    URL arguments are ids, step names and document kinds only (no victim data goes into a
    URL), so they may be recorded; the query string is not (a search box can hold anything).
    """
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None and match.view_name else view.__name__
    arguments = " ".join(f"{key}={value}" for key, value in sorted(kwargs.items()))
    reference = getattr(request, _REFERENCE, "")
    return " ".join(part for part in (reference, name, arguments) if part)


def audited(action: AuditAction) -> Callable[[Callable], Callable]:
    """Write exactly one audit row per request to the decorated view.

    1. If an outer decorated view is already writing this request's row, just call the view.
    2. Call the view; the outcome is the response's status code, or "not_found" / "denied"
       when it raises Http404 / PermissionDenied (outsiders' attempts are recorded too, then
       the exception goes on to the usual 404 / 403 page), or "error" for anything else.
    3. Write the row (who, the view and its URL ids, the address and browser via
       `audit_log`, the outcome) whatever happened.

    Place it under `login_required` and the method decorators (a wrong method is turned away
    before anything is read), but above a role check that raises, so a refused attempt is
    recorded. A signed-out visitor is never recorded: there is nobody to name.
    The wrapped view carries `audit_action` so tests can find every decorated route.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = getattr(request, "user", None)
            if getattr(request, _WRITTEN, False) or user is None or not user.is_authenticated:
                # Already being written by an outer view; or signed out, so `login_required`
                # sends the visitor to sign in: nothing is read and nobody is there to name.
                return view(request, *args, **kwargs)
            setattr(request, _WRITTEN, True)
            outcome = OUTCOME_ERROR
            try:
                response = view(request, *args, **kwargs)
                outcome = str(response.status_code)
                return response
            except Http404:
                outcome = OUTCOME_NOT_FOUND
                raise
            except PermissionDenied:
                outcome = OUTCOME_DENIED
                raise
            finally:
                audit_log(
                    action=action,
                    request=request,
                    target=_target(request, view, kwargs),
                    detail=getattr(request, _DETAIL, ""),
                    outcome=outcome,
                )

        wrapper.audit_action = action
        return wrapper

    return decorator
