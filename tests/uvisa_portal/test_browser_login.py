"""Each role signs in through the real login page in Chromium and sees its home page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("advocate_a", "Certification requests"),
        ("contact_x", "Review queue"),
        ("coordinator", "Statewide coordinator"),
        ("admin", "Administration"),
    ],
)
def test_each_role_signs_in_and_sees_its_home(portal, personas, persona, heading):
    user = getattr(personas, persona)
    portal.login(user.email)
    assert portal.page.get_by_role("heading", level=1).inner_text().startswith(heading)
    portal.screenshot(f"home-{persona}")


def test_a_wrong_password_keeps_the_visitor_on_the_login_page(portal, personas):
    portal.login(personas.advocate_a.email, password="not-the-password-at-all")
    assert "/accounts/login/" in portal.page.url
    assert portal.page.get_by_text("not correct").count() >= 1
