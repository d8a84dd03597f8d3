"""Draft documents (Form I-918 / I-914 Supplement B and the cover letter): the agency's own
answers on the draft, and the rendered files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from uvisa_portal.fields import EncryptedCharField, EncryptedTextField

from ..choices import YesNoUnknown
from .requests import CertificationRequest


class CaseStatus(models.TextChoices):
    """Form I-918 Supp. B Part 2: status of the case."""

    ONGOING = "ongoing", "On-going"
    COMPLETED = "completed", "Completed"
    OTHER = "other", "Other"


class AgencyType(models.TextChoices):
    """Form I-918 Supp. B Part 2: agency type."""

    FEDERAL = "federal", "Federal"
    STATE = "state", "State"
    LOCAL = "local", "Local"


class AgencyCategory(models.TextChoices):
    """Form I-918 Supp. B Part 2: agency category."""

    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PROSECUTOR = "prosecutor", "Prosecutor"
    JUDGE = "judge", "Judge"
    OTHER = "other", "Other"


class OfficialCapacity(models.TextChoices):
    """Who may sign the certification (8 CFR 214.14(a)(2)-(3)): the head of the certifying
    agency, a supervisory official the head has designated, or a judge."""

    HEAD = "head", "Head of the certifying agency"
    DESIGNEE = "designee", "Official designated by the head of the agency"
    JUDGE = "judge", "Judge"


class AgencyFormAnswers(models.Model):
    """The certifying agency's own answers to Parts 2-4 of the draft, kept apart from the
    advocate's data, which is never overwritten.

    A blank field (or a null list) means "use what the request and the directory say"; the
    draft shows the agency's answer wherever there is one. The answers about the victim and
    the case (description, injuries, helpfulness, case and FBI/SID numbers, location) are
    stored encrypted, like the request's own (uvisa_portal.fields).
    """

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.CASCADE, related_name="agency_answers"
    )
    # --- Part 2 ---
    agency_name = models.CharField("name of the certifying agency", max_length=200, blank=True)
    agency_address = models.CharField("agency address", max_length=300, blank=True)
    certifying_official_name = models.CharField(max_length=200, blank=True)
    certifying_official_title = models.CharField(max_length=200, blank=True)
    division_office = models.CharField("division or office", max_length=200, blank=True)
    head_of_agency_name = models.CharField(
        "head of the agency (if the official is a designee)", max_length=200, blank=True
    )
    agency_phone = models.CharField("phone", max_length=40, blank=True)
    agency_fax = models.CharField("fax", max_length=40, blank=True)
    agency_email = models.EmailField("e-mail", blank=True)
    agency_type = models.CharField(max_length=10, choices=AgencyType.choices, blank=True)
    agency_category = models.CharField(max_length=20, choices=AgencyCategory.choices, blank=True)
    agency_category_other = models.CharField("other agency category", max_length=100, blank=True)
    case_status = models.CharField(max_length=10, choices=CaseStatus.choices, blank=True)
    case_status_other = models.CharField("other case status", max_length=200, blank=True)
    case_number = EncryptedCharField(max_length=100, blank=True)
    fbi_sid_number = EncryptedCharField("FBI or SID number", max_length=100, blank=True)
    # --- Part 3 ---
    crimes = models.JSONField(null=True, blank=True)
    trafficking_types = models.JSONField(null=True, blank=True)
    crime_dates = models.CharField("date(s) of the criminal activity", max_length=200, blank=True)
    statutes_cited = models.CharField(max_length=500, blank=True)
    crime_location = EncryptedCharField("location", max_length=200, blank=True)
    activity_description = EncryptedTextField("description of the criminal activity", blank=True)
    known_injuries = EncryptedTextField(blank=True)
    # --- Part 4 ---
    possesses_information = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    has_been_helpful = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    refused_assistance = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    helpfulness_explanation = EncryptedTextField(blank=True)
    refusal_explanation = EncryptedTextField(blank=True)

    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "agency answers on the draft form"
        verbose_name_plural = "agency answers on draft forms"

    def __str__(self) -> str:
        return f"agency answers #{self.pk}"


class DocumentKind(models.TextChoices):
    SUPPLEMENT_B = "supplement_b", "Draft Supplement B"
    COVER_LETTER = "cover_letter", "Cover letter"


def generated_document_path(instance: GeneratedDocument, filename: str) -> str:
    # Random storage name: nothing about the victim on disk or in a URL.
    return f"documents/{uuid.uuid4().hex}.pdf"


class GeneratedDocument(models.Model):
    """A rendered draft, kept while its `content_hash` (of every input) matches the request."""

    request = models.ForeignKey(
        CertificationRequest, on_delete=models.CASCADE, related_name="generated_documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    content_hash = models.CharField(max_length=64)
    edition = models.CharField(max_length=20, blank=True)
    file = models.FileField(upload_to=generated_document_path, max_length=200)
    size = models.PositiveIntegerField(default=0)
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-generated_at", "-id"]
        constraints = [
            # Two workers rendering the same inputs store one row (the task may run twice).
            models.UniqueConstraint(
                fields=["request", "kind", "content_hash"], name="unique_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
