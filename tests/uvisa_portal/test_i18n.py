"""Languages: the choice (account, cookie, Accept-Language, English), <html lang>, the public
page and sign-in in the portal's languages, and dates in Somali and Hmong."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User

from ..certifications.stats_data import PERIOD, build_known_data_set

pytestmark = pytest.mark.django_db

PUBLIC = reverse("statistics:public")
HEADINGS = {
    "en": "Who certifies, how often and how fast",
    "es": "Quién certifica, con qué frecuencia y con qué rapidez",
    "so": "Yaa bixiya shahaadada, intee jeer iyo sida degdegga ah",
    "hmn": "Leej twg pov thawj, ntau npaum li cas thiab ceev npaum li cas",
    "vi": "Ai chứng nhận, thường xuyên và nhanh đến mức nào",
}


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', response.content.decode()).group(1)


def _choose(client: Client, language: str, next_url: str = PUBLIC):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


@pytest.mark.parametrize("language", ["es", "so", "hmn", "vi"])
def test_accept_language_chooses_the_public_page_language(client, personas, language):
    build_known_data_set(personas)
    response = client.get(PUBLIC, PERIOD, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    assert response.status_code == 200
    assert _html_lang(response) == language
    html = response.content.decode()
    assert HEADINGS[language] in html
    assert HEADINGS["en"] not in html


def test_without_a_choice_or_a_known_browser_language_the_page_is_english(client):
    response = client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="de,fr;q=0.8")
    assert _html_lang(response) == "en"
    assert HEADINGS["en"] in response.content.decode()
    assert 'dir="ltr"' in response.content.decode()


def test_the_selector_beats_accept_language(client):
    response = _choose(client, "vi")
    assert response.status_code == 302 and response["Location"] == PUBLIC
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    response = client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="es")
    assert _html_lang(response) == "vi"
    assert HEADINGS["vi"] in response.content.decode()


def test_the_selector_names_each_language_in_itself(client):
    html = client.get(PUBLIC).content.decode()
    menu = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', html, re.S).group(0)
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in menu
        assert f">{name}</button>" in menu
    assert 'name="next" value="/statistics/"' in menu


def test_an_unknown_language_is_ignored(client):
    response = _choose(client, "xx")
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_a_signed_in_choice_is_saved_on_the_account_and_used_at_the_next_sign_in(personas):
    advocate = personas.advocate_a
    first = Client()
    first.force_login(advocate)
    _choose(first, "es")
    advocate.refresh_from_db()
    assert advocate.language == "es"

    # Another browser, which asks for English: the account's choice wins once signed in.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _html_lang(other.get(PUBLIC)) == "en"
    other.force_login(advocate)
    response = other.get(PUBLIC)
    assert _html_lang(response) == "es"
    assert HEADINGS["es"] in response.content.decode()
    # ... and the cookie follows, so the page stays Spanish after signing out.
    assert other.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_an_anonymous_choice_changes_no_account(client, personas):
    _choose(client, "so")
    assert not User.objects.exclude(language="").exists()


def test_the_sign_in_page_is_in_spanish(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert _html_lang(response) == "es"
    assert "Iniciar sesión" in html  # our menu
    assert "Contraseña" in html  # allauth's own form, from its Spanish catalog
    assert "La información de las víctimas es confidencial" in html  # the footer


def test_the_lockout_page_is_in_spanish():
    with translation.override("es"):
        html = Template('{% include "account/lockout.html" %}').render(Context({"request": None}))
    assert "Inicio de sesión en pausa" in html


@pytest.mark.parametrize(
    "language, expected",
    [
        ("so", "5 Maarso 2026"),
        ("hmn", "5 Lub Peb Hlis 2026"),
        ("es", "5 marzo 2026"),
    ],
)
def test_dates_are_written_in_the_language(language, expected):
    template = Template('{{ day|date:"j F Y" }} {{ day|date:"l" }} {{ day|date:"DATE_FORMAT" }}')
    with translation.override(language):
        text = template.render(Context({"day": datetime.date(2026, 3, 5)}))
    assert text.startswith(expected)
    assert "March" not in text and "Thursday" not in text


def test_somali_and_hmong_have_language_info():
    assert translation.get_language_info("so")["name_local"] == "Soomaali"
    assert translation.get_language_info("hmn")["name_local"] == "Hmoob"
    assert translation.get_language_info("hmn")["bidi"] is False


def test_public_figures_are_shown_in_the_language(client, personas):
    build_known_data_set(personas)
    html = client.get(PUBLIC, PERIOD, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Todo el estado" in html
    assert "menos de 5" in html or "no se muestra" in html
    assert "No es un delito que califica" in html  # a denial reason
    assert "fewer than" not in html and "not shown" not in html


def test_the_public_charts_are_in_the_language(client, personas):
    build_known_data_set(personas)
    chart = reverse("statistics:public_chart", args=["months"])
    svg = client.get(chart, PERIOD, HTTP_ACCEPT_LANGUAGE="so").content.decode()
    assert "Codsiyada iyo go'aannada bil kasta" in svg or "Codsiyada iyo go&#39;aannada" in svg
    assert "Jan 2026" in svg and "Abr 2026" in svg  # Somali month abbreviations
    assert "Apr 2026" not in svg
