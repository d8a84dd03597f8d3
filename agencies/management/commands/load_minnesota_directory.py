"""Load the Minnesota directory. Idempotent: running it twice changes nothing the second time."""

from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.models import Agency, AgencyKind, AgencyLevel, County

COORDINATOR_NAME = "Minnesota Department of Public Safety (statewide coordinator)"

SEED_AGENCIES = [
    # name, kind, level, city, county, policy days, expedited days
    (
        "Saint Paul Police Department",
        AgencyKind.POLICE,
        AgencyLevel.MUNICIPAL,
        "Saint Paul",
        "Ramsey",
        30,
        7,
    ),
    (
        "Minneapolis Police Department",
        AgencyKind.POLICE,
        AgencyLevel.MUNICIPAL,
        "Minneapolis",
        "Hennepin",
        30,
        7,
    ),
]
COUNTIES = [("Hennepin", "27053"), ("Ramsey", "27123")]


class Command(BaseCommand):
    help = "Load the Minnesota counties, the statewide coordinator and demo agencies."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        counties = {}
        for name, fips in COUNTIES:
            counties[name], _ = County.objects.update_or_create(fips=fips, defaults={"name": name})
        Agency.objects.update_or_create(
            is_statewide_coordinator=True,
            defaults={
                "name": COORDINATOR_NAME,
                "kind": AgencyKind.STATE_COORDINATION,
                "level": AgencyLevel.STATE,
                "city_name": "Saint Paul",
                "is_demo": True,
            },
        )
        for name, kind, level, city, county, days, exp_days in SEED_AGENCIES:
            agency, _ = Agency.objects.update_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "level": level,
                    "city_name": city,
                    "policy_response_days": days,
                    "policy_expedited_days": exp_days,
                    "is_demo": True,
                },
            )
            agency.counties.add(counties[county])
        self.stdout.write(f"Directory: {Agency.objects.count()} agencies.")
