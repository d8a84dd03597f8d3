"""CSV import (dry run, all-or-nothing, idempotent, bad files) and export of the same shape."""

from __future__ import annotations

import csv
import io

import pytest

from accounts.models import AuditAction, AuditEntry
from agencies.importing import (
    COLUMNS,
    directory_export_csv,
    directory_import_apply,
    directory_import_plan,
)
from agencies.models import Agency, PointOfContact
from tests.factories import AgencyFactory, CountyFactory, PointOfContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counties(db):
    return [
        CountyFactory(name="Hennepin", fips="27053"),
        CountyFactory(name="Ramsey", fips="27123"),
    ]


def _csv(rows: list[dict], columns: list[str] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue().encode("utf-8")


def _row(**kw) -> dict:
    base = {
        "agency_name": "Brooklyn Park Police Department",
        "kind": "police",
        "level": "municipal",
        "counties": "Hennepin",
        "city": "Brooklyn Park",
        "policy_response_days": "30",
        "contact_name": "Rowan Example",
        "contact_email": "rowan@bp.example.org",
        "contact_primary": "yes",
        "contact_last_training_date": "2026-01-15",
    }
    base.update(kw)
    return base


GOOD = [
    _row(),
    _row(contact_name="Sam Second", contact_email="sam@bp.example.org", contact_primary="no"),
    _row(
        agency_name="Ramsey County Attorney's Office", kind="prosecutor", level="county",
        counties="Ramsey", city="Saint Paul", policy_response_days="",
        contact_name="", contact_email="", contact_primary="", contact_last_training_date="",
    ),
]  # fmt: skip


def test_dry_run_says_what_would_be_created_and_writes_nothing():
    plan = directory_import_plan(data=_csv(GOOD))
    assert plan.is_valid
    assert [r.outcome for r in plan.rows] == ["create", "create", "create"]
    assert Agency.objects.count() == 0
    assert PointOfContact.objects.count() == 0


def test_apply_writes_agencies_and_contacts_and_audits_them(personas):
    plan = directory_import_apply(data=_csv(GOOD), actor=personas.admin)
    assert plan.applied
    park = Agency.objects.get(name="Brooklyn Park Police Department")
    assert park.policy_response_days == 30
    assert [c.name for c in park.counties.all()] == ["Hennepin"]
    assert park.contacts.get(is_primary=True).email == "rowan@bp.example.org"
    assert park.contacts.count() == 2
    ramsey = Agency.objects.get(name="Ramsey County Attorney's Office")
    assert ramsey.contacts.count() == 0
    assert AuditEntry.objects.filter(action=AuditAction.DIRECTORY_CHANGE).count() == 4


def test_importing_the_same_file_twice_changes_nothing():
    directory_import_apply(data=_csv(GOOD), actor=None)
    before = list(Agency.objects.values().order_by("pk"))
    plan = directory_import_plan(data=_csv(GOOD))
    assert [r.outcome for r in plan.rows] == ["unchanged"] * 3
    directory_import_apply(data=_csv(GOOD), actor=None)
    assert list(Agency.objects.values().order_by("pk")) == before
    assert PointOfContact.objects.count() == 2


def test_dry_run_names_the_columns_an_update_changes():
    directory_import_apply(data=_csv(GOOD), actor=None)
    changed = [_row(policy_response_days="20"), *GOOD[1:]]
    changed[1] = {**changed[1], "policy_response_days": "20", "contact_title": "Detective"}
    plan = directory_import_plan(data=_csv(changed))
    assert plan.is_valid
    assert plan.rows[0].outcome == "update"
    assert "agency: policy_response_days" in plan.rows[0].changes
    assert "contact: contact_title" in plan.rows[1].changes


def test_moving_the_primary_between_contacts_in_one_file_is_accepted():
    directory_import_apply(data=_csv(GOOD), actor=None)
    swapped = [
        _row(contact_primary="no"),
        _row(contact_name="Sam Second", contact_email="sam@bp.example.org", contact_primary="yes"),
    ]
    plan = directory_import_apply(data=_csv(swapped), actor=None)
    assert plan.applied
    agency = Agency.objects.get(name="Brooklyn Park Police Department")
    assert agency.contacts.get(is_primary=True).email == "sam@bp.example.org"


def test_a_second_primary_against_the_database_is_rejected():
    agency = AgencyFactory(name="Brooklyn Park Police Department")
    PointOfContactFactory(agency=agency, name="Existing Primary", is_primary=True)
    plan = directory_import_plan(data=_csv([_row()]))
    assert not plan.is_valid
    assert "More than one active primary contact" in plan.rows[0].errors[0]
    assert "Existing Primary" in plan.rows[0].errors[0]


def test_missing_columns_are_a_file_error_and_nothing_is_written():
    data = _csv([_row()], columns=["agency_name", "kind", "contact_email"])
    plan = directory_import_apply(data=data, actor=None)
    assert not plan.applied
    assert plan.file_errors == [
        "Missing column(s): level, counties. The first line must name the columns; download an "
        "export to see the expected shape."
    ]
    assert Agency.objects.count() == 0


def test_an_unknown_county_rejects_its_row_and_nothing_is_written():
    rows = [*GOOD, _row(agency_name="Nowhere PD", counties="Hennepin;Atlantis")]
    plan = directory_import_apply(data=_csv(rows), actor=None)
    assert not plan.applied
    assert [r.outcome for r in plan.rows][:3] == ["create", "create", "create"]
    rejected = plan.rows[3]
    assert rejected.line == 5
    assert rejected.errors == ['counties: unknown county "Atlantis" (use a Minnesota county name).']
    assert Agency.objects.count() == 0


def test_duplicate_rows_are_rejected_with_the_line_they_repeat():
    plan = directory_import_plan(data=_csv([GOOD[0], GOOD[1], GOOD[0]]))
    assert not plan.is_valid
    assert plan.rows[2].errors == [
        "Duplicate row: line 2 already has this agency and contact e-mail."
    ]


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message():
    data = _csv([_row(contact_name="José Muñoz")]).decode("utf-8").encode("cp1252")
    plan = directory_import_apply(data=data, actor=None)
    assert not plan.applied
    assert "not UTF-8" in plan.file_errors[0]
    assert "CSV UTF-8" in plan.file_errors[0]
    assert Agency.objects.count() == 0


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    plan = directory_import_plan(data=b"\xef\xbb\xbf" + _csv([_row(contact_name="José Muñoz")]))
    assert plan.is_valid
    assert (
        plan.contacts[("brooklyn park police department", "rowan@bp.example.org")]["name"]
        == "José Muñoz"
    )


def test_bad_values_get_one_message_each_on_their_row():
    row = _row(
        kind="spaceship", accepts_u="maybe", policy_response_days="-3",
        certified_crimes="domestic_violence;jaywalking", contact_last_training_date="15/01/2026",
        contact_email="not-an-email",
    )  # fmt: skip
    errors = directory_import_plan(data=_csv([row])).rows[0].errors
    assert any(e.startswith('kind: "spaceship" is not one of') for e in errors)
    assert 'accepts_u: "maybe" is not yes or no.' in errors
    assert any(e.startswith('policy_response_days: "-3"') for e in errors)
    assert any(e.startswith("certified_crimes: unknown crime code(s) jaywalking.") for e in errors)
    assert any(e.startswith("contact_last_training_date") for e in errors)
    assert 'contact_email: "not-an-email" is not an e-mail address.' in errors


def test_rows_of_one_agency_must_agree():
    rows = [GOOD[0], {**GOOD[1], "policy_response_days": "45"}]
    errors = directory_import_plan(data=_csv(rows)).rows[1].errors
    assert errors[0].startswith("The agency's columns differ from line 2")


def test_an_empty_file_and_a_header_only_file_are_refused():
    assert directory_import_plan(data=b"").file_errors[0].startswith("The file is empty")
    assert directory_import_plan(data=_csv([])).file_errors == [
        "The file has a header but no rows."
    ]


def test_export_reimports_unchanged(personas):
    directory_import_apply(data=_csv(GOOD), actor=None)
    exported = directory_export_csv().encode("utf-8")
    plan = directory_import_plan(data=exported)
    assert plan.is_valid, [r.errors for r in plan.rejected]
    assert {r.outcome for r in plan.rows} == {"unchanged"}
    header = next(csv.reader(io.StringIO(exported.decode())))
    assert header == COLUMNS


def test_export_cells_cannot_run_as_formulas_and_still_reimport_unchanged(personas):
    from agencies.models import Agency

    Agency.objects.filter(pk=personas.agency_x.pk).update(
        name='=HYPERLINK("http://example.invalid","open")', phone="+1 612 555 0100"
    )
    exported = directory_export_csv()
    rows = list(csv.reader(io.StringIO(exported)))
    cells = [cell for row in rows for cell in row]
    # No cell starts a formula in a spreadsheet (OWASP CSV injection).
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://example.invalid","open")' in cells
    assert "'+1 612 555 0100" in cells
    # The import reads its own export back as it was.
    plan = directory_import_plan(data=exported.encode("utf-8"))
    assert plan.is_valid, [r.errors for r in plan.rejected]
    assert {r.outcome for r in plan.rows} == {"unchanged"}
