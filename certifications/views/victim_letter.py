"""The letter to the victim: the advocate previews it (English beside the chosen language) and
downloads the PDF. Advocates of the request's organization only: the agency never gets it
(404, the access function); every look is audited. The language travels in the form's body,
never in the URL (the preferred language is victim data)."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import audit_detail, audit_reference, audited
from accounts.models import AuditAction

from ..access import ADVOCATE, certification_request_access
from ..choices import Status
from ..documents.victim_letter import (
    letter_body_html,
    letter_language,
    victim_letter,
    victim_letter_pdf,
)
from ..forms.victim_letter import VictimLetterLanguageForm
from .documents import _pdf_attachment


def _sent_request(request: HttpRequest, pk: int):
    cert_request = certification_request_access(
        user=request.user, pk=pk, require=ADVOCATE
    ).cert_request
    audit_reference(request, cert_request.reference)
    if cert_request.status == Status.DRAFT:
        raise Http404(_("This request has not been sent to an agency yet: there is no letter."))
    return cert_request


def _chosen_language(request: HttpRequest, cert_request):
    """The language form and the language it names: the posted choice, else the recorded one.
    The language is None when the posted choice is not valid."""
    if request.method == "POST":
        form = VictimLetterLanguageForm(request.POST)
        return form, (form.cleaned_data["language"] if form.is_valid() else None)
    language = letter_language(cert_request)
    return VictimLetterLanguageForm(initial={"language": language}), language


def _invalid_choice(request: HttpRequest, cert_request, form) -> HttpResponse:
    return render(
        request,
        "documents/victim_letter_page.html",
        {"cert_request": cert_request, "form": form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@audited(AuditAction.VICTIM_DATA_VIEW)
def victim_letter_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: the letter in the chosen language beside the English text, as HTML."""
    cert_request = _sent_request(request, pk)
    form, language = _chosen_language(request, cert_request)
    if language is None:
        return _invalid_choice(request, cert_request, form)
    letter = victim_letter(cert_request=cert_request, language=language)
    english = victim_letter(cert_request=cert_request, language="en")
    return render(
        request,
        "documents/victim_letter_page.html",
        {
            "cert_request": cert_request,
            "form": form,
            "letter": letter,
            "language_name": dict(settings.LANGUAGES).get(language, language),
            "body": letter_body_html(letter, title_level=2),
            "english_body": letter_body_html(english, title_level=2) if language != "en" else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@audited(AuditAction.DOCUMENT_DOWNLOAD)
def victim_letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as a one-page PDF attachment, in the chosen (or the recorded) language."""
    cert_request = _sent_request(request, pk)
    form, language = _chosen_language(request, cert_request)
    if language is None:
        return _invalid_choice(request, cert_request, form)
    # Which document, never its language: the audit trail holds no victim data.
    audit_detail(request, "letter to the victim")
    document = SimpleNamespace(
        content=victim_letter_pdf(cert_request=cert_request, language=language),
        # The reference only, never the victim's name (8 U.S.C. 1367).
        filename=f"{cert_request.reference}-letter.pdf",
    )
    return _pdf_attachment(document)
