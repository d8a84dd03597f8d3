"""The editions of the official forms: loading USCIS's PDF, filling it for a request, and moving
a request to the current edition.

The filled official form is streamed, never stored: it is made from rows already kept (the
request, the agency's answers, the blank PDF), in well under a second, and every stored copy
would be one more copy of victim data at rest to protect, purge on retention and keep current
(CJIS 5.10.1.2; 8 U.S.C. 1367). The drafts are stored because WeasyPrint takes seconds.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction, User
from accounts.services import audit_log

from ..access import RequestAccess
from ..choices import Action, english
from ..documents.inputs import document_inputs
from ..editions.fill import official_pdf_fill
from ..editions.pdf import LoadCheck, OfficialPdfError, load_check
from ..editions.values import edition_values
from ..models import FORM_FOR_TYPE, CertificationRequest, FormEdition
from .documents import DocumentFile, document_request_load
from .events import request_event_record

DATA_DIR = Path(__file__).resolve().parent.parent / "editions" / "data"


def form_editions_load_data(*, data_dir: Path = DATA_DIR) -> list[FormEdition]:
    """Create the editions of the data files that the database lacks (what the data
    migration did); a form without a current edition gets its newest one. Editions already
    in the database are left as an administrator made them."""
    created = []
    for path in sorted(data_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        edition, was_created = FormEdition.objects.get_or_create(
            form=data["form"],
            edition_date=datetime.date.fromisoformat(data["edition_date"]),
            defaults={
                "title": data["title"],
                "structure": data["structure"],
                "field_map": data["field_map"],
                "verified": data["verified"],
                "mapping_source": data["source"],
            },
        )
        if was_created:
            created.append(edition)
    for form in {e.form for e in created}:
        if not FormEdition.objects.filter(form=form, is_current=True).exists():
            newest = FormEdition.objects.filter(form=form).order_by("-edition_date").first()
            form_edition_make_current(edition=newest)
    return created


def form_edition_current(*, form: str) -> FormEdition | None:
    return FormEdition.objects.filter(form=form, is_current=True).first()


def form_edition_find(*, form: str, edition: str) -> FormEdition:
    """The edition of `form` printed as `edition` (mm/dd/yy or mm/dd/yyyy); raises
    OfficialPdfError with a plain message when there is none."""
    parsed = None
    for pattern in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.datetime.strptime(edition, pattern).date()
            break
        except ValueError:
            continue
    if parsed is None:
        raise OfficialPdfError([f"{edition!r} is not an edition date (write it mm/dd/yy)."])
    found = FormEdition.objects.filter(form=form, edition_date=parsed).first()
    if found is None:
        known = ", ".join(e.label for e in FormEdition.objects.filter(form=form)) or "none"
        raise OfficialPdfError(
            [f"The portal has no edition {edition} of {form} (it has: {known})."]
        )
    return found


def _other_form(edition: FormEdition, content: bytes) -> str | None:
    """The title of another form whose mapping this PDF matches, if any."""
    for other in FormEdition.objects.exclude(form=edition.form).order_by("-edition_date"):
        try:
            load_check(content=content, field_map=other.field_map, form_title=other.title)
        except OfficialPdfError:
            continue
        return other.get_form_display()
    return None


def official_form_load(
    *, edition: FormEdition, content: bytes, actor: User | None = None
) -> LoadCheck:
    """Check and keep USCIS's PDF of an edition.

    1. Check the PDF against the edition's field map (`editions.pdf.load_check`); a refusal
       raises OfficialPdfError naming each problem, and nothing is changed.
    2. Store the PDF through the default storage (random name), its fields and tooltips, the
       fields the map does not use, and the map with each box's export value resolved.
    3. Remove the PDF it replaces; audit the load (no victim data is involved).
    """
    try:
        check = load_check(
            content=content, field_map=edition.field_map, form_title=edition.get_form_display()
        )
    except OfficialPdfError as refusal:
        other = _other_form(edition, content) if "another form" in str(refusal) else None
        if other:
            raise OfficialPdfError([*refusal.problems, f"It looks like {other}."]) from None
        raise
    previous = edition.official_pdf.name if edition.official_pdf else ""
    with transaction.atomic():
        locked = FormEdition.objects.select_for_update().get(pk=edition.pk)
        locked.official_pdf.save("official.pdf", ContentFile(content), save=False)
        locked.pdf_fields = [f.as_dict() for f in check.fields]
        locked.unmapped_fields = check.unmapped
        locked.field_map = check.field_map
        locked.loaded_at = timezone.now()
        locked.loaded_by = actor if actor is not None and actor.pk else None
        locked.save()
    if previous and previous != locked.official_pdf.name:
        locked.official_pdf.storage.delete(previous)
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target=f"FormEdition {locked.pk}",
        detail=(
            f"official PDF of {locked} loaded: {len(check.fields)} fields, "
            f"{len(check.unmapped)} not used by the mapping"
        ),
    )
    edition.refresh_from_db()
    return check


def official_form_available(*, cert_request: CertificationRequest) -> FormEdition | None:
    """The current edition of the request's form when its official PDF is loaded."""
    edition = form_edition_current(form=FORM_FOR_TYPE[cert_request.form_type])
    if edition is None or not edition.pdf_loaded:
        return None
    return edition


