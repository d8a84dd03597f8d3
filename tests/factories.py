"""factory_boy factories. Names and numbers are fictional."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Role, User
from agencies.models import Agency, AgencyKind, AgencyLevel, ContactRole, County, PointOfContact
from certifications.choices import Crime, FormType
from certifications.models import CertificationRequest
from certifications.services import certification_request_create

TEST_PASSWORD = "correct-horse-battery-staple-42"


def totp_secret_for(email: str) -> str:
    """A fixed TOTP secret per test address, so a browser test can compute the current code."""
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha256(email.lower().encode()).digest()[:20]).decode()


def give_totp(user) -> str:
    """Enrol `user` in TOTP (as the setup page would) and return the secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    secret = totp_secret_for(user.email)
    Authenticator.objects.update_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(secret)}}
    )
    return secret


def current_totp_code(email: str) -> str:
    """The code an authenticator app would show now for this test address."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(totp_secret_for(email), counter))


def fresh_totp_code(email: str) -> str:
    """The current code, made usable again: allauth refuses a code already used in this
    30-second window, which a test signing in twice would otherwise hit."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    code = current_totp_code(email)
    for auth in Authenticator.objects.filter(
        user__email=email.lower(), type=Authenticator.Type.TOTP
    ):
        cache.delete(TOTP(auth)._get_used_cache_key(code))
    return code


def sign_in(client, email: str, password: str = TEST_PASSWORD):
    """Sign in through the real forms, as a person would: the password, then (every role has
    a second factor) the current code from the authenticator app. The last response."""
    from django.urls import reverse

    response = client.post(reverse("account_login"), {"login": email, "password": password})
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(email)})
    return response


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Advocacy Program {n}")
    kind = OrganizationKind.DV_SA_PROGRAM
    address = "1 Example Plaza, Saint Paul, MN 55101"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    role = Role.ADVOCATE
    # Approved by someone else already (accounts/approvals.py); pass approved_at=None for an
    # account that waits.
    approved_at = factory.LazyFunction(timezone.now)
    organization = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.ADVOCATE),
        yes_declaration=factory.SubFactory(OrganizationFactory),
        no_declaration=None,
    )

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Every role must use a second factor, so a test user comes enrolled, as if they had
        set up their authenticator app; `UserFactory(totp=False)` for one who has not yet."""
        if create and extracted is not False:
            give_totp(self)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("fips",)

    name = factory.Sequence(lambda n: f"County{n}")
    fips = factory.Sequence(lambda n: f"27{n:03d}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Example Police Department {n}")
    kind = AgencyKind.POLICE
    level = AgencyLevel.MUNICIPAL
    city_name = "Saint Paul"
    street_address = "15 Kellogg Blvd W"
    postal_code = "55102"
    phone = "651-555-0100"


class PointOfContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointOfContact

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Officer Contact {n}")
    title = "Sergeant"
    email = factory.Sequence(lambda n: f"contact{n}@agency.example.org")
    role = ContactRole.CERTIFYING_OFFICIAL
    is_primary = False
    is_active = True
    last_training_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )


def make_request(*, organization, created_by, form_type=FormType.U, **fields):
    """A draft with the fields most tests need; override any field by keyword."""
    defaults = {
        "victim_family_name": "Example",
        "victim_given_name": "Victim",
        "victim_date_of_birth": datetime.date(1990, 5, 17),
        "crimes": [Crime.DOMESTIC_VIOLENCE.value] if form_type == FormType.U else [],
        "crime_date_from": datetime.date(2025, 3, 1),
        "crime_city": "Saint Paul",
        "narrative": "Assaulted at home; reported to police the same night.",
        "helpfulness": "Gave a statement and testified.",
        "consent_given": True,
        "consent_by": "The victim",
        "consent_date": datetime.date(2026, 1, 5),
    }
    defaults.update(fields)
    request = certification_request_create(
        organization=organization, created_by=created_by, form_type=form_type, **defaults
    )
    if defaults["consent_given"] and request.requested_agency_id:
        # The victim's release naming the agency asked (what a ticked consent box becomes).
        make_release(request, [request.requested_agency])
    return request


def make_release(
    request, agencies, *, covers_coordinator=True, signed_on=None, expires_on=None, **fields
):
    """A release on `request` naming `agencies` (no document: fixture data, as a release
    carried over from the consent box). No expiry unless `expires_on` is given."""
    from certifications.models import Release

    release = Release.objects.create(
        request=request,
        covers_coordinator=covers_coordinator,
        signed_on=signed_on or datetime.date(2026, 1, 5),
        expires_on=expires_on,
        given_by=fields.pop("given_by", "The victim"),
        **fields,
    )
    release.agencies.set(agencies)
    return release


def make_submitted_request(
    *,
    organization,
    created_by,
    agency,
    assigned_contact=None,
    submitted_at=None,
    due_date=None,
    in_removal_proceedings=False,
    status=None,
    actor=None,
    **fields,
):
    """A request submitted to `agency` through the one transition service (its event and
    notices included), due by the statute or the agency's stricter policy unless `due_date` is
    given. `status` walks it further: in_review, info_requested."""
    from certifications.choices import Action, Status
    from certifications.deadlines import compute_due_date
    from certifications.services import certification_request_transition

    submitted_at = submitted_at or timezone.now()
    request = make_request(
        organization=organization,
        created_by=created_by,
        in_removal_proceedings=in_removal_proceedings,
        **fields,
    )
    deadline = compute_due_date(
        requested_on=timezone.localdate(submitted_at),
        in_removal_proceedings=in_removal_proceedings,
        agency=agency,
    )
    request = certification_request_transition(
        cert_request=request,
        action=Action.SUBMIT,
        actor=created_by,
        updates={
            "agency": agency,
            "assigned_contact": assigned_contact,
            "submitted_at": submitted_at,
            "due_date": due_date or deadline.due_date,
            "deadline_basis": deadline.basis,
            "deadline_source": deadline.source,
            "received_by_agency_on": timezone.localdate(submitted_at),
            "routing_reason": f"Routed to {agency.name}, the agency named in the request.",
        },
    )
    if request.consent_given and not request.releases.filter(agencies=agency).exists():
        make_release(request, [agency])
    if status in (Status.IN_REVIEW, Status.INFO_REQUESTED):
        request = certification_request_transition(
            cert_request=request, action=Action.START_REVIEW, actor=actor
        )
    if status == Status.INFO_REQUESTED:
        request = certification_request_transition(
            cert_request=request, action=Action.REQUEST_INFO, actor=actor, note="Need the report."
        )
    return request


__all__ = [
    "AgencyFactory",
    "CertificationRequest",
    "CountyFactory",
    "OrganizationFactory",
    "PointOfContactFactory",
    "TEST_PASSWORD",
    "UserFactory",
    "current_totp_code",
    "make_release",
    "fresh_totp_code",
    "sign_in",
    "give_totp",
    "totp_secret_for",
    "make_request",
    "make_submitted_request",
]
