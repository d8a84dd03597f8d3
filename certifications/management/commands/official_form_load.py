"""Load USCIS's fillable PDF of one edition of a form:

    python manage.py official_form_load --form I-918B --edition 01/20/25 i-918supb.pdf

The PDF is checked against the edition's field map; a refusal names each problem and changes
nothing (exit status 1). Fields the map does not use are listed and ignored.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certifications.models import OfficialForm
from certifications.services.editions import (
    OfficialPdfError,
    form_edition_find,
    official_form_load,
)


class Command(BaseCommand):
    help = "Load USCIS's official fillable PDF of a form edition (checked against its mapping)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--form", required=True, choices=OfficialForm.values)
        parser.add_argument("--edition", required=True, help="The edition date, mm/dd/yy.")
        parser.add_argument("file", help="The PDF, as downloaded from uscis.gov.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            edition = form_edition_find(form=options["form"], edition=options["edition"])
            check = official_form_load(edition=edition, content=content)
        except OfficialPdfError as refusal:
            raise CommandError(
                "The PDF was refused; nothing changed.\n- " + "\n- ".join(refusal.problems)
            ) from None
        self.stdout.write(
            f"Loaded {edition}: {len(check.fields)} fields, "
            f"{len(check.fields) - len(check.unmapped)} used by the mapping."
        )
        if check.unmapped:
            self.stdout.write("Not used by the mapping (ignored):")
            for name in check.unmapped:
                self.stdout.write(f"  {name}")
        if not edition.verified:
            self.stdout.write(
                self.style.WARNING(
                    "This edition's mapping is unverified: check it against the PDF's field "
                    "names and tooltips (admin, Form editions) before marking it verified."
                )
            )
