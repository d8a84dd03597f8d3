"""The editions of USCIS's certification forms, as data: which edition is current, its parts and
items, and how each item maps onto the fields of the official fillable PDF.

USCIS accepts a Supplement B only on the edition it currently publishes (8 CFR 214.14(c)(2)(i),
8 CFR 103.2(a)(1): "the form prescribed by USCIS"), and it changes editions. So no edition date
lives in code or templates: the editions and their structures are rows, loaded from the data
files in `certifications/editions/data/` and changed by an administrator.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialForm(models.TextChoices):
    I918B = "I-918B", _("Form I-918 Supplement B")
    I914B = "I-914B", _("Form I-914 Supplement B")


# The form each kind of request is certified on (FormType U / T).
FORM_FOR_TYPE = {"U": OfficialForm.I918B, "T": OfficialForm.I914B}


def official_pdf_path(instance: FormEdition, filename: str) -> str:
    # A random name: the blank form holds no victim data, but names stay unguessable anyway.
    return f"official-forms/{uuid.uuid4().hex}.pdf"


class FormEdition(models.Model):
    """One edition of one form.

    `structure` is `{"parts": [{"number", "title", "items": [item, ...]}]}`; each item has a
    `key` that stays the same across editions (answers move with it), a `number`, `label`,
    `kind` (text, textarea, date, dates, phone, yes_no, choice, checkboxes, name, address,
    person, signature, additional_info), `required`, `allows` ("None", "N/A", "Unknown": the
    answers the instructions accept for an empty required item), `answered_by` (requester,
    agency, official), and `options` / `subfields` where the kind has them.

    `field_map` maps each item key onto the official PDF's field names (without any random
    suffix): a list of names for a one-box item, `{subfield: [names]}` for names, addresses
    and people, `{"options": {value: {"field", "on"}}}` for boxes (`on` is the box's export
    value, read from the PDF when it is loaded), `{"blocks": [...]}` for Part 7.
    """

    form = models.CharField(max_length=10, choices=OfficialForm.choices)
    edition_date = models.DateField(
        help_text=_("The edition date printed at the foot of the form.")
    )
    title = models.CharField(max_length=200)
    is_current = models.BooleanField(
        default=False, help_text=_("The edition USCIS accepts today (uscis.gov, 'Edition date').")
    )
    structure = models.JSONField(default=dict)
    field_map = models.JSONField(default=dict)
    verified = models.BooleanField(
        _("mapping verified"),
        default=False,
        help_text=_("Someone has checked the field map against USCIS's own PDF, field by field."),
    )
    mapping_source = models.TextField(blank=True)
    official_pdf = models.FileField(
        _("official fillable PDF"), upload_to=official_pdf_path, max_length=200, blank=True
    )
    # What the loaded PDF holds, for an administrator to check the mapping against:
    # [{"name", "base", "type", "tooltip", "states", "page", ...}, ...].
    pdf_fields = models.JSONField(default=list, blank=True)
    unmapped_fields = models.JSONField(default=list, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["form", "-edition_date"]
        constraints = [
            models.UniqueConstraint(fields=["form", "edition_date"], name="unique_form_edition"),
            # Exactly one edition of a form is the one USCIS accepts today.
            models.UniqueConstraint(
                fields=["form"],
                condition=models.Q(is_current=True),
                name="one_current_edition_per_form",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} edition {self.label}"

    @property
    def label(self) -> str:
        """The edition as USCIS prints it: mm/dd/yy."""
        return self.edition_date.strftime("%m/%d/%y")

    @property
    def pdf_loaded(self) -> bool:
        return bool(self.official_pdf) and bool(self.pdf_fields)

    def items(self) -> list[dict[str, Any]]:
        """Every item, in the form's order, each with its part number."""
        return [
            {**item, "part": part["number"]}
            for part in self.structure.get("parts", [])
            for item in part.get("items", [])
        ]

    def item_keys(self) -> list[str]:
        return [item["key"] for item in self.items()]
