"""In Chromium: a contact without an authenticator is walked through setting one up; the
allauth MFA pages pass axe-core and the CSP."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import current_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contact_sets_up_an_authenticator_then_signs_in_with_a_code(portal, personas):
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    user = personas.contact_y
    Authenticator.objects.filter(user=user).delete()
    csp_violations: list[str] = []
    portal.page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    portal.login(user.email)
    # Only the setup path is open: allauth first asks for the password again.
    assert "/accounts/reauthenticate/" in portal.page.url
    portal.page.get_by_label("Password").fill("correct-horse-battery-staple-42")
    portal.submit("Confirm")
    assert "/2fa/totp/activate/" in portal.page.url
    portal.screenshot("mfa-setup")
    secret = portal.page.locator("#authenticator_secret").input_value()
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    portal.page.locator("input[name=code]").fill(format_hotp_value(hotp_value(secret, counter)))
    portal.submit("Activate")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    portal.goto("/")
    assert portal.page.get_by_role("heading", level=1).count() == 1
    assert "/2fa/" not in portal.page.url
    assert not csp_violations, csp_violations


def test_mfa_code_page_is_accessible_and_styled(portal, personas):
    portal.login(personas.contact_x.email, totp=False)
    assert "/2fa/authenticate/" in portal.page.url
    portal.screenshot("mfa-code")
    portal.page.locator("input[name=code]").fill("000000")
    portal.submit("Sign In")
    assert portal.page.get_by_text("Incorrect code").count() == 1
    portal.page.locator("input[name=code]").fill(current_totp_code(personas.contact_x.email))
    portal.submit("Sign In")
    assert "/2fa/" not in portal.page.url
