"""Who may sign for an agency, and what the statewide coordinator may decide for it.

8 CFR 214.14(a)(3): the certification is signed by the head of the certifying agency or by a
supervisory official the head has specifically designated to issue certifications. The
directory keeps each designation with its date, the head who made it and, optionally, the
letter. Where an agency's head has delegated its certifications to the statewide coordinator
in writing, the directory keeps that delegation with its signed document (whether USCIS
accepts such a certification is a question for counsel: README).

Imported by `agencies.models`, so the models are registered with the app.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


def signing_document_path(instance: models.Model, filename: str) -> str:
    # A random storage name: the original name stays in the database only.
    return f"signing/{uuid.uuid4().hex}"


class DesignationQuerySet(models.QuerySet):
    def in_force(self) -> DesignationQuerySet:
        return self.filter(revoked_on__isnull=True)


class CertifyingDesignation(models.Model):
    """A supervisory official the head of the agency designated to sign certifications
    (8 CFR 214.14(a)(3)(i))."""

    # Lazy references ("app.Model"): agencies.models imports this module to register it.
    contact = models.ForeignKey(
        "agencies.PointOfContact", on_delete=models.CASCADE, related_name="designations"
    )
    designated_on = models.DateField("date of the designation")
    # The head who made it; empty when it was recorded from a letter by an administrator.
    designated_by = models.ForeignKey(
        "agencies.PointOfContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="designations_made",
    )
    letter = models.FileField(
        "designation letter", upload_to=signing_document_path, max_length=200, blank=True
    )
    letter_content_type = models.CharField(max_length=60, blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["-designated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(revoked_on__isnull=True),
                name="one_designation_in_force_per_contact",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact.name}, designated {self.designated_on}"


class DelegationQuerySet(models.QuerySet):
    def in_force(self) -> DelegationQuerySet:
        return self.filter(revoked_on__isnull=True)


class Delegation(models.Model):
    """The head of an agency delegated its certifications to the statewide coordinator in
    writing: the coordinator then decides that agency's requests."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="delegations"
    )
    document = models.FileField(
        "signed delegation", upload_to=signing_document_path, max_length=200
    )
    document_content_type = models.CharField(max_length=60, blank=True)
    signed_on = models.DateField("date signed")
    signed_by = models.CharField("signed by (name and title)", max_length=200)
    revoked_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "-signed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(revoked_on__isnull=True),
                name="one_delegation_in_force_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.name}: delegated {self.signed_on}"
