"""Every look at victim data is logged (CJIS 5.4.1.1; 8 U.S.C. 1367).

1. Every route of the project is either decorated with `accounts.decorators.audited` or listed
   in NO_VICTIM_DATA with the reason it shows none, so a view added later fails here until
   someone decides which it is.
2. Every decorated route, walked as every persona with the access matrix's objects, writes
   exactly one audit row per request with the right action, user and outcome.
"""

from __future__ import annotations

import fnmatch

import pytest
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory

from accounts.decorators import audited
from accounts.models import AuditAction, AuditEntry
from certifications.models import Attachment, CertificationRequest
from tests.security.test_access_matrix import (
    ROLES,
    _url,
    matrix_objects,  # noqa: F401 - the fixture, shared with the access matrix
    project_urls,
    rows_for,
)

# Routes that show no victim data, each with why. Patterns (fnmatch) for third-party route sets.
# fmt: off
NO_VICTIM_DATA: dict[str, str] = {
    "set_language": "the language selector: sets a cookie and the account's own language",
    "healthz": "component states only",
    "account_*": "allauth's sign-in, password and e-mail pages: the user's own account",
    "mfa_*": "allauth's second-factor pages: the user's own factor",
    "admin:*": "Django's admin registers directory, account and audit models, no request model",
    "accounts:audit_list": "audit rows hold ids and references only, never victim data",
    "accounts:invitation_new": "an administrator's invitation form: account data",
    "accounts:invitation_accept": "the invitee's own account form",
    "accounts:approval_pending": "the waiting account's own page: who approves it",
    "accounts:approval_list": "accounts waiting: e-mail, role, organization or agency only",
    "accounts:approval_approve": "POST only; redirects (the decision is audited by its service)",
    "accounts:approval_refuse": "POST only; redirects (the decision is audited by its service)",
    "agencies:*": "the directory of agencies and their published contacts",
    "certifications:agency_suggestions": "directory data: agency ids and names for a county",
    "certifications:notifications": "each user's notices: subjects with references, no victim data",  # noqa: E501
    "certifications:outbox_dead": "undeliverable notices: id, kind, recipient role, server reply",
    "certifications:outbox_retry": "POST only; redirects",
    "certifications:outbox_retry_all": "POST only; redirects",
    "certifications:notification_read": "POST only; redirects, shows nothing",
    "certifications:notifications_read_all": "POST only; redirects, shows nothing",
    "certifications:attachment_delete": "POST only; redirects (the removal is audited by the service)",  # noqa: E501
    "certifications:start_review": "POST only; redirects (the status change is audited)",
    "certifications:petition_filed": "POST only; a date form naming the reference, no victim data",  # noqa: E501
    "statistics:public": "public aggregates with small counts suppressed",
    "statistics:public_chart": "public aggregates",
    "statistics:figures": "aggregates per agency, no request",
    "statistics:chart": "aggregates per agency, no request",
    "statistics:recompute": "POST only; recomputes aggregates (audited by its service)",
}
# fmt: on
# Exports that show no victim data but are audited anyway (CJIS 5.4.1.1: exports are events).
AUDITED_WITHOUT_VICTIM_DATA = {"agencies:export"}


def _allowed(name: str) -> str | None:
    for pattern, reason in NO_VICTIM_DATA.items():
        if fnmatch.fnmatch(name, pattern):
            return reason
    return None


def test_every_route_is_audited_or_listed_as_showing_no_victim_data():
    urls = project_urls()
    undecided = [
        f"{name} ({route})"
        for name, (route, pattern) in sorted(urls.items())
        if getattr(pattern.callback, "audit_action", None) is None and _allowed(name) is None
    ]
    assert not undecided, (
        "These routes neither carry @audited(...) (accounts.decorators) nor are listed in "
        "NO_VICTIM_DATA with a reason:\n" + "\n".join(undecided)
    )
    both = [
        name
        for name, (_, pattern) in urls.items()
        if getattr(pattern.callback, "audit_action", None) is not None
        and _allowed(name) is not None
        and name not in AUDITED_WITHOUT_VICTIM_DATA
    ]
    assert not both, f"Decorated and also listed as showing no victim data: {both}"
    unused = [p for p in NO_VICTIM_DATA if not any(fnmatch.fnmatch(n, p) for n in urls)]
    assert not unused, f"NO_VICTIM_DATA entries matching no route: {unused}"


def test_the_admin_holds_no_model_of_victim_data():
    """What lets NO_VICTIM_DATA list the whole admin: no model of the certifications app (the
    requests, their people, files, messages and events) is registered there, but the form
    editions (USCIS's blank forms and their structure)."""
    from django.contrib import admin

    registered = sorted(model._meta.label for model in admin.site._registry)
    certifications = [label for label in registered if label.startswith("certifications.")]
    assert registered and certifications == ["certifications.FormEdition"]


