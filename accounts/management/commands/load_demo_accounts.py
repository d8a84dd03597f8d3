"""Demo organizations and one account per role, for `make run`. Idempotent.

The accounts are fictional and share one demo password; never run this in production (it
refuses unless DEBUG is on or --force is given).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Role, User
from accounts.permissions import administrator_access_set
from agencies.models import Agency, CertifyingDesignation, ContactRole, PointOfContact

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed by `make run`, demo only


def demo_totp_secret(email: str) -> str:
    """A fixed authenticator secret per demo account (demo only), so `make run` can print it
    and a person can add it to an authenticator app, or read the current code from
    `manage.py demo_totp_code EMAIL`."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


DEMO_ORGS = [
    (
        "Demo Advocacy Center (fictional)",
        OrganizationKind.DV_SA_PROGRAM,
        "100 Example Street, Saint Paul, MN 55101",
    ),
    (
        "Demo Legal Aid (fictional)",
        OrganizationKind.LEGAL_AID,
        "200 Sample Avenue, Minneapolis, MN 55401",
    ),
]

# email, full name, role, organization index or agency name, contact title
DEMO_USERS = [
    ("advocate@demo.example", "Ana Advocate (demo)", Role.ADVOCATE, 0, ""),
    ("advocate2@demo.example", "Bo Legal-Aid (demo)", Role.ADVOCATE, 1, ""),
    (
        "contact@stpaul.demo.example",
        "Casey Contact (demo)",
        Role.AGENCY_CONTACT,
        "Saint Paul Police Department",
        "Sergeant, Family Violence Unit",
    ),
    (
        "contact@minneapolis.demo.example",
        "Morgan Reviewer (demo)",
        Role.AGENCY_CONTACT,
        "Minneapolis Police Department",
        "Lieutenant, Special Crimes",
    ),
    (
        "coordinator@dps.demo.example",
        "Dana Coordinator (demo)",
        Role.COORDINATOR,
        "__coordinator__",
        "Statewide U/T certification coordinator",
    ),
    ("admin@demo.example", "Alex Administrator (demo)", Role.ADMINISTRATOR, None, ""),
    ("lead@demo.example", "Lee Lead (demo)", Role.ADVOCATE, 0, ""),
]
# The lead of the demo advocacy center: approves its new advocates.
DEMO_LEAD = "lead@demo.example"


class Command(BaseCommand):
    help = "Create demo organizations and one demo account per role (DEBUG only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo accounts are for development only (DEBUG is off).")
        orgs = []
        for name, kind, address in DEMO_ORGS:
            org, _ = Organization.objects.update_or_create(
                name=name, defaults={"kind": kind, "address": address}
            )
            orgs.append(org)
        for email, full_name, role, link, title in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(email=email)
                user.set_password(DEMO_PASSWORD)
            user.full_name = full_name
            user.role = role
            user.organization = orgs[link] if isinstance(link, int) else None
            # The demo comes approved (no one to wait for); the first organization has a
            # lead, so the approvals page has someone to show it to.
            user.approved_at = user.approved_at or timezone.now()
            user.is_organization_lead = email == DEMO_LEAD
            user.save()
            # Administrators are staff with the administrators' group, never superusers.
            administrator_access_set(user=user)
            if user.requires_mfa:
                # Every role must use a second factor (CJIS 5.6.2.2): enrol the demo secret.
                from allauth.mfa.models import Authenticator
                from allauth.mfa.utils import encrypt

                Authenticator.objects.update_or_create(
                    user=user,
                    type=Authenticator.Type.TOTP,
                    defaults={"data": {"secret": encrypt(demo_totp_secret(email))}},
                )
            if isinstance(link, str):
                agency = (
                    Agency.objects.get(is_statewide_coordinator=True)
                    if link == "__coordinator__"
                    else Agency.objects.get(name=link)
                )
                has_primary = (
                    agency.contacts.filter(is_primary=True, is_active=True)
                    .exclude(user=user)
                    .exists()
                )
                contact, _ = PointOfContact.objects.update_or_create(
                    user=user,
                    defaults={
                        "agency": agency,
                        "name": full_name,
                        "title": title,
                        "email": email,
                        "role": ContactRole.CERTIFYING_OFFICIAL,
                        "is_primary": not has_primary,
                        "is_demo": True,
                    },
                )
                # Each demo contact signs as an official its head designated (8 CFR
                # 214.14(a)(3)), so the demo can record decisions; recorded once.
                if not CertifyingDesignation.objects.in_force().filter(contact=contact).exists():
                    CertifyingDesignation.objects.create(
                        contact=contact, designated_on=timezone.localdate()
                    )
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, _name, role, _link, _title in DEMO_USERS:
            label = "Organization lead" if email == DEMO_LEAD else Role(role).label
            line = f"  {label:<26} {email}"
            if User.objects.get(email=email).requires_mfa:
                line += f"  (authenticator secret {demo_totp_secret(email)})"
            self.stdout.write(line)
        self.stdout.write(
            "  Every account asks for a 6-digit code after the password: add its secret to an "
            "authenticator app, or run\n"
            f"  `DEBUG=1 .venv/bin/python manage.py demo_totp_code {DEMO_USERS[0][0]}`"
            " (any address above)."
        )
