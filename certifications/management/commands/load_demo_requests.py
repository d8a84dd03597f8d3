"""A few fictional requests for `make run`, so every role's pages show something. Idempotent:
nothing is added when the demo organization already has requests. DEBUG only.

They go through the same services as the portal (submission routes them and computes the due
date; the agency's actions go through the transition service), so they also exercise the
notifications and the draft pre-render.
"""

import datetime
import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from agencies.models import Agency, CertifyingDesignation, County, PointOfContact
from certifications.choices import AttachmentKind, Crime, FormType, Gender, TraffickingType
from certifications.models import CertificationRequest
from certifications.services.core import certification_request_create
from certifications.services.intake import attachment_add, certification_request_submit
from certifications.services.releases import release_add
from certifications.services.review import (
    certification_request_certify,
    certification_request_request_info,
    certification_request_start_review,
)


def _demo_signer(user: User) -> PointOfContact:
    """The demo contact signs as an official its agency's head designated (8 CFR
    214.14(a)(3)); the designation is recorded once."""
    contact = user.point_of_contact
    if not CertifyingDesignation.objects.in_force().filter(contact=contact).exists():
        CertifyingDesignation.objects.create(contact=contact, designated_on=timezone.localdate())
    contact.designated = True
    return contact


DEMO_ORG = "Demo Advocacy Center (fictional)"
ADVOCATE = "advocate@demo.example"
CONTACT = "contact@stpaul.demo.example"

# Fictional people; names with accents on purpose (the drafts must render them).
DEMO_VICTIMS = [
    ("Nguyễn", "Thị Lan", FormType.U, [Crime.DOMESTIC_VIOLENCE, Crime.FELONIOUS_ASSAULT], True),
    ("Muñoz", "Rosa", FormType.U, [Crime.SEXUAL_ASSAULT], False),
    ("Cabdi", "Xaliimo", FormType.T, [], False),
    ("Xiong", "Mai", FormType.U, [Crime.STALKING], False),
]


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Command(BaseCommand):
    help = "Create a few fictional demo requests (DEBUG only)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo requests are for development only (DEBUG is off).")
        org = Organization.objects.get(name=DEMO_ORG)
        if CertificationRequest.objects.filter(organization=org).exists():
            self.stdout.write("Demo requests: already loaded.")
            return
        advocate = User.objects.get(email=ADVOCATE)
        contact = User.objects.get(email=CONTACT)
        agency = Agency.objects.get(name="Saint Paul Police Department")
        county = County.objects.get(name="Ramsey")
        created = []
        for n, (family, given, form_type, crimes, removal) in enumerate(DEMO_VICTIMS):
            created.append(
                certification_request_create(
                    organization=org,
                    created_by=advocate,
                    form_type=form_type,
                    victim_family_name=family,
                    victim_given_name=given,
                    victim_date_of_birth=datetime.date(1985 + n * 3, 3 + n, 10 + n),
                    victim_gender=Gender.FEMALE,
                    victim_preferred_language=["vi", "es", "so", "hmn"][n],
                    victim_interpreter_needed=True,
                    in_removal_proceedings=removal,
                    crimes=[c.value for c in crimes],
                    trafficking_types=(
                        [TraffickingType.LABOR_INVOLUNTARY_SERVITUDE.value]
                        if form_type == FormType.T
                        else []
                    ),
                    crime_date_from=timezone.localdate() - datetime.timedelta(days=200 + n * 40),
                    crime_city="Saint Paul",
                    crime_county=county,
                    case_number=f"SP-DEMO-{1000 + n}",
                    requested_agency=agency,
                    narrative="Fictional demo narrative: the victim reported the crime to police "
                    "and gave a statement.",
                    helpfulness="Gave a statement, identified the suspect, and agreed to testify.",
                    consent_given=True,
                    consent_by="The victim (fictional demo)",
                    consent_date=timezone.localdate(),
                )
            )
        for obj in created:
            # VAWA 34 U.S.C. 12291(b)(2): the victim's signed release naming the agency.
            release_add(
                cert_request=obj,
                actor=advocate,
                agencies=[agency],
                covers_coordinator=True,
                signed_on=timezone.localdate(),
                expires_on=timezone.localdate() + datetime.timedelta(days=365),
                given_by="The victim (fictional demo)",
                language="English",
                interpreter_name="",
                document=SimpleUploadedFile("release-demo.pdf", _blank_pdf()),
            )
            if obj.in_removal_proceedings:
                # Minn. Stat. 611A.95 subd. 2: the expedite needs its proof with the request.
                attachment_add(
                    cert_request=obj,
                    actor=advocate,
                    upload=SimpleUploadedFile("notice-to-appear-demo.pdf", _blank_pdf()),
                    kind=AttachmentKind.NOTICE_TO_APPEAR,
                )
        submitted = [
            certification_request_submit(cert_request=r, actor=advocate) for r in created[:3]
        ]
        # One waiting on the advocate, one certified; the others stay new, and the last a draft.
        certification_request_request_info(
            cert_request=certification_request_start_review(
                cert_request=submitted[1], actor=contact
            ),
            actor=contact,
            message="Please add the date the victim gave her statement.",
        )
        certification_request_certify(
            cert_request=certification_request_start_review(
                cert_request=submitted[2], actor=contact
            ),
            actor=contact,
            signer=_demo_signer(contact),
            # Signed the day it arrived: a signature dated before the request would read as a
            # mistake in the demo's letters and timeline.
            signature_date=timezone.localdate(),
        )
        self.stdout.write(f"Demo requests: {len(created)} loaded (fictional).")
