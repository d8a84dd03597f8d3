"""The authorization matrix: every URL pattern of the project x every role x method.

A URL missing from MATRIX fails the test with the exact line to add. Canary values seeded in a
request of organization A routed to agency X must never reach anyone else's response.

Reading a row:  R("name", "METHOD", "anon advA advB conX conY coord admin deact", **kwargs)
- the eight codes are the expected HTTP statuses for the roles in ROLES, in that order;
- `*` means "anything but a server error" (used only where a page's own logic decides, e.g. the
  administrator inside Django's admin);
- kwargs name URL arguments; a value in OBJECTS' keys ("request", "attachment", "message",
  "invitation_token", ...) is replaced by the fixture object's id or value.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.invitations import invitation_create
from accounts.models import Role
from accounts.services import audit_log

from .canary import CANARY_STRINGS, seed_canary_request

ROLES = (
    "anonymous",
    "advocate_a",
    "advocate_b",
    "contact_x",
    "contact_y",
    "coordinator",
    "admin",
    "deactivated",
)
# Who may see the canary request (org A, routed to agency X, on time): nobody else.
MAY_SEE_CANARY = {"advocate_a", "contact_x"}


@dataclass(frozen=True)
class R:
    name: str
    method: str
    expected: str
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def __init__(self, name, method, expected, data=None, **kwargs):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "expected", expected)
        object.__setattr__(self, "kwargs", kwargs)
        object.__setattr__(self, "data", data or {})
        assert len(expected.split()) == len(ROLES), f"{name}: {len(ROLES)} codes needed"


# fmt: off
MATRIX: list[R] = [
    #  name                                    method  anon advA advB conX conY coord admin deact
    R("home",                                   "GET",  "302  200  200  200  200  200  200  302"),
    R("healthz",                                "GET",  "200  200  200  200  200  200  200  200"),
    # --- sign-in pages (allauth) ---
    R("account_login",                          "GET",  "200  302  302  302  302  302  302  200"),
    R("account_login",                          "POST", "200  302  302  302  302  302  302  200"),
    R("account_logout",                         "GET",  "302  200  200  200  200  200  200  302"),
    R("account_logout",                         "POST", "302  302  302  302  302  302  302  302"),
    R("account_inactive",                       "GET",  "200  200  200  200  200  200  200  200"),
    R("account_signup",                         "GET",  "200  302  302  302  302  302  302  200"),
    R("account_signup",                         "POST", "200  302  302  302  302  302  302  200"),
    R("account_reauthenticate",                 "GET",  "302  302  302  302  302  302  302  302"),
    R("account_email",                          "GET",  "302  200  200  200  200  200  200  302"),
    R("account_email_verification_sent",        "GET",  "200  200  200  200  200  200  200  200"),
    R("account_change_password",                "GET",  "302  200  200  200  200  200  200  302"),
    R("account_set_password",                   "GET",  "302  302  302  302  302  302  302  302"),
    R("account_reset_password",                 "GET",  "200  200  200  200  200  200  200  200"),
    R("account_reset_password",                 "POST", "200  200  200  200  200  200  200  200"),
    R("account_confirm_login_code",             "GET",  "302  302  302  302  302  302  302  302"),
    R("account_confirm_email",                  "GET",  "200  200  200  200  200  200  200  200", key="bogus-key"),  # noqa: E501
    R("account_reset_password_from_key_done",   "GET",  "200  200  200  200  200  200  200  200"),
    R("account_reset_password_from_key",        "GET",  "200  200  200  200  200  200  200  200", uidb36="1", key="bogus-key"),  # noqa: E501
    R("account_reset_password_done",            "GET",  "200  200  200  200  200  200  200  200"),
    # --- second factor (allauth.mfa) ---
    R("mfa_index",                              "GET",  "302  200  200  200  200  200  200  302"),
    R("mfa_authenticate",                       "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_reauthenticate",                     "GET",  "302  302  302  200  200  200  200  302"),
    R("mfa_activate_totp",                      "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_deactivate_totp",                    "GET",  "302  404  404  302  302  302  302  302"),
    R("mfa_view_recovery_codes",                "GET",  "302  404  404  404  404  404  404  302"),
    R("mfa_generate_recovery_codes",            "GET",  "302  302  302  302  302  302  302  302"),
    R("mfa_download_recovery_codes",            "GET",  "302  404  404  404  404  404  404  302"),
    # --- accounts: invitations and the audit trail (administrators only) ---
    R("accounts:invitation_new",                "GET",  "302  404  404  404  404  404  200  302"),
    R("accounts:invitation_new",                "POST", "302  404  404  404  404  404  200  302"),
    R("accounts:invitation_accept",             "GET",  "200  200  200  200  200  200  200  200", token="invitation_token"),  # noqa: E501
    R("accounts:invitation_accept",             "GET",  "404  404  404  404  404  404  404  404", token="not-a-token"),  # noqa: E501
    R("accounts:invitation_accept",             "POST", "200  200  200  200  200  200  200  200", token="invitation_token"),  # noqa: E501
    R("accounts:audit_list",                    "GET",  "302  404  404  404  404  404  200  302"),
    R("accounts:audit_export",                  "GET",  "302  404  404  404  404  404  200  302"),
    # --- Django admin: every page; only administrators get past the admin login ---
    R("admin:login",                            "GET",  "302  403  403  403  403  403  302  302"),
    R("admin:logout",                           "GET",  "302  302  302  302  302  302  405  302"),
    R("admin:*",                                "GET",  "302  302  302  302  302  302  *    302"),
]
# fmt: on


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                # Unnamed patterns are listed by route, under their namespace.
                name = f"{namespace}:<{route}>" if namespace else f"<{route}>"
            yield name, route, pattern


def project_urls() -> dict[str, tuple[str, URLPattern]]:
    return {name: (route, p) for name, route, p in _walk(get_resolver().url_patterns)}


def rows_for(name: str) -> list[R]:
    exact = [row for row in MATRIX if row.name == name]
    if exact:
        return exact
    return [row for row in MATRIX if "*" in row.name and fnmatch.fnmatch(name, row.name)]


def _admin_object_id(name: str, objects: dict) -> str:
    """`admin:agencies_agency_change` -> the id of a fixture object of that model."""
    from django.apps import apps

    label = name.split(":", 1)[1]
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if label.startswith(prefix):
            obj = model._default_manager.order_by("pk").first()
            return str(obj.pk) if obj is not None else "999999"
    return "999999"


def _url(row: R, name: str, route: str, pattern: URLPattern, objects: dict) -> str:
    kwargs = {k: objects.get(v, v) for k, v in row.kwargs.items()}
    if name.startswith("admin:<"):
        # Unnamed admin redirects (`<path:object_id>/` -> change page).
        path = "/" + route.replace("<path:object_id>", _admin_object_id("admin:x", objects))
        return path.replace("(?P<url>.*)$", "no-such-page/")
    if name.startswith("admin:") and not kwargs:
        params = set(pattern.pattern.converters) | set(
            getattr(getattr(pattern.pattern, "regex", None), "groupindex", {})
        )
        for converter in sorted(params):
            if converter in ("object_id", "id"):
                kwargs[converter] = _admin_object_id(name, objects)
            elif converter == "app_label":
                kwargs[converter] = "accounts"
            elif converter == "content_type_id":
                kwargs[converter] = objects["content_type_id"]
        if "(?P<url>" in route:
            return "/admin/no-such-page/"
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def matrix_objects(personas, media_root):
    from django.contrib.contenttypes.models import ContentType

    request, attachment, message = seed_canary_request(personas)
    _, token = invitation_create(
        email="invitee@example.org",
        full_name="Invitee",
        role=Role.ADVOCATE,
        organization=personas.org_b,
        invited_by=personas.admin,
    )
    audit_log(action="login", user=personas.advocate_a)
    return {
        "request": request.pk,
        "attachment": attachment.pk,
        "message": message.pk,
        "agency": personas.agency_x.pk,
        "contact": personas.contact_x.point_of_contact.pk,
        "organization": personas.org_a.pk,
        "user": personas.advocate_a.pk,
        "invitation_token": token,
        "content_type_id": ContentType.objects.get_for_model(request).pk,
    }


def _matches(expected: str, status: int) -> bool:
    if expected == "*":
        return status < 500
    return int(expected) == status


def test_every_url_is_in_the_matrix_and_answers_as_expected(personas, matrix_objects):
    urls = project_urls()
    missing = [name for name in urls if not rows_for(name)]
    assert not missing, (
        "These URL patterns are not in tests/security/test_access_matrix.py MATRIX. Add one "
        "line per URL and method, with the status each role must get, e.g.:\n"
        + "\n".join(
            f'    R("{name}", "GET", "302  200  404  200  404  404  404  302"),  # {urls[name][0]}'
            for name in missing
        )
    )
    stale = [row.name for row in MATRIX if "*" not in row.name and row.name not in urls]
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"

    users = personas.all_users()
    clients: dict[str, Client] = {}

    def client_for(role: str, fresh: bool) -> Client:
        # One signed-in client per role, renewed after anything that may end its session.
        if fresh or role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(users[role])
        return clients[role]

    failures: list[str] = []
    leaks: list[str] = []
    checks = 0
    methods: set[str] = set()
    for name, (route, pattern) in sorted(urls.items()):
        for row in rows_for(name):
            url = _url(row, name, route, pattern, matrix_objects)
            methods.add(row.method)
            for role, expected in zip(ROLES, row.expected.split(), strict=True):
                cache.clear()  # allauth's rate limits are not what this test is about
                client = client_for(role, fresh=row.method != "GET" or "logout" in name)
                call = client.get if row.method == "GET" else client.post
                response = call(url, row.data)
                checks += 1
                if not _matches(expected, response.status_code):
                    failures.append(
                        f"{row.method} {url} ({name}) as {role}: "
                        f"expected {expected}, got {response.status_code}"
                    )
                if role not in MAY_SEE_CANARY and not response.streaming:
                    body = response.content.decode(errors="replace")
                    for canary in CANARY_STRINGS:
                        if canary in body:
                            leaks.append(f"{row.method} {url} as {role} shows {canary!r}")
    print(
        f"\nAuthorization matrix: {len(urls)} URL patterns x {len(ROLES)} roles, "
        f"{len(MATRIX)} rows, methods {sorted(methods)}: {checks} requests checked, "
        f"{len(leaks)} canary leaks."
    )
    assert not failures, "\n".join(failures)
    assert not leaks, "\n".join(leaks)


def test_the_missing_url_message_names_the_url_and_the_line_to_add(monkeypatch):
    """The guard itself can fail: a URL without a row is reported by name."""
    import tests.security.test_access_matrix as module

    monkeypatch.setattr(module, "MATRIX", [row for row in MATRIX if row.name != "healthz"])
    urls = project_urls()
    missing = [name for name in urls if not module.rows_for(name)]
    assert missing == ["healthz"]
