"""Sign-in: lockout, MFA per role, session limits, logout everywhere, audit, no enumeration."""

from __future__ import annotations

import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from accounts.services import user_deactivate
from tests.browser import PortalBrowser
from tests.factories import TEST_PASSWORD, UserFactory, sign_in

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # These tests sign in dozens of times; the production hasher's cost is not what they test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # allauth's per-IP rate limits live in the cache; start each test with none used.
    from django.core.cache import cache

    cache.clear()


def _login(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


# --- lockout (CJIS 5.5.3) ---


def test_it_locks_an_account_after_five_failures(client, personas):
    email = personas.advocate_a.email
    for _ in range(4):
        response = _login(client, email, "wrong-password-123456")
        assert response.status_code == 200
    assert _login(client, email, "wrong-password-123456").status_code == 429
    response = _login(client, email)  # the right password, but locked
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_lasts_at_least_ten_minutes_then_lifts(client, personas):
    email = personas.advocate_a.email
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, email, "wrong-password-123456")
    with time_machine.travel(start + timezone.timedelta(minutes=10), tick=False):
        assert _login(client, email).status_code == 429
    with time_machine.travel(start + timezone.timedelta(minutes=16), tick=False):
        response = sign_in(client, email)
        assert response.status_code == 302
        assert response["Location"] == "/"


def test_lockout_page_is_the_same_for_an_unknown_address(client, personas):
    for _ in range(5):
        _login(client, "nobody-here@example.org", "wrong-password-123456")
    unknown = _login(client, "nobody-here@example.org", "wrong-password-123456")
    for _ in range(5):
        _login(client, personas.advocate_b.email, "wrong-password-123456")
    known = _login(client, personas.advocate_b.email, "wrong-password-123456")
    assert unknown.status_code == known.status_code == 429
    # Byte for byte, but for the CSRF token of the menu's language selector, random per page.
    assert _without_csrf(unknown.content) == _without_csrf(known.content)


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


# --- no user enumeration (ASVS 2.2, 3.x) ---


def test_login_error_is_identical_for_unknown_address_and_wrong_password(client, personas):
    unknown = _login(client, "nobody-here@example.org", "wrong-password-123456")
    wrong = _login(client, personas.advocate_a.email, "wrong-password-123456")
    assert unknown.status_code == wrong.status_code == 200

    def errors(response):
        return [str(e) for e in response.context["form"].non_field_errors()]

    assert errors(unknown) == errors(wrong)
    assert errors(unknown)