def test_the_pages_that_show_victim_data_are_decorated():
    """The pages named in the rule itself, so that listing one of them as showing no victim
    data cannot pass silently."""
    urls = project_urls()
    for name in (
        "home",
        "certifications:dashboard",
        "certifications:detail",
        "certifications:edit",
        "certifications:review",
        "certifications:documents",
        "certifications:document_download",
        "certifications:victim_letter",
        "certifications:victim_letter_download",
        "certifications:attachment_download",
        "certifications:queue",
        "certifications:coordinator",
        "accounts:audit_export",
        "statistics:export_csv",
    ):
        assert getattr(urls[name][1].callback, "audit_action", None), name


def _outcome(status: int) -> str:
    return {404: "not_found", 403: "denied"}.get(status, str(status))


def test_every_audited_route_writes_one_row_per_request_for_every_persona(
    personas,
    matrix_objects,  # noqa: F811
):
    urls = project_urls()
    users = personas.all_users()
    failures: list[str] = []
    checked = 0
    # What a row's target must lead with once the view has reached the request.
    references = {
        key: CertificationRequest.objects.get(pk=matrix_objects[key]).reference
        for key in ("request", "draft", "info_requested", "overdue")
    }
    references["attachment"] = Attachment.objects.get(
        pk=matrix_objects["attachment"]
    ).request.reference
    for name, (route, pattern) in sorted(urls.items()):
        action = getattr(pattern.callback, "audit_action", None)
        if action is None:
            continue
        rows = rows_for(name)
        assert rows, f"{name} has no row in the access matrix"
        for row in rows:
            url = _url(row, name, route, pattern, matrix_objects)
            for role in ROLES:
                cache.clear()
                client = Client()
                if role != "anonymous":
                    client.force_login(users[role])
                before = AuditEntry.objects.count()
                call = client.get if row.method == "GET" else client.post
                response = call(url, row.data)
                written = list(AuditEntry.objects.order_by("id")[before:])
                checked += 1
                where = f"{row.method} {url} ({name}) as {role} -> {response.status_code}"
                # Signed out, deactivated, or the wrong method: turned away before the view.
                turned_away = role in ("anonymous", "deactivated") or response.status_code == 405
                views = [e for e in written if e.action == action]
                if turned_away:
                    if views:
                        failures.append(f"{where}: expected no row, got {len(views)}")
                    continue
                if len(views) != 1:
                    failures.append(f"{where}: expected one {action} row, got {len(views)}")
                    continue
                entry = views[0]
                if entry.user_id != users[role].pk:
                    failures.append(f"{where}: row names user {entry.user_id}")
                if entry.outcome != _outcome(response.status_code):
                    failures.append(f"{where}: outcome {entry.outcome!r}")
                if name not in entry.target or entry.ip_address != "127.0.0.1":
                    failures.append(f"{where}: target {entry.target!r}, ip {entry.ip_address}")
                reference = references.get(row.kwargs.get("pk"))
                seen = entry.outcome not in ("not_found", "denied")
                if seen and reference and not entry.target.startswith(reference + " "):
                    failures.append(f"{where}: target {entry.target!r} lacks {reference}")
    print(f"\nAudit walk: {checked} requests checked.")
    assert checked > 300
    assert not failures, "\n".join(failures)


def test_an_outsider_is_recorded_as_not_found_with_the_object_id(personas, matrix_objects):  # noqa: F811
    client = Client()
    client.force_login(personas.advocate_b)
    pk = matrix_objects["request"]
    assert client.get(f"/requests/{pk}/").status_code == 404
    entry = AuditEntry.objects.get(action=AuditAction.VICTIM_DATA_VIEW)
    assert entry.outcome == "not_found"
    assert entry.target == f"certifications:detail pk={pk}"
    assert entry.user == personas.advocate_b


def test_the_home_page_writes_one_row_though_it_shows_the_dashboard(personas):
    client = Client()
    client.force_login(personas.advocate_a)
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.LIST_VIEW)
    assert (entry.action, entry.target, entry.outcome) == (AuditAction.LIST_VIEW, "home", "200")


@pytest.mark.django_db
def test_the_row_is_written_when_the_view_raises_and_the_exception_goes_on(personas):
    @audited(AuditAction.VICTIM_DATA_VIEW)
    def refusing(request, pk):
        raise Http404("No such request.")

    @audited(AuditAction.VICTIM_DATA_VIEW)
    def answering(request, pk):
        return HttpResponse(status=204)

    request = RequestFactory().get("/x/")
    request.user = personas.contact_y
    with pytest.raises(Http404):
        refusing(request, pk=12)
    request = RequestFactory().get("/x/")
    request.user = personas.contact_y
    assert answering(request, pk=13).status_code == 204
    assert list(AuditEntry.objects.order_by("id").values_list("target", "outcome")) == [
        ("refusing pk=12", "not_found"),
        ("answering pk=13", "204"),
    ]
    assert refusing.audit_action == AuditAction.VICTIM_DATA_VIEW