def official_form_filename(*, cert_request: CertificationRequest) -> str:
    """The reference and the form, never the victim's name (8 U.S.C. 1367)."""
    form = "I-914-Supplement-B" if cert_request.form_type == "T" else "I-918-Supplement-B"
    return f"{cert_request.reference}-{form}-official-prefilled.pdf"


def official_form_fill(*, access: RequestAccess) -> DocumentFile | None:
    """USCIS's current PDF filled for the request as the user may see it (None: not loaded).

    The agency's answers are in only for whom `access.sees_agency_answers`."""
    cert_request = document_request_load(access.cert_request.pk) or access.cert_request
    edition = official_form_available(cert_request=cert_request)
    if edition is None:
        return None
    inputs = document_inputs(
        cert_request=cert_request, answers=True if access.sees_agency_answers else None
    )
    try:
        with edition.official_pdf.open("rb") as handle:
            blank = handle.read()
    except (FileNotFoundError, OSError):
        # The row says loaded but the storage lost the file: no official form to offer.
        return None
    content = official_pdf_fill(
        pdf=blank,
        pdf_fields=edition.pdf_fields,
        field_map=edition.field_map,
        items=edition.items(),
        values=edition_values(items=edition.items(), inputs=inputs),
        font_path=settings.OFFICIAL_FORM_FONT,
    )
    return DocumentFile(
        content=content,
        filename=official_form_filename(cert_request=cert_request),
        content_hash=hashlib.sha256(content).hexdigest(),
        from_store=False,
    )


@dataclass(frozen=True)
class EditionStatus:
    """What the request page says about the form's edition."""

    drafted_on: FormEdition | None
    current: FormEdition | None
    official_form: FormEdition | None
    may_move: bool

    @property
    def outdated(self) -> bool:
        return (
            self.drafted_on is not None
            and self.current is not None
            and self.drafted_on.pk != self.current.pk
        )


def form_edition_status(*, access: RequestAccess) -> EditionStatus:
    cert_request = access.cert_request
    current = form_edition_current(form=FORM_FOR_TYPE[cert_request.form_type])
    drafted_on = cert_request.form_edition if cert_request.form_edition_id else None
    return EditionStatus(
        drafted_on=drafted_on,
        current=current,
        official_form=current if current is not None and current.pdf_loaded else None,
        may_move=access.may_move_edition,
    )


@dataclass
class EditionMove:
    moved: bool
    from_label: str = ""
    to_label: str = ""
    carried: list[str] = field(default_factory=list)
    reenter: list[str] = field(default_factory=list)


