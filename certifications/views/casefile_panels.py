"""What the request pages show of the case file, and the forms they offer (built here, so the
templates run no query): the report numbers, the archived-records mark, the signed original's
way back and its receipt, and the message form with files.

The agency's forms are offered only for what the status allows now: the archived-records mark
on an open request, the signed original's way back once certified.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext as _

from ..choices import OPEN_STATUSES, Status
from ..forms.casefile import (
    ArchivedRecordsForm,
    MessageWithFilesForm,
    OriginalReceivedForm,
    SignedOriginalForm,
)
from ..models import CertificationRequest


def related_or_none(cert_request: CertificationRequest, name: str):
    """A one-to-one row of the case file, or None when there is none (read with the page by
    `selectors.REQUEST_PAGE_RELATED`)."""
    try:
        return getattr(cert_request, name)
    except ObjectDoesNotExist:
        return None


def casefile_context(
    *,
    cert_request: CertificationRequest,
    agency_actions: frozenset[str] = frozenset(),
    advocate: bool = False,
    bound: dict[str, forms.Form] | None = None,
) -> dict[str, Any]:
    """Context for `certifications/_casefile.html`: the case, and the forms open to this user."""
    bound = bound or {}
    pk = cert_request.pk
    archived = related_or_none(cert_request, "archived_records")
    original = related_or_none(cert_request, "signed_original")
    context: dict[str, Any] = {
        "archived_records": archived,
        "signed_original": original,
        "report_number_list": getattr(cert_request, "report_number_list", []),
    }
    if (
        "records_archived" in agency_actions
        and archived is None
        and cert_request.status in OPEN_STATUSES
    ):
        context["archived_form"] = bound.get("records_archived") or ArchivedRecordsForm(
            action=reverse("certifications:records_archived", args=[pk])
        )
    if (
        "original_returned" in agency_actions
        and original is None
        and cert_request.status == Status.CERTIFIED
    ):
        context["original_form"] = bound.get("original_returned") or SignedOriginalForm(
            action=reverse("certifications:original_returned", args=[pk])
        )
    if advocate and original is not None and original.received_on is None:
        context["received_form"] = bound.get("original_received") or OriginalReceivedForm(
            action=reverse("certifications:original_received", args=[pk])
        )
    if advocate and cert_request.status != Status.DRAFT:
        context["advocate_message_form"] = bound.get("advocate_message") or MessageWithFilesForm(
            action=reverse("certifications:advocate_message", args=[pk]),
            label=_("Message to the agency"),
        )
    return context
