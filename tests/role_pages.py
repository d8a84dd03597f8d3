"""Each role signs in and reads its everyday pages: the walk that tests of what pages leave
behind (in the cache, on the database session) share."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import sign_in


def read_every_roles_pages(client, personas, cert_request) -> None:
    """A real sign-in first (allauth keeps its rate-limit record in the cache), then each role's
    pages, each answering 200, then the public figures signed out."""
    signed_in = sign_in(client, personas.advocate_a.email)
    assert signed_in.status_code == 302
    pages = {
        personas.advocate_a: [
            reverse("home"),
            reverse("certifications:dashboard"),
            reverse("certifications:detail", args=[cert_request.pk]),
            reverse("certifications:notifications"),
        ],
        personas.contact_x: [
            reverse("home"),
            reverse("certifications:queue"),
            reverse("certifications:detail", args=[cert_request.pk]),
            reverse("certifications:notifications"),
        ],
        personas.coordinator: [
            reverse("home"),
            reverse("certifications:coordinator"),
            reverse("statistics:figures"),
        ],
        personas.admin: [
            reverse("agencies:directory"),
            reverse("agencies:health"),
            reverse("accounts:audit_list"),
        ],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, url
    client.logout()
    assert client.get(reverse("statistics:public")).status_code == 200
