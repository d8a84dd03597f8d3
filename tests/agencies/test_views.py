"""Directory pages over HTTP: search, agency page, admin-only maintenance pages, admin site."""

from __future__ import annotations

import datetime

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from agencies.models import Agency, AgencyKind, AgencyLevel, PointOfContact
from tests.factories import AgencyFactory, CountyFactory, PointOfContactFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("agencies:directory")


def test_the_directory_requires_signing_in(client):
    response = client.get(DIRECTORY)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["advocate_a", "contact_x", "coordinator", "admin"])
def test_everyone_signed_in_sees_the_directory(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert b"Agency X Police Department" in response.content
    assert b'href="/directory/"' in response.content  # the nav link


def test_search_by_name_county_city_and_kind(client, personas):
    hennepin = CountyFactory(name="Hennepin")
    mpls = AgencyFactory(name="Minneapolis Police Department", city_name="Minneapolis")
    mpls.counties.add(hennepin)
    AgencyFactory(name="Hennepin Sheriff", kind=AgencyKind.SHERIFF, city_name="Minneapolis")
    client.force_login(personas.advocate_a)

    def names(**params) -> list[str]:
        response = client.get(DIRECTORY, params)
        assert response.status_code == 200
        return [a.name for a in response.context["page"].object_list]

    assert names(name="minneapolis") == ["Minneapolis Police Department"]
    assert names(county=hennepin.pk) == ["Minneapolis Police Department"]
    assert names(city="minneapolis") == ["Hennepin Sheriff", "Minneapolis Police Department"]
    assert names(kind="sheriff") == ["Agency Y Sheriff's Office", "Hennepin Sheriff"]
    assert names(kind="sheriff", name="henn") == ["Hennepin Sheriff"]
    assert names(county="999999") == []  # an invalid choice shows nothing, not an error


def test_each_row_says_whom_the_agency_serves_who_answers_and_how_fast(client, personas):
    # What each cell says, and that names are escaped.
    county = CountyFactory(name="Ramsey")
    served = AgencyFactory(
        name="Row <Test> Police", policy_response_days=30, policy_expedited_days=7
    )
    served.counties.add(county)
    PointOfContactFactory(agency=served, name="Primary & Co", is_primary=True)
    PointOfContactFactory(agency=served, last_training_date=None)
    PointOfContactFactory(agency=served, is_active=False)
    AgencyFactory(name="Row State Patrol", level=AgencyLevel.STATE, kind=AgencyKind.STATE_PATROL)
    AgencyFactory(name="Row Closed PD", is_active=False, city_name="Duluth")
    PointOfContactFactory(
        agency=AgencyFactory(name="Row Lapsed PD", city_name=""),
        is_primary=True,
        last_training_date=datetime.date(2020, 1, 1),
    )
    client.force_login(personas.advocate_a)
    response = client.get(DIRECTORY, {"name": "Row "})
    rows = {
        row.split("</td>")[0]: row
        for row in response.content.decode().split("<tr>")
        if "Row " in row.split("</td>")[0]
    }
    assert f'<option value="{county.pk}">Ramsey County</option>' in response.content.decode()
    served_row = next(r for k, r in rows.items() if "Row &lt;Test&gt; Police" in k)
    assert f'href="/directory/{served.pk}/"' in served_row
    assert '<td class="cell-user-text"><bdi>Ramsey County</bdi></td>' in served_row
    assert "Primary &amp; Co" in served_row and "(primary)" in served_row
    assert "and 1 more" in served_row  # the inactive contact is not counted
    assert "Training lapsed" not in served_row  # the primary, listed first, is trained
    assert "30 days (7 if removal)" in served_row
    patrol = next(r for k, r in rows.items() if "Row State Patrol" in k)
    assert '<td class="cell-user-text">Statewide</td>' in patrol and "No point of contact" in patrol
    assert "State patrol" in patrol and ">Statute<" in patrol
    closed = next(r for k, r in rows.items() if "Row Closed PD" in k)
    assert "Inactive" in closed and '<td class="cell-user-text"><bdi>Duluth</bdi></td>' in closed
    lapsed = next(r for k, r in rows.items() if "Row Lapsed PD" in k)
    assert (
        "Training lapsed" in lapsed
        and '<td class="cell-user-text"><bdi>Not stated</bdi></td>' in lapsed
    )


def test_the_list_costs_the_same_number_of_queries_for_one_agency_and_for_many(
    client, personas, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.advocate_a)
    client.get(DIRECTORY)  # warm the session
    Agency.objects.exclude(pk=personas.agency_x.pk).update(is_active=False)
    with CaptureQueriesContext(connection) as one:
        client.get(DIRECTORY, {"name": "Agency X"})
    # Session, user, contact, the bell's unread count, the list itself, and the session save
    # that keeps the 30-minute idle timeout (savepoint, UPDATE, release).
    assert len(one.captured_queries) <= 12
    county = CountyFactory()
    for n in range(20):
        agency = AgencyFactory(name=f"Many PD {n:02d}")
        agency.counties.add(county)
        PointOfContactFactory(agency=agency, is_primary=True)
        PointOfContactFactory(agency=agency, last_training_date=datetime.date(2020, 1, 1))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(DIRECTORY, {"name": "a"})
    assert response.content.count(b"Training lapsed") == 0  # primaries listed first, trained
    assert len(response.context["page"].object_list) == 23


def test_the_agency_page_shows_contacts_deadlines_procedure_and_lapsed_training(client, personas):
    agency = AgencyFactory(
        name="Saint Paul Police Department",
        policy_response_days=30,
        policy_expedited_days=7,
        procedure="Send the request with a signed release.",
    )
    PointOfContactFactory(agency=agency, name="Current Sergeant", is_primary=True)
    PointOfContactFactory(
        agency=agency, name="Lapsed Lieutenant", last_training_date=datetime.date(2020, 1, 1)
    )
    PointOfContactFactory(agency=agency, name="Retired Person", is_active=False)
    client.force_login(personas.advocate_a)
    response = client.get(reverse("agencies:detail", args=[agency.pk]))
    text = response.content.decode()
    assert "Current Sergeant" in text
    assert "Lapsed Lieutenant" in text
    assert "Retired Person" not in text
    assert "Training lapsed" in text and "Training current" in text
    assert "Send the request with a signed release." in text
    rules = response.context["deadline_rules"]
    assert [(r.statute_days, r.policy_days, r.applies_days) for r in rules] == [
        (90, 30, 30),
        (14, 7, 7),
    ]


def test_an_agency_without_contacts_says_requests_go_to_the_coordinator(client, personas):
    agency = AgencyFactory()
    client.force_login(personas.contact_x)
    response = client.get(reverse("agencies:detail", args=[agency.pk]))
    assert b"no active point of contact" in response.content
    assert client.get(reverse("agencies:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "name", ["agencies:health", "agencies:export", "agencies:import", "agencies:merge"]
)
@pytest.mark.parametrize("persona", ["advocate_a", "contact_x", "coordinator"])
def test_maintenance_pages_are_for_administrators_only(client, personas, name, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse(name)).status_code == 403


def test_the_health_page_lists_problems(client, personas):
    AgencyFactory(name="Lonely PD")
    client.force_login(personas.admin)
    response = client.get(reverse("agencies:health"))
    assert response.status_code == 200
    assert b"Lonely PD" in response.content


def test_export_downloads_a_csv_and_is_audited(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("agencies:export"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"agency_name,kind,level,counties")
    assert b"Agency X Police Department" in response.content
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, target="agencies:export", outcome="200"
    ).exists()


CSV = (
    "agency_name,kind,level,counties,contact_name,contact_email,contact_primary\r\n"
    "New Town Police,police,municipal,Hennepin,Pat Officer,pat@newtown.example.org,yes\r\n"
)


def test_import_dry_run_then_apply_over_http(client, personas):
    CountyFactory(name="Hennepin")
    client.force_login(personas.admin)
    upload = SimpleUploadedFile("dir.csv", CSV.encode(), content_type="text/csv")
    response = client.post(reverse("agencies:import"), {"file": upload})
    assert response.status_code == 200
    assert b"Apply this import" in response.content
    assert not Agency.objects.filter(name="New Town Police").exists()
    content = response.context["confirm_form"].initial["content"]

    response = client.post(reverse("agencies:import_apply"), {"content": content})

    assert response.status_code == 302
    agency = Agency.objects.get(name="New Town Police")
    assert PointOfContact.objects.get(agency=agency).is_primary
    assert AuditEntry.objects.filter(
        action=AuditAction.DIRECTORY_CHANGE, target=f"agencies.Agency:{agency.pk}"
    ).exists()


def test_import_of_a_bad_file_shows_each_rejected_row_and_writes_nothing(client, personas):
    client.force_login(personas.admin)
    upload = SimpleUploadedFile("dir.csv", CSV.encode(), content_type="text/csv")  # no county
    response = client.post(reverse("agencies:import"), {"file": upload})
    assert response.status_code == 400
    assert b"unknown county &quot;Hennepin&quot;" in response.content
    assert b"Apply this import" not in response.content
    assert not Agency.objects.filter(name="New Town Police").exists()


def test_import_without_a_file_explains_beside_the_field(client, personas):
    client.force_login(personas.admin)
    response = client.post(reverse("agencies:import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_merge_over_http(client, personas):
    duplicate = AgencyFactory(name="Agency X Police Dept.")
    client.force_login(personas.admin)
    url = reverse("agencies:merge")
    page = client.get(url, {"survivor": personas.agency_x.pk, "duplicate": duplicate.pk})
    assert page.status_code == 200
    response = client.post(
        url, {"survivor": personas.agency_x.pk, "duplicate": duplicate.pk, "note": "dup"}
    )
    assert response.status_code == 302
    assert not Agency.objects.filter(pk=duplicate.pk).exists()
    refused = client.post(
        url, {"survivor": personas.agency_x.pk, "duplicate": personas.coordinator_agency.pk}
    )
    assert refused.status_code == 400
    assert b"cannot be merged away" in refused.content


@pytest.mark.parametrize(
    "query",
    ["", "?contact=none", "?contact=no_primary", "?training=lapsed", "?kind=police", "?q=agency"],
)
def test_admin_agency_list_with_each_filter(client, personas, query):
    client.force_login(personas.admin)
    assert client.get(reverse("admin:agencies_agency_changelist") + query).status_code == 200


@pytest.mark.parametrize("model", ["county", "city", "agency", "pointofcontact", "trainingrecord"])
def test_admin_pages_exist_for_every_model(client, personas, model):
    client.force_login(personas.admin)
    assert client.get(reverse(f"admin:agencies_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:agencies_{model}_add")).status_code == 200


def test_admin_contact_filter_training_lapsed(client, personas):
    PointOfContactFactory(name="Old Training", last_training_date=datetime.date(2019, 1, 1))
    client.force_login(personas.admin)
    url = reverse("admin:agencies_pointofcontact_changelist")
    assert b"Old Training" in client.get(url + "?training=lapsed").content
    assert b"Old Training" not in client.get(url + "?training=current").content


def test_adding_a_training_record_in_the_admin_updates_the_contact_and_is_audited(client, personas):
    contact = PointOfContactFactory(last_training_date=datetime.date(2020, 1, 1))
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:agencies_trainingrecord_add"),
        {
            "contact": contact.pk,
            "date": "2026-02-01",
            "topic": "U/T certification",
            "provider": "DPS",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.last_training_date == datetime.date(2026, 2, 1)
    assert AuditEntry.objects.filter(
        action=AuditAction.DIRECTORY_CHANGE, target__startswith="agencies.TrainingRecord:"
    ).exists()


def test_admin_export_action_downloads_the_selected_agencies(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:agencies_agency_changelist"),
        {"action": "export_agencies_csv", "_selected_action": [personas.agency_y.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert b"Agency Y Sheriff" in response.content
    assert b"Agency X Police" not in response.content


def test_admin_history_of_an_agency_lists_each_change_with_what_changed(client, personas):
    agency = personas.agency_x
    agency.phone = "651-555-0199"
    agency.save()
    client.force_login(personas.admin)
    history = client.get(reverse("admin:agencies_agency_history", args=[agency.pk]))
    assert history.status_code == 200
    html = history.content.decode()
    # simple-history's list of versions (not only Django's admin log), with the field changed.
    records = list(agency.history.order_by("-history_date"))
    assert len(records) >= 2
    assert f"/history/{records[0].history_id}/" in html
    assert "651-555-0199" in html and "&rarr;" in html  # the change, old value to new


def test_pages_of_a_search_keep_the_search(client, personas):
    # templates/_pagination.html, shared by the directory, the dashboard, the queues and the
    # audit trail: the links keep the page's other parameters.
    AgencyFactory.create_batch(30, name=factory.Sequence(lambda n: f"Paged Police {n:02d}"))
    client.force_login(personas.advocate_a)
    first = client.get(DIRECTORY, {"name": "paged", "kind": "police"}).content.decode()
    assert 'href="?name=paged&amp;kind=police&amp;page=2">Next</a>' in first
    assert "Page 1 of 2" in first and ">Previous<" not in first
    second = client.get(DIRECTORY, {"name": "paged", "kind": "police", "page": 2})
    assert 'href="?name=paged&amp;kind=police&amp;page=1">Previous</a>' in second.content.decode()
    assert len(second.context["page"].object_list) == 5
