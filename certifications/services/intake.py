"""The advocate's writes: drafts, attachments, submission and withdrawal (answers to the agency
and the petition's filing: services.answers).

Status changes go through `core.certification_request_transition` only. Notifications are not
sent from here: they hook into the events these services record.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log
from agencies.services import route_request

from ..choices import (
    CRIME_MODIFIERS,
    Action,
    AttachmentKind,
    Crime,
    FormType,
    Gender,
    RemovalOf,
    Status,
    TraffickingType,
    YesNoUnknown,
)
from ..deadlines import Clock, compute_deadline
from ..models import (
    FORM_FOR_TYPE,
    Attachment,
    CertificationRequest,
    FamilyMember,
    FormEdition,
    Message,
)
from ..petitioner import petitioner_problems
from ..uploads import validate_upload
from .casefile import report_numbers_replace
from .clock import routing_escalation_record
from .core import (
    TransitionError,
    attachment_store,
    certification_request_create,
    certification_request_transition,
)
from .events import request_event_record
from .releases import release_names
from .retention import purge_related

# Minn. Stat. 611A.95 counts days; the portal serves Minnesota, so "today" is Minnesota's today
# whatever TIME_ZONE a deployment sets.
MINNESOTA = ZoneInfo("America/Chicago")

# The fields an advocate may write on a draft; anything else in `fields` is refused.
DRAFT_FIELDS = frozenset(
    {
        "petitioner_kind",
        "indirect_relationship",
        "direct_victim_name",
        "direct_victim_unable",
        "direct_victim_unable_explanation",
        "next_friend_reason",
        "next_friend_name",
        "next_friend_relationship",
        "victim_family_name",
        "victim_given_name",
        "victim_middle_name",
        "victim_other_names",
        "victim_date_of_birth",
        "victim_gender",
        "victim_a_number",
        "a_number_shared",
        "victim_preferred_language",
        "victim_preferred_language_other",
        "victim_name_order",
        "victim_interpreter_needed",
        "in_removal_proceedings",
        "removal_proceedings_of",
        "detained",
        "child_turns_21_on",
        "urgency_reason",
        "decision_needed_by",
        "crimes",
        "similar_activity_description",
        "trafficking_types",
        "crime_date_from",
        "crime_date_to",
        "crime_city",
        "crime_county",
        "occurred_in_us",
        "statutes_cited",
        "case_number",
        "date_reported",
        "incident_address",
        "investigating_officer",
        "suspect_name",
        "court_file_number",
        "requested_agency",
        "narrative",
        "known_injuries",
        "helpfulness",
        "family_implicated",
        "consent_given",
        "consent_by",
        "consent_date",
        "consent_scope",
    }
)

# Which step of the intake form holds each field, so a missing item links to where it is fixed.
FIELD_STEPS: dict[str, str] = {
    **{
        f: "victim"
        for f in (
            "victim_family_name",
            "victim_given_name",
            "victim_date_of_birth",
            "victim_gender",
            "victim_a_number",
            "petitioner_kind",
            "indirect_relationship",
            "direct_victim_name",
            "direct_victim_unable",
            "next_friend_reason",
            "next_friend_name",
            "next_friend_relationship",
        )
    },
    "in_removal_proceedings": "expedite",
    "removal_proceedings_of": "expedite",
    "child_turns_21_on": "expedite",
    "urgency_reason": "expedite",
    "decision_needed_by": "expedite",
    **{
        f: "crime"
        for f in (
            "crimes",
            "similar_activity_description",
            "trafficking_types",
            "crime_date_from",
            "crime_date_to",
            "crime_city",
            "crime_county",
            "requested_agency",
        )
    },
    **{f: "narrative" for f in ("narrative", "helpfulness", "family_members")},
    **{f: "consent" for f in ("consent_given", "consent_by", "consent_date", "release")},
    "attachments": "attachments",
}

_A_NUMBER_SEPARATORS = re.compile(r"[\s\-.]")
_A_NUMBER = re.compile(r"^A?(\d{8,9})$")


def minnesota_today() -> datetime.date:
    return timezone.localdate(timezone=MINNESOTA)


def a_number_normalize(value: str) -> str:
    """`A` followed by 8 or 9 digits (USCIS Alien Registration Number), or "" when blank.

    Accepts what people type ("a 123-456-789", "A123.456.78", "123456789") and raises a
    ValidationError with a plain message for anything else.
    """
    compact = _A_NUMBER_SEPARATORS.sub("", value or "").upper()
    if not compact:
        return ""
    match = _A_NUMBER.match(compact)
    if match is None:
        raise ValidationError(
            _(
                "An A-Number is the letter A followed by 8 or 9 digits, e.g. A123456789. "
                "Leave it blank if the victim has none."
            ),
            code="a_number",
        )
    return f"A{match.group(1)}"


class IncompleteRequestError(ValidationError):
    """Submission refused: `message_dict` maps each field to what is missing or wrong."""


def _date_errors(cert_request: CertificationRequest, today: datetime.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    dob = cert_request.victim_date_of_birth
    if dob is not None and dob > today:
        errors["victim_date_of_birth"] = ["The date of birth cannot be in the future."]
    start, end = cert_request.crime_date_from, cert_request.crime_date_to
    if start is not None and start > today:
        errors["crime_date_from"] = ["The crime cannot have happened after today."]
    if end is not None and end > today:
        errors["crime_date_to"] = ["The crime cannot have happened after today."]
    elif start is not None and end is not None and end < start:
        errors["crime_date_to"] = ["The end date is before the start date."]
    if cert_request.consent_date is not None and cert_request.consent_date > today:
        errors["consent_date"] = ["Consent cannot be dated in the future."]
    return errors


def certification_request_problems(
    *, cert_request: CertificationRequest, today: datetime.date | None = None
) -> dict[str, list[str]]:
    """What keeps this request from being submitted, field by field (empty when complete).

    The agency must have enough to decide, and nothing Form I-918/I-914 Supplement B requires
    may be missing (USCIS rejects forms with blank required items).
    """
    today = today or minnesota_today()
    errors = _date_errors(cert_request, today)

    def need(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    # Form I-918 Supp. B Part 1: the victim.
    if not cert_request.victim_family_name.strip():
        need("victim_family_name", "Enter the victim's family name.")
    if not cert_request.victim_given_name.strip():
        need("victim_given_name", "Enter the victim's given name.")
    if cert_request.victim_date_of_birth is None:
        need("victim_date_of_birth", "Enter the victim's date of birth.")
    if cert_request.victim_gender not in Gender.values:
        need("victim_gender", "Choose the victim's gender, or 'Not stated'.")
    if cert_request.victim_a_number:
        try:
            a_number_normalize(cert_request.victim_a_number)
        except ValidationError as exc:
            need("victim_a_number", exc.messages[0])
    # Who petitions (8 CFR 214.14(a)(14), (b)(2)-(3)): the letter and the form name the direct
    # victim, or the person whose help is certified.
    for field, message in petitioner_problems(cert_request).items():
        need(field, message)
    # The agency is shown "a decision is needed by <date>" (access.agency_view_of): a date
    # already past would ask for the impossible.
    if cert_request.decision_needed_by and cert_request.decision_needed_by < today:
        need(
            "decision_needed_by",
            "The date a decision is needed by has passed: give a new date or name no urgency.",
        )

    # Part 3: the criminal activity (for T requests, the trafficking type instead).
    if cert_request.form_type == FormType.U:
        crimes = set(cert_request.crimes or [])
        unknown = crimes - set(Crime.values)
        if not crimes:
            need("crimes", "Select at least one qualifying criminal activity.")
        elif unknown:
            need("crimes", "Select crimes from the list only.")
        elif crimes <= CRIME_MODIFIERS:
            need(
                "crimes",
                "Attempt, conspiracy and solicitation need the crime they refer to: select it too.",
            )
        if (
            Crime.SIMILAR_ACTIVITY in crimes
            and not cert_request.similar_activity_description.strip()
        ):
            need("similar_activity_description", "Describe the similar activity.")
    else:
        types = set(cert_request.trafficking_types or [])
        if not types:
            need("trafficking_types", "Select the type of trafficking.")
        elif types - set(TraffickingType.values):
            need("trafficking_types", "Select trafficking types from the list only.")
    if cert_request.crime_date_from is None:
        need("crime_date_from", "Enter the date (or first date) of the criminal activity.")
    if not cert_request.crime_city.strip():
        need("crime_city", "Enter the city where it happened.")
    if cert_request.occurred_in_us == YesNoUnknown.YES and cert_request.crime_county_id is None:
        need("crime_county", "Choose the county where it happened.")
    if cert_request.requested_agency_id is None:
        need("requested_agency", "Choose the agency asked to certify.")
    elif not cert_request.requested_agency.is_active:
        need("requested_agency", "That agency is no longer in the directory; choose another.")

    # Parts 3.5 and 4: what happened and how the victim helped.
    if not cert_request.narrative.strip():
        need("narrative", "Describe what happened.")
    if not cert_request.helpfulness.strip():
        need(
            "helpfulness", "Describe how the victim has been, is being or is likely to be helpful."
        )
    # Part 5: family members implicated.
    if (
        cert_request.family_implicated == YesNoUnknown.YES
        and not cert_request.family_members.exists()
    ):
        need("family_members", "Name the family members implicated, or answer 'No'.")

    # VAWA 34 U.S.C. 12291(b)(2), FVPSA, VOCA; Minn. Stat. 611A.95 / 8 U.S.C. 1367: nothing is
    # shared without the victim's written, current release naming the receiving agency.
    if cert_request.requested_agency_id is not None and not release_names(
        cert_request=cert_request, agency=cert_request.requested_agency, on=today
    ):
        need(
            "release",
            f"Attach the victim's signed, current release naming "
            f"{cert_request.requested_agency.name}.",
        )

    # Minn. Stat. 611A.95 subd. 2: the 14-day expedite must be raised, with proof, at request.
    if (
        cert_request.in_removal_proceedings
        and not cert_request.attachments.filter(kind=AttachmentKind.NOTICE_TO_APPEAR).exists()
    ):
        need(
            "attachments",
            "Removal proceedings are flagged: attach the Notice to Appear or other proof.",
        )
    return errors


def _check_draft(cert_request: CertificationRequest) -> None:
    if cert_request.status != Status.DRAFT:
        raise TransitionError(
            _("Only drafts can be edited: the request's status is “%(status)s”.")
            % {"status": cert_request.get_status_display()}
        )


def certification_request_save_draft(
    *,
    actor: User,
    fields: dict[str, Any],
    cert_request: CertificationRequest | None = None,
    form_type: str | None = None,
    family_members: Iterable[dict[str, str]] | None = None,
    report_numbers: Iterable[dict] | None = None,
    merge_edits: bool = False,
) -> CertificationRequest:
    """Create a draft (when `request` is None) or update one; nothing is required yet.

    1. Refuse fields outside DRAFT_FIELDS and requests that are no longer drafts.
    2. Normalise the A-Number (the one value stored in a canonical form).
    3. Write the fields; replace the family members (and the further report numbers,
       `casefile.report_numbers_replace`) when a list is given that differs.
    4. On an existing draft, an "edited" event naming the fields that changed (never their
       values); audit the edit by reference (no victim data). With `merge_edits` (the steps'
       autosave), changes that follow the same person's "edited" event join it: one line
       per stretch of typing, not one per pause.
    """
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"Not draft fields: {sorted(unknown)}")
    fields = dict(fields)
    if "victim_a_number" in fields:
        try:
            fields["victim_a_number"] = a_number_normalize(fields["victim_a_number"])
        except ValidationError as exc:
            raise ValidationError({"victim_a_number": exc.messages}) from exc
    created = cert_request is None
    changed: list[str] = []
    with transaction.atomic():
        if created:
            if form_type not in FormType.values:
                raise ValueError("A new request needs a form type (U or T).")
            cert_request = certification_request_create(
                organization=actor.organization,
                created_by=actor,
                form_type=form_type,
                **fields,
            )
        else:
            cert_request = CertificationRequest.objects.select_for_update().get(pk=cert_request.pk)
            _check_draft(cert_request)
            changed = [n for n, v in fields.items() if getattr(cert_request, n) != v]
            for name, value in fields.items():
                setattr(cert_request, name, value)
            cert_request.save(update_fields=[*fields, "updated_at"])
        if family_members is not None:
            family_members = [
                {"full_name": m["full_name"], "relationship": m["relationship"]}
                for m in family_members
            ]
            before = list(
                cert_request.family_members.order_by("id").values("full_name", "relationship")
            )
            if before != family_members:
                changed.append("family_members")
                cert_request.family_members.all().delete()
                FamilyMember.objects.bulk_create(
                    FamilyMember(request=cert_request, **member) for member in family_members
                )
        if report_numbers is not None and report_numbers_replace(
            cert_request=cert_request, numbers=report_numbers
        ):
            changed.append("report_numbers")
        last = (
            cert_request.events.order_by("-created_at", "-id").first()
            if changed and merge_edits and not created
            else None
        )
        if last is not None and last.action == Action.EDITED and last.actor_id == actor.pk:
            last.changed_fields = sorted({*last.changed_fields, *changed})
            last.save(update_fields=["changed_fields"])
        elif changed and not created:
            request_event_record(
                cert_request=cert_request,
                actor=actor,
                action=Action.EDITED,
                changed_fields=changed,
            )
        audit_log(
            action=AuditAction.REQUEST_EDIT,
            user=actor,
            target=cert_request.reference,
            detail=f"changed: {', '.join(sorted(changed))}" if changed else "",
        )
    return cert_request


def attachment_add(
    *,
    cert_request: CertificationRequest,
    actor: User | None,
    upload,
    kind: str,
    message: Message | None = None,
) -> Attachment:
    """Check an uploaded file (type by content, size, active content) and store it.

    The storage name is random (`attachment_path`); the original name stays in the database
    only. Raises ValidationError with a plain message when the file is refused. Callers decide
    who may attach in which status (drafts for advocates, answers, signed forms).
    """
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": ["Choose what kind of document this is."]})
    clean = validate_upload(upload, target=cert_request.reference, user=actor)
    return attachment_store(
        cert_request=cert_request, upload=clean, kind=kind, uploaded_by=actor, message=message
    )


def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    """Remove an attachment from a draft (the advocate uploaded the wrong file)."""
    _check_draft(attachment.request)
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        attachment.delete()
        audit_log(
            action=AuditAction.REQUEST_EDIT,
            user=actor,
            target=attachment.request.reference,
            detail="attachment removed",
        )
        transaction.on_commit(lambda: storage.delete(name))


def _routing_and_deadline(*, cert_request: CertificationRequest, today: datetime.date):
    """Where the request would go and when its answer would be due, if submitted `today`."""
    decision = route_request(
        agency=cert_request.requested_agency,
        crimes=list(cert_request.crimes or []),
        form_type=cert_request.form_type,
        county=cert_request.crime_county,
    )
    deadline = compute_deadline(
        agency=decision.agency,
        clock=Clock(
            requested_on=today,
            received_on=today,
            in_removal_proceedings=cert_request.in_removal_proceedings,
            removal_of_victim=cert_request.removal_proceedings_of != RemovalOf.FAMILY_MEMBER,
        ),
    )
    return decision, deadline


def certification_request_submission_preview(*, cert_request: CertificationRequest):
    """For the review step of a complete draft (the caller has checked
    `certification_request_problems`): the agency, routing reason, due date and its basis that
    submitting today would give, computed exactly as the submission computes them. Changes
    nothing; None when no agency was chosen."""
    if cert_request.requested_agency_id is None:
        return None
    return _routing_and_deadline(cert_request=cert_request, today=minnesota_today())


def certification_request_submit(
    *, cert_request: CertificationRequest, actor: User
) -> CertificationRequest:
    """Submit a draft to the agency.

    1. Re-read the request and check completeness; raise IncompleteRequestError (per field).
    2. Route it through the directory (`agencies.services.route_request`): agency, contact,
       and the reason in words.
    3. Compute the due date from today in Minnesota: Minn. Stat. 611A.95 subd. 2 (90 days, 14
       in removal proceedings) or the agency's stricter policy, whichever is earlier, with the
       basis in words.
    4. Transition DRAFT -> SUBMITTED, storing all of that in the same conditional update.
    """
    cert_request = CertificationRequest.objects.select_related("requested_agency").get(
        pk=cert_request.pk
    )
    _check_draft(cert_request)
    today = minnesota_today()
    problems = certification_request_problems(cert_request=cert_request, today=today)
    if problems:
        raise IncompleteRequestError(problems)
    decision, deadline = _routing_and_deadline(cert_request=cert_request, today=today)
    if not release_names(cert_request=cert_request, agency=decision.agency, on=today):
        # The directory sends it elsewhere (a sibling department, the coordinator): the
        # release must name where it actually goes.
        raise IncompleteRequestError(
            {
                "release": [
                    f"The directory sends this request to {decision.agency.name}: attach a "
                    "release that names it."
                ]
            }
        )
    now = timezone.now()
    with transaction.atomic():
        cert_request = certification_request_transition(
            cert_request=cert_request,
            action=Action.SUBMIT,
            actor=actor,
            note=f"Due {deadline.due_date:%B} {deadline.due_date.day}, {deadline.due_date.year}. "
            f"{deadline.basis}.",
            updates={
                "agency": decision.agency,
                "assigned_contact": decision.contact,
                "routing_reason": decision.reason,
                "submitted_at": now,
                "received_by_agency_on": today,
                "due_date": deadline.due_date,
                "deadline_basis": deadline.basis,
                "deadline_source": deadline.source,
                **({"escalated_at": now} if decision.escalation_note else {}),
                # A draft from before editions were data gets its form's current edition now.
                "form_edition": cert_request.form_edition
                or FormEdition.objects.filter(
                    form=FORM_FOR_TYPE[cert_request.form_type], is_current=True
                ).first(),
            },
        )
        routing_escalation_record(cert_request=cert_request, decision=decision)
    return cert_request


def certification_request_withdraw(
    *, cert_request: CertificationRequest, actor: User, reason: str
) -> CertificationRequest:
    """Withdraw an open request; the reason is kept and shown on the timeline.

    Drafts are refused: they were never sent, and the model requires a submission time on every
    request that is not a draft (`submitted_request_has_submission_time`).
    """
    if cert_request.status == Status.DRAFT:
        raise TransitionError(_("This request is still a draft: it was never sent to an agency."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the request is withdrawn."]})
    return certification_request_transition(
        cert_request=cert_request,
        action=Action.WITHDRAW,
        actor=actor,
        note=reason,
        updates={"withdrawal_reason": reason},
    )


def certification_request_delete_draft(*, cert_request: CertificationRequest, actor: User) -> str:
    """Destroy a draft the organization will not file: the row, everything typed in it, its
    attachments (with their stored files) and its timeline. Returns its reference.

    Why deletion rather than withdrawal: a draft was never shared with anybody, and data about
    a victim that is not needed should not be kept (8 U.S.C. 1367; the same removal as the
    retention purge). Only a draft: once submitted, a request is the agency's record too. The
    row is locked first, so a submission at the same moment either wins or is refused.
    """
    with transaction.atomic():
        locked = (
            CertificationRequest.objects.select_for_update()
            .filter(pk=cert_request.pk, status=Status.DRAFT)
            .first()
        )
        if locked is None:
            raise TransitionError(
                _("Only a draft can be deleted: this request was submitted meanwhile.")
            )
        reference = locked.reference
        purge_related(locked)
        locked.events.all().delete()
        locked.delete()
        audit_log(
            action=AuditAction.PURGE,
            user=actor,
            target=reference,
            detail="draft deleted by its organization before submission",
        )
    return reference
