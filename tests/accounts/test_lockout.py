"""The sign-in lockout cannot be dodged nor turned against a user (CJIS 5.5.3; ASVS 2.2.1):
keyed on the client address and on the account, never on the User-Agent; the client address
from a configured number of trusted proxies only."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from accounts.models import AuditAction, AuditEntry
from accounts.security import client_ip
from tests.factories import TEST_PASSWORD, fresh_totp_code

LOGIN = "/accounts/login/"
CODE = "/accounts/2fa/authenticate/"
WRONG = "wrong-password-123456"


def _login(client, email, password=WRONG, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _signs_in(client, email, **extra) -> bool:
    response = _login(client, email, TEST_PASSWORD, **extra)
    if response.status_code != 302 or response["Location"] != CODE:
        return False
    response = client.post(CODE, {"code": fresh_totp_code(email)}, **extra)
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_a_lock_from_one_address_does_not_stop_the_account_from_another(client, personas):
    email = personas.coordinator.email
    for _ in range(5):
        _login(client, email, REMOTE_ADDR="198.51.100.7")
    assert _login(client, email, TEST_PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    # The coordinator, from an address that has not failed, signs in.
    assert _signs_in(client, email, REMOTE_ADDR="203.0.113.20")


def test_the_account_alone_locks_at_the_higher_threshold(client, personas, settings):
    assert settings.AXES_ACCOUNT_FAILURE_LIMIT == 20
    email = personas.contact_x.email
    # One failure from each of 19 addresses: no address and not the account is locked.
    for n in range(19):
        assert _login(client, email, REMOTE_ADDR=f"198.51.100.{n + 1}").status_code == 200
    assert _signs_in(client, email, REMOTE_ADDR="203.0.113.50")
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.50")
    # A successful sign-in starts the account's count again; 20 more failures lock it.
    for n in range(20):
        _login(client, email, REMOTE_ADDR=f"192.0.2.{n + 1}")
    locked = _login(client, email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.51")
    assert locked.status_code == 429
    # Other accounts from that clean address are not affected.
    assert _signs_in(client, personas.contact_y.email, REMOTE_ADDR="203.0.113.51")


def test_one_address_trying_many_accounts_is_locked_at_the_normal_limit(client, personas):
    for n in range(5):
        _login(client, f"guess{n}@example.org", REMOTE_ADDR="198.51.100.99")
    # The sprayer's address is locked, even for a real account with its right password...
    locked = _login(client, personas.advocate_a.email, TEST_PASSWORD, REMOTE_ADDR="198.51.100.99")
    assert locked.status_code == 429
    # ...and nobody else is.
    assert _signs_in(client, personas.advocate_a.email, REMOTE_ADDR="198.51.100.100")


def test_changing_the_user_agent_does_not_reset_the_count(client, personas):
    email = personas.advocate_b.email
    for n in range(5):
        _login(client, email, HTTP_USER_AGENT=f"Browser/{n}")
    assert _login(client, email, TEST_PASSWORD, HTTP_USER_AGENT="Fresh/1.0").status_code == 429


def test_changing_the_user_agent_does_not_help_spraying_from_one_address(client, personas):
    for n in range(5):
        _login(client, f"guess{n}@example.org", HTTP_USER_AGENT=f"Browser/{n}")
    response = _login(client, personas.advocate_b.email, TEST_PASSWORD, HTTP_USER_AGENT="New/2")
    assert response.status_code == 429


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, personas, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    email = personas.advocate_a.email
    for n in range(5):
        _login(client, email, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    fresh = _login(client, email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert fresh.status_code == 429
    assert set(
        AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).values_list(
            "ip_address", flat=True
        )
    ) == {"127.0.0.1"}


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, personas, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    email = personas.advocate_a.email
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        # The client claims a different address each time; the proxy appends the real one.
        _login(client, email, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}, 198.51.100.7", **proxy)
    spoofed = _login(
        client, email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", **proxy
    )
    assert spoofed.status_code == 429
    # Another client behind the same proxy is not locked out with the first.
    assert _signs_in(client, email, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    addresses = set(AuditEntry.objects.values_list("ip_address", flat=True))
    assert addresses == {"198.51.100.7", "198.51.100.8"}


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.3", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.2"),  # fewer entries than proxies: not trustworthy
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "6.6.6.6, 2001:DB8::1", "2001:db8::1"),
    ],
)
def test_client_ip_reads_the_entry_of_the_outermost_trusted_proxy(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_allauths_own_rate_limits_count_the_same_client_address(client, personas, settings):
    """allauth limits reset requests to 20 a minute per address: behind the proxy, per client."""
    settings.TRUSTED_PROXY_COUNT = 1
    url = "/accounts/password/reset/"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", **proxy}
    for n in range(20):
        assert client.post(url, {"email": f"x{n}@example.org"}, **first).status_code == 302
    assert client.post(url, {"email": "x99@example.org"}, **first).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.8", **proxy}
    assert client.post(url, {"email": "x99@example.org"}, **other).status_code == 302


def test_each_key_locks_exactly_at_its_own_limit(client, personas, settings):
    """The account's limit need not be a multiple of the address's (accounts.security)."""
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 7
    email = personas.advocate_b.email
    for n in range(6):
        _login(client, email, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert _signs_in(client, email, REMOTE_ADDR="203.0.113.1")
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.1")
    for n in range(7):
        _login(client, email, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert _login(client, email, TEST_PASSWORD, REMOTE_ADDR="203.0.113.2").status_code == 429
