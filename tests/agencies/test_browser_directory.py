"""An administrator adds an agency and a contact in the admin; the directory shows them."""

from __future__ import annotations

import pytest

from agencies.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_adds_an_agency_and_a_contact_and_the_directory_shows_them(
    portal, personas
):
    page = portal.page
    portal.login(personas.admin.email)
    portal.goto("/admin/agencies/agency/add/")
    page.fill("#id_name", "Lakeview Police Department")
    page.select_option("#id_kind", "police")
    page.select_option("#id_level", "municipal")
    page.fill("#id_city_name", "Lakeview")
    page.fill("#id_policy_response_days", "30")
    page.fill("#id_procedure", "E-mail the request with a signed release.")
    page.click(".add-row a")
    page.fill("#id_contacts-0-name", "Robin Lakeview (demo)")
    page.fill("#id_contacts-0-title", "Detective Sergeant")
    page.fill("#id_contacts-0-email", "robin@lakeview.example.org")
    page.check("#id_contacts-0-is_primary")
    page.fill("#id_contacts-0-last_training_date", "2020-01-15")
    portal.screenshot("directory-admin-add-agency")
    portal.click_and_wait("input[name=_save]")
    assert Agency.objects.filter(name="Lakeview Police Department").exists()

    portal.goto("/directory/?name=lakeview")
    row = page.get_by_role("row", name="Lakeview Police Department")
    assert "Robin Lakeview (demo)" in row.inner_text()
    assert "Training lapsed" in row.inner_text()
    portal.screenshot("directory-search")

    portal.click_and_wait("text=Lakeview Police Department")
    assert page.get_by_role("heading", level=1).inner_text() == "Lakeview Police Department"
    contacts = page.get_by_role("region", name="Points of contact").inner_text()
    assert "Robin Lakeview (demo)" in contacts
    assert "Detective Sergeant" in contacts
    assert "Primary" in contacts
    assert "Training lapsed" in contacts
    deadlines = page.get_by_role("region", name="Deadlines that apply").inner_text()
    assert "30 days" in deadlines
    portal.screenshot("directory-agency-page")

    portal.goto("/directory/health/")
    lapsed = page.get_by_role("region", name="Training lapsed (1 agency)").inner_text()
    assert "Robin Lakeview (demo)" in lapsed
    portal.screenshot("directory-health")


def test_an_advocate_searches_the_directory_by_kind(portal, personas):
    portal.login(personas.advocate_a.email)
    portal.click_and_wait("nav >> text=Directory")
    portal.page.select_option("#id_kind", "sheriff")
    portal.submit("Search")
    rows = portal.page.locator("tbody tr")
    assert rows.count() == 1
    assert "Agency Y Sheriff" in rows.inner_text()
    portal.screenshot("directory-advocate-search")


def test_an_administrator_sees_the_dry_run_of_a_bad_csv_row_by_row(portal, personas, tmp_path):
    from tests.factories import CountyFactory

    CountyFactory(name="Hennepin")
    bad = tmp_path / "directory.csv"
    bad.write_text(
        "agency_name,kind,level,counties,contact_name,contact_email,contact_primary\n"
        "Lakeview Police Department,police,municipal,Hennepin,Robin Demo,robin@lv.example.org,yes\n"
        "Lakeview Police Department,police,municipal,Hennepin,Robin Demo,robin@lv.example.org,yes\n"
        "Atlantis Police,police,municipal,Atlantis,,,\n",
        encoding="utf-8",
    )
    portal.login(personas.admin.email)
    portal.goto("/directory/import/")
    portal.page.set_input_files("#id_file", str(bad))
    portal.submit("Check the file (dry run)")
    table = portal.page.locator("table.import-table").inner_text()
    assert "Duplicate row: line 2" in table
    assert 'unknown county "Atlantis"' in table
    assert portal.page.get_by_role("button", name="Apply this import").count() == 0
    assert not Agency.objects.filter(name="Lakeview Police Department").exists()
    portal.screenshot("directory-import-rejected")
