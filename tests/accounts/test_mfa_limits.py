"""The second factor through HTTP: a limited number of wrong codes per sign-in, counted toward
the lockout and audited; codes single-use; every change of a factor re-authenticated and
audited (OWASP ASVS 2.8, 3.7; CJIS 5.5.3, 5.6.2.2, 5.4.1.1)."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from tests.factories import (
    TEST_PASSWORD,
    UserFactory,
    current_totp_code,
    fresh_totp_code,
    sign_in,
    totp_secret_for,
)

LOGIN = reverse("account_login")
CODE = reverse("mfa_authenticate")


def _password(client, email, **extra):
    response = client.post(LOGIN, {"login": email, "password": TEST_PASSWORD}, **extra)
    assert response.status_code == 302
    assert response["Location"] == CODE
    return response


def _wrong_code(email: str) -> str:
    """A 6-digit code that no authenticator accepts now (not the code of this 30-second step
    nor of its neighbours, which MFA_TOTP_TOLERANCE accepts)."""
    step = int(time.time()) // mfa_settings.TOTP_PERIOD
    valid = {
        format_hotp_value(hotp_value(totp_secret_for(email), step + delta))
        for delta in range(-2, 3)
    }
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_150_guess_attack_stops_at_five_and_the_right_code_then_needs_the_password(
    client, personas, settings
):
    assert settings.MFA_CODE_ATTEMPTS == 5
    user = personas.advocate_a
    _password(client, user.email)
    wrong = _wrong_code(user.email)
    answers = [client.post(CODE, {"code": wrong}) for _ in range(150)]
    # Four wrong codes are answered on the code page, beside the field...
    for answer in answers[:4]:
        assert answer.status_code == 200
        assert "Incorrect code" in answer.content.decode()
    # ...the fifth ends the sign-in: back to the password step with a plain message.
    assert answers[4].status_code == 302
    assert answers[4]["Location"] == LOGIN
    page = client.get(LOGIN)
    assert "Too many wrong codes" in page.content.decode()
    # Every later guess finds no sign-in to continue.
    assert all(a.status_code == 302 and a["Location"] == LOGIN for a in answers[5:])
    # Nor does the right code, without the password again.
    right = client.post(CODE, {"code": fresh_totp_code(user.email)})
    assert right.status_code == 302
    assert right["Location"] == LOGIN
    assert not _signed_in(client)
    assert client.get("/requests/")["Location"].startswith(LOGIN)
    # Audited: each wrong code and the ended attempt, with ids and the address only.
    failed = AuditEntry.objects.filter(action=AuditAction.MFA_FAILED)
    assert failed.count() == 5
    lockout = AuditEntry.objects.get(action=AuditAction.MFA_LOCKOUT)
    for entry in [*failed, lockout]:
        assert entry.user == user
        assert entry.target == f"accounts.user:{user.pk}"
        assert entry.ip_address == "127.0.0.1"
        assert user.email not in entry.target + entry.detail
        assert wrong not in entry.target + entry.detail
    # Counted by django-axes as one failed sign-in of the account.
    attempt = AccessAttempt.objects.get(username=user.email)
    assert attempt.failures_since_start == 1
    # The password and the right code still sign in (one failure is not a lockout).
    assert sign_in(client, user.email)["Location"] == "/"
    assert _signed_in(client)


def test_ended_attempts_lock_the_sign_in_like_wrong_passwords(client, personas):
    email = personas.contact_x.email
    wrong = _wrong_code(email)
    for _ in range(5):
        _password(client, email)
        for _ in range(5):
            client.post(CODE, {"code": wrong})
    assert AuditEntry.objects.filter(action=AuditAction.MFA_LOCKOUT).count() == 5
    assert AuditEntry.objects.filter(action=AuditAction.MFA_FAILED).count() == 25
    # Five ended attempts from this address: the password step is locked, right password too.
    locked = client.post(LOGIN, {"login": email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()


def test_typing_the_password_again_does_not_reset_the_count_of_wrong_codes(client, personas):
    email = personas.advocate_b.email
    wrong = _wrong_code(email)
    _password(client, email)
    for _ in range(4):
        assert client.post(CODE, {"code": wrong}).status_code == 200
    _password(client, email)  # a new attempt, the same count
    ended = client.post(CODE, {"code": wrong})
    assert ended.status_code == 302
    assert ended["Location"] == LOGIN
    assert AuditEntry.objects.filter(action=AuditAction.MFA_LOCKOUT).count() == 1


def test_the_right_code_resets_the_count(client, personas):
    email = personas.advocate_b.email
    wrong = _wrong_code(email)
    _password(client, email)
    for _ in range(4):
        client.post(CODE, {"code": wrong})
    assert client.post(CODE, {"code": fresh_totp_code(email)})["Location"] == "/"
    client.post(reverse("account_logout"))
    _password(client, email)
    for _ in range(4):
        assert client.post(CODE, {"code": wrong}).status_code == 200
    assert not AuditEntry.objects.filter(action=AuditAction.MFA_LOCKOUT).exists()


def test_parallel_attempts_end_once_the_account_is_locked(client, personas):
    """Sign-ins opened before the lock cannot go on guessing codes after it."""
    from django.test import Client

    email = personas.coordinator.email
    _password(client, email)
    attacker = Client()
    for _ in range(5):
        attacker.post(LOGIN, {"login": email, "password": "wrong-password-123456"})
    response = client.post(CODE, {"code": fresh_totp_code(email)})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not _signed_in(client)


def test_a_used_code_cannot_be_used_again(client, personas):
    """allauth remembers the codes accepted in their 30-second window (in the shared cache)."""
    email = personas.advocate_a.email
    code = current_totp_code(email)
    _password(client, email)
    assert client.post(CODE, {"code": code})["Location"] == "/"
    client.post(reverse("account_logout"))
    _password(client, email)
    replay = client.post(CODE, {"code": code})
    assert replay.status_code == 200
    assert "Incorrect code" in replay.content.decode()
    assert not _signed_in(client)


def test_wrong_codes_when_confirming_a_signed_in_user_end_the_session(client, personas):
    user = personas.contact_y
    client.force_login(user)
    wrong = _wrong_code(user.email)
    url = reverse("mfa_reauthenticate")
    for _ in range(4):
        assert client.post(url, {"code": wrong}).status_code == 200
    ended = client.post(url, {"code": wrong})
    assert ended.status_code == 302
    assert ended["Location"] == LOGIN
    assert not _signed_in(client)
    details = set(
        AuditEntry.objects.filter(action=AuditAction.MFA_FAILED).values_list("detail", flat=True)
    )
    assert details == {"re-authentication"}
    assert AuditEntry.objects.filter(action=AuditAction.MFA_LOCKOUT, user=user).exists()
    assert AccessAttempt.objects.get(username=user.email).failures_since_start == 1


# --- every role enrols, keeps its factor, re-authenticates to change it --------------------


@pytest.mark.parametrize("persona", ["advocate_a", "contact_x", "coordinator", "admin"])
def test_changing_the_factor_asks_for_the_password_again(client, personas, persona):
    client.force_login(getattr(personas, persona))  # a session with no recent sign-in
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_an_advocate_cannot_remove_the_authenticator(client, personas):
    user = personas.advocate_a
    sign_in(client, user.email)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication" in response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_enrolment_and_new_recovery_codes_are_audited(
    client, personas, django_capture_on_commit_callbacks
):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    advocate = UserFactory(organization=personas.org_a, totp=False)
    client.post(LOGIN, {"login": advocate.email, "password": TEST_PASSWORD})
    # First sign-in: straight to enrolment, which asks for the password once more, then
    # shows the secret.
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    # Recovery codes come with the authenticator (ASVS 2.6: the fallback when the phone is lost).
    types = set(Authenticator.objects.filter(user=advocate).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/requests/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    details = sorted(
        AuditEntry.objects.filter(action=AuditAction.MFA_CHANGE, user=advocate).values_list(
            "detail", flat=True
        )
    )
    assert details == ["recovery_codes added", "recovery_codes regenerated", "totp added"]
    for entry in AuditEntry.objects.filter(action=AuditAction.MFA_CHANGE):
        assert entry.target.startswith("mfa.authenticator:")
        assert secret not in entry.detail
