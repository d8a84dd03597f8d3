"""Distinctive victim values: seeded by the canary tests, searched for everywhere afterwards."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

CANARY_NAME = "Zyxwvut"
CANARY_FAMILY = "Canaryname"
CANARY_A_NUMBER = "A987654321"
CANARY_NARRATIVE = "Qwertzuiop canary narrative of the crime"
CANARY_FILE_BYTES = b"%PDF-1.4 canary-file-content-Plokmijn"
CANARY_STRINGS = (CANARY_FAMILY, CANARY_A_NUMBER, "Qwertzuiop", "Plokmijn")


def seed_canary_request(personas, *, status_path=("submit",)):
    """A request of org A routed to agency X, full of canary values, with an attachment (a real
    file), a message, a family member and events."""
    from certifications.models import Attachment, FamilyMember, Message
    from certifications.services import certification_request_transition
    from tests.factories import make_request

    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        victim_given_name=CANARY_NAME,
        victim_family_name=CANARY_FAMILY,
        victim_other_names=f"{CANARY_NAME} {CANARY_FAMILY}-Alias",
        victim_a_number=CANARY_A_NUMBER,
        victim_date_of_birth=datetime.date(1987, 6, 5),
        narrative=CANARY_NARRATIVE,
        known_injuries=f"{CANARY_FAMILY} broken arm",
        helpfulness=f"{CANARY_FAMILY} testified",
        case_number="CN-Qwertzuiop-1",
        consent_by=f"{CANARY_NAME} {CANARY_FAMILY}",
        requested_agency=personas.agency_x,
    )
    # A save() after creation, as an edit of the draft makes.
    request.victim_middle_name = "Qwertzuiop"
    request.save()
    for action in status_path:
        updates = {}
        if action == "submit":
            updates = {
                "agency": personas.agency_x,
                "assigned_contact": personas.contact_x.point_of_contact,
                "submitted_at": request.created_at,
                "due_date": datetime.date.today() + datetime.timedelta(days=60),
            }
        request = certification_request_transition(
            cert_request=request,
            action=action,
            actor=personas.advocate_a,
            note=f"note about {CANARY_FAMILY}",
            updates=updates,
        )
    message = Message.objects.create(
        request=request, author=personas.advocate_a, body=f"Message about {CANARY_FAMILY}"
    )
    attachment = Attachment(
        request=request,
        message=message,
        kind="police_report",
        original_name=f"{CANARY_FAMILY} police report.pdf",
        content_type="application/pdf",
        size=len(CANARY_FILE_BYTES),
        sha256="0" * 64,
        uploaded_by=personas.advocate_a,
    )
    attachment.file.save("ignored", ContentFile(CANARY_FILE_BYTES), save=False)
    attachment.save()
    FamilyMember.objects.create(
        request=request, full_name=f"{CANARY_FAMILY} Brother", relationship="brother"
    )
    return request, attachment, message


def decrypted_hits(needles) -> list[str]:
    """Every (model, field) whose value, as the portal reads it (decrypted), contains one of
    `needles`: the raw scan of the tables cannot see through the encryption, this one can."""
    from django.apps import apps
    from django.db import models

    text_fields = (models.CharField, models.TextField, models.JSONField, models.DateField)
    hits = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, text_fields)]
        if not names:
            continue
        for row in model._default_manager.values_list(*names).iterator():
            for name, value in zip(names, row, strict=True):
                for needle in needles:
                    if value is not None and needle in str(value):
                        hits.append(f"{model._meta.label}.{name} contains {needle!r}")
    return hits


def stored_file_hits(needle: bytes) -> list[str]:
    """Every stored file whose content, as the portal serves it (decrypted), holds `needle`."""
    from django.core.files.storage import default_storage

    hits = []
    for name in default_storage.stored_names():
        with default_storage.open(name) as handle:
            if needle in handle.read():
                hits.append(name)
    return hits
