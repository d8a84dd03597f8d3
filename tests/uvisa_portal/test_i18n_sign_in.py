"""Sign-in in every portal language: allauth has no Vietnamese, Somali or Hmong catalog and
Django none for Somali or Hmong, so the project's catalogs carry every text those pages show
(uvisa_portal/sign_in_strings.py). Each text asked for on these pages must come back translated."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

# Texts that read the same in the language: names written in themselves, the portal's name in
# the title bar's short form, a form's label suffix, and words these languages borrow as they are.
SAME = {
    "English",
    "Español",
    "Soomaali",
    "Hmoob",
    "Tiếng Việt",
    ":",
}
SAME_IN = {"vi": {"Email"}, "hmn": {"Email", "Code"}, "so": set()}


@pytest.fixture
def untranslated(monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()
    left = []
    trans = translation._trans
    original = trans.gettext
    plural = trans.ngettext

    def gettext(message):
        result = original(message)
        if result == message:
            left.append(message)
        return result

    def ngettext(singular, plural_text, number):
        result = plural(singular, plural_text, number)
        if result in (singular, plural_text):
            left.append(singular)
        return result

    monkeypatch.setattr(trans, "gettext", gettext)
    monkeypatch.setattr(trans, "ngettext", ngettext)
    return left


def _pages(client, personas, mailoutbox, language):
    """Every sign-in page a person meets, and the reset e-mail, in the language."""
    client.cookies["django_language"] = language
    login = reverse("account_login")
    email = personas.advocate_a.email
    yield client.get(login)
    yield client.post(login, {"login": email, "password": "wrong-password-123456"})
    yield client.post(login, {"login": "", "password": ""})
    yield client.get(reverse("account_reset_password"))
    yield client.post(reverse("account_reset_password"), {"email": email}, follow=True)
    key_url = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)
    page = client.get(key_url.group(1), follow=True)
    yield page
    yield client.post(page.request["PATH_INFO"], {"password1": "short", "password2": "other"})
    yield client.get("/accounts/password/reset/key/1-not-a-real-token/")
    from tests.factories import TEST_PASSWORD

    yield client.post(login, {"login": email, "password": TEST_PASSWORD}, follow=True)
    yield client.post(reverse("mfa_authenticate"), {"code": "000000"})


@pytest.mark.parametrize("language", ["es", "so", "hmn", "vi"])
def test_every_sign_in_text_is_translated(client, personas, mailoutbox, untranslated, language):
    statuses = [page.status_code for page in _pages(client, personas, mailoutbox, language)]
    assert set(statuses) == {200}
    assert mailoutbox[-1].subject  # the reset e-mail was rendered in the language too
    assert set(untranslated) - SAME - SAME_IN.get(language, set()) == set()


def test_the_check_sees_an_untranslated_text(client, untranslated):
    client.cookies["django_language"] = "so"
    with translation.override("so"):
        translation.gettext("A sentence no catalog has")
    assert "A sentence no catalog has" in untranslated


def test_the_sign_in_page_offers_no_sign_up(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "sign up" not in html.lower()
    assert reverse("account_signup") not in html
    assert "Accounts are by invitation only" in html


def test_the_two_factor_page_is_in_vietnamese(client, personas, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from tests.factories import TEST_PASSWORD

    client.cookies["django_language"] = "vi"
    login = reverse("account_login")
    page = client.post(
        login, {"login": personas.advocate_a.email, "password": TEST_PASSWORD}, follow=True
    )
    html = page.content.decode()
    assert "Xác thực hai bước" in html
    assert "Two-Factor Authentication" not in html
