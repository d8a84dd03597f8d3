"""The agency's pages over HTTP: permissions (404 for outsiders), actions, queue, coordinator."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from certifications.access import certification_requests_visible_to
from certifications.choices import Action, DenialReason, Status
from certifications.models import CertificationRequest
from tests.factories import (
    PointOfContactFactory,
    make_release,
    make_request,
    make_submitted_request,
)

ACTIONS = [
    "start_review",
    "request_info",
    "certify",
    "deny",
    "transfer",
    "reroute",
    "message",
    "assign",
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _submitted(personas, agency=None, **kw) -> CertificationRequest:
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=agency or personas.agency_x,
        assigned_contact=kw.pop("assigned_contact", None),
        **kw,
    )


def _overdue(request: CertificationRequest, days: int = 3) -> CertificationRequest:
    CertificationRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=days)
    )
    request.refresh_from_db()
    return request


# --- Permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["contact_y", "advocate_a", "advocate_b", "admin"])
def test_outsiders_get_404_on_the_review_page_and_every_action(client, personas, persona):
    request = _submitted(personas)
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("certifications:review", args=[request.pk])).status_code == 404
    for action in ACTIONS:
        response = client.post(reverse(f"certifications:{action}", args=[request.pk]), {})
        assert response.status_code == 404, action
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED
    assert request.events.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    request = _submitted(personas)
    response = client.get(reverse("certifications:review", args=[request.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_contacts_never_see_drafts(client, personas):
    draft = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    CertificationRequest.objects.filter(pk=draft.pk).update(agency=personas.agency_x)
    client.force_login(personas.contact_x)
    assert client.get(reverse("certifications:review", args=[draft.pk])).status_code == 404


def test_the_review_page_shows_the_removal_flag_but_no_other_immigration_status(client, personas):
    request = _submitted(
        personas,
        in_removal_proceedings=True,
        victim_a_number="A123456789",
        detained=True,
        child_turns_21_on=datetime.date(2027, 2, 2),
    )
    client.force_login(personas.contact_x)
    response = client.get(reverse("certifications:review", args=[request.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Removal proceedings" in body and "Flagged" in body
    assert "A123456789" not in body
    assert "etained" not in body
    assert "turns 21" not in body
    assert "Victim Example" in body
    assert AuditEntry.objects.filter(
        action=AuditAction.VICTIM_DATA_VIEW,
        target=f"{request.reference} certifications:review pk={request.pk}",
        user=personas.contact_x,
    ).exists()


def test_the_coordinator_sees_exactly_routed_escalated_and_overdue_requests(personas):
    routed = _submitted(personas, agency=personas.coordinator_agency)
    routed_closed = _submitted(personas, agency=personas.coordinator_agency)
    CertificationRequest.objects.filter(pk=routed_closed.pk).update(
        status=Status.DENIED, denial_reason=DenialReason.OTHER
    )
    escalated = _submitted(personas)
    CertificationRequest.objects.filter(pk=escalated.pk).update(escalated_at=timezone.now())
    overdue = _overdue(_submitted(personas, agency=personas.agency_y))
    # Not visible: on time and not escalated; closed elsewhere even if once late; drafts.
    _submitted(personas)
    closed_late = _overdue(_submitted(personas))
    CertificationRequest.objects.filter(pk=closed_late.pk).update(
        status=Status.CERTIFIED, signature_date=timezone.localdate(), escalated_at=timezone.now()
    )
    make_request(organization=personas.org_a, created_by=personas.advocate_a)
    visible = set(
        certification_requests_visible_to(user=personas.coordinator).values_list("pk", flat=True)
    )
    assert visible == {routed.pk, routed_closed.pk, escalated.pk, overdue.pk}


def test_the_overview_lists_overdue_then_escalated_in_removal_then_escalated_by_due_date(
    client, personas
):
    # selectors.coordinator_statewide_requests: the urgency order, counted and paged as one
    # list.
    today = timezone.localdate()

    def escalated(due_in_days: int, removal: bool = False) -> CertificationRequest:
        request = _submitted(personas, agency=personas.agency_y, in_removal_proceedings=removal)
        CertificationRequest.objects.filter(pk=request.pk).update(
            escalated_at=timezone.now(), due_date=today + datetime.timedelta(days=due_in_days)
        )
        return request

    later_escalated = escalated(20)
    earlier_escalated = escalated(5)
    removal_escalated = escalated(9, removal=True)
    overdue_recent = _overdue(_submitted(personas), days=2)
    overdue_oldest = _overdue(_submitted(personas, agency=personas.agency_y), days=30)
    overdue_removal = _overdue(_submitted(personas, in_removal_proceedings=True), days=10)
    _submitted(personas)  # on time, not escalated: not listed

    client.force_login(personas.coordinator)
    response = client.get(reverse("certifications:coordinator"))
    page = response.context["page_obj"]
    assert [r.pk for r in page.object_list] == [
        overdue_oldest.pk,
        overdue_removal.pk,
        overdue_recent.pk,
        removal_escalated.pk,
        earlier_escalated.pk,
        later_escalated.pk,
    ]
    assert page.paginator.count == 6


def test_the_overview_counts_a_request_overdue_from_the_day_after_its_due_date(client, personas):
    """The overview's counts and the queue's order are built once a day (selectors.
    _statewide_figures, _open_by_urgency): a request due today joins the list tomorrow."""
    request = _submitted(personas)
    CertificationRequest.objects.filter(pk=request.pk).update(due_date=timezone.localdate())
    now = timezone.now()
    url = reverse("certifications:coordinator")
    with time_machine.travel(now, tick=False):
        client.force_login(personas.coordinator)
        page = client.get(url).context["page_obj"]
        assert (page.paginator.count, list(page.object_list)) == (0, [])
    with time_machine.travel(now + datetime.timedelta(days=1), tick=False):
        client.force_login(personas.coordinator)
        page = client.get(url).context["page_obj"]
        assert page.paginator.count == 1
        assert [r.pk for r in page.object_list] == [request.pk]
        client.force_login(personas.contact_x)
        queue = client.get(reverse("certifications:queue")).context
        assert queue["counts"]["overdue"] == 1
        assert "1 day overdue" in client.get(reverse("certifications:queue")).content.decode()


def test_a_coordinator_account_at_an_ordinary_agency_gets_no_statewide_view(personas):
    from accounts.models import Role

    contact_x = personas.contact_x
    contact_x.role = Role.COORDINATOR
    contact_x.save(update_fields=["role"])
    overdue_elsewhere = _overdue(_submitted(personas, agency=personas.agency_y))
    own = _submitted(personas)
    visible = set(certification_requests_visible_to(user=contact_x).values_list("pk", flat=True))
    assert visible == {own.pk}
    assert overdue_elsewhere.pk not in visible


def test_the_coordinator_may_only_reroute_another_agencys_overdue_request(client, personas):
    overdue = _overdue(_submitted(personas))
    make_release(overdue, [personas.agency_y])
    on_time = _submitted(personas, agency=personas.agency_y)
    client.force_login(personas.coordinator)
    assert client.get(reverse("certifications:review", args=[on_time.pk])).status_code == 404
    page = client.get(reverse("certifications:review", args=[overdue.pk]))
    assert page.status_code == 200
    assert "Re-route to a local agency" in page.content.decode()
    assert "Record certification" not in page.content.decode()
    for action in ["certify", "deny", "start_review", "message", "assign", "transfer"]:
        url = reverse(f"certifications:{action}", args=[overdue.pk])
        assert client.post(url, {}).status_code == 404, action
    response = client.post(
        reverse("certifications:reroute", args=[overdue.pk]),
        {"agency": personas.agency_y.pk, "reason": "The sheriff has the case."},
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.agency == personas.agency_y
    assert overdue.events.filter(action=Action.REROUTE, actor=personas.coordinator).exists()


@pytest.mark.parametrize("address", ["certifications:review", "certifications:detail"])
def test_the_coordinators_page_of_another_agencys_request_costs_what_its_own_costs(
    client, personas, address
):
    # The page's own read, through the access rule, proves the request is visible: deciding
    # that the coordinator may re-route it asks the database nothing more.
    overdue = _overdue(_submitted(personas))
    own = _submitted(personas, agency=personas.coordinator_agency)
    client.force_login(personas.coordinator)
    client.get(reverse(address, args=[own.pk]))  # the session's first view
    own_queries = _queries_for(client, reverse(address, args=[own.pk]))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(address, args=[overdue.pk]))
    assert page.status_code == 200
    assert "Re-route to a local agency" in page.content.decode()
    assert len(queries.captured_queries) == own_queries


def test_an_advocates_request_page_looks_up_no_agency_contact(client, personas):
    request = _submitted(personas)
    client.force_login(personas.advocate_a)
    # The advocates' rule needs no point of contact: asking for one fails the page.
    from certifications import access

    def no_contact_lookup(*, user):
        raise AssertionError("an advocate's page looked up a point of contact")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "contact_for_user", no_contact_lookup)
        assert client.get(reverse("certifications:detail", args=[request.pk])).status_code == 200


def test_the_coordinator_decides_requests_routed_to_dps(client, personas):
    routed = _submitted(personas, agency=personas.coordinator_agency)
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("certifications:deny", args=[routed.pk]),
        {
            "reason": DenialReason.NO_RESPONSIBILITY,
            "explanation": "Federal case; ask the FBI.",
            "no_charge_basis": "on",
            "signer": personas.coordinator.point_of_contact.pk,
            # DPS itself had the case (8 CFR 214.14(a)(2)): the coordinator may decide it.
            "responsible_unit": personas.coordinator_agency.pk,
        },
    )
    assert response.status_code == 302
    routed.refresh_from_db()
    assert routed.status == Status.DENIED


def test_an_agency_contact_cannot_reroute(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:reroute", args=[request.pk]),
        {"agency": personas.agency_y.pk, "reason": "x"},
    )
    assert response.status_code == 404


# --- Actions over HTTP ----------------------------------------------------------------------


def test_contact_requests_information_then_certifies(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    review = reverse("certifications:detail", args=[request.pk])
    response = client.post(
        reverse("certifications:request_info", args=[request.pk]),
        {"message": "Please attach the police report."},
    )
    assert response.status_code == 302 and response["Location"] == review
    page = client.get(review).content.decode()
    assert "clock keeps running" in page
    assert "Please attach the police report." in page
    request.refresh_from_db()
    from certifications.services import certification_request_transition

    certification_request_transition(
        cert_request=request, action=Action.PROVIDE_INFO, actor=personas.advocate_a
    )
    signed = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("certifications:certify", args=[request.pk]),
        {
            "signer": personas.contact_x.point_of_contact.pk,
            "signature_date": signed.isoformat(),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CERTIFIED
    page = client.get(review).content.decode()
    assert "Petition must be filed by" in page
    assert f"{request.filing_deadline:%B} {request.filing_deadline.day}" in page


def test_bad_certification_input_is_explained_beside_the_field_and_kept(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        reverse("certifications:certify", args=[request.pk]),
        {"signer": "", "signature_date": future},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be in the future" in body
    assert "This field is required" in body
    assert f'value="{future.isoformat()}"' in body
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED


def test_a_disguised_signed_form_is_refused_with_a_message(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = _submitted(personas)
    client.force_login(personas.contact_x)
    fake = SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    response = client.post(
        reverse("certifications:certify", args=[request.pk]),
        {
            "signer": personas.contact_x.point_of_contact.pk,
            "signature_date": timezone.localdate().isoformat(),
            "signed_form": fake,
        },
    )
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG" in response.content.decode()


def test_deny_without_an_explanation_is_refused_and_with_one_is_recorded(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:deny", args=[request.pk])
    data = {
        "reason": DenialReason.NOT_HELPFUL,
        "no_charge_basis": "on",
        "signer": personas.contact_x.point_of_contact.pk,
    }
    assert client.post(url, data).status_code == 400
    response = client.post(url, {**data, "explanation": "Declined to give a statement."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.DENIED
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Victim has not been, is not being and is not likely to be helpful" in page
    assert "Declined to give a statement." in page


def test_a_second_click_on_the_same_action_changes_nothing_and_says_so(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:start_review", args=[request.pk])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "This cannot be done now: the request&#x27;s status is “In review”." in page
    assert request.events.filter(action=Action.START_REVIEW).count() == 1


def test_transfer_over_http_moves_the_request_and_it_leaves_the_queue(client, personas):
    request = _submitted(personas)
    make_release(request, [personas.agency_y])
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:transfer", args=[request.pk]),
        {"agency": personas.agency_y.pk, "reason": "The sheriff investigated."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    request.refresh_from_db()
    assert request.agency == personas.agency_y
    # It now belongs to agency Y: contact X lost access.
    assert client.get(reverse("certifications:review", args=[request.pk])).status_code == 404


def test_transfer_without_reason_keeps_the_choice(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:transfer", args=[request.pk]), {"agency": personas.agency_y.pk}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_the_transfer_page_finds_agencies_by_name_or_city_and_suggests_without_a_search(
    client, personas
):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:transfer", args=[request.pk])
    response = client.get(url, {"q": "sheriff"})
    assert response.status_code == 200
    names = [a.name for a in response.context["candidates"]]
    assert names == ["Agency Y Sheriff's Office"]
    html = response.content.decode()
    assert 'type="radio"' in html and "the portal's advocacy convention" in html
    # Its own agency is never offered; nothing found says so.
    response = client.get(url, {"q": "Agency X"})
    assert response.context["candidates"] == []
    assert "No active agency matches" in response.content.decode()
    # Without a search: the directory's suggestions, never the whole state in one list.
    response = client.get(url)
    assert response.status_code == 200
    assert personas.agency_x not in response.context["candidates"]


def test_the_transfer_page_costs_the_same_queries_whatever_the_directory_size(
    client, personas, django_assert_num_queries
):
    from tests.factories import AgencyFactory

    request = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:transfer", args=[request.pk])
    client.get(url, {"q": "sheriff"})
    one = _queries_for(client, url + "?q=sheriff")
    for i in range(40):
        AgencyFactory(name=f"County {i} Sheriff")
    with django_assert_num_queries(one):
        response = client.get(url, {"q": "sheriff"})
    assert len(response.context["candidates"]) == 30


def test_a_transfer_to_an_agency_not_offered_is_refused_with_the_reason_kept(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:transfer", args=[request.pk])
    for agency in (personas.agency_x.pk, 999999, "x"):
        response = client.post(url, {"agency": agency, "reason": "Kept reason."})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Select a valid choice" in html or "This field is required" in html
        assert "Kept reason." in html
    request.refresh_from_db()
    assert request.agency == personas.agency_x


def test_a_closed_request_has_no_transfer_page(client, personas):
    request = _submitted(personas)
    CertificationRequest.objects.filter(pk=request.pk).update(status=Status.WITHDRAWN)
    client.force_login(personas.contact_x)
    response = client.get(reverse("certifications:transfer", args=[request.pk]), follow=True)
    assert "can no longer be sent to another agency" in response.content.decode()


def test_assign_and_message_over_http(client, personas):
    colleague = PointOfContactFactory(agency=personas.agency_x, name="Colleague X")
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    client.post(reverse("certifications:assign", args=[request.pk]), {"contact": colleague.pk})
    client.post(reverse("certifications:message", args=[request.pk]), {"body": "Received."})
    request.refresh_from_db()
    assert request.assigned_contact == colleague
    assert list(request.events.values_list("action", flat=True)) == [
        Action.SUBMIT,
        "assigned",
        "message",
    ]
    other = PointOfContactFactory(agency=personas.agency_y)
    response = client.post(
        reverse("certifications:assign", args=[request.pk]), {"contact": other.pk}
    )
    assert response.status_code == 400


def test_agency_actions_only_accept_post(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    assert client.get(reverse("certifications:certify", args=[request.pk])).status_code == 405


# --- The queue ------------------------------------------------------------------------------


def test_closed_requests_are_listed_most_recently_closed_first(client, personas):
    now = timezone.now()
    closed = []
    for days, status in ((30, Status.CERTIFIED), (2, Status.DENIED), (10, Status.WITHDRAWN)):
        request = _submitted(personas)
        CertificationRequest.objects.filter(pk=request.pk).update(
            status=status,
            closed_at=now - datetime.timedelta(days=days),
            signature_date=timezone.localdate(),
            denial_reason="other",
        )
        closed.append(request)
    still_open = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    rows = client.get(url, {"status": "closed"}).context["page_obj"].object_list
    assert [r.pk for r in rows] == [closed[1].pk, closed[2].pk, closed[0].pk]
    rows = client.get(url, {"status": Status.CERTIFIED}).context["page_obj"].object_list
    assert [r.pk for r in rows] == [closed[0].pk]
    rows = client.get(url).context["page_obj"].object_list
    assert [r.pk for r in rows] == [still_open.pk]


def test_all_lists_open_requests_by_urgency_then_closed_ones_across_pages(
    client, personas, monkeypatch
):
    from certifications.views import agency as agency_views

    monkeypatch.setattr(agency_views, "QUEUE_PAGE_SIZE", 2)
    now = timezone.now()
    later = _submitted(personas)
    overdue = _overdue(_submitted(personas))
    removal = _submitted(personas, in_removal_proceedings=True)
    closed = []
    for days in (20, 5):
        request = _submitted(personas)
        CertificationRequest.objects.filter(pk=request.pk).update(
            status=Status.WITHDRAWN, closed_at=now - datetime.timedelta(days=days)
        )
        closed.append(request)
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    seen = []
    for number in (1, 2, 3):
        page = client.get(url, {"status": "all", "page": number}).context["page_obj"]
        assert page.paginator.count == 5
        seen += [r.pk for r in page.object_list]
    assert seen == [overdue.pk, removal.pk, later.pk, closed[1].pk, closed[0].pk]


def test_the_queue_costs_the_same_queries_whatever_the_filter(client, personas):
    """The pagination shows the right total for the open queue, a filtered one and "all"
    (open, then closed), each list counted and read with the same queries."""
    for _ in range(3):
        _submitted(personas)
    _submitted(personas, form_type="T", trafficking_types=["labor_peonage"])
    closed = _submitted(personas)
    CertificationRequest.objects.filter(pk=closed.pk).update(
        status=Status.WITHDRAWN, closed_at=timezone.now()
    )
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    client.get(url)  # the session's first view

    def run(params: dict) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        return len(queries.captured_queries), response.context["page_obj"].paginator.count

    unfiltered, size = run({})
    assert size == 4
    assert run({"form_type": "T"}) == (unfiltered, 1)
    assert run({"status": "all"}) == (unfiltered, 5)
    assert run({"status": "closed"}) == (unfiltered, 1)


def test_the_queue_shows_the_agencys_figures_at_most_a_minute_old(client, personas, settings):
    """The card of the agency's figures for the past year (aggregates only, no victim data)
    is kept a minute in the shared cache (views.agency._agency_figures)."""
    # time-machine moves Python's clock, not Redis's: the minute is checked on the local-memory
    # cache (tests/uvisa_portal/test_cache.py checks the timeout Redis is given).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    card = '<dt class="col-sm-6 col-lg-3">Received</dt><dd class="col-sm-6 col-lg-3">1</dd>'
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        body = client.get(url).content.decode()
        assert card in body
        assert f"<bdi>{personas.agency_x.name}</bdi>: figures" in body
        _submitted(personas)
        assert card in client.get(url).content.decode()
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        client.force_login(personas.contact_x)
        body = client.get(url).content.decode()
    assert card.replace(">1</dd>", ">2</dd>") in body


def test_every_count_card_equals_the_size_of_the_list_it_links_to(client, personas):
    _submitted(personas)
    _overdue(_submitted(personas))
    _submitted(personas, status=Status.INFO_REQUESTED, actor=personas.contact_x)
    soon = _submitted(personas)
    CertificationRequest.objects.filter(pk=soon.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    _submitted(personas, agency=personas.agency_y)  # another agency's
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    response = client.get(url)
    counts = response.context["counts"]
    assert counts["open"] == response.context["page_obj"].paginator.count == 4
    links = {"new": "?status=submitted", "due_this_week": "?due=7", "overdue": "?due=overdue"}
    links["waiting"] = "?status=info_requested"
    for name, query in links.items():
        assert f'href="{query}"' in response.content.decode()
        listed = client.get(url + query).context["page_obj"].paginator.count
        assert listed == counts[name], name
    assert (counts["new"], counts["due_this_week"], counts["overdue"], counts["waiting"]) == (
        3,
        1,
        1,
        1,
    )


def test_queue_is_most_urgent_first_with_days_left(client, personas):
    later = _submitted(personas)
    removal = _submitted(personas, in_removal_proceedings=True)
    overdue = _overdue(_submitted(personas))
    _submitted(personas, agency=personas.agency_y)  # another agency's
    client.force_login(personas.contact_x)
    response = client.get(reverse("certifications:queue"))
    rows = list(response.context["page_obj"].object_list)
    assert [r.pk for r in rows] == [overdue.pk, removal.pk, later.pk]
    body = response.content.decode()
    assert "3 days overdue" in body
    assert response.context["counts"] == {
        "open": 3,
        "new": 3,
        "due_this_week": 0,
        "overdue": 1,
        "waiting": 0,
    }


def test_the_queue_figures_follow_the_day_and_an_empty_queue_counts_zero(client, personas):
    """A request due today is not overdue today and is overdue tomorrow, on the same
    process."""
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    assert client.get(url).context["counts"] == dict.fromkeys(
        ("open", "new", "due_this_week", "overdue", "waiting"), 0
    )
    request = _submitted(personas)
    CertificationRequest.objects.filter(pk=request.pk).update(due_date=timezone.localdate())
    today = timezone.now()
    with time_machine.travel(today, tick=False):
        counts = client.get(url).context["counts"]
        assert (counts["open"], counts["due_this_week"], counts["overdue"]) == (1, 1, 0)
    with time_machine.travel(today + datetime.timedelta(days=1), tick=False):
        client.force_login(personas.contact_x)
        counts = client.get(url).context["counts"]
        assert (counts["open"], counts["due_this_week"], counts["overdue"]) == (1, 0, 1)


def test_home_is_the_queue_for_contacts_and_the_overview_for_the_coordinator(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    assert request.reference in client.get("/").content.decode()
    client.force_login(personas.coordinator)
    body = client.get("/").content.decode()
    assert "Escalated and overdue at local agencies" in body


def test_a_new_colleague_is_in_the_queue_filter_and_assignable_at_once(client, personas):
    request = _submitted(personas)
    client.force_login(personas.contact_x)
    queue_url = reverse("certifications:queue")
    client.get(queue_url)
    PointOfContactFactory(agency=personas.agency_x, name="Newcomer X")
    assert "Newcomer X" in client.get(queue_url).content.decode()
    panel = client.get(reverse("certifications:detail", args=[request.pk]), {"act": "assign"})
    assert "Newcomer X" in panel.content.decode()


def test_queue_filters_and_reference_search(client, personas):
    mine = _submitted(personas, assigned_contact=personas.contact_x.point_of_contact)
    t_visa = _submitted(personas, form_type="T", trafficking_types=["labor_peonage"])
    waiting = _submitted(personas, status=Status.INFO_REQUESTED, actor=personas.contact_x)
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")

    def pks(**params):
        return {r.pk for r in client.get(url, params).context["page_obj"].object_list}

    assert pks(assigned="me") == {mine.pk}
    assert pks(form_type="T") == {t_visa.pk}
    assert pks(status="info_requested") == {waiting.pk}
    assert pks(q=mine.reference) == {mine.pk}
    assert pks(due="overdue") == set()
    assert pks(due="nonsense", status="nonsense") == {mine.pk, t_visa.pk, waiting.pk}
    _overdue(mine)
    assert pks(due="overdue") == {mine.pk}


def test_queue_paginates(client, personas):
    for _ in range(27):
        _submitted(personas)
    client.force_login(personas.contact_x)
    response = client.get(reverse("certifications:queue"), {"page": 2})
    assert len(response.context["page_obj"].object_list) == 2
    assert "Page 2 of 2" in response.content.decode()


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queue_costs_the_same_queries_for_1_and_40_rows(
    client, personas, django_assert_num_queries
):
    colleague = PointOfContactFactory(agency=personas.agency_x)
    _submitted(personas, assigned_contact=colleague)
    client.force_login(personas.contact_x)
    url = reverse("certifications:queue")
    client.get(url)  # warm the session
    one = _queries_for(client, url + "?status=all")
    for i in range(39):
        request = _submitted(personas, assigned_contact=colleague, in_removal_proceedings=i % 2)
        if i % 3 == 0:
            _overdue(request)
    with django_assert_num_queries(one):
        response = client.get(url + "?status=all")
    assert response.context["page_obj"].paginator.count == 40


def test_coordinator_overview_lists_agencies_with_overdue_requests_in_constant_queries(
    client, personas, django_assert_num_queries
):
    _submitted(personas, agency=personas.coordinator_agency)
    _overdue(_submitted(personas))
    client.force_login(personas.coordinator)
    url = reverse("certifications:coordinator")
    client.get(url)
    # The page's whole work: the table of agencies is kept for a minute (measured apart below).
    cache.clear()
    one = _queries_for(client, url)
    for _ in range(10):
        _overdue(_submitted(personas, agency=personas.agency_y), days=9)
        _submitted(personas, agency=personas.coordinator_agency)
    cache.clear()
    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.context["counts"]["new"] == 11
    agencies = response.context["overdue_agencies"]
    assert [(a["agency__name"], a["overdue"]) for a in agencies] == [
        ("Agency Y Sheriff's Office", 10),
        ("Agency X Police Department", 1),
    ]
    assert response.context["page_obj"].paginator.count == 11


def _overdue_table(response) -> list[int]:
    """The overdue counts of the overview's table of agencies, as shown."""
    import re

    html = response.content.decode()
    table = html[html.index('class="table table-sm overdue-agencies"') :]
    table = table[: table.index("</table>")]
    return [int(n) for n in re.findall(r"<tr><td><bdi>[^<]*</bdi></td><td>(\d+)</td>", table)]