def test_login_hashes_a_password_for_unknown_addresses_too(client, personas, monkeypatch):
    """Timing: an unknown address costs the same password hash as a known one, so response
    time does not reveal which addresses have accounts."""
    calls: list[str] = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append("hash")
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    _login(client, "nobody-here@example.org", "wrong-password-123456")
    unknown_calls = len(calls)
    calls.clear()
    _login(client, personas.advocate_a.email, "wrong-password-123456")
    assert unknown_calls == len(calls) >= 1


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(client, personas):
    url = reverse("account_reset_password")
    unknown = client.post(url, {"email": "nobody-here@example.org"})
    known = client.post(url, {"email": personas.advocate_a.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]


# --- MFA per role (CJIS 5.6.2.2) ---


def test_contact_without_authenticator_can_only_reach_the_setup_page(client, personas):
    Authenticator.objects.filter(user=personas.contact_x).delete()
    response = _login(client, personas.contact_x.email)
    assert response.status_code == 302
    for path in ("/", "/requests/", reverse("accounts:audit_list"), reverse("mfa_index")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path
    # allauth asks for the password once more before an authenticator is added; then the
    # setup page shows the QR code and the secret.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert "Authenticator secret" in response.content.decode()


def test_mfa_is_required_for_every_role(client, personas):
    """Advocates too: they see the most victim data (CJIS IA-2; OWASP ASVS 2.x level 2)."""
    for user in (personas.advocate_a, personas.contact_x, personas.coordinator, personas.admin):
        Authenticator.objects.filter(user=user).delete()
        client.force_login(user)
        assert client.get("/")["Location"] == reverse("mfa_activate_totp"), user.role
        client.logout()


def test_enrolled_advocate_must_type_the_code_to_sign_in(client, personas):
    email = personas.advocate_a.email
    response = _login(client, email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/requests/")["Location"].startswith(reverse("account_login"))
    response = client.post(
        reverse("mfa_authenticate"), {"code": PortalBrowser.fresh_totp_code(email)}
    )
    assert response.status_code == 302
    assert client.get("/requests/").status_code == 200


def test_new_advocate_is_sent_to_enrol_on_first_sign_in(client, personas):
    advocate = UserFactory(organization=personas.org_a, totp=False)
    response = _login(client, advocate.email)
    assert response.status_code == 302
    assert client.get("/requests/")["Location"] == reverse("mfa_activate_totp")


def test_enrolled_contact_must_type_the_code_to_sign_in(client, personas):
    email = personas.contact_x.email
    response = _login(client, email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("mfa_authenticate"), {"code": PortalBrowser.fresh_totp_code(email)}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_no_role_can_remove_its_authenticator(client, personas):
    from accounts.adapters import PortalMFAAdapter

    for user in (personas.advocate_a, personas.contact_x, personas.coordinator, personas.admin):
        auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert PortalMFAAdapter().can_delete_authenticator(auth) is False, user.role


# --- sessions (ASVS 3.3, CJIS 5.5.5) ---


def test_session_expires_after_thirty_idle_minutes(client, personas, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, personas.advocate_a.email)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=29 + 31), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_session_ends_after_twelve_hours_even_when_active(client, personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, personas.advocate_a.email)
    # A request every 25 minutes: never idle long enough for the 30-minute limit.
    for step in range(1, 12 * 60 // 25):
        with time_machine.travel(start + timezone.timedelta(minutes=25 * step), tick=False):
            assert client.get("/").status_code == 200, step
    with time_machine.travel(start + timezone.timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert client.get("/").status_code == 302


def test_logout_ends_every_session_of_the_user(client, personas):
    from django.test import Client

    other_browser = Client()
    other_browser.force_login(personas.advocate_a)
    assert other_browser.get("/").status_code == 200
    sign_in(client, personas.advocate_a.email)
    client.post(reverse("account_logout"))
    assert other_browser.get("/").status_code == 302


def test_deactivation_ends_every_session(client, personas):
    client.force_login(personas.advocate_a)
    assert client.get("/").status_code == 200
    user_deactivate(user=personas.advocate_a, actor=personas.admin)
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.USER_CHANGE).exists()


def test_deactivating_in_the_admin_ends_sessions(client, personas):
    from django.test import Client

    victim = Client()
    victim.force_login(personas.advocate_b)
    client.force_login(personas.admin)
    user = personas.advocate_b
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert victim.get("/").status_code == 302


def test_session_cookie_is_secure_httponly_samesite(client, personas, settings):
    settings.SESSION_COOKIE_SECURE = True
    sign_in(client, personas.advocate_a.email)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- passwords (ASVS 2.1) ---


def test_password_rules_length_and_common_list_without_composition_rules():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ("short-pass", "password1234", "qwertyuiop12"):
        try:
            validate_password(bad)
        except ValidationError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    # A long all-lowercase passphrase with no digits or symbols is fine: no composition rules.
    validate_password("purple elephants dance quietly")


# --- audit of sign-in events (CJIS 5.4.1.1) ---


def test_sign_in_success_failure_and_logout_are_audited(client, personas):
    _login(client, "nobody-here@example.org", "wrong-password-123456")
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.target == "nobody-here@example.org"
    assert failed.ip_address == "127.0.0.1"
    sign_in(client, personas.contact_x.email)
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert login.user == personas.contact_x
    client.post(reverse("account_logout"))
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, user=personas.contact_x).exists()
    # Nothing of the password in the trail.
    for entry in AuditEntry.objects.all():
        assert "wrong-password" not in f"{entry.target} {entry.detail}"


def test_demo_accounts_of_every_role_get_a_printed_secret_and_a_code_command(settings, db):
    import io

    from django.core.management import call_command

    from accounts.management.commands.load_demo_accounts import demo_totp_secret
    from accounts.models import User

    settings.DEBUG = True
    call_command("load_minnesota_directory", verbosity=0)
    out = io.StringIO()
    call_command("load_demo_accounts", stdout=out)
    secret = demo_totp_secret("contact@stpaul.demo.example")
    assert secret in out.getvalue()
    # Advocates come enrolled too (every role signs in with a second factor).
    assert demo_totp_secret("advocate@demo.example") in out.getvalue()
    advocate = User.objects.get(email="advocate@demo.example")
    assert Authenticator.objects.filter(user=advocate, type=Authenticator.Type.TOTP).exists()
    contact = User.objects.get(email="contact@stpaul.demo.example")
    assert Authenticator.objects.filter(user=contact).exists()
    code = io.StringIO()
    call_command("demo_totp_code", "contact@stpaul.demo.example", stdout=code)
    from allauth.mfa.totp.internal.auth import validate_totp_code

    assert validate_totp_code(secret, code.getvalue().strip())
    code = io.StringIO()
    call_command("demo_totp_code", "advocate@demo.example", stdout=code)
    assert validate_totp_code(demo_totp_secret("advocate@demo.example"), code.getvalue().strip())


def test_mfa_check_costs_no_query_after_sign_in(client, personas, settings):
    """Other pages' query-count tests stay stable: the enrolment is decided at sign-in."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The bell counts on both visits, so only the MFA check could tell them apart.
    settings.NOTIFICATIONS_BADGE_MAX_AGE_SECONDS = 0
    client.force_login(personas.contact_x)
    # Both visits with Django's cache empty: the directory keeps its county choices.
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get("/directory/")
    cache.clear()
    with CaptureQueriesContext(connection) as second:
        client.get("/directory/")
    assert len(first) == len(second)
    assert not any("mfa_authenticator" in q["sql"] for q in second.captured_queries)


def test_admin_login_page_cannot_bypass_the_second_factor(client, personas):
    response = client.post(
        reverse("admin:login"), {"username": personas.admin.email, "password": TEST_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
