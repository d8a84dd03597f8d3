"""Pseudo-locale: every translation comes back wrapped in ⟦ ⟧, so any visible text on a page
that is not wrapped was never marked for translation. User data, numbers and dates aside."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from agencies.models import Agency, County
from certifications.forms.intake import STEPS
from certifications.languages import ENDONYMS

from ..certifications.intake_support import complete_request
from ..certifications.stats_data import PERIOD, build_known_data_set
from ..factories import make_submitted_request

pytestmark = pytest.mark.django_db

ATTRIBUTES_SHOWN = {"alt", "aria-label", "placeholder", "title"}
LETTERS = re.compile(r"[^\W\d_]")
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
# The date filter's time zone ("CDT") and the statute and form names that stay as they are.
NOT_WORDS = re.compile(r"\b(CST|CDT)\b")


def _wrap(text):
    return f"⟦{text}⟧" if text else text


@pytest.fixture
def pseudo(monkeypatch):
    """Wrap the result of every gettext function (at the translation object, which templates,
    lazy strings and the date filter all go through)."""
    trans = translation._trans
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        original = getattr(trans, name)
        monkeypatch.setattr(trans, name, lambda *a, _f=original: _wrap(_f(*a)))


class _Texts(HTMLParser):
    """Visible texts and shown attributes, except inside <script>, <style> and any element with
    its own lang (the selector's language names, each written in itself)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _skipped(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in ("script", "style") or (tag != "html" and "lang" in attrs)
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.stack.append((tag, skip))
        if not self._skipped() and not skip:
            # Marked apart from the page's text (a NUL never occurs in HTML text).
            self.texts += ["\x00" + v for k, v in attrs.items() if k in ATTRIBUTES_SHOWN and v]

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skipped():
            self.texts.append(data)


def unmarked_texts(html: str, user_data: list[str]) -> list[str]:
    """The words of the page outside any ⟦ ⟧. The page's text is read as one run, since a
    translated sentence may hold markup (a <time>, a link) that splits it into several nodes;
    each shown attribute is a run of its own."""
    parser = _Texts()
    parser.feed(html)
    runs = [" ".join(t for t in parser.texts if not t.startswith("\x00"))]
    runs += [t[1:] for t in parser.texts if t.startswith("\x00")]
    found = []
    for rest in runs:
        for value in user_data:
            rest = rest.replace(value, " ")
        while WRAPPED.search(rest):
            rest = WRAPPED.sub(" ", rest)
        rest = NOT_WORDS.sub(" ", rest)
        found += [word for word in rest.split() if LETTERS.search(word)]
    return found


def _user_data(personas) -> list[str]:
    data = []
    for agency in (personas.agency_x, personas.agency_y, personas.coordinator_agency):
        data += [agency.name, agency.phone or "", agency.public_email or "", agency.procedure]
        data += list(agency.address_lines)
        for contact in agency.contacts.all():
            data += [contact.name, contact.title, contact.division, contact.email]
    return sorted({d for d in data if d}, key=len, reverse=True)


def test_the_public_page_has_no_unmarked_text(client, personas, pseudo):
    build_known_data_set(personas)
    html = client.get(reverse("statistics:public"), PERIOD).content.decode()
    assert "⟦" in html
    assert unmarked_texts(html, _user_data(personas)) == []


def test_the_sign_in_page_has_no_unmarked_text(client, pseudo):
    html = client.get(reverse("account_login")).content.decode()
    assert "⟦" in html
    assert unmarked_texts(html, []) == []


def test_the_check_finds_unmarked_text():
    html = '<p>⟦Marked⟧ and not</p><p lang="es">Español</p><img alt="Unmarked chart">'
    assert unmarked_texts(html, []) == ["and", "not", "Unmarked", "chart"]


def _request_data(cert_request) -> list[str]:
    values = [
        cert_request.reference,
        cert_request.victim_family_name,
        cert_request.victim_given_name,
        cert_request.victim_display_name,
        cert_request.crime_city,
        cert_request.narrative,
        cert_request.helpfulness,
        cert_request.consent_by,
    ]
    return [v for v in values if v]


def test_the_advocates_pages_have_no_unmarked_text(client, personas, pseudo):
    """The advocate's side: dashboard, every intake step of a draft, a new request, the page of
    a submitted request and the withdraw page."""
    # Names no page text contains, so removing them as user data cannot hide a word.
    draft = complete_request(personas, victim_family_name="Qzwx", victim_given_name="Vbnm")
    submitted = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        victim_family_name="Jkhg",
        victim_given_name="Plok",
        crime_city="Zyxton",
    )
    client.force_login(personas.advocate_a)
    pages = [
        reverse("certifications:dashboard"),
        reverse("certifications:new"),
        *[reverse("certifications:edit", args=[draft.pk, slug]) for slug, _title in STEPS],
        reverse("certifications:detail", args=[draft.pk]),
        reverse("certifications:detail", args=[submitted.pk]),
        reverse("certifications:withdraw", args=[submitted.pk]),
    ]
    data = _user_data(personas) + _request_data(draft) + _request_data(submitted)
    data += [personas.org_a.name, personas.advocate_a.full_name, personas.advocate_a.email]
    data += [str(county) for county in County.objects.all()]
    data += [agency.name for agency in Agency.objects.all()] + ENDONYMS
    data = sorted(set(data), key=len, reverse=True)
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "⟦" in html, url
        if words := unmarked_texts(html, data):
            found[url] = " ".join(words)
    assert found == {}
