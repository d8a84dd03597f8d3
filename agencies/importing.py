"""CSV import and export of the directory: one row per agency and contact.

An agency with several contacts takes several rows that repeat the agency's columns; an agency
without contacts takes one row with the contact columns empty. Agencies are matched by name
(case-insensitive), contacts by agency and e-mail, so importing the same file twice changes
nothing the second time.

The import is a dry run first: every row is checked and the plan says what would be created,
updated, left unchanged or rejected and why. Nothing is written unless the whole file is valid,
and then everything is written in one transaction.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from certifications.choices import Crime
from uvisa_portal.spreadsheets import spreadsheet_safe, spreadsheet_text

from .models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    ContactRole,
    County,
    PointOfContact,
    StatuteCoverage,
    default_statute_coverage,
)
from .services import directory_audit

MAX_IMPORT_BYTES = 2 * 1024 * 1024
LIST_SEPARATOR = ";"

AGENCY_COLUMNS = [
    "agency_name",
    "kind",
    "level",
    "counties",
    "street_address",
    "city",
    "postal_code",
    "phone",
    "fax",
    "public_email",
    "accepts_u",
    "accepts_t",
    "policy_response_days",
    "policy_expedited_days",
    "certified_crimes",
    "procedure",
    "agency_active",
]
CONTACT_COLUMNS = [
    "contact_name",
    "contact_title",
    "contact_division",
    "contact_email",
    "contact_phone",
    "contact_role",
    "contact_primary",
    "contact_active",
    "contact_last_training_date",
]
COLUMNS = AGENCY_COLUMNS + CONTACT_COLUMNS
REQUIRED_COLUMNS = ["agency_name", "kind", "level", "counties"]

# Column -> model field, for the fields copied as they are.
_AGENCY_FIELDS = {
    "kind": "kind",
    "level": "level",
    "street_address": "street_address",
    "city": "city_name",
    "postal_code": "postal_code",
    "phone": "phone",
    "fax": "fax",
    "public_email": "public_email",
    "accepts_u": "accepts_u",
    "accepts_t": "accepts_t",
    "policy_response_days": "policy_response_days",
    "policy_expedited_days": "policy_expedited_days",
    "certified_crimes": "certified_crimes",
    "procedure": "procedure",
    "agency_active": "is_active",
}
_CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_division": "division",
    "contact_phone": "phone",
    "contact_role": "role",
    "contact_primary": "is_primary",
    "contact_active": "is_active",
    "contact_last_training_date": "last_training_date",
}

_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, missing columns, empty, too big)."""


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REJECT = "reject"


@dataclass
class RowResult:
    line: int
    agency_name: str
    contact_email: str
    agency_outcome: str = Outcome.UNCHANGED
    contact_outcome: str = ""
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.errors:
            return Outcome.REJECT
        outcomes = {self.agency_outcome, self.contact_outcome}
        if Outcome.CREATE in outcomes:
            return Outcome.CREATE
        if Outcome.UPDATE in outcomes:
            return Outcome.UPDATE
        return Outcome.UNCHANGED


@dataclass
class ImportPlan:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False
    # Parsed values, kept for the apply step: agency key -> values, (agency key, email) -> values.
    agencies: dict[str, dict] = field(default_factory=dict)
    contacts: dict[tuple[str, str], dict] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.rejected

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def summary(self) -> dict[str, int]:
        return {
            o: self.count(o)
            for o in (Outcome.CREATE, Outcome.UPDATE, Outcome.UNCHANGED, Outcome.REJECT)
        }


# --- Export ----------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _agency_values(agency: Agency) -> dict[str, str]:
    return {
        "agency_name": agency.name,
        "kind": agency.kind,
        "level": agency.level,
        "counties": LIST_SEPARATOR.join(sorted(c.name for c in agency.counties.all())),
        "street_address": agency.street_address,
        "city": agency.city_name,
        "postal_code": agency.postal_code,
        "phone": agency.phone,
        "fax": agency.fax,
        "public_email": agency.public_email,
        "accepts_u": _yes_no(agency.accepts_u),
        "accepts_t": _yes_no(agency.accepts_t),
        "policy_response_days": str(agency.policy_response_days or ""),
        "policy_expedited_days": str(agency.policy_expedited_days or ""),
        "certified_crimes": LIST_SEPARATOR.join(agency.certified_crimes or []),
        "procedure": agency.procedure,
        "agency_active": _yes_no(agency.is_active),
    }


def _contact_values(contact: PointOfContact) -> dict[str, str]:
    return {
        "contact_name": contact.name,
        "contact_title": contact.title,
        "contact_division": contact.division,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
        "contact_role": contact.role,
        "contact_primary": _yes_no(contact.is_primary),
        "contact_active": _yes_no(contact.is_active),
        "contact_last_training_date": (
            contact.last_training_date.isoformat() if contact.last_training_date else ""
        ),
    }


