"""Load the Minnesota directory. Idempotent: running it twice changes nothing the second time.

The 87 counties with their FIPS codes are real. The agencies are real Minnesota agencies with
their public response policies (verify them before production; see DOMAIN.md); their
addresses, phone numbers and contact people are fictional demo data, marked `is_demo`.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agencies.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    City,
    ContactRole,
    County,
    PointOfContact,
    default_statute_coverage,
)
from certifications.choices import Crime

COORDINATOR_NAME = "Minnesota Department of Public Safety (statewide coordinator)"

# All 87 Minnesota counties, alphabetical; FIPS 27001 ... 27173 (state 27, odd county codes).
COUNTY_NAMES = [
    "Aitkin", "Anoka", "Becker", "Beltrami", "Benton", "Big Stone", "Blue Earth", "Brown",
    "Carlton", "Carver", "Cass", "Chippewa", "Chisago", "Clay", "Clearwater", "Cook",
    "Cottonwood", "Crow Wing", "Dakota", "Dodge", "Douglas", "Faribault", "Fillmore",
    "Freeborn", "Goodhue", "Grant", "Hennepin", "Houston", "Hubbard", "Isanti", "Itasca",
    "Jackson", "Kanabec", "Kandiyohi", "Kittson", "Koochiching", "Lac qui Parle", "Lake",
    "Lake of the Woods", "Le Sueur", "Lincoln", "Lyon", "McLeod", "Mahnomen", "Marshall",
    "Martin", "Meeker", "Mille Lacs", "Morrison", "Mower", "Murray", "Nicollet", "Nobles",
    "Norman", "Olmsted", "Otter Tail", "Pennington", "Pine", "Pipestone", "Polk", "Pope",
    "Ramsey", "Red Lake", "Redwood", "Renville", "Rice", "Rock", "Roseau", "St. Louis",
    "Scott", "Sherburne", "Sibley", "Stearns", "Steele", "Stevens", "Swift", "Todd",
    "Traverse", "Wabasha", "Wadena", "Waseca", "Washington", "Watonwan", "Wilkin", "Winona",
    "Wright", "Yellow Medicine",
]  # fmt: skip
COUNTIES = [(name, f"27{2 * i + 1:03d}") for i, name in enumerate(COUNTY_NAMES)]

CITIES = [
    ("Minneapolis", "Hennepin"),
    ("Brooklyn Park", "Hennepin"),
    ("Brooklyn Center", "Hennepin"),
    ("Saint Paul", "Ramsey"),
]

_MODIFIERS = [Crime.ATTEMPT, Crime.CONSPIRACY, Crime.SOLICITATION]
# Minneapolis splits certification between three departments by crime type and returns
# requests sent to the wrong one (DOMAIN.md). The split below is a demo of that shape.
MPLS_POLICE_CRIMES = [
    Crime.ABDUCTION, Crime.ABUSIVE_SEXUAL_CONTACT, Crime.FGM, Crime.FELONIOUS_ASSAULT,
    Crime.HOSTAGE, Crime.INCEST, Crime.KIDNAPPING, Crime.MANSLAUGHTER, Crime.MURDER,
    Crime.PROSTITUTION, Crime.RAPE, Crime.SEXUAL_ASSAULT, Crime.SEXUAL_EXPLOITATION,
    Crime.TORTURE, Crime.TRAFFICKING, Crime.SLAVE_TRADE, Crime.SIMILAR_ACTIVITY, *_MODIFIERS,
]  # fmt: skip
MPLS_CITY_ATTORNEY_CRIMES = [
    Crime.DOMESTIC_VIOLENCE, Crime.STALKING, Crime.FALSE_IMPRISONMENT,
    Crime.UNLAWFUL_RESTRAINT, Crime.WITNESS_TAMPERING, Crime.OBSTRUCTION, Crime.PERJURY,
    *_MODIFIERS,
]  # fmt: skip
MPLS_CIVIL_RIGHTS_CRIMES = [
    Crime.INVOLUNTARY_SERVITUDE, Crime.PEONAGE, Crime.FOREIGN_LABOR_FRAUD, Crime.EXTORTION,
    Crime.BLACKMAIL, *_MODIFIERS,
]  # fmt: skip

_PROCEDURE = (
    "Send the request through this portal with a signed release of information and the police "
    "report or case number. Raise removal proceedings when you file, with the Notice to Appear "
    "attached, to get the expedited deadline. We answer every request in writing; a denial "
    "gives its reasons."
)


def _agency(name, kind, level, *, city="", county=None, zip_code="", **extra) -> dict:
    return {
        "name": name,
        "kind": kind,
        "level": level,
        "city_name": city,
        "county": county,
        "postal_code": zip_code,
        **extra,
    }


# Saint Paul Legislative Code 44.06 and the Minneapolis ordinance (2017): 30 days from receipt
# by the city agency, 7 when the victim or a qualifying family member is in removal
# proceedings, raised with the request or later (verify current values; DOMAIN.md).
CITY_POLICY = {
    "policy_response_days": 30,
    "policy_expedited_days": 7,
    "policy_expedite_after_submission": True,
    "policy_expedite_family": True,
}

SEED_AGENCIES = [
    _agency(
        "Saint Paul Police Department", AgencyKind.POLICE, AgencyLevel.MUNICIPAL,
        city="Saint Paul", county="Ramsey", zip_code="55101",
        **CITY_POLICY,
    ),
    _agency(
        "Saint Paul City Attorney's Office", AgencyKind.PROSECUTOR, AgencyLevel.MUNICIPAL,
        city="Saint Paul", county="Ramsey", zip_code="55102",
        **CITY_POLICY,
    ),
    _agency(
        "Minneapolis Police Department", AgencyKind.POLICE, AgencyLevel.MUNICIPAL,
        city="Minneapolis", county="Hennepin", zip_code="55415",
        **CITY_POLICY, certified_crimes=MPLS_POLICE_CRIMES,
    ),
    _agency(
        "Minneapolis City Attorney's Office", AgencyKind.PROSECUTOR, AgencyLevel.MUNICIPAL,
        city="Minneapolis", county="Hennepin", zip_code="55415",
        **CITY_POLICY,
        certified_crimes=MPLS_CITY_ATTORNEY_CRIMES,
    ),
    _agency(
        "Minneapolis Department of Civil Rights, Labor Standards Enforcement",
        AgencyKind.CIVIL_RIGHTS, AgencyLevel.MUNICIPAL,
        city="Minneapolis", county="Hennepin", zip_code="55415",
        **CITY_POLICY,
        certified_crimes=MPLS_CIVIL_RIGHTS_CRIMES,
    ),
    _agency(
        "Hennepin County Attorney's Office", AgencyKind.PROSECUTOR, AgencyLevel.COUNTY,
        city="Minneapolis", county="Hennepin", zip_code="55487", policy_response_days=30,
    ),
    _agency(
        "Hennepin County Sheriff's Office", AgencyKind.SHERIFF, AgencyLevel.COUNTY,
        city="Minneapolis", county="Hennepin", zip_code="55487",
    ),
    _agency(
        "Ramsey County Attorney's Office", AgencyKind.PROSECUTOR, AgencyLevel.COUNTY,
        city="Saint Paul", county="Ramsey", zip_code="55102",
    ),
    _agency(
        "Ramsey County Sheriff's Office", AgencyKind.SHERIFF, AgencyLevel.COUNTY,
        city="Saint Paul", county="Ramsey", zip_code="55101",
    ),
    _agency(
        "Brooklyn Park Police Department", AgencyKind.POLICE, AgencyLevel.MUNICIPAL,
        city="Brooklyn Park", county="Hennepin", zip_code="55443",
    ),
    _agency(
        "Brooklyn Center Police Department", AgencyKind.POLICE, AgencyLevel.MUNICIPAL,
        city="Brooklyn Center", county="Hennepin", zip_code="55430",
    ),
    _agency(
        "Minnesota State Patrol", AgencyKind.STATE_PATROL, AgencyLevel.STATE,
        city="Saint Paul", zip_code="55101",
    ),
    _agency(
        "Minnesota Department of Labor and Industry", AgencyKind.LABOR, AgencyLevel.STATE,
        city="Saint Paul", zip_code="55155",
        certified_crimes=[*MPLS_CIVIL_RIGHTS_CRIMES, Crime.TRAFFICKING],
    ),
    _agency(
        "Minnesota Department of Human Rights", AgencyKind.CIVIL_RIGHTS, AgencyLevel.STATE,
        city="Saint Paul", zip_code="55101",
    ),
    _agency(
        "Federal Bureau of Investigation, Minneapolis Field Office", AgencyKind.FEDERAL_LE,
        AgencyLevel.FEDERAL, city="Brooklyn Center", zip_code="55430",
    ),
    _agency(
        "U.S. Department of Labor, Wage and Hour Division (Minneapolis District Office)",
        AgencyKind.LABOR, AgencyLevel.FEDERAL, city="Minneapolis", zip_code="55401",
        certified_crimes=[*MPLS_CIVIL_RIGHTS_CRIMES, Crime.TRAFFICKING, Crime.WITNESS_TAMPERING],
    ),
]  # fmt: skip

# Clearly fictional people (agency name -> contacts). Days since training decide currency:
# more than a year means lapsed (TRAINING_VALID_MONTHS). The Saint Paul and Minneapolis police
# and the coordinator get no primary here: load_demo_accounts makes its demo user the primary.
SEED_CONTACTS = {
    COORDINATOR_NAME: [
        ("Riley Demo-Trainer", "Training and outreach lead", ContactRole.REVIEWER, False, 60),
    ],
    "Saint Paul Police Department": [
        ("Sam Demo-Sergeant", "Sergeant, Family and Sexual Violence Unit",
         ContactRole.CERTIFYING_OFFICIAL, False, 200),
    ],
    "Saint Paul City Attorney's Office": [
        ("Pat Demo-Prosecutor", "Assistant City Attorney", ContactRole.CERTIFYING_OFFICIAL,
         True, 90),
    ],
    "Minneapolis Police Department": [
        ("Lee Demo-Lieutenant", "Lieutenant, Special Crimes Investigations",
         ContactRole.CERTIFYING_OFFICIAL, False, 500),
    ],
    "Minneapolis City Attorney's Office": [
        ("Quinn Demo-Counsel", "Supervising Attorney, Domestic Violence Unit",
         ContactRole.CERTIFYING_OFFICIAL, True, 120),
        ("Avery Demo-Paralegal", "Paralegal", ContactRole.REVIEWER, False, 45),
    ],
    "Minneapolis Department of Civil Rights, Labor Standards Enforcement": [
        ("Jordan Demo-Investigator", "Labor Standards Manager", ContactRole.CERTIFYING_OFFICIAL,
         True, 430),
    ],
    "Hennepin County Attorney's Office": [
        ("Morgan Demo-Attorney", "Deputy County Attorney", ContactRole.CERTIFYING_OFFICIAL,
         True, 30),
        ("Taylor Demo-Advocate", "Victim Witness Coordinator", ContactRole.REVIEWER, False, 400),
    ],
    "Hennepin County Sheriff's Office": [
        ("Casey Demo-Captain", "Captain, Investigations Division",
         ContactRole.CERTIFYING_OFFICIAL, True, 380),
    ],
    "Ramsey County Attorney's Office": [
        ("Drew Demo-Counsel", "Assistant County Attorney", ContactRole.CERTIFYING_OFFICIAL, True,
         150),
    ],
    "Ramsey County Sheriff's Office": [
        ("Jamie Demo-Commander", "Commander, Investigations", ContactRole.CERTIFYING_OFFICIAL,
         True, 250),
    ],
    "Brooklyn Park Police Department": [
        ("Rowan Demo-Detective", "Detective Sergeant", ContactRole.CERTIFYING_OFFICIAL, True, 20),
    ],
    # Brooklyn Center Police Department: no contact on purpose (routing rule 3, health page).
    "Minnesota State Patrol": [
        ("Kendall Demo-Major", "Major, Investigative Services", ContactRole.CERTIFYING_OFFICIAL,
         True, 100),
    ],
    "Minnesota Department of Labor and Industry": [
        ("Harper Demo-Director", "Director, Labor Standards", ContactRole.CERTIFYING_OFFICIAL,
         True, 300),
    ],
    "Minnesota Department of Human Rights": [
        ("Emerson Demo-Counsel", "General Counsel", ContactRole.CERTIFYING_OFFICIAL, True, 700),
    ],
    "Federal Bureau of Investigation, Minneapolis Field Office": [
        ("Blake Demo-Agent", "Victim Specialist", ContactRole.CERTIFYING_OFFICIAL, True, 75),
    ],
    "U.S. Department of Labor, Wage and Hour Division (Minneapolis District Office)": [
        ("Skyler Demo-Manager", "District Director", ContactRole.CERTIFYING_OFFICIAL, True, 210),
    ],
}  # fmt: skip


def _upsert(model, lookup: dict, defaults: dict, create_defaults: dict | None = None):
    """update_or_create that writes only when a value differs, so `updated_at` stays put and
    a second run really changes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults, **(create_defaults or {}))
    changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, defaults[key])
        obj.save()
    return obj


