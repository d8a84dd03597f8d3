"""Names as their bearers write them, and the preferred language as a code from a list: the
order follows the language unless the advocate chooses, and is used on every page, draft and
letter; free text typed before the list is migrated to codes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from certifications.documents.record import request_record_context
from certifications.documents.render import cover_letter_pdf
from certifications.languages import (
    LANGUAGES_SPOKEN,
    NameOrder,
    language_from_text,
    language_name,
    language_to_text,
)
from certifications.models import CertificationRequest
from tests.factories import make_request, make_submitted_request

from .documents_helpers import flat, pdf_text
from .intake_support import fast_passwords, private_media  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]

# The example: shown given name first as "Tuyết Thị Ánh Nguyễn".
NAME = {
    "victim_family_name": "Nguyễn",
    "victim_given_name": "Tuyết",
    "victim_middle_name": "Thị Ánh",
}
AS_WRITTEN = "Nguyễn Thị Ánh Tuyết"
GIVEN_FIRST = "Tuyết Thị Ánh Nguyễn"
MIGRATION = "certifications.migrations.0024_victim_language_code_name_order"


def _draft(personas, **fields):
    return make_request(
        organization=personas.org_a, created_by=personas.advocate_a, **{**NAME, **fields}
    )


def _submitted(personas, **fields):
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        **{**NAME, **fields},
    )


# --- The list and the order ------------------------------------------------------------------


def test_the_codes_the_victim_letter_relies_on_are_in_the_list():
    codes = [code for code, _ in LANGUAGES_SPOKEN]
    assert {"en", "es", "so", "hmn", "vi", "om", "am", "ti", "ar", "zh", "ko", "hu"} <= set(codes)
    assert codes[-1] == "other"
    assert language_name("vi") == "Tiếng Việt (Vietnamese)"
    assert language_name("other", "Kayah (Karenni)") == "Kayah (Karenni)"
    assert language_name("") == ""


@pytest.mark.parametrize(
    ("language", "order", "shown"),
    [
        ("vi", "", AS_WRITTEN),
        ("hu", "", AS_WRITTEN),
        ("hmn", "", AS_WRITTEN),
        ("es", "", GIVEN_FIRST),
        ("", "", GIVEN_FIRST),
        ("vi", NameOrder.GIVEN_FIRST, GIVEN_FIRST),
        ("en", NameOrder.FAMILY_FIRST, AS_WRITTEN),
    ],
)
def test_the_display_name_follows_the_language_unless_chosen(personas, language, order, shown):
    draft = _draft(personas, victim_preferred_language=language, victim_name_order=order)
    assert draft.victim_display_name == shown


# --- The migration of free text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Spanish", ("es", "")),
        ("Español", ("es", "")),
        ("  vietnamese ", ("vi", "")),
        ("Hmong", ("hmn", "")),
        ("Somali", ("so", "")),
        ("Chinese", ("zh", "")),
        ("Mandarin", ("zh", "")),
        ("Cantonese", ("yue", "")),
        ("KOREAN", ("ko", "")),
        ("Hungarian", ("hu", "")),
        ("es", ("es", "")),
        ("Tagalog", ("other", "Tagalog")),
        ("", ("", "")),
    ],
)
def test_free_text_maps_to_a_code_or_to_other_with_the_text_kept(typed, expected):
    assert language_from_text(typed) == expected


def test_the_migration_maps_stored_text_and_goes_back_to_names(personas):
    migration = importlib.import_module(MIGRATION)
    rows = {
        text: _draft(personas, victim_preferred_language="x").pk
        for text in ["Vietnamese", "Mandarin", "Hungarian", "Karenni", ""]
    }
    for text, pk in rows.items():
        CertificationRequest.objects.filter(pk=pk).update(victim_preferred_language=text)

    migration.languages_to_codes(apps, None)
    stored = {
        text: CertificationRequest.objects.values_list(
            "victim_preferred_language", "victim_preferred_language_other"
        ).get(pk=pk)
        for text, pk in rows.items()
    }
    assert stored == {
        "Vietnamese": ("vi", ""),
        "Mandarin": ("zh", ""),
        "Hungarian": ("hu", ""),
        "Karenni": ("other", "Karenni"),
        "": ("", ""),
    }

    migration.codes_to_languages(apps, None)
    back = {
        text: CertificationRequest.objects.get(pk=pk).victim_preferred_language
        for text, pk in rows.items()
    }
    assert back == {
        "Vietnamese": "Vietnamese",
        "Mandarin": "Chinese, Mandarin",
        "Hungarian": "Hungarian",
        "Karenni": "Karenni",
        "": "",
    }
    assert language_to_text("es", "") == "Spanish"


# --- The form --------------------------------------------------------------------------------


def _step_data(**overrides):
    data = {
        "petitioner_kind": "direct",
        "victim_family_name": "Nguyễn",
        "victim_given_name": "Tuyết",
        "victim_middle_name": "Thị Ánh",
        "victim_other_names": "",
        "victim_date_of_birth": "1990-05-17",
        "victim_gender": "female",
        "victim_a_number": "",
        "victim_preferred_language": "vi",
        "victim_preferred_language_other": "",
        "go": "next",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _step(draft):
    return reverse("certifications:edit", args=[draft.pk, "victim"])


def test_the_form_offers_the_order_beside_the_names_defaulting_by_language(client, personas):
    client.force_login(personas.advocate_a)
    for language, checked in [("vi", "family_first"), ("es", "given_first")]:
        draft = _draft(personas, victim_preferred_language=language)
        body = client.get(_step(draft)).content.decode()
        assert "How the name is written" in body
        assert body.index("victim_middle_name") < body.index("victim_name_order")
        assert body.index("victim_name_order") < body.index('name="victim_other_names"')
        radio = body[body.index(f'value="{checked}"') - 200 : body.index(f'value="{checked}"')]
        assert 'name="victim_name_order"' in radio
        after = body[body.index(f'value="{checked}"') :][:80]
        assert "checked" in after


def test_the_order_is_stored_only_when_the_advocate_departs_from_the_custom(client, personas):
    client.force_login(personas.advocate_a)
    draft = _draft(personas, victim_preferred_language="es")
    # Without any script the radio still shows Spanish's order when Vietnamese is chosen:
    # left as it was, it is no choice, and the name follows Vietnamese's custom.
    response = client.post(
        _step(draft), _step_data(victim_preferred_language="vi", victim_name_order="given_first")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.victim_name_order == ""
    assert draft.victim_display_name == AS_WRITTEN
    # Picking the other order is a choice, kept whatever the language.
    client.post(_step(draft), _step_data(victim_name_order="given_first"))
    draft.refresh_from_db()
    assert draft.victim_name_order == NameOrder.GIVEN_FIRST
    client.post(
        _step(draft), _step_data(victim_preferred_language="ko", victim_name_order="given_first")
    )
    draft.refresh_from_db()
    assert draft.victim_display_name == GIVEN_FIRST
    # Back to the language's custom: no choice stored any more.
    client.post(_step(draft), _step_data(victim_name_order="family_first"))
    draft.refresh_from_db()
    assert draft.victim_name_order == ""


def test_other_needs_the_language_s_name_and_keeps_what_was_typed(client, personas):
    client.force_login(personas.advocate_a)
    draft = _draft(personas, victim_preferred_language="es")
    response = client.post(
        _step(draft), _step_data(victim_preferred_language="other", victim_family_name="Phạm")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write the language&#x27;s name, or choose it from the list." in body
    assert 'value="Phạm"' in body
    assert '<option value="other" selected>' in body
    response = client.post(
        _step(draft),
        _step_data(victim_preferred_language="other", victim_preferred_language_other="Karenni"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.victim_preferred_language, draft.victim_preferred_language_other) == (
        "other",
        "Karenni",
    )
    # A listed language drops the "other" text.
    client.post(_step(draft), _step_data(victim_preferred_language_other="Karenni"))
    draft.refresh_from_db()
    assert draft.victim_preferred_language_other == ""


def test_an_unknown_language_code_is_refused_and_nothing_is_saved(client, personas):
    client.force_login(personas.advocate_a)
    draft = _draft(personas, victim_preferred_language="es")
    response = client.post(_step(draft), _step_data(victim_preferred_language="klingon"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.victim_preferred_language == "es"


# --- Where the name is shown -----------------------------------------------------------------


def test_the_request_page_and_the_dashboard_show_the_name_as_written(client, personas):
    draft = _draft(personas, victim_preferred_language="vi")
    other = _draft(personas, victim_preferred_language="other", victim_family_name="Htoo")
    CertificationRequest.objects.filter(pk=other.pk).update(
        victim_preferred_language_other="Kayah (Karenni)"
    )
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", args=[draft.pk])).content.decode()
    assert AS_WRITTEN in page and GIVEN_FIRST not in page
    assert "family name first" in page
    assert "Tiếng Việt (Vietnamese)" in page
    page = client.get(reverse("certifications:detail", args=[other.pk])).content.decode()
    assert "Kayah (Karenni)" in page
    dashboard = client.get("/requests/").content.decode()
    assert AS_WRITTEN in dashboard and GIVEN_FIRST not in dashboard


def test_the_agency_s_review_page_shows_the_name_as_written(client, personas):
    request = _submitted(personas, victim_preferred_language="hmn")
    client.force_login(personas.contact_x)
    body = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert AS_WRITTEN in body and GIVEN_FIRST not in body
    assert "Hmoob (Hmong)" in body


def test_the_letter_and_the_record_name_the_victim_as_written(personas):
    request = _submitted(personas, victim_preferred_language="vi")
    assert AS_WRITTEN in flat(pdf_text(cover_letter_pdf(cert_request=request)))
    context = request_record_context(
        cert_request=request, include_victim_name=True, today=request.submitted_at.date()
    )
    assert context["victim_name"] == AS_WRITTEN
    CertificationRequest.objects.filter(pk=request.pk).update(
        victim_name_order=NameOrder.GIVEN_FIRST
    )
    request.refresh_from_db()
    assert GIVEN_FIRST in flat(pdf_text(cover_letter_pdf(cert_request=request)))