def directory_export_rows(*, agencies: Iterable[Agency] | None = None) -> Iterable[list[str]]:
    """Header, then one row per agency and contact, in the shape the import reads.

    The statewide coordinator is exported like any agency; the import never changes which
    agency is the coordinator (that is decided in the admin, and the database allows one).
    """
    if agencies is None:
        agencies = Agency.objects.all()
    qs = (
        Agency.objects.filter(pk__in=[a.pk for a in agencies])
        .prefetch_related("counties", "contacts")
        .order_by("name")
    )
    yield COLUMNS
    empty_contact = dict.fromkeys(CONTACT_COLUMNS, "")
    for agency in qs:
        values = _agency_values(agency)
        contacts = sorted(agency.contacts.all(), key=lambda c: (not c.is_primary, c.email))
        for contact in contacts or [None]:
            row = {**values, **(_contact_values(contact) if contact else empty_contact)}
            yield [row[c] for c in COLUMNS]


def directory_export_csv(*, agencies: Iterable[Agency] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in directory_export_rows(agencies=agencies):
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


# --- Parsing ---------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("The file is larger than %(MAX_IMPORT_BYTES)s MB; split it in parts.")
            % {"MAX_IMPORT_BYTES": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (the first unreadable byte is at position %(start)s). "
                'In a spreadsheet, save it as "CSV UTF-8 (comma delimited)" and upload it again.'
            )
            % {"start": exc.start}
        ) from None


def _parse_bool(value: str, column: str, errors: list[str], default: bool) -> bool:
    text = value.strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(f'{column}: "{value}" is not yes or no.')
    return default


def _parse_days(value: str, column: str, errors: list[str]) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1 or int(text) > 365:
        errors.append(f'{column}: "{value}" is not a number of days between 1 and 365.')
        return None
    return int(text)