def test_overview_keeps_the_table_of_agencies_a_minute_and_reads_the_list_afresh(
    client, personas, settings
):
    # time-machine moves Python's clock, not Redis's: the minute is checked on the local-memory
    # cache (tests/uvisa_portal/test_cache.py checks the timeout Redis is given).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _overdue(_submitted(personas))
    client.force_login(personas.coordinator)
    url = reverse("certifications:coordinator")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = client.get(url)
        assert _overdue_table(first) == [1]
        assert "Counted at" in first.content.decode()
        late = _overdue(_submitted(personas))
        second = client.get(url)
    # The requests are read afresh on every view; the figures by agency within a minute
    # (kept in the shared cache with when they were counted).
    assert late.reference in second.content.decode()
    assert second.context["page_obj"].paginator.count == 2
    assert _overdue_table(second) == [1]
    assert second.context["overdue_agencies_at"] == first.context["overdue_agencies_at"]
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        third = client.get(url)
    assert _overdue_table(third) == [2]


def test_overview_lists_the_worst_agencies_first_and_all_of_them_on_request(
    client, personas, monkeypatch
):
    from certifications.views import agency as agency_views

    monkeypatch.setattr(agency_views, "OVERDUE_AGENCIES_SHOWN", 1)
    for _ in range(2):
        _overdue(_submitted(personas, agency=personas.agency_y))
    _overdue(_submitted(personas))
    client.force_login(personas.coordinator)
    url = reverse("certifications:coordinator")
    response = client.get(url)
    shown = [a["agency__name"] for a in response.context["overdue_agencies"]]
    assert shown == ["Agency Y Sheriff's Office"]
    html = response.content.decode()
    assert "of 2 with any" in html
    assert "Show all 2 agencies" in html
    assert f'<a href="{url}?agencies=all#overdue-agencies">Show all 2 agencies</a>' in html
    response = client.get(url, {"agencies": "all"})
    shown = [a["agency__name"] for a in response.context["overdue_agencies"]]
    assert shown == ["Agency Y Sheriff's Office", "Agency X Police Department"]
    assert (
        f'<a href="{url}#overdue-agencies">Show only the agencies with the most overdue requests'
        in response.content.decode()
    )


