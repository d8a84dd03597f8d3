"""The advocate's pages: the dashboard, the intake steps, submission, withdrawal, answers to the
agency and attachments. The request page shared with the agency is in `views.detail`.

Every view reaches a request or attachment only through `certifications.access` (the page
through `selectors.certification_request_for_page`, which calls it); outsiders get 404.
Victim data never goes into a URL: ids, step names and references only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction
from agencies.models import County
from agencies.selectors import agency_suggestions

from ..access import ADVOCATE, agency_view_of, attachment_access, certification_request_access
from ..choices import (
    AttachmentKind,
    Status,
)
from ..forms.advocate import AttachmentForm, ProvideInfoForm, WithdrawForm
from ..forms.casefile import report_number_formset, report_numbers_from
from ..forms.filters import AdvocateDashboardFilter
from ..forms.intake import (
    STEP_FORMS,
    STEP_TITLES,
    STEPS,
    AgencyChoiceField,
    FamilyMemberFormSet,
    VictimForm,
    family_members_from,
)
from ..models import CertificationRequest
from ..selectors import (
    certification_request_for_page,
    certification_request_page_lists,
    certification_requests_for_advocate_dashboard,
)
from ..selectors_info import info_exchanges
from ..services.answers import certification_request_provide_info
from ..services.core import TransitionError
from ..services.intake import (
    FIELD_STEPS,
    IncompleteRequestError,
    attachment_add,
    attachment_remove,
    certification_request_delete_draft,
    certification_request_problems,
    certification_request_save_draft,
    certification_request_submission_preview,
    certification_request_submit,
    certification_request_withdraw,
)
from ..services.other_agency import AlsoReleaseError, certification_request_submit_also_to
from ..services.releases import release_state
from .detail import WITHDRAWABLE
from .other_agency import also_agencies_posted, also_submit_choices
from .releases import release_step

STEP_SLUGS = [slug for slug, _ in STEPS]


def _require_advocate(request: HttpRequest) -> None:
    # Other roles have no intake pages; 404 like any other page they may not see.
    if not request.user.is_advocate:
        raise Http404(_("No such page."))


def _next_step(step: str) -> str:
    index = STEP_SLUGS.index(step)
    return STEP_SLUGS[min(index + 1, len(STEP_SLUGS) - 1)]


def _progress(step: str, cert_request: CertificationRequest | None) -> list[dict]:
    """The steps with where the advocate is; a tick only on steps that are complete."""
    current = STEP_SLUGS.index(step)
    incomplete = (
        {
            FIELD_STEPS.get(f, "review")
            for f in certification_request_problems(cert_request=cert_request)
        }
        if cert_request is not None
        else set(STEP_SLUGS)
    )

    def state(i: int, slug: str) -> str:
        if i == current:
            return "current"
        return "todo" if slug in incomplete or slug == "review" else "done"

    return [
        {
            "slug": slug,
            "title": title,
            "number": i + 1,
            "state": state(i, slug),
            "url": reverse("certifications:edit", args=[cert_request.pk, slug])
            if cert_request
            else "",
        }
        for i, (slug, title) in enumerate(STEPS)
    ]


def _problems_by_step(problems: dict[str, list[str]]) -> list[dict]:
    grouped: dict[str, list[str]] = {}
    for field, msgs in problems.items():
        grouped.setdefault(FIELD_STEPS.get(field, "review"), []).extend(msgs)
    return [
        {"slug": slug, "title": STEP_TITLES[slug], "messages": grouped[slug]}
        for slug in STEP_SLUGS
        if slug in grouped
    ]


def _after_save(
    request: HttpRequest, cert_request: CertificationRequest, step: str
) -> HttpResponse:
    if request.POST.get("go") == "next":
        return redirect("certifications:edit", pk=cert_request.pk, step=_next_step(step))
    messages.success(
        request,
        _("Draft %(reference)s saved. You can come back to it any time.")
        % {"reference": cert_request.reference},
    )
    return redirect("certifications:edit", pk=cert_request.pk, step=step)


# --- dashboard -------------------------------------------------------------------------------

DASHBOARD_PAGE_SIZE = 25


@login_required
@require_GET
@audited(AuditAction.LIST_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The organization's requests: status, agency, due date and days left, filters, search."""
    _require_advocate(request)
    queryset = certification_requests_for_advocate_dashboard(user=request.user)
    filterset = AdvocateDashboardFilter(request.GET or None, queryset=queryset)
    page = Paginator(filterset.qs, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = page.object_list
    # Every row is of the user's organization and carries its name; read apart only when
    # there is no row.
    organization = rows[0].organization.name if rows else request.user.organization.name
    return render(
        request,
        "certifications/advocate/dashboard.html",
        {"filter": filterset, "page": page, "organization_name": organization},
    )


# --- intake ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_new(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new request; the draft (and its reference) exists from the first save."""
    _require_advocate(request)
    form = VictimForm(request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        cert_request = certification_request_save_draft(
            actor=request.user,
            form_type=form.cleaned_data["form_type"],
            fields=form.draft_fields(),
        )
        return _after_save(request, cert_request, "victim")
    return render(
        request,
        "certifications/advocate/step.html",
        {
            "obj": None,
            "step": "victim",
            "step_title": STEP_TITLES["victim"],
            "progress": _progress("victim", None),
            "form": form,
        },
    )


def _step_form(step: str, cert_request: CertificationRequest, data=None):
    form_class = STEP_FORMS[step]
    kwargs = {"form_type": cert_request.form_type} if step == "crime" else {}
    return form_class(data, instance=cert_request, **kwargs)


def _checked_form(step: str, cert_request: CertificationRequest, problems: dict[str, list[str]]):
    """The step's form bound to the saved values, with what blocks submission beside each field
    (the review page links here with ?check=1)."""
    form = _step_form(step, cert_request)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = field.prepare_value(value) if value is not None else ""
    form = _step_form(step, cert_request, data=data)
    form.is_valid()
    for field, msgs in problems.items():
        if field in form.fields:
            for msg in msgs:
                form.add_error(field, msg)
    return form


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of a draft. "Save draft" keeps the advocate on the step; "Save and continue"
    moves on. Invalid input is shown beside its field with everything typed kept."""
    _require_advocate(request)
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if step not in STEP_SLUGS:
        raise Http404(_("No such step."))
    if cert_request.status == Status.CERTIFIED:
        # The signed form is the agency's statement as signed (8 CFR 214.14(c)(2)(i)): what it
        # states changes only through a new signature; the rest through a correction.
        messages.error(
            request,
            _(
                "%(reference)s is certified: what the signed form states cannot be edited. Use "
                '"Ask for a new signature" to change it, or "Correct" for the contact details and '
                "internal notes."
            )
            % {"reference": cert_request.reference},
        )
        return redirect("certifications:detail", pk=cert_request.pk)
    if cert_request.status != Status.DRAFT:
        messages.info(
            request,
            _("%(reference)s was submitted; it can no longer be edited.")
            % {"reference": cert_request.reference},
        )
        return redirect("certifications:detail", pk=cert_request.pk)
    if step == "attachments":
        return _attachments_step(request, cert_request)
    if step == "review":
        return _review_step(request, cert_request)
    if step == "consent":
        # The victim's release per agency, with its signed document (views.releases).
        return release_step(request, cert_request, progress=_progress(step, cert_request))

    formset = None
    # The crime step's further report numbers, each with its agency (models.casefile).
    numbers = None
    if request.method == "POST":
        form = _step_form(step, cert_request, data=request.POST)
        if step == "narrative":
            formset = FamilyMemberFormSet(request.POST, prefix="family")
        if step == "crime" and "numbers-TOTAL_FORMS" in request.POST:
            # A post without the numbers' rows (an older page) leaves them as they are.
            numbers = report_number_formset(request.POST)
        if all(f.is_valid() for f in (form, formset, numbers) if f is not None):
            try:
                certification_request_save_draft(
                    actor=request.user,
                    cert_request=cert_request,
                    fields=form.draft_fields(),
                    family_members=family_members_from(formset) if formset else None,
                    report_numbers=report_numbers_from(numbers) if numbers else None,
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            except TransitionError as exc:
                messages.error(request, str(exc))
                return redirect("certifications:detail", pk=cert_request.pk)
            else:
                return _after_save(request, cert_request, step)
    elif request.GET.get("check"):
        problems = certification_request_problems(cert_request=cert_request)
        form = _checked_form(step, cert_request, problems)
    else:
        form = _step_form(step, cert_request)
    if step == "narrative" and formset is None:
        formset = FamilyMemberFormSet(
            prefix="family",
            initial=[
                {"full_name": m.full_name, "relationship": m.relationship}
                for m in cert_request.family_members.all()
            ],
        )
    if step == "crime" and numbers is None:
        numbers = report_number_formset(cert_request=cert_request)
    return render(
        request,
        "certifications/advocate/step.html",
        {
            "obj": cert_request,
            # The typed steps save as the advocate types (views.autosave).
            "autosave_url": reverse("certifications:autosave", args=[cert_request.pk, step]),
            "numbers_formset": numbers,
            "step": step,
            "step_title": STEP_TITLES[step],
            "progress": _progress(step, cert_request),
            "form": form,
            "formset": formset,
            "family_problems": (
                certification_request_problems(cert_request=cert_request).get("family_members", [])
                if step == "narrative" and request.GET.get("check")
                else []
            ),
        },
    )


def _attachments_step(request: HttpRequest, cert_request: CertificationRequest) -> HttpResponse:
    form = AttachmentForm()
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment_add(
                    cert_request=cert_request,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(request, _("The file was attached."))
                return redirect("certifications:edit", pk=cert_request.pk, step="attachments")
    attachments = list(cert_request.attachments.select_related("uploaded_by"))
    return render(
        request,
        "certifications/advocate/attachments.html",
        {
            "obj": cert_request,
            "step": "attachments",
            "step_title": STEP_TITLES["attachments"],
            "progress": _progress("attachments", cert_request),
            "form": form,
            "attachments": attachments,
            "needs_notice_to_appear": cert_request.in_removal_proceedings
            and not any(a.kind == AttachmentKind.NOTICE_TO_APPEAR for a in attachments),
        },
        status=400 if form.errors else 200,
    )


def _review_step(
    request: HttpRequest,
    cert_request: CertificationRequest,
    problems=None,
    also_error: AlsoReleaseError | None = None,
) -> HttpResponse:
    if problems is None:
        problems = certification_request_problems(cert_request=cert_request)
    page_obj = certification_request_for_page(
        user=request.user, pk=cert_request.pk, require=ADVOCATE
    ).cert_request
    preview = None if problems else certification_request_submission_preview(cert_request=page_obj)
    return render(
        request,
        "certifications/advocate/review.html",
        {
            "preview": preview,
            "obj": page_obj,
            "req": page_obj,
            "step": "review",
            "step_title": STEP_TITLES["review"],
            "progress": _progress("review", cert_request),
            "problems": _problems_by_step(problems),
            "show_immigration_details": True,
            "agency_view": agency_view_of(page_obj),
            "attachments": page_obj.attachment_list,
            "release_state": release_state(cert_request=page_obj),
            # Other agencies to submit the same incident to at once (views.other_agency); a
            # refused choice stays ticked beside its reason.
            "also_choices": also_submit_choices(page_obj),
            "also_ticked": {int(v) for v in request.POST.getlist("also") if v.isdigit()},
            "also_error": also_error,
            "also_release_query": "&".join(f"also={a.pk}" for a in also_error.agencies)
            if also_error
            else "",
        },
        status=400 if also_error else 200,
    )


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_advocate(request)
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    also = also_agencies_posted(request, cert_request)
    try:
        submitted = (
            certification_request_submit_also_to(
                cert_request=cert_request, actor=request.user, agencies=also
            )
            if also
            else [certification_request_submit(cert_request=cert_request, actor=request.user)]
        )
    except IncompleteRequestError as exc:
        messages.error(request, _("The request is not complete yet: see what is missing below."))
        return _review_step(request, cert_request, problems=exc.message_dict)
    except AlsoReleaseError as exc:
        messages.error(request, _("Nothing was submitted: see the other agencies below."))
        return _review_step(request, cert_request, also_error=exc)
    except (TransitionError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("certifications:detail", pk=cert_request.pk)
    for sent in submitted:
        messages.success(
            request,
            _("%(sent_reference)s was submitted to %(agency)s. Due %(due_date)s.")
            % {
                "sent_reference": sent.reference,
                "agency": sent.agency,
                "due_date": date_format(sent.due_date, "DATE_FORMAT"),
            },
        )
    return redirect("certifications:detail", pk=submitted[0].pk)


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require_advocate(request)
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status not in WITHDRAWABLE:
        messages.info(
            request,
            _("%(reference)s is %(status)s.")
            % {
                "reference": cert_request.reference,
                "status": cert_request.get_status_display().lower(),
            },
        )
        return redirect("certifications:detail", pk=cert_request.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certification_request_withdraw(
                cert_request=cert_request, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(reference)s was withdrawn.") % {"reference": cert_request.reference}
            )
        return redirect("certifications:detail", pk=cert_request.pk)
    return render(
        request, "certifications/advocate/withdraw.html", {"obj": cert_request, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what deleting the draft destroys, and a button; POST: delete it."""
    _require_advocate(request)
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status != Status.DRAFT:
        messages.info(
            request,
            _(
                "%(reference)s is %(status)s: only a draft can be deleted. An open request can be "
                "withdrawn."
            )
            % {
                "reference": cert_request.reference,
                "status": cert_request.get_status_display().lower(),
            },
        )
        return redirect("certifications:detail", pk=cert_request.pk)
    if request.method == "POST":
        try:
            reference = certification_request_delete_draft(
                cert_request=cert_request, actor=request.user
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("certifications:detail", pk=cert_request.pk)
        messages.success(
            request,
            _("Draft %(reference)s was deleted with its attachments.") % {"reference": reference},
        )
        return redirect("certifications:dashboard")
    return render(
        request,
        "certifications/advocate/delete_draft.html",
        {"obj": cert_request, "attachment_count": cert_request.attachments.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_provide_info(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the agency's information request; the request returns to the agency's queue."""
    _require_advocate(request)
    access = certification_request_access(user=request.user, pk=pk, require=ADVOCATE)
    cert_request = access.cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status != Status.INFO_REQUESTED:
        messages.info(request, _("The agency is not waiting for information on this request."))
        return redirect("certifications:detail", pk=cert_request.pk)
    form = ProvideInfoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            certification_request_provide_info(
                cert_request=cert_request,
                actor=request.user,
                message=form.cleaned_data["message"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return redirect("certifications:detail", pk=cert_request.pk)
        else:
            messages.success(
                request, _("Your answer was sent; the request is back with the agency.")
            )
            return redirect("certifications:detail", pk=cert_request.pk)
    return render(
        request,
        "certifications/advocate/respond.html",
        {
            "obj": cert_request,
            "form": form,
            # The agency's question(s), with their dates and earlier answers, above the form.
            "exchanges": info_exchanges(
                cert_request=certification_request_page_lists(cert_request=cert_request),
                attachments=access.shown_attachments(cert_request.attachment_list),
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_advocate(request)
    attachment = attachment_access(user=request.user, pk=pk, require=ADVOCATE)[0]
    cert_request = attachment.request
    try:
        attachment_remove(attachment=attachment, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("certifications:detail", pk=cert_request.pk)
    messages.success(request, _("The file was removed."))
    return redirect("certifications:edit", pk=cert_request.pk, step="attachments")


@login_required
@require_GET
def agency_suggestions_json(request: HttpRequest) -> JsonResponse:
    """Suggested agencies for a county (ids and names only: directory data, no victim data)."""
    _require_advocate(request)
    try:
        county = County.objects.filter(pk=int(request.GET.get("county", ""))).first()
    except ValueError:
        county = None
    form_type = request.GET.get("form_type") or None
    agencies = agency_suggestions(county=county, form_type=form_type)
    return JsonResponse(
        {
            "county": str(county) if county else "",
            "agencies": [{"id": a.pk, "name": a.name} for a in agencies],
            "labels": AgencyChoiceField.group_labels(str(county) if county else ""),
        }
    )