def _parse_choice(value: str, column: str, choices, errors: list[str]) -> str:
    text = value.strip()
    by_label = {str(label).lower(): code for code, label in choices.choices}
    if text in choices.values:
        return text
    if text.lower() in by_label:
        return by_label[text.lower()]
    allowed = ", ".join(choices.values)
    errors.append(f'{column}: "{value}" is not one of: {allowed}.')
    return ""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _parse_agency(row: dict[str, str], counties: dict[str, County], errors: list[str]) -> dict:
    values: dict = {}
    values["kind"] = _parse_choice(row["kind"], "kind", AgencyKind, errors)
    values["level"] = _parse_choice(row["level"], "level", AgencyLevel, errors)
    county_ids = []
    names = _split(row["counties"])
    for name in names:
        key = name.lower().removesuffix(" county").strip()
        county = counties.get(key)
        if county is None:
            errors.append(f'counties: unknown county "{name}" (use a Minnesota county name).')
        else:
            county_ids.append(county.pk)
    values["counties"] = sorted(set(county_ids))
    for column in ("street_address", "city", "postal_code", "phone", "fax", "procedure"):
        values[_AGENCY_FIELDS[column]] = row.get(column, "").strip()
    email = row.get("public_email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f'public_email: "{email}" is not an e-mail address.')
    values["public_email"] = email
    values["accepts_u"] = _parse_bool(row.get("accepts_u", ""), "accepts_u", errors, True)
    values["accepts_t"] = _parse_bool(row.get("accepts_t", ""), "accepts_t", errors, True)
    values["is_active"] = _parse_bool(row.get("agency_active", ""), "agency_active", errors, True)
    # Minn. Stat. 611A.95 subd. 2(a): an agency the statute binds (by default, a state or local
    # law-enforcement agency) processes U and T requests alike.
    coverage = default_statute_coverage(kind=values["kind"], level=values["level"])
    if coverage == StatuteCoverage.COVERED and not (values["accepts_u"] and values["accepts_t"]):
        errors.append(
            "accepts_u, accepts_t: Minn. Stat. 611A.95 binds a state or local law-enforcement "
            "agency; it must accept both U and T requests."
        )
    for column in ("policy_response_days", "policy_expedited_days"):
        values[column] = _parse_days(row.get(column, ""), column, errors)
    crimes = _split(row.get("certified_crimes", ""))
    unknown = [c for c in crimes if c not in Crime.values]
    if unknown:
        errors.append(
            f"certified_crimes: unknown crime code(s) {', '.join(unknown)}. The codes are: "
            f"{', '.join(Crime.values)} (separated by {LIST_SEPARATOR})."
        )
    values["certified_crimes"] = [c for c in crimes if c in Crime.values]
    if len(row["agency_name"].strip()) > 200:
        errors.append("agency_name: longer than 200 characters.")
    return values


def _parse_contact(row: dict[str, str], errors: list[str]) -> dict:
    values: dict = {}
    name = row.get("contact_name", "").strip()
    if not name:
        errors.append("contact_name: a contact needs a name.")
    values["name"] = name
    for column in ("contact_title", "contact_division", "contact_phone"):
        values[_CONTACT_FIELDS[column]] = row.get(column, "").strip()
    role = row.get("contact_role", "").strip()
    values["role"] = (
        _parse_choice(role, "contact_role", ContactRole, errors)
        if role
        else ContactRole.CERTIFYING_OFFICIAL
    )
    values["is_primary"] = _parse_bool(
        row.get("contact_primary", ""), "contact_primary", errors, False
    )
    values["is_active"] = _parse_bool(row.get("contact_active", ""), "contact_active", errors, True)
    date_text = row.get("contact_last_training_date", "").strip()
    values["last_training_date"] = None
    if date_text:
        try:
            values["last_training_date"] = datetime.date.fromisoformat(date_text)
        except ValueError:
            errors.append(
                f'contact_last_training_date: "{date_text}" is not a date like 2026-01-31.'
            )
    return values


def _describe_changes(obj, values: dict, labels: dict[str, str]) -> list[str]:
    changes = []
    for attr, new in values.items():
        if attr == "counties":
            old = sorted(obj.counties.values_list("pk", flat=True))
        else:
            old = getattr(obj, attr)
        if old != new:
            changes.append(labels.get(attr, attr))
    return changes


_AGENCY_LABELS = {v: k for k, v in _AGENCY_FIELDS.items()} | {"counties": "counties"}
_CONTACT_LABELS = {v: k for k, v in _CONTACT_FIELDS.items()}


def directory_import_plan(*, data: bytes) -> ImportPlan:
    """Read the file and say, row by row, what importing it would do. Writes nothing.

    1. Decode as UTF-8 (a byte-order mark is fine); anything else is a file error.
    2. Check the header: the required columns must be there; unknown columns are named.
    3. Check each row: values, county names, crime codes; a row repeating an agency and
       contact already seen is rejected as a duplicate; an agency's columns must agree across
       its rows.
    4. Compare with the database: create, update (naming the columns that change) or
       unchanged; at most one active primary contact per agency once the file is applied.
    """
    plan = ImportPlan()
    try:
        text = _decode(data)
    except ImportFileError as exc:
        plan.file_errors.append(str(exc))
        return plan
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        plan.file_errors.append("The file is empty: the first line must name the columns.")
        return plan
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        plan.file_errors.append(
            "Missing column(s): " + ", ".join(missing) + ". The first line must name the "
            "columns; download an export to see the expected shape."
        )
        return plan
    unknown = [c for c in header if c and c not in COLUMNS]
    if unknown:
        plan.file_errors.append(
            "Unknown column(s): " + ", ".join(unknown) + ". Expected: " + ", ".join(COLUMNS) + "."
        )
        return plan

    counties = {c.name.lower(): c for c in County.objects.all()}
    existing = {
        a.name.lower(): a
        for a in Agency.objects.prefetch_related("counties", "contacts").order_by("pk")
    }
    agency_rows: dict[str, tuple[int, dict]] = {}
    seen_contacts: dict[tuple[str, str], int] = {}
    for line_number, raw in enumerate(reader, start=2):
        if None in raw:
            extra = RowResult(line=line_number, agency_name="", contact_email="")
            extra.errors.append("The row has more values than the header has columns.")
            plan.rows.append(extra)
            continue
        row = {k: spreadsheet_text(v or "") for k, v in raw.items()}
        if not any(v.strip() for v in row.values()):
            continue  # blank line
        name = row["agency_name"].strip()
        email = row.get("contact_email", "").strip().lower()
        result = RowResult(line=line_number, agency_name=name, contact_email=email)
        plan.rows.append(result)
        if not name:
            result.errors.append("agency_name: every row needs the agency's name.")
            continue
        key = name.lower()
        agency_values = _parse_agency(row, counties, result.errors)
        first = agency_rows.get(key)
        if first is not None and first[1] != agency_values and not result.errors:
            result.errors.append(
                f"The agency's columns differ from line {first[0]} for the same agency; "
                "repeat them identically on every row of that agency."
            )
        contact_values = None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.errors.append(f'contact_email: "{email}" is not an e-mail address.')
            if (key, email) in seen_contacts:
                result.errors.append(
                    f"Duplicate row: line {seen_contacts[(key, email)]} already has this agency "
                    "and contact e-mail."
                )
            else:
                seen_contacts[(key, email)] = line_number
            contact_values = _parse_contact(row, result.errors)
        elif any(row.get(c, "").strip() for c in CONTACT_COLUMNS):
            result.errors.append("contact_email: a contact needs a work e-mail address.")
        elif first is not None:
            result.errors.append(
                f"Duplicate row: line {first[0]} already has this agency without a contact."
            )
        if result.errors:
            continue
        if first is None:
            agency_rows[key] = (line_number, agency_values)
            plan.agencies[key] = {"name": name, **agency_values}
        agency = existing.get(key)
        if agency is None:
            result.agency_outcome = Outcome.CREATE if first is None else Outcome.UNCHANGED
        else:
            changed = _describe_changes(agency, agency_values, _AGENCY_LABELS)
            if changed:
                result.agency_outcome = Outcome.UPDATE
                result.changes.append("agency: " + ", ".join(changed))
        if contact_values is not None:
            plan.contacts[(key, email)] = contact_values
            contact = None
            if agency is not None:
                contact = next((c for c in agency.contacts.all() if c.email.lower() == email), None)
            if contact is None:
                result.contact_outcome = Outcome.CREATE
            else:
                changed = _describe_changes(contact, contact_values, _CONTACT_LABELS)
                result.contact_outcome = Outcome.UPDATE if changed else Outcome.UNCHANGED
                if changed:
                    result.changes.append("contact: " + ", ".join(changed))

    _check_primaries(plan, existing)
    if not plan.rows and not plan.file_errors:
        plan.file_errors.append("The file has a header but no rows.")
    return plan


def _check_primaries(plan: ImportPlan, existing: dict[str, Agency]) -> None:
    """The database allows one active primary contact per agency: check the final state."""
    for key in plan.agencies:
        final: dict[str, str] = {}
        agency = existing.get(key)
        if agency is not None:
            for contact in agency.contacts.all():
                if contact.is_primary and contact.is_active:
                    final[contact.email.lower()] = contact.name
        for (agency_key, email), values in plan.contacts.items():
            if agency_key != key:
                continue
            final.pop(email, None)
            if values["is_primary"] and values["is_active"]:
                final[email] = values["name"]
        if len(final) > 1:
            names = ", ".join(sorted(final.values()))
            for row in plan.rows:
                if row.agency_name.lower() == key and not row.errors:
                    row.errors.append(
                        f"More than one active primary contact for this agency ({names}); "
                        "mark only one as primary."
                    )
                    break


# --- Applying --------------------------------------------------------------------------------


def directory_import_apply(
    *, data: bytes, actor: User | None, request: HttpRequest | None = None
) -> ImportPlan:
    """Check the file again and, only if every row is valid, write it in one transaction.

    Primaries that the file turns off are turned off first, so the one-active-primary
    constraint holds at every step. Each created or changed agency and contact is audit-logged.
    """
    plan = directory_import_plan(data=data)
    if not plan.is_valid:
        return plan
    with transaction.atomic():
        agencies: dict[str, Agency] = {}
        for key, values in plan.agencies.items():
            values = dict(values)
            county_ids = values.pop("counties")
            name = values.pop("name")
            agency = Agency.objects.filter(name__iexact=name).order_by("pk").first()
            created = agency is None
            if created:
                agency = Agency(name=name)
            changed = created or _describe_changes(agency, values, _AGENCY_LABELS)
            for attr, value in values.items():
                setattr(agency, attr, value)
            if changed:
                agency.save()
            if created or sorted(agency.counties.values_list("pk", flat=True)) != county_ids:
                agency.counties.set(county_ids)
                changed = True
            if changed:
                verb = "created" if created else "updated"
                directory_audit(
                    actor=actor, obj=agency, request=request, detail=f"CSV import: {verb} agency"
                )
            agencies[key] = agency
        # Turn primaries off before any is turned on (one active primary per agency).
        for (key, email), values in plan.contacts.items():
            if not (values["is_primary"] and values["is_active"]):
                PointOfContact.objects.filter(
                    agency=agencies[key], email__iexact=email, is_primary=True
                ).update(is_primary=False)
        for (key, email), values in plan.contacts.items():
            agency = agencies[key]
            contact = PointOfContact.objects.filter(agency=agency, email__iexact=email).first()
            created = contact is None
            if created:
                contact = PointOfContact(agency=agency, email=email)
            if created or _describe_changes(contact, values, _CONTACT_LABELS):
                for attr, value in values.items():
                    setattr(contact, attr, value)
                contact.save()
                verb = "created" if created else "updated"
                directory_audit(
                    actor=actor, obj=contact, request=request, detail=f"CSV import: {verb} contact"
                )
    plan.applied = True
    return plan
