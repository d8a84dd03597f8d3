"""The statistics pages and exports over HTTP, against the hand-worked data set."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from certifications.models import CertificationRequest

from ..factories import AgencyFactory, PointOfContactFactory
from .stats_data import (
    CANARY,
    PERIOD,
    at,
    build_known_data_set,
    certify,
    page_figure,
    page_text,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(personas):
    return build_known_data_set(personas)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["advocate_a", "contact_x"])
def test_statistics_page_and_exports_are_not_found_for_other_roles(client, personas, who):
    client.force_login(personas.all_users()[who])
    for name in ("statistics:figures", "statistics:export_csv", "statistics:annual_report"):
        assert client.get(reverse(name), PERIOD).status_code == 404, name
    assert client.get(reverse("statistics:chart", args=["months"]), PERIOD).status_code == 404
    # Each refused export is recorded as such; nothing was exported.
    outcomes = AuditEntry.objects.filter(action=AuditAction.EXPORT).values_list(
        "outcome", flat=True
    )
    assert list(outcomes) == ["not_found", "not_found"]


def test_a_deactivated_user_is_signed_out_of_the_statistics(client, personas):
    client.force_login(personas.deactivated)
    assert client.get(reverse("statistics:figures"), PERIOD).status_code == 302


def test_statistics_page_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("statistics:figures"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the coordinator's page -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_statistics_page_shows_the_hand_worked_statewide_figures(client, personas, known, who):
    client.force_login(getattr(personas, who))
    response = client.get(reverse("statistics:figures"), PERIOD)
    assert response.status_code == 200
    html = page_text(response)
    expected = {
        "received": "9",
        "certified": "4",
        "denied": "2",
        "withdrawn": "2",
        "pending": "2",
        "late": "3",
        "share_on_time": "50.0%",
        "median": "50.5",
        "p90": "125",
        "transfers": "2",
    }
    for name, value in expected.items():
        assert page_figure(html, name) == value, name
    assert (
        "Victim has not been, is not being and is not likely to be helpful: <strong>1</strong>"
        in html
    )
    assert "Victim does not possess information about the crime: <strong>1</strong>" in html
    # The agency row of X: received 6, certified 3, denied 1 (not helpful), withdrawn 1,
    # pending 2, late 1, 75%, 35.5, 60 days, 0 transfers.
    row_x = r'<th scope="row"[^>]*><bdi>Agency X Police Department</bdi></th>(.*?)</tr>'
    row = re.search(row_x, html).group(1)
    cells = re.findall(r"<td>([^<]*)</td>", row)
    # Denial reasons in order (choices.DenialReason): crime, responsibility, information,
    # not helpful, refused assistance, other.
    assert cells == [
        "6",
        "3",
        "1",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "1",
        "2",
        "1",
        "75.0%",
        "35.5",
        "60",
        "0",
    ]
    assert "Zanzibarcanary" not in html


def test_statistics_page_explains_a_bad_period(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(
        reverse("statistics:figures"), {"start": "2026-06-01", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    response = client.get(reverse("statistics:figures"), {"start": "soon", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_charts_are_svg_without_scripts_that_run(client, personas, known):
    client.force_login(personas.coordinator)
    for kind in ("months", "agencies"):
        response = client.get(reverse("statistics:chart", args=[kind]), PERIOD)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        body = response.content.decode()
        assert "<svg" in body and "pat-hatch" in body
        assert "http://kozea.github.io" not in body and "cdn" not in body.lower()
    assert client.get(reverse("statistics:chart", args=["pie"]), PERIOD).status_code == 404


# --- the public page --------------------------------------------------------------------------


def test_public_page_needs_no_sign_in_and_shows_the_figures(client, personas, known, settings):
    settings.STATS_SUPPRESS_BELOW = 1  # nothing suppressed: the exact hand-worked figures
    response = client.get(reverse("statistics:public"), PERIOD)
    assert response.status_code == 200
    html = page_text(response)
    assert page_figure(html, "received") == "9"
    assert page_figure(html, "late") == "3"
    assert page_figure(html, "share_on_time") == "50%"
    assert page_figure(html, "median") == "50.5 / 125"
    assert page_figure(html, "transfers") == "2"
    row_y = r'<th scope="row"[^>]*><bdi>Agency Y Sheriff&#x27;s Office</bdi></th>(.*?)</tr>'
    row = re.search(row_y, html)
    cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
    assert cells == ["3", "1", "1", "1", "0", "2", "0%", "111", "125", "2"]


def test_public_page_suppresses_small_counts(client, personas, known):
    response = client.get(reverse("statistics:public"), PERIOD)
    html = page_text(response)
    assert page_figure(html, "received") == "9"
    assert page_figure(html, "certified") == "fewer than 5"
    row_y = r'<th scope="row"[^>]*><bdi>Agency Y Sheriff&#x27;s Office</bdi></th>(.*?)</tr>'
    row = re.search(row_y, html)
    cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
    assert cells[0] == "fewer than 5"  # received 3
    assert cells[6:9] == ["not shown", "not shown", "not shown"]
    assert 'counts from 1 to 4 are shown as "fewer than 5"' in html.replace("&quot;", '"')
    # Every monthly and outcome count is small: no chart rather than an empty or revealing one.
    assert html.count('class="border rounded p-3 no-chart"') == 2
    assert "stats-chart" not in html


def test_public_page_shows_contact_and_procedure_from_the_directory(client, personas, known):
    personas.agency_x.procedure = "Send requests to the records unit; we answer in 30 days."
    personas.agency_x.public_email = "uvisa@agency-x.example.org"
    personas.agency_x.save()
    html = page_text(client.get(reverse("statistics:public"), PERIOD))
    assert "Send requests to the records unit; we answer in 30 days." in html
    assert "uvisa@agency-x.example.org" in html
    assert "Point of contact: <bdi>Contact X</bdi>" in html


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_public_page_and_charts_carry_no_victim_data(client, personas, known):
    pages = [client.get(reverse("statistics:public"), PERIOD)]
    pages += [
        client.get(reverse("statistics:public_chart", args=[k]), PERIOD)
        for k in ("months", "agencies")
    ]
    references = list(CertificationRequest.objects.values_list("reference", flat=True))
    for response in pages:
        # pygal names each chart with a random UUID, whose hex digits can spell any year.
        body = UUID.sub("uuid", response.content.decode())
        assert response.status_code == 200
        for value in CANARY.values():
            assert str(value) not in body
        assert "CANARY" not in body
        assert "1977" not in body
        for reference in references:
            assert reference not in body
        assert "Organization A Shelter" not in body


def test_public_page_explains_a_bad_period(client, db):
    response = client.get(reverse("statistics:public"), {"start": "2026-13-01", "end": "x"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


# --- exports ----------------------------------------------------------------------------------


def test_csv_export_has_the_hand_worked_figures_and_is_audited(client, personas, known):
    client.force_login(personas.coordinator)
    response = client.get(reverse("statistics:export_csv"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    header = rows[0]
    by_agency = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    x = by_agency["Agency X Police Department"]
    assert (x["received"], x["certified"], x["denied"], x["denied_not_helpful"]) == (
        "6",
        "3",
        "1",
        "1",
    )
    assert (x["withdrawn"], x["pending"], x["decided_late"], x["share_on_time_percent"]) == (
        "1",
        "2",
        "1",
        "75.0",
    )
    assert (x["median_days_to_decision"], x["p90_days_to_decision"], x["transfers"]) == (
        "35.5",
        "60",
        "0",
    )
    y = by_agency["Agency Y Sheriff's Office"]
    assert (y["received"], y["denied_no_information"], y["decided_late"], y["transfers"]) == (
        "3",
        "1",
        "2",
        "2",
    )
    state = by_agency["Statewide"]
    assert (state["received"], state["certified"], state["denied"], state["withdrawn"]) == (
        "9",
        "4",
        "2",
        "2",
    )
    assert (state["median_days_to_decision"], state["p90_days_to_decision"]) == ("50.5", "125")
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.user == personas.coordinator
    assert entry.target == "statistics:export_csv"
    assert entry.outcome == "200"
    assert "2026-01-01 to 2026-06-30" in entry.detail


def test_annual_report_has_the_oversight_shape_and_notes(client, personas, known):
    # The year is the filter: r6 was submitted in Dec 2025, so the 2025 report counts it as
    # received and pending at the end of that year, and 2026 does not count it as received.
    client.force_login(personas.admin)
    response = client.get(reverse("statistics:annual_report"), {"year": 2026})
    assert response.status_code == 200
    assert 'filename="annual-report-2026.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    text = "\n".join(",".join(r) for r in rows)
    assert "Period: 2026-01-01 to 2026-12-31" in text
    assert "90 days after the request, 14 days when the victim is in removal" in text
    header_index = next(i for i, r in enumerate(rows) if r[:1] == ["agency"])
    header = rows[header_index]
    assert header[:4] == ["agency", "received", "certified", "denied"]
    assert header[-3:] == ["withdrawn", "late", "pending"]
    by_agency = {r[0]: dict(zip(header, r, strict=True)) for r in rows[header_index + 1 :]}
    # The whole of 2026: r7 certified 5 Jul now counts (X: certified 4, pending 1).
    x = by_agency["Agency X Police Department"]
    assert (
        x["received"],
        x["certified"],
        x["denied"],
        x["withdrawn"],
        x["late"],
        x["pending"],
    ) == ("6", "4", "1", "1", "1", "1")
    state = by_agency["Statewide"]
    assert (state["received"], state["certified"], state["late"]) == ("9", "5", "3")
    assert state["denied: Victim has not been, is not being and is not likely to be helpful"] == "1"
    report_2025 = _csv(client.get(reverse("statistics:annual_report"), {"year": 2025}))
    state_2025 = dict(zip(header, report_2025[-1], strict=True))
    assert (state_2025["received"], state_2025["certified"], state_2025["pending"]) == (
        "1",
        "0",
        "1",
    )
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.EXPORT, target="statistics:annual_report", outcome="200"
        ).count()
        == 2
    )


def test_exports_explain_bad_input(client, personas):
    client.force_login(personas.coordinator)
    response = client.get(reverse("statistics:export_csv"), {"start": "2026-01-01"})
    assert response.status_code == 400
    assert "Choose a valid period" in response.content.decode()
    response = client.get(reverse("statistics:annual_report"), {"year": "last"})
    assert response.status_code == 400
    outcomes = AuditEntry.objects.filter(action=AuditAction.EXPORT).values_list(
        "outcome", flat=True
    )
    assert sorted(outcomes) == ["400", "400"]


def test_csv_export_neutralises_formula_agency_names(client, personas):
    AgencyFactory(name="=HYPERLINK(1)")
    client.force_login(personas.coordinator)
    body = client.get(reverse("statistics:export_csv"), PERIOD).content.decode()
    assert "'=HYPERLINK(1)" in body


# --- constant query count ---------------------------------------------------------------------


def _populate(personas, agencies: int) -> None:
    import datetime

    for i in range(agencies):
        agency = AgencyFactory(name=f"Scale Agency {i:02d}")
        PointOfContactFactory(agency=agency, is_primary=True)
        request = submitted(
            personas, agency=agency, when=at(2, 1 + i % 20), due=datetime.date(2026, 5, 1)
        )
        if i % 2:
            certify(request, at(3, 1), personas.contact_x)


@pytest.mark.parametrize("page", ["statistics:figures", "statistics:public"])
def test_computing_the_figures_costs_the_same_number_of_queries_for_2_and_30_agencies(
    client, personas, django_assert_num_queries, page
):
    # The first view of a period computes its snapshot; doing so is a fixed number of queries
    # (aggregates, one bulk insert of the rows) whatever the number of agencies.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certifications.models import StatisticsSnapshot

    client.force_login(personas.coordinator)
    _populate(personas, 2)
    client.get(reverse("home"))  # the bell counts on a session's first page, then once a minute
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(page), PERIOD).status_code == 200
    assert StatisticsSnapshot.objects.get().agency_count == 5
    _populate(personas, 28)
    StatisticsSnapshot.objects.all().delete()  # so that this view computes again
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse(page), PERIOD).status_code == 200
    assert StatisticsSnapshot.objects.get().agency_count == 33


def _months_cells(html: str) -> list[str]:
    table = html[html.index('id="months-table"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r"<td>([^<]*)</td>", body)


def test_the_months_table_is_suppressed_on_the_public_page_and_raw_for_the_coordinator(
    client, personas, known
):
    # templates/statistics/_months_table.html serves both pages; `suppressed` picks the cells.
    public = _months_cells(page_text(client.get(reverse("statistics:public"), PERIOD)))
    assert "fewer than 5" in public
    assert not any(cell.isdigit() and 0 < int(cell) < 5 for cell in public)
    client.force_login(personas.coordinator)
    own = _months_cells(page_text(client.get(reverse("statistics:figures"), PERIOD)))
    assert len(own) == len(public)
    assert own and all(cell.isdigit() for cell in own)
    assert any(0 < int(cell) < 5 for cell in own)