def _email_for(name: str) -> str:
    local = name.lower().replace(" ", ".").replace("-", "")
    return f"{local}@directory.demo.example"


class Command(BaseCommand):
    help = "Load the 87 Minnesota counties, the statewide coordinator and demo agencies."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        counties = {}
        for name, fips in COUNTIES:
            counties[name], _ = County.objects.update_or_create(fips=fips, defaults={"name": name})
        cities = {}
        for name, county in CITIES:
            cities[name], _ = City.objects.get_or_create(name=name, county=counties[county])

        agencies = {}
        agencies[COORDINATOR_NAME] = _upsert(
            Agency,
            {"is_statewide_coordinator": True},
            {
                "name": COORDINATOR_NAME,
                "kind": AgencyKind.STATE_COORDINATION,
                "level": AgencyLevel.STATE,
                "street_address": "445 Demo Street, Suite 100 (fictional)",
                "city_name": "Saint Paul",
                "postal_code": "55101",
                "phone": "651-555-0101",
                "public_email": "certification@dps.demo.example",
                "procedure": (
                    "The statewide coordinator takes requests for agencies without a point of "
                    "contact and overdue or escalated requests, decides them or re-routes them, "
                    "and trains agency points of contact across Minnesota."
                ),
                "is_demo": True,
            },
        )
        for number, spec in enumerate(SEED_AGENCIES, start=1):
            spec = dict(spec)
            county = spec.pop("county")
            name = spec.pop("name")
            defaults = {
                "street_address": f"{100 + number * 10} Demo Street (fictional)",
                "phone": f"651-555-{100 + number:04d}",
                "procedure": _PROCEDURE,
                "is_demo": True,
                "certified_crimes": [],
                "policy_response_days": None,
                "policy_expedited_days": None,
                "policy_expedite_after_submission": False,
                "policy_expedite_family": False,
                **{k: (list(map(str, v)) if isinstance(v, list) else v) for k, v in spec.items()},
            }
            # Minn. Stat. 611A.95 subd. 1: the default of its kind and level, set once, so an
            # administrator's recorded decision survives a second run.
            coverage = default_statute_coverage(kind=spec["kind"], level=spec["level"])
            agency = _upsert(
                Agency, {"name": name}, defaults, create_defaults={"statute_coverage": coverage}
            )
            if county:
                agency.counties.add(counties[county])
            if spec["city_name"] in cities and spec["level"] == AgencyLevel.MUNICIPAL:
                agency.cities.add(cities[spec["city_name"]])
            agencies[name] = agency

        today = timezone.localdate()
        for agency_name, people in SEED_CONTACTS.items():
            agency = agencies[agency_name]
            for name, title, role, primary, days_since_training in people:
                # Training dates are set once, when the demo contact is created, so a second run
                # on a later day changes nothing.
                _upsert(
                    PointOfContact,
                    {"agency": agency, "email": _email_for(name)},
                    {"name": f"{name} (demo)", "title": title, "role": role, "is_demo": True},
                    create_defaults={
                        "is_primary": primary
                        and not agency.contacts.filter(is_primary=True, is_active=True).exists(),
                        "phone": "651-555-0199",
                        "last_training_date": today - datetime.timedelta(days=days_since_training),
                    },
                )
        self.stdout.write(
            f"Directory: {County.objects.count()} counties, {Agency.objects.count()} agencies, "
            f"{PointOfContact.objects.count()} points of contact."
        )