def test_queue_and_overview_are_404_for_other_roles(client, personas):
    client.force_login(personas.advocate_a)
    assert client.get(reverse("certifications:queue")).status_code == 404
    assert client.get(reverse("certifications:coordinator")).status_code == 404
    client.force_login(personas.contact_x)
    assert client.get(reverse("certifications:coordinator")).status_code == 404


def test_attachments_follow_the_request_contact_y_gets_404(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.http import Http404

    from certifications.access import attachment_access
    from certifications.services.review import message_post
    from certifications.uploads import validate_upload

    request = _submitted(personas)
    png = _png()
    message_post(
        cert_request=request,
        author=personas.contact_x,
        body="See the attached note.",
        attachment=validate_upload(
            SimpleUploadedFile("note.png", png, "image/png"),
            target=request.reference,
            user=personas.contact_x,
        ),
    )
    attachment = request.attachments.get()
    found, access = attachment_access(user=personas.contact_x, pk=attachment.pk)
    assert found == attachment
    assert access.cert_request == request
    for outsider in (personas.contact_y, personas.advocate_b, personas.admin):
        with pytest.raises(Http404):
            attachment_access(user=outsider, pk=attachment.pk)


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def test_the_request_page_costs_the_same_queries_for_1_and_5_of_each_list(client, personas):
    # selectors.certification_request_for_page: the request with its related rows in one
    # query, its lists prefetched; the templates run no query of their own.
    from certifications.services.review import message_post

    cert_request = _submitted(personas)
    client.force_login(personas.contact_x)
    url = reverse("certifications:detail", args=[cert_request.pk])
    client.get(url)
    one = _queries_for(client, url)
    for n in range(4):
        message_post(
            cert_request=cert_request, author=personas.contact_x, body=f"Please call ({n})."
        )
    assert _queries_for(client, url) == one
    # Another agency's contact: 404.
    client.force_login(personas.contact_y)
    assert client.get(url).status_code == 404


def test_the_request_page_reads_every_field_as_the_orm_does(personas):
    # The page's read gives every column, its related names and its lists, for each access
    # rule.
    from certifications.selectors import certification_request_for_page
    from certifications.services.review import message_post

    at_x = _submitted(personas)
    at_dps = _submitted(personas, agency=personas.coordinator_agency)
    for request, user, author in (
        (at_x, personas.advocate_a, personas.contact_x),
        (at_x, personas.contact_x, personas.contact_x),
        (at_dps, personas.coordinator, personas.coordinator),
    ):
        if not request.messages.exists():
            message_post(cert_request=request, author=author, body="Please call.")
        expected = CertificationRequest.objects.get(pk=request.pk)
        found = certification_request_for_page(user=user, pk=request.pk).cert_request
        for field in CertificationRequest._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
        assert found.agency.name == expected.agency.name
        assert found.created_by.full_name == expected.created_by.full_name
        assert [m.body for m in found.message_list] == ["Please call."]
        assert found.message_list[0].author.full_name == author.full_name
        assert [e.action for e in found.event_list] == list(
            expected.events.values_list("action", flat=True)
        )
        assert found.event_list[0].created_at == expected.events.first().created_at


def test_the_lists_escape_what_the_directory_holds(client, personas):
    # The rows are a template: every value autoescaped.
    colleague = PointOfContactFactory(agency=personas.agency_x, name="<script>alert(1)</script>")
    _submitted(personas, assigned_contact=colleague)
    client.force_login(personas.contact_x)
    body = client.get(reverse("certifications:queue")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
