"""Writes to the signing records: designations by the head (8 CFR 214.14(a)(3)), written
delegations to the statewide coordinator, and the trainings DPS gives."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log
from certifications.uploads import validate_upload

from .models import Agency, PointOfContact, TrainingRecord
from .services import contact_training_sync
from .signing import CertifyingDesignation, Delegation

# The provider recorded on the trainings the statewide coordinator gives (DOMAIN: DPS trains
# and supports the points of contact).
DPS_PROVIDER = "DPS"


class SigningError(Exception):
    """Refused for a reason the person can fix; the message is shown as is."""


def _clean(upload, *, target: str, user: User):
    try:
        return validate_upload(upload, target=target, user=user)
    except ValidationError as exc:
        raise SigningError(" ".join(exc.messages)) from exc


def designation_create(
    *,
    head: PointOfContact,
    contact: PointOfContact,
    designated_on: datetime.date,
    actor: User,
    letter=None,
) -> CertifyingDesignation:
    """The head designates one of the agency's active contacts to sign certifications."""
    if not head.is_agency_head or not head.is_active:
        raise SigningError(_("Only the head of the agency designates who signs for it."))
    if contact.agency_id != head.agency_id or not contact.is_active:
        raise SigningError(_("Choose an active point of contact of your agency."))
    if contact.is_agency_head:
        raise SigningError(
            _("%(contact)s is a head of the agency and signs without one.")
            % {"contact": contact.name}
        )
    if designated_on > timezone.localdate():
        raise SigningError(_("The date of the designation cannot be in the future."))
    clean = _clean(letter, target=f"designation:{contact.pk}", user=actor) if letter else None
    designation = CertifyingDesignation(
        contact=contact, designated_on=designated_on, designated_by=head
    )
    if clean is not None:
        designation.letter.save(f"letter.{clean.extension}", ContentFile(clean.content), False)
        designation.letter_content_type = clean.content_type
    try:
        with transaction.atomic():
            designation.save()
    except IntegrityError:
        if designation.letter:
            designation.letter.delete(save=False)
        raise SigningError(
            _("%(contact)s is already designated.") % {"contact": contact.name}
        ) from None
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target=f"contact:{contact.pk}",
        detail="designated to sign certifications",
    )
    return designation


def designation_revoke(
    *, head: PointOfContact, designation: CertifyingDesignation, actor: User
) -> CertifyingDesignation:
    if not head.is_agency_head or designation.contact.agency_id != head.agency_id:
        raise SigningError(_("Only the head of the agency revokes its designations."))
    if designation.revoked_on is not None:
        raise SigningError(_("This designation was already revoked."))
    designation.revoked_on = timezone.localdate()
    designation.save(update_fields=["revoked_on"])
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target=f"contact:{designation.contact_id}",
        detail="designation to sign revoked",
    )
    return designation


def delegation_create(
    *, agency: Agency, signed_on: datetime.date, signed_by: str, document, actor: User
) -> Delegation:
    """Record an agency head's written delegation of its certifications to the coordinator."""
    signed_by = signed_by.strip()
    if agency.is_statewide_coordinator:
        raise SigningError(_("The coordinator's own agency needs no delegation."))
    if not signed_by:
        raise SigningError(_("Name the head of the agency who signed the delegation."))
    if signed_on > timezone.localdate():
        raise SigningError(_("The date signed cannot be in the future."))
    if document is None:
        raise SigningError(_("Attach the signed delegation."))
    clean = _clean(document, target=f"delegation:{agency.pk}", user=actor)
    delegation = Delegation(
        agency=agency,
        signed_on=signed_on,
        signed_by=signed_by[:200],
        recorded_by=actor,
        document_content_type=clean.content_type,
    )
    delegation.document.save(f"delegation.{clean.extension}", ContentFile(clean.content), False)
    try:
        with transaction.atomic():
            delegation.save()
    except IntegrityError:
        delegation.document.delete(save=False)
        raise SigningError(
            _("%(agency)s already has a delegation in force.") % {"agency": agency.name}
        ) from None
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target=f"agency:{agency.pk}",
        detail="certifications delegated to the statewide coordinator",
    )
    return delegation


def delegation_revoke(*, delegation: Delegation, actor: User) -> Delegation:
    if delegation.revoked_on is not None:
        raise SigningError(_("This delegation was already revoked."))
    delegation.revoked_on = timezone.localdate()
    delegation.save(update_fields=["revoked_on"])
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target=f"agency:{delegation.agency_id}",
        detail="delegation to the statewide coordinator revoked",
    )
    return delegation


def dps_training_record(
    *, contacts: list[PointOfContact], date: datetime.date, topic: str, actor: User
) -> int:
    """Record a training DPS gave to these contacts; their last training date follows."""
    topic = topic.strip()
    if not contacts:
        raise SigningError(_("Choose the points of contact who took the training."))
    if not topic:
        raise SigningError(_("Give the training's topic."))
    if date > timezone.localdate():
        raise SigningError(_("The training's date cannot be in the future."))
    with transaction.atomic():
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(contact=c, date=date, topic=topic[:200], provider=DPS_PROVIDER)
                for c in contacts
            ]
        )
        for contact in contacts:
            contact_training_sync(contact=contact)
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target="training",
        detail=f"DPS training recorded for {len(contacts)} contact(s)",
    )
    return len(contacts)
