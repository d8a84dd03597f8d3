"""Draft documents (Form I-918 / I-914 Supplement B and the cover letter): the agency's own
answers on the draft, and the rendered files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uvisa_portal.fields import EncryptedCharField, EncryptedTextField

from ..choices import YesNoUnknown
from .requests import CertificationRequest


class CaseStatus(models.TextChoices):
    """Form I-918 Supp. B Part 2: status of the case."""

    ONGOING = "ongoing", _("On-going")
    COMPLETED = "completed", _("Completed")
    OTHER = "other", _("Other")


class AgencyType(models.TextChoices):
    """Form I-918 Supp. B Part 2: agency type."""

    FEDERAL = "federal", _("Federal")
    STATE = "state", _("State")
    LOCAL = "local", _("Local")


class AgencyCategory(models.TextChoices):
    """Form I-918 Supp. B Part 2: agency category."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    JUDGE = "judge", _("Judge")
    OTHER = "other", _("Other")


class OfficialCapacity(models.TextChoices):
    """Who may sign the certification (8 CFR 214.14(a)(2)-(3)): the head of the certifying
    agency, a supervisory official the head has designated, or a judge."""

    HEAD = "head", _("Head of the certifying agency")
    DESIGNEE = "designee", _("Official designated by the head of the agency")
    JUDGE = "judge", _("Judge")


class AgencyFormAnswers(models.Model):
    """The certifying agency's own answers to Parts 2-6 of the form, item by item as the
    editions have them (`REQUIRED_ITEM_FIELDS` says which fields answer which item), kept
    apart from the advocate's data, which is never overwritten.

    A blank field (or a null list) means "not answered yet": the agency's items then show
    what the request and the directory say, the certifying official's items stay empty. The
    answers about the victim and the case (description, injuries, helpfulness, case and
    FBI/SID numbers, family members) are stored encrypted, like the request's own
    (uvisa_portal.fields).
    """

    request = models.OneToOneField(
        CertificationRequest, on_delete=models.CASCADE, related_name="agency_answers"
    )
    # --- Part 2 ---
    agency_name = models.CharField(_("name of the certifying agency"), max_length=200, blank=True)
    # Who signs, and in what capacity (8 CFR 214.14(a)(2)-(3)). Kept as a choice and split
    # names, not free text, so that a list of the agency's designated officials can fill them.
    official_capacity = models.CharField(
        max_length=10, choices=OfficialCapacity.choices, blank=True
    )
    official_family_name = models.CharField(max_length=100, blank=True)
    official_given_name = models.CharField(max_length=100, blank=True)
    official_middle_name = models.CharField(max_length=100, blank=True)
    certifying_official_title = models.CharField(
        _("title and division or office"), max_length=200, blank=True
    )
    head_family_name = models.CharField(max_length=100, blank=True)
    head_given_name = models.CharField(max_length=100, blank=True)
    head_middle_name = models.CharField(max_length=100, blank=True)
    head_title = models.CharField(_("title of the head of the agency"), max_length=200, blank=True)
    address_street = models.CharField(_("street number and name"), max_length=200, blank=True)
    address_unit = models.CharField(_("apt., suite or floor"), max_length=40, blank=True)
    address_city = models.CharField(_("city or town"), max_length=100, blank=True)
    address_state = models.CharField(_("state"), max_length=2, blank=True)
    address_zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    agency_type = models.CharField(max_length=10, choices=AgencyType.choices, blank=True)
    agency_category = models.CharField(max_length=20, choices=AgencyCategory.choices, blank=True)
    agency_category_other = models.CharField(_("other agency category"), max_length=100, blank=True)
    case_status = models.CharField(max_length=10, choices=CaseStatus.choices, blank=True)
    case_status_other = models.CharField(_("other case status"), max_length=200, blank=True)
    case_number = EncryptedCharField(max_length=100, blank=True)
    fbi_sid_number = EncryptedCharField(_("FBI or SID number"), max_length=100, blank=True)
    # --- Part 3 ---
    crimes = models.JSONField(null=True, blank=True)
    trafficking_types = models.JSONField(null=True, blank=True)
    crime_date_1 = models.DateField(null=True, blank=True)
    crime_date_2 = models.DateField(null=True, blank=True)
    crime_date_3 = models.DateField(null=True, blank=True)
    crime_date_4 = models.DateField(null=True, blank=True)
    statutes_cited = models.CharField(max_length=500, blank=True)
    occurred_in_us = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    # Item 4.b: where, when the activity did not occur in the United States.
    crime_location = EncryptedCharField(_("location"), max_length=200, blank=True)
    extraterritorial = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    extraterritorial_citation = models.CharField(max_length=500, blank=True)
    activity_description = EncryptedTextField(_("description of the criminal activity"), blank=True)
    known_injuries = EncryptedTextField(blank=True)
    # --- Part 4 ---
    possesses_information = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, blank=True
    )
    has_been_helpful = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    refused_assistance = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    helpfulness_explanation = EncryptedTextField(blank=True)
    refusal_explanation = EncryptedTextField(blank=True)
    # --- Part 5 (family members: `family_<n>_<subfield>`, added below) ---
    family_implicated = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    # --- Part 6 (the signature itself is in ink on the official form) ---
    signature_date = models.DateField(_("date of signature"), null=True, blank=True)
    agency_phone = models.CharField(_("phone"), max_length=40, blank=True)
    agency_fax = models.CharField(_("fax"), max_length=40, blank=True)

    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agency answers on the draft form")
        verbose_name_plural = _("agency answers on draft forms")

    def __str__(self) -> str:
        return f"agency answers #{self.pk}"


# Part 5 has room for three family members, each with a name, relationship and involvement.
FAMILY_ROWS = 3
FAMILY_SUBFIELDS = ("family", "given", "middle", "relationship", "involvement")
for _n in range(1, FAMILY_ROWS + 1):
    for _sub in FAMILY_SUBFIELDS:
        AgencyFormAnswers.add_to_class(
            f"family_{_n}_{_sub}",
            EncryptedCharField(
                f"family member {_n}: {_sub}",
                max_length=300 if _sub == "involvement" else 100,
                blank=True,
            ),
        )


class DocumentKind(models.TextChoices):
    SUPPLEMENT_B = "supplement_b", _("Draft Supplement B")
    COVER_LETTER = "cover_letter", _("Cover letter")


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
