"""The advocate's "Also request from another agency" (services.other_agency): the same victim
and incident asked of a second agency, from a request's page or a draft's review step, and
the agencies a draft can be submitted to at once.

The view reaches the request through `certifications.access.certification_request_access`
(outsiders get 404) and carries `@audited`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import audited
from accounts.models import AuditAction
from agencies.models import Agency

from ..forms.links import OtherAgencyForm
from ..models import CertificationRequest
from ..selectors import agencies_to_move_to
from ..services.links import LinkError, _agency_of
from ..services.other_agency import DATA_GROUPS, other_agency_attachments, other_agency_start
from ..services.releases import releases_current
from .links import _advocate_request, _errors_to_form, _not_now, _posted


def _candidates(cert_request: CertificationRequest, query: str, pk: int | None) -> list[Agency]:
    own = _agency_of(cert_request)
    agencies = agencies_to_move_to(cert_request=cert_request, local_only=False, query=query, pk=pk)
    return [a for a in agencies if a.pk != own]


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def other_agency(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Also request from another agency": choose the agency in the directory, tick what to
    copy; a linked draft is started and the advocate goes to its release step."""
    cert_request = _advocate_request(request, pk)
    query = request.GET.get("q", "").strip()[:100]
    chosen = request.POST.get("agency", "")
    agencies = _candidates(
        cert_request, query, int(chosen) if request.method == "POST" and chosen.isdigit() else None
    )
    files = other_agency_attachments(cert_request)
    form = OtherAgencyForm(
        _posted(request),
        agencies=[(a.pk, a.name) for a in agencies],
        groups=[(slug, label) for slug, (label, _) in DATA_GROUPS.items()],
        attachments=[(a.pk, f"{a.get_kind_display()}: {a.original_name}") for a in files],
    )
    if request.method == "POST" and form.is_valid():
        agency = next(a for a in agencies if a.pk == form.cleaned_data["agency"])
        try:
            draft = other_agency_start(
                source=cert_request,
                actor=request.user,
                agency=agency,
                groups=form.cleaned_data["groups"],
                attachment_ids=form.cleaned_data.get("attachments", []),
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except LinkError as exc:
            return _not_now(request, cert_request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Draft %(draft_reference)s for %(agency)s was started for the same incident, "
                    "linked to %(reference)s. It has its own release, clock and decision: check "
                    "the release for this agency, then review and submit it."
                )
                % {
                    "draft_reference": draft.reference,
                    "agency": agency.name,
                    "reference": cert_request.reference,
                },
            )
            return redirect("certifications:edit", pk=draft.pk, step="consent")
    return render(
        request,
        "certifications/links/other_agency.html",
        {"obj": cert_request, "form": form, "query": query, "agencies": agencies},
        status=400 if form.errors else 200,
    )


def also_submit_choices(cert_request: CertificationRequest) -> list[dict]:
    """The agencies a complete draft may also be submitted to at once (the review step): those
    its current releases name and the directory's suggestions for the crime's county, each
    saying whether a release names it yet."""
    own = _agency_of(cert_request)
    named: dict[int, Agency] = {}
    for release in releases_current(cert_request=cert_request):
        for agency in release.agencies.all():
            if agency.is_active and not agency.is_statewide_coordinator:
                named.setdefault(agency.pk, agency)
    choices = [{"agency": a, "named": True} for pk, a in sorted(named.items()) if pk != own]
    for agency in _candidates(cert_request, "", None):
        if agency.pk not in named and not agency.is_statewide_coordinator:
            choices.append({"agency": agency, "named": False})
    return choices


def also_agencies_posted(request: HttpRequest, cert_request: CertificationRequest) -> list[Agency]:
    """The extra agencies ticked at submission, among those offered (anything else posted is
    ignored: the list is the portal's, not the browser's)."""
    ticked = {int(v) for v in request.POST.getlist("also") if v.isdigit()}
    if not ticked:
        return []
    return [c["agency"] for c in also_submit_choices(cert_request) if c["agency"].pk in ticked]