def _label(item: dict[str, Any]) -> str:
    return f"Part {item['part']}, Item {item['number']}: {item['label']}"


def certification_request_edition_move(
    *, cert_request: CertificationRequest, actor: User
) -> EditionMove:
    """Move a request to its form's current edition.

    1. Lock the request; nothing to do when it is on the current edition already.
    2. The answers of the old edition whose item keys the new one has are carried (they are
       the same data); every other answer of the old edition, and every required item of the
       new one the portal has no answer for, is listed for re-entry.
    3. Point the request at the new edition with a conditional update and record an event
       naming the items (labels only, never their values).
    """
    with transaction.atomic():
        locked = CertificationRequest.objects.select_for_update().get(pk=cert_request.pk)
        old = locked.form_edition
        new = form_edition_current(form=FORM_FOR_TYPE[locked.form_type])
        if new is None or (old is not None and old.pk == new.pk):
            return EditionMove(moved=False)
        loaded = document_request_load(locked.pk) or locked
        inputs = document_inputs(cert_request=loaded)
        old_items = old.items() if old is not None else []
        new_items = new.items()
        old_values = edition_values(items=old_items, inputs=inputs)
        new_values = edition_values(items=new_items, inputs=inputs)
        new_keys = {item["key"] for item in new_items}
        carried = [_label(i) for i in new_items if i["key"] in old_values]
        reenter = [
            _label(i) for i in old_items if i["key"] in old_values and i["key"] not in new_keys
        ]
        old_keys = {item["key"] for item in old_items}
        # Items the old edition did not have: nothing was ever entered for them.
        reenter += [
            _label(i)
            for i in new_items
            if i["key"] not in old_keys and i["key"] not in new_values and i["required"]
        ]
        # An item renamed in the new edition is listed once, under its (same) label.
        reenter = list(dict.fromkeys(reenter))
        updated = CertificationRequest.objects.filter(pk=locked.pk, form_edition=old).update(
            form_edition=new
        )
        if not updated:
            return EditionMove(moved=False)
        request_event_record(
            cert_request=locked,
            actor=actor,
            action=Action.EDITED,
            note=(
                f"Moved to edition {new.label} of {english(new.get_form_display())}"
                + (f" from {old.label}" if old is not None else "")
                + f": {len(carried)} answer(s) carried, {len(reenter)} to enter again."
            ),
            changed_fields=["form_edition"],
        )
        audit_log(
            action=AuditAction.REQUEST_EDIT,
            user=actor,
            target=locked.reference,
            detail=f"moved to form edition {new.label}",
        )
    return EditionMove(
        moved=True,
        from_label=old.label if old is not None else "",
        to_label=new.label,
        carried=carried,
        reenter=reenter,
    )


def form_edition_for_new_request(*, form_type: str) -> FormEdition | None:
    """The edition a new request is drafted on: its form's current one."""
    return form_edition_current(form=FORM_FOR_TYPE[form_type])


__all__ = [
    "EditionMove",
    "EditionStatus",
    "OfficialPdfError",
    "certification_request_edition_move",
    "form_edition_current",
    "form_edition_find",
    "form_edition_for_new_request",
    "form_edition_make_current",
    "form_editions_load_data",
    "form_edition_status",
    "official_form_available",
    "official_form_fill",
    "official_form_load",
]


def form_edition_make_current(*, edition: FormEdition, actor: User | None = None) -> None:
    """Make `edition` the one USCIS accepts today; the form's other editions stop being
    current in the same transaction (one current edition per form: a constraint)."""
    with transaction.atomic():
        FormEdition.objects.filter(form=edition.form, is_current=True).exclude(
            pk=edition.pk
        ).update(is_current=False)
        FormEdition.objects.filter(pk=edition.pk).update(is_current=True)
    edition.is_current = True
    audit_log(
        action=AuditAction.DIRECTORY_CHANGE,
        user=actor,
        target=f"FormEdition {edition.pk}",
        detail=f"{edition} made current",
    )
