"""Response headers: CSP without inline code, HSTS, framing, nosniff, referrer, no-store."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_every_page_has_a_csp_without_unsafe_inline(client, db):
    response = client.get(reverse("account_login"))
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_security_headers_on_a_page(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/requests/", "/requests/1/", "/accounts/login/"])
def test_victim_data_paths_are_never_cached(client, db, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]


def test_signed_in_pages_are_never_cached(client, personas):
    client.force_login(personas.advocate_a)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def _pages_for(client, personas):
    """Pages that render in this branch, as the role that can see them."""
    yield None, reverse("account_login")
    yield None, reverse("account_reset_password")
    for name in ("advocate_a", "contact_x", "coordinator", "admin"):
        yield name, "/"
    yield "advocate_a", reverse("mfa_index")
    yield "advocate_a", reverse("account_change_password")
    yield "admin", reverse("accounts:audit_list")
    yield "admin", reverse("accounts:invitation_new")
    yield "admin", reverse("admin:index")
    yield "admin", reverse("admin:accounts_user_changelist")
    yield "admin", reverse("admin:accounts_user_change", args=[personas.advocate_a.pk])
    yield "admin", reverse("admin:agencies_agency_changelist")
    yield "admin", reverse("admin:agencies_agency_change", args=[personas.agency_x.pk])
    yield "admin", reverse("admin:agencies_agency_add")


def test_templates_have_no_inline_script_style_or_event_handler(client, personas):
    """CSP forbids inline code: every page that renders in this branch is checked for it.
    (Django's admin is CSP-clean since 5.0 except where shown below.)"""
    problems = []
    for persona, path in _pages_for(client, personas):
        client.logout()
        if persona:
            client.force_login(getattr(personas, persona))
        response = client.get(path)
        assert response.status_code == 200, (persona, path, response.status_code)
        html = response.content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(html):
                problems.append(f"{path} as {persona}: {match.group(0)!r}")
    assert not problems, "\n".join(problems)
