"""A decade of the whole state's requests, generated quickly with bulk inserts.

Everything generated is fictional and marked: names start with `Bench `, e-mail addresses end in
`@bench.example.org`, so `--reset` removes exactly this data and nothing else.

How it stays fast:
1. Ids are assigned here (from the table's current maximum), so children (events, messages,
   attachments) are built in memory without reading anything back; sequences are reset at the end.
2. On PostgreSQL rows go in with `COPY ... FROM STDIN` in chunks; elsewhere with `bulk_create`.
3. One precomputed password hash serves every account (hashing 3,000 times would take minutes).
4. Everything runs in one transaction, so a failed run leaves nothing half-seeded.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Role, User
from accounts.permissions import administrator_access_set
from agencies.models import Agency, AgencyKind, AgencyLevel, ContactRole, County, PointOfContact
from certifications.choices import (
    FINAL_STATUSES,
    Action,
    AttachmentKind,
    Crime,
    DenialReason,
    FormType,
    Gender,
    Status,
    TraffickingType,
)
from certifications.models import Attachment, CertificationRequest, Message, RequestEvent
from certifications.services.core import reference_for

from .bulk import Table, reset_sequences

PREFIX = "Bench "
EMAIL_DOMAIN = "bench.example.org"
# The accounts the benchmark signs in as. Bench data only: never a real deployment's users.
BENCH_PASSWORD = "bench-only-password-2026"  # noqa: S105 - fictional accounts in a bench database
PERSONA_EMAILS = {
    "advocate": f"advocate@{EMAIL_DOMAIN}",
    "contact": f"contact@{EMAIL_DOMAIN}",
    "coordinator": f"coordinator@{EMAIL_DOMAIN}",
    "admin": f"admin@{EMAIL_DOMAIN}",
}
FULL_SIZE = {
    "agencies": 1000,
    "contacts": 5000,
    "organizations": 200,
    "advocates": 2000,
    "requests": 200_000,
}
MINIMUM = {"agencies": 5, "contacts": 10, "organizations": 2, "advocates": 4, "requests": 100}
FIRST_YEAR = 2016
CHUNK = 5000

GIVEN = ["Ana", "Maria", "Hodan", "Li", "Esperanza", "Fatima", "Nadia", "Rosa", "Ifrah", "Mai"]
FAMILY = ["Example", "Sample", "Placeholder", "Fictional", "Testcase", "Demo", "Specimen"]
LANGUAGES = ["es", "so", "hmn", "kar", "om", "vi", "en", "am"]
NARRATIVE = (
    "Fictional benchmark narrative. The victim reported the incident to the responding officer, "
    "gave a statement the same night and identified the suspect. The victim later met the "
    "investigator twice and agreed to testify. Medical records document the injuries. "
)
COMMON_CRIMES = [
    Crime.DOMESTIC_VIOLENCE,
    Crime.DOMESTIC_VIOLENCE,
    Crime.DOMESTIC_VIOLENCE,
    Crime.FELONIOUS_ASSAULT,
    Crime.SEXUAL_ASSAULT,
    Crime.STALKING,
    Crime.RAPE,
    Crime.FALSE_IMPRISONMENT,
    Crime.EXTORTION,
    Crime.WITNESS_TAMPERING,
]
AGENCY_KINDS = [
    (AgencyKind.POLICE, AgencyLevel.MUNICIPAL, 62),
    (AgencyKind.SHERIFF, AgencyLevel.COUNTY, 9),
    (AgencyKind.PROSECUTOR, AgencyLevel.COUNTY, 12),
    (AgencyKind.COURT, AgencyLevel.COUNTY, 6),
    (AgencyKind.LABOR, AgencyLevel.STATE, 2),
    (AgencyKind.CIVIL_RIGHTS, AgencyLevel.MUNICIPAL, 2),
    (AgencyKind.PROTECTION, AgencyLevel.COUNTY, 4),
    (AgencyKind.HOUSING, AgencyLevel.MUNICIPAL, 1),
    (AgencyKind.FEDERAL_LE, AgencyLevel.FEDERAL, 1),
    (AgencyKind.OTHER, AgencyLevel.TRIBAL, 1),
]
# Share of requests by status for each age band (days since created): recent requests are
# mostly open, a decade-old one is almost always decided.
STATUS_MIX = [
    (30, {"draft": 15, "submitted": 35, "in_review": 30, "info_requested": 10, "certified": 6,
          "denied": 2, "withdrawn": 2}),
    (120, {"draft": 3, "submitted": 12, "in_review": 35, "info_requested": 10, "certified": 30,
           "denied": 6, "withdrawn": 4}),
    (365, {"draft": 1, "submitted": 2, "in_review": 5, "info_requested": 2, "certified": 70,
           "denied": 13, "withdrawn": 7}),
    (10**6, {"draft": 0.5, "submitted": 0.3, "in_review": 0.6, "info_requested": 0.3,
             "certified": 75, "denied": 15, "withdrawn": 8.3}),

]  # fmt: skip
# What the retention purge (RETENTION_DAYS_AFTER_CLOSE) leaves of a long-closed request: the
# victim's and the case's text blank, no messages or attachments; the events and the figures
# stay. A portal in service holds its old requests in that state, so they are seeded so, and
# the purge sweep finds a day's work rather than a decade's.
PURGED_BLANK = {
    **dict.fromkeys(
        ["victim_family_name", "victim_given_name", "victim_a_number", "case_number",
         "victim_preferred_language", "crime_city", "narrative", "known_injuries",
         "helpfulness", "consent_by", "routing_reason", "certifying_official_name",
         "certifying_official_title", "denial_explanation", "withdrawal_reason"],
        "",
    ),
    **dict.fromkeys(["victim_date_of_birth", "crime_date_from", "consent_date"]),
}  # fmt: skip


def sizes_for(scale: float) -> dict[str, int]:
    return {name: max(MINIMUM[name], round(count * scale)) for name, count in FULL_SIZE.items()}


# --- reset --------------------------------------------------------------------------------------


def bench_data_exists() -> bool:
    return Organization.objects.filter(name__startswith=PREFIX).exists()


def reset() -> None:
    """Delete the bench data and nothing else. Requests and their children go with plain DELETEs
    (no per-row cascade collection over two million rows); the directory and users with the ORM,
    which also clears what points at the users (audit entries keep their text labels)."""
    bench_requests = CertificationRequest.objects.filter(organization__name__startswith=PREFIX)
    with transaction.atomic():
        for model in (Attachment, Message, RequestEvent):
            model.objects.filter(request__in=bench_requests)._raw_delete(using="default")
        bench_requests._raw_delete(using="default")
        PointOfContact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        Agency.objects.filter(name__startswith=PREFIX).delete()
        Organization.objects.filter(name__startswith=PREFIX).delete()
        County.objects.filter(name__startswith=PREFIX).delete()


# --- generation ---------------------------------------------------------------------------------


@dataclass
class SeedResult:
    sizes: dict[str, int]
    rows: dict[str, int]
    seconds: float


def _zipf_cum_weights(n: int, exponent: float = 0.9) -> list[float]:
    """A few big agencies and programs (Minneapolis, Hennepin County) and a long tail."""
    total, cum = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank**exponent
        cum.append(total)
    return cum


def _status_for(rng: random.Random, age_days: int) -> str:
    for limit, mix in STATUS_MIX:
        if age_days < limit:
            return rng.choices(list(mix), weights=list(mix.values()))[0]
    raise AssertionError("unreachable")


def seed(
    *, scale: float = 1.0, seed_value: int = 2026, progress: Callable[[str], None] = print
) -> SeedResult:
    """Generate the data set. Call `reset()` first to regenerate."""
    started = time.monotonic()
    rng = random.Random(seed_value)
    sizes = sizes_for(scale)
    now = timezone.now()
    today = timezone.localdate()
    retention = datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    purge_before = now - retention
    password = make_password(BENCH_PASSWORD)
    progress(
        "Seeding: "
        + ", ".join(f"{count:,} {name}" for name, count in sizes.items())
        + f" ({connection.vendor})"
    )

    with transaction.atomic():
        # 1. Counties, agencies (one of them the statewide coordinator), their contacts.
        counties = Table(County)
        county_ids = []
        for i in range(87):
            county_ids.append(counties.add(name=f"{PREFIX}{i + 1:02d}", fips=f"9{i + 1:04d}"))
        counties.flush()

        agencies = Table(Agency)
        agency_meta: list[dict] = []
        kinds = [k for k in AGENCY_KINDS]
        kind_weights = [w for _, _, w in AGENCY_KINDS]
        existing_coordinator = Agency.objects.filter(is_statewide_coordinator=True).first()
        for i in range(sizes["agencies"] - (0 if existing_coordinator else 1)):
            kind, level, _ = kinds[0] if i == 0 else rng.choices(kinds, weights=kind_weights)[0]
            strict = rng.random() < 0.05
            agency_id = agencies.add(
                name=f"{PREFIX}{AgencyKind(kind).label} {i + 1:04d}",
                kind=kind,
                level=level,
                city_name=f"Bench City {i % 700 + 1:03d}",
                street_address=f"{100 + i} Main Street",
                postal_code=f"55{i % 1000:03d}",
                phone="651-555-0100",
                public_email=f"agency{i + 1}@{EMAIL_DOMAIN}",
                # Saint Paul-style local policy, stricter than the statute.
                policy_response_days=30 if strict else None,
                policy_expedited_days=7 if strict else None,
                created_at=now,
                updated_at=now,
            )
            agency_meta.append({"id": agency_id, "days": 30 if strict else None})
        if existing_coordinator:
            coordinator_id = existing_coordinator.pk
        else:
            coordinator_id = agencies.add(
                name=f"{PREFIX}Department of Public Safety (statewide coordinator)",
                kind=AgencyKind.STATE_COORDINATION,
                level=AgencyLevel.STATE,
                is_statewide_coordinator=True,
                created_at=now,
                updated_at=now,
            )
        agencies.flush()

        through = Agency.counties.through
        links = Table(through)
        for meta in agency_meta:
            for county_id in rng.sample(county_ids, rng.choice([1, 1, 1, 2])):
                links.add(agency_id=meta["id"], county_id=county_id)
        links.flush()

        users = Table(User)
        contacts = Table(PointOfContact)

        def add_user(email: str, name: str, role: str, organization_id: int | None) -> int:
            return users.add(
                email=email,
                full_name=name,
                role=role,
                organization_id=organization_id,
                password=password,
                is_active=True,
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=False,
                date_joined=now,
                # Seeded accounts come approved (accounts/approvals.py), as demo accounts do.
                approved_at=now,
                first_name="",
                last_name="",
            )

        per_agency = max(1, sizes["contacts"] // sizes["agencies"])
        contact_user_by_agency: dict[int, int] = {}
        contact_by_agency: dict[int, int] = {}
        has_primary = PointOfContact.objects.filter(
            agency_id=coordinator_id, is_primary=True, is_active=True
        ).exists()
        all_agency_ids = [m["id"] for m in agency_meta] + [coordinator_id]
        for index, agency_id in enumerate(all_agency_ids):
            for j in range(per_agency):
                is_coordinator_agency = agency_id == coordinator_id
                if j == 0:
                    if is_coordinator_agency:
                        email, role = PERSONA_EMAILS["coordinator"], Role.COORDINATOR
                    elif index == 0:
                        email, role = PERSONA_EMAILS["contact"], Role.AGENCY_CONTACT
                    else:
                        email, role = f"contact{index}@{EMAIL_DOMAIN}", Role.AGENCY_CONTACT
                    name = f"{PREFIX}Official {index}"
                    user_id = add_user(email, name, role, None)
                    contact_user_by_agency[agency_id] = user_id
                else:
                    email, user_id = f"reviewer{index}-{j}@{EMAIL_DOMAIN}", None
                    name = f"{PREFIX}Reviewer {index}-{j}"
                trained = rng.random() < 0.8
                contact_id = contacts.add(
                    agency_id=agency_id,
                    user_id=user_id,
                    name=name,
                    title="Sergeant" if j == 0 else "Investigator",
                    email=email,
                    role=ContactRole.CERTIFYING_OFFICIAL if j == 0 else ContactRole.REVIEWER,
                    is_primary=j == 0 and not (is_coordinator_agency and has_primary),
                    is_active=True,
                    last_training_date=(
                        today - datetime.timedelta(days=rng.randrange(700)) if trained else None
                    ),
                )
                if j == 0:
                    contact_by_agency[agency_id] = contact_id
        add_user(PERSONA_EMAILS["admin"], f"{PREFIX}Administrator", Role.ADMINISTRATOR, None)

        # 2. Organizations and their advocates.
        orgs = Table(Organization)
        org_ids = []
        org_kinds = list(OrganizationKind.values)
        for i in range(sizes["organizations"]):
            org_ids.append(
                orgs.add(
                    name=f"{PREFIX}Advocacy Program {i + 1:03d}",
                    kind=org_kinds[i % len(org_kinds)],
                    address=f"{i + 1} Example Plaza, Saint Paul, MN 55101",
                    email=f"program{i + 1}@{EMAIL_DOMAIN}",
                )
            )
        orgs.flush()
        advocates_by_org: dict[int, list[int]] = {org_id: [] for org_id in org_ids}
        for i in range(sizes["advocates"]):
            org_id = org_ids[i % len(org_ids)]
            email = PERSONA_EMAILS["advocate"] if i == 0 else f"advocate{i}@{EMAIL_DOMAIN}"
            advocates_by_org[org_id].append(
                add_user(email, f"{PREFIX}Advocate {i}", Role.ADVOCATE, org_id)
            )
        users.flush()
        # The administrator reaches the admin site through the group, never as a superuser.
        administrator_access_set(user=User.objects.get(email=PERSONA_EMAILS["admin"]))
        contacts.flush()
        progress(
            f"  directory: {agencies.inserted:,} agencies, {contacts.inserted:,} contacts, "
            f"{orgs.inserted:,} organizations, {users.inserted:,} users "
            f"({time.monotonic() - started:.1f} s)"
        )

        # 3. Requests with their events, messages and attachments' metadata (no files).
        requests = Table(CertificationRequest)
        events = Table(RequestEvent)
        messages = Table(Message)
        attachments = Table(Attachment)
        org_cum = _zipf_cum_weights(len(org_ids))
        local_agencies = agency_meta
        agency_cum = _zipf_cum_weights(len(local_agencies))
        start = datetime.datetime(FIRST_YEAR, 1, 1, tzinfo=datetime.UTC)
        span = (now - start).total_seconds()
        crimes_all = list(Crime.values)
        trafficking = list(TraffickingType.values)
        denial_reasons = list(DenialReason.values)

        total = sizes["requests"]
        for n in range(total):
            # Later years have more requests (the program grows): skew towards the present.
            created = start + datetime.timedelta(seconds=span * rng.random() ** 0.6)
            age_days = (now - created).days
            status = _status_for(rng, age_days)
            org_id = org_ids[rng.choices(range(len(org_ids)), cum_weights=org_cum)[0]]
            author = rng.choice(advocates_by_org[org_id])
            if rng.random() < 0.05:
                agency_id, policy_days = coordinator_id, None  # no local point of contact
            else:
                meta = local_agencies[
                    rng.choices(range(len(local_agencies)), cum_weights=agency_cum)[0]
                ]
                agency_id, policy_days = meta["id"], meta["days"]
            official = contact_user_by_agency[agency_id]
            form_type = FormType.T if rng.random() < 0.07 else FormType.U
            removal = rng.random() < 0.06
            row: dict = {
                "form_type": form_type,
                "organization_id": org_id,
                "created_by_id": author,
                "status": status,
                "created_at": created,
                "victim_family_name": rng.choice(FAMILY),
                "victim_given_name": rng.choice(GIVEN),
                "victim_date_of_birth": datetime.date(
                    rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)
                ),
                "victim_gender": rng.choice(Gender.values),
                "victim_a_number": (
                    f"A{rng.randrange(10**8, 10**9)}" if rng.random() < 0.3 else ""
                ),
                "victim_preferred_language": rng.choice(LANGUAGES),
                "victim_interpreter_needed": rng.random() < 0.6,
                "in_removal_proceedings": removal,
                "detained": removal and rng.random() < 0.3,
                "crimes": (
                    [Crime.TRAFFICKING]
                    if form_type == FormType.T
                    else sorted({rng.choice(COMMON_CRIMES), rng.choice(crimes_all[:28])})
                ),
                "trafficking_types": [rng.choice(trafficking)] if form_type == FormType.T else [],
                "crime_date_from": (
                    created - datetime.timedelta(days=rng.randrange(1, 1100))
                ).date(),
                "crime_city": f"Bench City {rng.randrange(1, 700):03d}",
                "crime_county_id": rng.choice(county_ids),
                "case_number": f"{created.year}-{n + 1:07d}",
                "requested_agency_id": agency_id,
                "narrative": NARRATIVE * rng.randint(1, 3),
                "known_injuries": "Bruising documented at the emergency department.",
                "helpfulness": "Gave a statement, identified the suspect, agreed to testify.",
                "agency_id": agency_id,
            }
            timeline: list[tuple[datetime.datetime, int | None, str, str, str]] = []
            last = created
            if status != Status.DRAFT:
                submitted = min(created + datetime.timedelta(hours=rng.randrange(1, 240)), now)
                days = 14 if removal else 90
                if policy_days:
                    days = min(days, 7 if removal else policy_days)
                due = timezone.localdate(submitted) + datetime.timedelta(days=days)
                row.update(
                    consent_given=True,
                    consent_by="The victim",
                    consent_date=timezone.localdate(submitted),
                    submitted_at=submitted,
                    due_date=due,
                    deadline_source="policy" if policy_days else "statute",
                    deadline_basis=(
                        "Minn. Stat. 611A.95 subd. 2: 14 days (removal proceedings)"
                        if removal
                        else f"{days} days from the request"
                    ),
                    routing_reason="Agency with jurisdiction over the crime location.",
                )
                timeline.append((submitted, author, Action.SUBMIT, Status.DRAFT, Status.SUBMITTED))
                last = submitted
                if status != Status.SUBMITTED and status != Status.WITHDRAWN:
                    reviewed = min(last + datetime.timedelta(days=rng.randrange(1, 20)), now)
                    timeline.append(
                        (reviewed, official, Action.START_REVIEW, Status.SUBMITTED,
                         Status.IN_REVIEW)
                    )  # fmt: skip
                    timeline.append((reviewed, official, "assigned", "", ""))
                    row["assigned_contact_id"] = contact_by_agency[agency_id]
                    last = reviewed
                if status == Status.INFO_REQUESTED or (
                    status in FINAL_STATUSES and rng.random() < 0.2
                ):
                    asked = min(last + datetime.timedelta(days=rng.randrange(1, 15)), now)
                    timeline.append(
                        (asked, official, Action.REQUEST_INFO, Status.IN_REVIEW,
                         Status.INFO_REQUESTED)
                    )  # fmt: skip
                    last = asked
                    if status != Status.INFO_REQUESTED:
                        answered = min(last + datetime.timedelta(days=rng.randrange(1, 15)), now)
                        timeline.append(
                            (answered, author, Action.PROVIDE_INFO, Status.INFO_REQUESTED,
                             Status.IN_REVIEW)
                        )  # fmt: skip
                        last = answered
                if status in FINAL_STATUSES:
                    decided = min(last + datetime.timedelta(days=rng.randrange(1, 100)), now)
                    action, actor = {
                        Status.CERTIFIED: (Action.CERTIFY, official),
                        Status.DENIED: (Action.DENY, official),
                        Status.WITHDRAWN: (Action.WITHDRAW, author),
                    }[status]
                    from_status = timeline[-1][4] or Status.IN_REVIEW
                    timeline.append((decided, actor, action, from_status, status))
                    row.update(closed_at=decided)
                    if status != Status.WITHDRAWN:
                        row.update(decided_at=decided)
                    if status == Status.CERTIFIED:
                        row.update(
                            certifying_official_name=f"{PREFIX}Official",
                            certifying_official_title="Chief of Police",
                            signature_date=timezone.localdate(decided),
                            petition_filed_on=(
                                timezone.localdate(decided) + datetime.timedelta(days=40)
                                if age_days > 200 and rng.random() < 0.7
                                else None
                            ),
                        )
                    elif status == Status.DENIED:
                        row.update(
                            denial_reason=rng.choice(denial_reasons),
                            denial_explanation="No record of cooperation with the investigation.",
                        )
                    else:
                        row.update(withdrawal_reason="The victim chose not to proceed.")
                    last = decided
                elif due < today and rng.random() < 0.5:
                    # Overdue and open: half of them were escalated the day after the deadline.
                    escalated = datetime.datetime.combine(
                        due + datetime.timedelta(days=1), datetime.time(15), tzinfo=datetime.UTC
                    )
                    row["escalated_at"] = min(escalated, now)
                    timeline.append((row["escalated_at"], None, "escalated", "", ""))
            row["updated_at"] = max(last, created)
            purged = row.get("closed_at") is not None and row["closed_at"] < purge_before
            if purged:
                row.update(PURGED_BLANK, purged_at=row["closed_at"] + retention)
            row["reference"] = reference_for(
                form_type=form_type, year=timezone.localtime(created).year, pk=requests.next_id
            )
            request_id = requests.add(**row)

            for at, actor, action, from_status, to_status in timeline:
                events.add(
                    request_id=request_id,
                    created_at=at,
                    actor_id=actor,
                    action=action,
                    from_status=from_status,
                    to_status=to_status,
                    note="",
                )
            if status != Status.DRAFT:
                for k in range(rng.choice([0, 1, 1, 2, 3])):
                    sent = min(row["submitted_at"] + datetime.timedelta(days=k * 3 + 1), now)
                    sender = author if k % 2 == 0 else official
                    events.add(
                        request_id=request_id,
                        created_at=sent,
                        actor_id=sender,
                        action="message",
                        from_status="",
                        to_status="",
                        note="",
                    )
                    if purged:
                        continue
                    message_id = messages.add(
                        request_id=request_id,
                        author_id=sender,
                        body="Could you confirm the case number and the date of the statement?",
                        created_at=sent,
                    )
                    if k == 1:
                        _attachment(attachments, rng, request_id, author, sent, message_id,
                                    AttachmentKind.OTHER)  # fmt: skip
                kinds_ = [] if purged else [AttachmentKind.POLICE_REPORT, AttachmentKind.RELEASE]
                if kinds_ and rng.random() < 0.5:
                    kinds_.append(AttachmentKind.DECLARATION)
                if kinds_ and removal:
                    kinds_.append(AttachmentKind.NOTICE_TO_APPEAR)
                for kind in kinds_:
                    _attachment(attachments, rng, request_id, author, created, None, kind)
                if kinds_ and status == Status.CERTIFIED:
                    _attachment(attachments, rng, request_id, official, last, None,
                                AttachmentKind.SIGNED_FORM)  # fmt: skip

            if len(requests.rows) >= CHUNK or n == total - 1:
                for table in (requests, events, messages, attachments):
                    table.flush()
                elapsed = time.monotonic() - started
                progress(
                    f"  requests {requests.inserted:,}/{total:,} "
                    f"({100 * requests.inserted // total}%), events {events.inserted:,}, "
                    f"messages {messages.inserted:,}, attachments {attachments.inserted:,} "
                    f"({elapsed:.1f} s)"
                )

        reset_sequences(
            [County, Agency, through, User, PointOfContact, Organization, CertificationRequest,
             RequestEvent, Message, Attachment]
        )  # fmt: skip

    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner sees the real sizes (the queue's index scan), and a
        # visibility map, so counts can be answered from an index: what autovacuum gives a
        # database in service, but not yet a freshly copied one. VACUUM cannot run inside a
        # transaction (a test's), where ANALYZE alone is done.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    seconds = time.monotonic() - started
    rows = {
        "agencies": agencies.inserted,
        "contacts": contacts.inserted,
        "organizations": orgs.inserted,
        "users": users.inserted,
        "requests": requests.inserted,
        "events": events.inserted,
        "messages": messages.inserted,
        "attachments": attachments.inserted,
    }
    progress(f"Seeded {sum(rows.values()):,} rows in {seconds:.1f} s.")
    return SeedResult(sizes=sizes, rows=rows, seconds=seconds)


def _attachment(table, rng, request_id, uploader, at, message_id, kind) -> None:
    table.add(
        request_id=request_id,
        message_id=message_id,
        kind=kind,
        # Metadata only: the benchmark never opens the files.
        file=f"attachments/{rng.getrandbits(128):032x}",
        original_name=f"{kind}.pdf",
        content_type="application/pdf",
        size=rng.randrange(40_000, 4_000_000),
        sha256=f"{rng.getrandbits(256):064x}",
        uploaded_by_id=uploader,
        uploaded_at=at,
    )
