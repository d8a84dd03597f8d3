"""The letter to the victim: every language for every status, one page, the right language
chosen, the advocate alone may have it (audited), the unreviewed note and the English beside."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from accounts.models import AuditAction, AuditEntry
from certifications.choices import DeadlineSource, DenialReason, FormType, Status
from certifications.documents import victim_letter as letter_module
from certifications.documents.victim_letter import (
    LETTER_LANGUAGES,
    letter_language,
    translation_reviewed,
    victim_letter_pdf,
)
from certifications.models import CertificationRequest
from tests.factories import make_request

from .documents_helpers import flat, pdf_pages, pdf_text, submit_to

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2026, 3, 5)
DECIDED = timezone.make_aware(datetime.datetime(2026, 3, 6, 10, 0))
EXPLANATION = "The report names another city's police as the investigating agency."
STATUSES = [
    "submitted",
    "in_review",
    "info_requested",
    "certified_u",
    "certified_t",
    "denied",
    "withdrawn",
    "transferred",
]


def _day(language: str, day: datetime.date) -> str:
    with translation.override(language):
        return date_format(day, pgettext("victim letter date", "F j, Y"))


def _t(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return gettext(msgid) % values if values else gettext(msgid)


def _request(personas, state: str, **fields) -> CertificationRequest:
    form_type = FormType.T if state == "certified_t" else FormType.U
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=form_type,
        victim_given_name="Secretname",
        narrative="NARRATIVE-CANARY: what happened that night.",
        **fields,
    )
    request = submit_to(request, personas.agency_x, deadline_source=DeadlineSource.STATUTE)
    updates: dict = {}
    if state in ("in_review", "info_requested"):
        updates = {"status": state}
    elif state.startswith("certified"):
        updates = {"status": Status.CERTIFIED, "signature_date": SIGNED, "decided_at": DECIDED}
    elif state == "denied":
        updates = {
            "status": Status.DENIED,
            "decided_at": DECIDED,
            "closed_at": DECIDED,
            "denial_reason": DenialReason.NO_RESPONSIBILITY,
            "denial_explanation": EXPLANATION,
            "certifying_official_name": "Reviewer Secretsurname",
        }
    elif state == "withdrawn":
        updates = {"status": Status.WITHDRAWN, "closed_at": DECIDED}
    elif state == "transferred":
        updates = {
            "received_by_agency_on": timezone.localdate() + datetime.timedelta(days=3),
            "agency": personas.agency_y,
        }
    CertificationRequest.objects.filter(pk=request.pk).update(**updates)
    request.refresh_from_db()
    return request


def _expected(language: str, state: str, request: CertificationRequest) -> list[str]:
    """Phrases the letter must carry for this status, in its language."""
    sent = _day(language, timezone.localdate(request.submitted_at))
    waiting = _t(
        language, "You do not need to do anything now. We will tell you when the agency answers."
    )
    answer_by = _t(
        language, "The agency should answer by %(day)s.", day=_day(language, request.due_date)
    )
    sent_to = _t(
        language,
        "On %(sent)s, we sent your request to %(agency)s.",
        sent=sent,
        agency=request.agency.name,
    )
    if state in ("submitted", "in_review"):
        looking = _t(language, "The agency is looking at your request. It has not answered yet.")
        return [sent_to, looking, answer_by, waiting]
    if state == "info_requested":
        asked = _t(
            language,
            "The agency asked us for more information. We are working on it. "
            "We may call you if we need your help.",
        )
        return [sent_to, asked, answer_by, waiting]
    if state == "certified_u":
        with translation.override(language):
            window = ngettext(
                "The signed form must reach U.S. immigration (USCIS) with your visa "
                "application within %(months)s month: by %(day)s.",
                "The signed form must reach U.S. immigration (USCIS) with your visa "
                "application within %(months)s months: by %(day)s.",
                6,
            ) % {"months": 6, "day": _day(language, datetime.date(2026, 9, 5))}
        good = _t(
            language,
            "Good news: on %(day)s, %(agency)s signed the form.",
            day=_day(language, SIGNED),
            agency=request.agency.name,
        )
        return [sent_to, good, window]
    if state == "certified_t":
        return [
            _t(
                language,
                "There is no deadline to send the signed form to U.S. immigration (USCIS), but "
                "sooner is better. Call us to plan the next step.",
            )
        ]
    if state == "denied":
        return [
            _t(
                language,
                "On %(day)s, %(agency)s said no. They did not sign the form.",
                day=_day(language, timezone.localdate(DECIDED)),
                agency=request.agency.name,
            ),
            _t(language, "The reason they gave:"),
            _t(language, "they were not the agency that handled the crime."),
            EXPLANATION,
            _t(language, "This is not always the end. Call us to talk about what you can do next."),
        ]
    if state == "withdrawn":
        return [
            _t(
                language,
                "On %(day)s, we stopped this request. The agency will not answer it.",
                day=_day(language, timezone.localdate(DECIDED)),
            )
        ]
    assert state == "transferred"
    return [
        _t(
            language,
            "On %(sent)s, we sent your request. On %(moved)s, it was moved to %(agency)s. "
            "This agency now handles it.",
            sent=sent,
            moved=_day(language, request.received_by_agency_on),
            agency=request.agency.name,
        ),
        waiting,
    ]


@pytest.mark.parametrize("state", STATUSES)
@pytest.mark.parametrize("language", LETTER_LANGUAGES)
def test_each_language_and_status_renders_one_translated_page(personas, language, state):
    request = _request(personas, state)
    pdf = victim_letter_pdf(cert_request=request, language=language)
    assert len(pdf_pages(pdf)) == 1
    text = flat(pdf_text(pdf))
    for phrase in _expected(language, state, request):
        assert flat(phrase) in text, (language, state, phrase)
    if language != "en":
        english = _t("en", "Whom to call")
        assert _t(language, "Whom to call") != english
        assert english not in text
    # Whom to call: the advocate's organization, from its record.
    assert personas.org_a.name in text
    # Nothing the victim does not already know, and no name a stranger could read.
    for secret in ("Secretname", "NARRATIVE-CANARY", "Secretsurname", "Advocate A"):
        assert secret not in text


def test_dates_carry_month_names_in_each_language(personas):
    request = _request(personas, "certified_u")
    texts = {
        lang: flat(pdf_text(victim_letter_pdf(cert_request=request, language=lang)))
        for lang in ("es", "so", "hmn", "vi")
    }
    assert "5 de marzo de 2026" in texts["es"]
    assert "5 Maarso 2026" in texts["so"]
    assert "5 Lub Peb Hlis 2026" in texts["hmn"]
    assert "ngày 5 tháng 3 năm 2026" in texts["vi"]
    for text in texts.values():
        assert "March" not in text


def test_the_pdf_embeds_fonts_for_every_script(personas):
    pdf = victim_letter_pdf(cert_request=_request(personas, "submitted"), language="vi")
    fonts = subprocess.run(
        ["pdffonts", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "DejaVu" in fonts
    # Every glyph of the Vietnamese text came from an embedded font (no empty boxes).
    assert all(" yes " in line for line in fonts.splitlines()[2:] if line.strip())


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("hmn", "hmn"),
        ("vi", "vi"),
        ("so", "so"),
        ("Spanish", "es"),
        ("Español", "es"),
        ("  spanish ", "es"),
        ("Somali", "so"),
        ("Af-Soomaali", "so"),
        ("Hmong", "hmn"),
        ("Hmoob", "hmn"),
        ("Vietnamese", "vi"),
        ("Tiếng Việt", "vi"),
        ("English", "en"),
        ("Karen", "en"),
        ("other", "en"),
        ("", "en"),
    ],
)
def test_letter_language_reads_codes_and_names(typed, code):
    assert letter_language(CertificationRequest(victim_preferred_language=typed)) == code


def test_review_status_comes_from_the_catalog_header(settings, tmp_path):
    assert translation_reviewed("en")
    for language in ("es", "so", "hmn", "vi"):
        assert not translation_reviewed(language)
    catalog = tmp_path / "so" / "LC_MESSAGES"
    catalog.mkdir(parents=True)
    po = catalog / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"X-Translation-Review: reviewed\\n"\n',
        encoding="utf-8",
    )
    subprocess.run(["msgfmt", "-o", str(catalog / "django.mo"), str(po)], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    translation_reviewed.cache_clear()
    try:
        assert translation_reviewed("so")
    finally:
        translation_reviewed.cache_clear()


# --- the advocate's pages ---------------------------------------------------------------


def _page(request):
    return reverse("certifications:victim_letter", kwargs={"pk": request.pk})


def _pdf(request):
    return reverse("certifications:victim_letter_download", kwargs={"pk": request.pk})


def test_the_request_page_links_to_the_letter_for_the_advocate_only(client, personas):
    request = _request(personas, "submitted")
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", kwargs={"pk": request.pk}))
    assert "Letter for the victim" in page.content.decode()
    assert _page(request) in page.content.decode()
    client.force_login(personas.contact_x)
    review = client.get(reverse("certifications:review", kwargs={"pk": request.pk}))
    assert _page(request) not in review.content.decode()


def test_preview_shows_the_recorded_language_beside_english_with_the_note(client, personas):
    request = _request(personas, "submitted", victim_preferred_language="Somali")
    client.force_login(personas.advocate_a)
    response = client.get(_page(request))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Translation not yet reviewed" in html
    assert 'lang="so"' in html and 'lang="en"' in html
    assert _t("so", "Whom to call") in html
    assert "Whom to call" in html
    assert 'value="so" selected' in html
    entry = AuditEntry.objects.get(action=AuditAction.VICTIM_DATA_VIEW)
    # The reference and the view only: the language is the victim's, never in the trail.
    assert entry.target == f"{request.reference} certifications:victim_letter pk={request.pk}"
    assert entry.detail == ""


def test_preview_in_english_has_no_note_and_no_second_column(client, personas):
    request = _request(personas, "submitted", victim_preferred_language="Hmong")
    client.force_login(personas.advocate_a)
    html = client.post(_page(request), {"language": "en"}).content.decode()
    assert "Translation not yet reviewed" not in html
    assert "English, for checking" not in html
    assert 'value="en" selected' in html


def test_a_reviewed_language_is_offered_without_the_note(client, personas, monkeypatch):
    monkeypatch.setattr(letter_module, "translation_reviewed", lambda language: True)
    request = _request(personas, "submitted", victim_preferred_language="vi")
    client.force_login(personas.advocate_a)
    html = client.get(_page(request)).content.decode()
    assert "Translation not yet reviewed" not in html
    assert "English, for checking" in html


def test_download_in_the_chosen_language_is_an_audited_attachment(client, personas):
    request = _request(personas, "certified_u", victim_preferred_language="Spanish")
    client.force_login(personas.advocate_a)
    response = client.post(_pdf(request), {"language": "vi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{request.reference}-letter.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert _t("vi", "Whom to call") in flat(pdf_text(response.content))
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENT_DOWNLOAD)
    assert entry.target.startswith(f"{request.reference} certifications:victim_letter_download")
    assert entry.outcome == "200"
    assert entry.detail == "letter to the victim"
    # A GET gives the recorded language.
    text = flat(pdf_text(client.get(_pdf(request)).content))
    assert _t("es", "Whom to call") in text


def test_a_language_not_offered_is_refused_beside_the_field(client, personas):
    request = _request(personas, "submitted")
    client.force_login(personas.advocate_a)
    response = client.post(_pdf(request), {"language": "xx"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("persona", ["contact_x", "advocate_b", "coordinator", "admin"])
def test_nobody_but_the_organizations_advocates_gets_the_letter(client, personas, persona):
    request = _request(personas, "submitted")
    client.force_login(getattr(personas, persona))
    assert client.get(_page(request)).status_code == 404
    assert client.get(_pdf(request)).status_code == 404
    assert client.post(_pdf(request), {"language": "es"}).status_code == 404
    entry = AuditEntry.objects.filter(action=AuditAction.DOCUMENT_DOWNLOAD).last()
    assert entry.outcome == "not_found"


def test_a_draft_has_no_letter(client, personas):
    draft = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    client.force_login(personas.advocate_a)
    response = client.get(_page(draft))
    assert response.status_code == 404
    assert client.get(_pdf(draft)).status_code == 404
