"""The intake steps' autosave: the step's form, posted as the advocate types, saved to the draft.

The draft is kept on the server only, never in the browser's storage: advocates often work on
computers shared in shelters (DOMAIN: users), where what is left in a browser is readable by the
next person. The endpoint saves through the same service as "Save draft", reaches the request
only through `certifications.access` (advocates of its organization, drafts only; 404
otherwise) and is audited like the step it saves.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import audit_reference, audited
from accounts.models import AuditAction

from ..access import ADVOCATE, certification_request_access
from ..choices import Status
from ..forms.casefile import report_number_formset, report_numbers_from
from ..forms.intake import FamilyMemberFormSet, family_members_from
from ..services.core import TransitionError
from ..services.intake import certification_request_save_draft
from .advocate import _require_advocate, _step_form

# The steps made of typed fields. The release and attachments steps carry files (not
# autosaved: a file is chosen, not typed) and keep their own buttons; review has no fields.
AUTOSAVE_STEPS = ("victim", "expedite", "crime", "narrative")


def _formset_errors(formset) -> dict[str, list[str]]:
    """A formset's errors keyed by each input's name, so the page shows them beside it."""
    errors: dict[str, list[str]] = {}
    for form in formset.forms:
        for name, msgs in form.errors.items():
            key = form.add_prefix(name) if name != "__all__" else form.prefix
            errors[key] = list(msgs)
    for msg in formset.non_form_errors():
        errors.setdefault(formset.prefix, []).append(msg)
    return errors


@login_required
@require_POST
@audited(AuditAction.VICTIM_DATA_VIEW)
def request_autosave(request: HttpRequest, pk: int, step: str) -> JsonResponse:
    """Save what is valid of a step's posted form; answer the saved time or the field errors.

    1. Advocates of the request's organization only, drafts only, the typed steps only (404).
    2. Validate the step's form (and its rows: family members, further report numbers).
    3. Save the valid fields through `certification_request_save_draft`; an invalid field
       keeps its saved value until it is corrected (the page keeps what was typed).
    4. Answer {"saved_at": "10:42", "errors": {input name: [messages]}}.
    """
    _require_advocate(request)
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if step not in AUTOSAVE_STEPS or cert_request.status != Status.DRAFT:
        raise Http404(_("No such draft step."))
    form = _step_form(step, cert_request, data=request.POST)
    form.is_valid()
    errors: dict[str, list[str]] = {
        (form.add_prefix(name) if name != "__all__" else "__all__"): list(msgs)
        for name, msgs in form.errors.items()
    }
    fields = {
        name: form.cleaned_data[name]
        for name in form.Meta.fields
        if name in form.fields and name in form.cleaned_data and name not in form.errors
    }
    family = numbers = None
    if step == "narrative" and "family-TOTAL_FORMS" in request.POST:
        formset = FamilyMemberFormSet(request.POST, prefix="family")
        if formset.is_valid():
            family = family_members_from(formset)
        else:
            errors.update(_formset_errors(formset))
    if step == "crime" and "numbers-TOTAL_FORMS" in request.POST:
        formset = report_number_formset(request.POST)
        if formset.is_valid():
            numbers = report_numbers_from(formset)
        else:
            errors.update(_formset_errors(formset))
    try:
        certification_request_save_draft(
            actor=request.user,
            cert_request=cert_request,
            fields=fields,
            family_members=family,
            report_numbers=numbers,
            merge_edits=True,
        )
    except ValidationError as exc:
        # A value the service refuses (the A-Number's canonical form) is left out; the rest
        # is saved as typed.
        for name, msgs in exc.message_dict.items():
            errors[form.add_prefix(name) if name in form.fields else "__all__"] = msgs
            fields.pop(name, None)
        certification_request_save_draft(
            actor=request.user,
            cert_request=cert_request,
            fields=fields,
            family_members=family,
            report_numbers=numbers,
            merge_edits=True,
        )
    except TransitionError as exc:
        # Submitted from another tab meanwhile: nothing is saved; the page says why.
        return JsonResponse({"saved_at": None, "errors": {"__all__": [str(exc)]}}, status=409)
    saved_at = timezone.localtime().strftime("%H:%M")
    return JsonResponse({"saved_at": saved_at, "errors": errors}, status=200)
