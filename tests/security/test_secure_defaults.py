"""Secure by default in production: with DEBUG off, HTTPS redirect and HSTS on unless turned
off; X-Forwarded-Proto trusted only behind a configured proxy; a Permissions-Policy on every
response; a reset request for an unknown address mails nobody (ASVS 9.1, 14.4, 2.5)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# A production environment: nothing of the test run's own (SECURE_SSL_REDIRECT=0,
# DJANGO_ALLOW_ASYNC_UNSAFE...), only where the files go.
KEPT = ("PATH", "HOME", "VAR_DIR")
READ_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'proxy_header': s.SECURE_PROXY_SSL_HEADER, 'proxies': s.TRUSTED_PROXY_COUNT}))"
)


def _production(*args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: os.environ[k] for k in KEPT if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="uvisa_portal.settings",
        SECRET_KEY="production-like-secret-key-for-this-test-only-0123456789-abcdefghij",
        ALLOWED_HOSTS="portal.example.org",
        # Every deployment sets its own encryption keys (uvisa_portal/crypto.py).
        FIELD_ENCRYPTION_KEYS="wQQ5ORv0X6xbk5nTgXj3s3qC2Tn0G6D3bOJQ3XnCj4Q=",
        DEBUG="0",
        **variables,
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _production_settings(**variables: str) -> dict:
    proc = _production("-c", READ_SETTINGS, **variables)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_https_redirect_and_hsts_are_on_by_default_with_debug_off():
    found = _production_settings()
    assert found["redirect"] is True
    assert found["hsts"] == 31536000
    # No proxy configured: nobody may claim the request came over HTTPS.
    assert found["proxies"] == 0
    assert found["proxy_header"] is None


def test_the_redirect_is_off_only_when_turned_off():
    assert _production_settings(SECURE_SSL_REDIRECT="0")["redirect"] is False


def test_x_forwarded_proto_is_trusted_only_behind_a_configured_proxy():
    found = _production_settings(TRUSTED_PROXY_COUNT="1")
    assert found["proxies"] == 1
    assert found["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_the_deploy_checklist_passes_with_only_what_a_deployment_must_choose():
    proc = _production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="1"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_plain_http_is_redirected_to_https_but_the_health_check_is_not(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = None
    response = client.get(reverse("account_login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    # A client's own X-Forwarded-Proto does not pass for HTTPS.
    claimed = client.get(reverse("account_login"), HTTP_X_FORWARDED_PROTO="https")
    assert claimed.status_code == 301
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("account_login"), secure=True).status_code == 200


def _permissions_policy(response) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/no-such-page/", "/"])
def test_every_response_has_a_permissions_policy_with_every_feature_off(client, db, path):
    policy = _permissions_policy(client.get(path))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", feature
    assert set(policy.values()) == {"()"}


def test_signed_in_pages_have_the_permissions_policy(client, personas):
    client.force_login(personas.advocate_a)
    response = client.get(reverse("certifications:dashboard"))
    assert response.status_code == 200
    assert _permissions_policy(response)["camera"] == "()"


def test_a_reset_request_answers_the_same_and_mails_only_existing_accounts(client, personas):
    url = reverse("account_reset_password")
    unknown = client.post(url, {"email": "nobody-here@example.org"}, follow=True)
    assert mail.outbox == []
    known = client.post(url, {"email": personas.advocate_a.email}, follow=True)
    assert [message.to for message in mail.outbox] == [[personas.advocate_a.email]]
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain

    # The language selector's form carries a fresh CSRF token on every page.
    def shown(response, address):
        page = response.content.decode().replace(address, "ADDRESS")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)

    assert shown(unknown, "nobody-here@example.org") == shown(known, personas.advocate_a.email)
