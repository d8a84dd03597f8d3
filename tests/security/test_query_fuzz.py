"""No query string makes a server error (OWASP ASVS 5.1.3, 7.4.1).

Every list and filter page of the portal and every registered admin changelist gets, on each
parameter its filter form declares, huge and negative numbers, very long and mixed-script
strings (never a 5xx), and NUL and other control characters (a 400 with a plain message).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.forms import AuditSearchForm
from agencies.forms import AgencyFilter
from certifications.forms.filters import AdvocateDashboardFilter, QueueFilterForm
from certifications.forms.statistics import AgencyFilterForm, PeriodForm, YearForm
from tests.factories import make_submitted_request
from uvisa_portal.middleware import BAD_QUERY_MESSAGE

HUGE = "99999999999999999999999"
ODD_VALUES = [HUGE, "-1", "x" * 10_000, "Müller Иванов محمد 😀 UV-2026"]
# Every parameter gets a NUL inside text; the page number also gets the other control
# characters the middleware refuses.
CONTROL_VALUES = ["abc%00def"]
PAGE_VALUES = [*ODD_VALUES, "-" + HUGE, "1e400", "abc"]
PAGE_CONTROL_VALUES = ["%00", "%01", "%1B", "%7F"]


@dataclass
class ListPage:
    name: str
    persona: str
    params: list[str]


def _form_fields(form_class, **kwargs) -> list[str]:
    if hasattr(form_class, "base_filters"):
        return list(form_class.base_filters)
    return list(form_class(**kwargs).fields)


def _portal_pages() -> list[ListPage]:
    period = _form_fields(PeriodForm)
    return [
        ListPage("certifications:dashboard", "advocate_a", _form_fields(AdvocateDashboardFilter)),
        ListPage("certifications:queue", "contact_x", _form_fields(QueueFilterForm, contacts=[])),
        ListPage("certifications:coordinator", "coordinator", ["agencies"]),
        ListPage("certifications:notifications", "advocate_a", []),
        ListPage("home", "contact_x", _form_fields(QueueFilterForm, contacts=[])),
        ListPage("agencies:directory", "advocate_a", _form_fields(AgencyFilter)),
        ListPage("accounts:audit_list", "admin", _form_fields(AuditSearchForm)),
        ListPage("accounts:audit_export", "admin", _form_fields(AuditSearchForm)),
        ListPage("statistics:figures", "coordinator", period + _form_fields(AgencyFilterForm)),
        ListPage("statistics:public", "anonymous", period),
        ListPage("statistics:export_csv", "coordinator", period),
        ListPage("statistics:annual_report", "coordinator", _form_fields(YearForm)),
    ]


def _admin_pages(superuser) -> list[ListPage]:
    """Every registered ModelAdmin's changelist, with its search box, ordering, page and the
    parameters of each of its list filters (as the changelist itself reports them)."""
    pages = []
    factory = RequestFactory()
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        request = factory.get(reverse(name))
        request.user = superuser
        changelist = model_admin.get_changelist_instance(request)
        params = ["o", "p"] + (["q"] if model_admin.search_fields else [])
        for spec in changelist.filter_specs:
            params += spec.expected_parameters()
        pages.append(ListPage(name, "admin", params))
    return pages


@pytest.fixture
def fuzz_data(personas, monkeypatch):
    """A few requests, and every list paged by two, so that each has several pages and an
    out-of-range page number has a last page to fall back to."""
    import accounts.views
    import agencies.views
    import certifications.views.advocate
    import certifications.views.agency
    import certifications.views.statistics

    for module, constant in [
        (certifications.views.advocate, "DASHBOARD_PAGE_SIZE"),
        (certifications.views.agency, "QUEUE_PAGE_SIZE"),
        (certifications.views.agency, "STATEWIDE_PAGE_SIZE"),
        (certifications.views.statistics, "AGENCIES_PER_PAGE"),
        (agencies.views, "PAGE_SIZE"),
        (accounts.views, "AUDIT_PAGE_SIZE"),
    ]:
        monkeypatch.setattr(module, constant, 2)
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 2)
    for _ in range(5):
        make_submitted_request(
            organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
        )


def _get(client: Client, url: str, key: str, value: str):
    # Values are sent raw (already percent-encoded where they hold control characters).
    from urllib.parse import quote

    encoded = value if value.startswith("%") or "%0" in value else quote(value)
    return client.get(f"{url}?{quote(key)}={encoded}")


def test_no_query_string_makes_a_server_error(personas, fuzz_data):
    users = personas.all_users()
    clients: dict[str, Client] = {}

    def client_for(persona: str) -> Client:
        if persona not in clients:
            clients[persona] = Client(raise_request_exception=False)
            if persona != "anonymous":
                clients[persona].force_login(users[persona])
        return clients[persona]

    pages = _portal_pages() + _admin_pages(personas.admin)
    assert len(pages) > 15
    errors: list[str] = []
    not_refused: list[str] = []
    requests = 0
    for page in pages:
        url = reverse(page.name)
        client = client_for(page.persona)
        assert client.get(url).status_code < 500, url
        for key in ["page", *page.params]:
            odd, control = (
                (PAGE_VALUES, PAGE_CONTROL_VALUES)
                if key == "page"
                else (ODD_VALUES, CONTROL_VALUES)
            )
            for value in odd:
                response = _get(client, url, key, value)
                requests += 1
                if response.status_code >= 500:
                    errors.append(f"{url}?{key}={value[:30]} -> {response.status_code}")
            for value in control:
                response = _get(client, url, key, value)
                requests += 1
                if response.status_code != 400:
                    not_refused.append(f"{url}?{key}={value} -> {response.status_code}")
    print(f"\nQuery fuzz: {len(pages)} pages, {requests} requests.")
    assert not errors, "\n".join(errors)
    assert not not_refused, "\n".join(not_refused)


@pytest.mark.parametrize(
    ("value", "last"), [(HUGE, True), ("-1", True), ("0", True), ("abc", False), ("2.5", False)]
)
def test_an_odd_page_number_gives_the_last_or_the_first_page(
    client, personas, fuzz_data, value, last
):
    """Out of range (too big or below 1): the last page; not a whole number: the first
    (Django's Paginator.get_page)."""
    client.force_login(personas.advocate_a)
    response = client.get(reverse("certifications:dashboard"), {"page": value})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.num_pages > 1
    assert page.number == (page.paginator.num_pages if last else 1)


def test_a_control_character_is_refused_with_a_plain_message_and_tab_is_not(client, personas):
    client.force_login(personas.admin)
    response = client.get("/admin/accounts/auditentry/?action=%00")
    assert response.status_code == 400
    assert BAD_QUERY_MESSAGE in response.content.decode()
    # The refusal gets the headers of any signed-in page (ASVS 8.2.1).
    assert "no-store" in response["Cache-Control"]
    assert client.get("/directory/?q=%00").status_code == 400
    # A key may carry one as well.
    assert client.get("/directory/?%00=1").status_code == 400
    # Tab, newline and carriage return come from pasted text and harm nothing.
    assert client.get("/directory/?q=a%09b%0Ac%0D").status_code == 200
