"""Requests that follow from another one (models.links): a new signature on a certified
request, reconsideration of a denied one, the same facts to another certifier, and the family
of one incident. Each new request is a request of its own (its own data, clock, access and
decision); the link only says where it came from.

Status changes go through `core.certification_request_transition`; every link writes a
"linked" event on both requests, naming the other by reference only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditAction, User
from accounts.services import audit_log
from agencies.models import Agency, PointOfContact
from agencies.selectors import certifying_officials

from ..choices import OPEN_STATUSES, Action, AttachmentKind, FormType, Status, english
from ..deadlines import compute_due_date
from ..models import (
    FORM_FOR_TYPE,
    Attachment,
    CertificationRequest,
    FamilyMember,
    FormEdition,
    LinkKind,
    Message,
    RecertificationReason,
    RequestLink,
)
from ..uploads import CleanUpload, validate_uploads
from .core import attachment_store, certification_request_create, certification_request_transition
from .events import request_event_record
from .intake import DRAFT_FIELDS, minnesota_today
from .releases import release_names, releases_current


class LinkError(Exception):
    """The link cannot be made (plain words for the user, no victim data)."""


# The victim's consent is given for one sharing with one agency (VAWA 34 U.S.C.
# 12291(b)(2): written, informed, time-limited): a new request asks for it again.
CONSENT_FIELDS = frozenset({"consent_given", "consent_by", "consent_date", "consent_scope"})
# What a new request copies from the one it follows: everything the advocate typed, and what
# the signed form does not state.
COPIED_FIELDS = (DRAFT_FIELDS - CONSENT_FIELDS) | {"contact_details", "internal_notes"}
# The incident, shared by every victim of it (Part 3 of Supplement B), for "another victim of
# this incident".
INCIDENT_FIELDS = frozenset(
    {
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
        "requested_agency",
    }
)
# What a certified request may still have corrected in place: nothing the signed form states
# (8 CFR 214.14(c)(2)(i): the agency's signature covers the form's content as signed).
CORRECTABLE_FIELDS = ("contact_details", "internal_notes")

_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _values(source: CertificationRequest, names: Iterable[str]) -> dict:
    values = {}
    for name in names:
        field = CertificationRequest._meta.get_field(name)
        values[field.attname] = getattr(source, field.attname)
    return values


def _agency_of(cert_request: CertificationRequest) -> int | None:
    """The agency a request is at, or (a draft) the agency it names."""
    return cert_request.agency_id or cert_request.requested_agency_id


def _link(
    *,
    earlier: CertificationRequest,
    later: CertificationRequest,
    kind: str,
    actor: User,
    reason: str = "",
    events: bool = True,
) -> RequestLink:
    """Link `later` to `earlier`. Without `events` nothing goes on either timeline (the same
    incident at another agency: each agency reads its own timeline and must not learn of the
    other's request); the audit log records the link either way."""
    link = RequestLink.objects.create(
        earlier=earlier, later=later, kind=kind, reason=reason, created_by=actor
    )
    label = english(LinkKind(kind).label).lower()
    if events:
        request_event_record(
            cert_request=later,
            actor=actor,
            action=Action.LINKED,
            note=f"{english(LinkKind(kind).label)} of {earlier.reference}.",
        )
        request_event_record(
            cert_request=earlier,
            actor=actor,
            action=Action.LINKED,
            note=f"{later.reference} was started from this request ({label}).",
        )
    audit_log(
        action=AuditAction.REQUEST_EDIT,
        user=actor,
        target=later.reference,
        detail=f"linked to {earlier.reference} ({kind})",
    )
    return link


def _new_request(
    *, source: CertificationRequest, actor: User, fields: dict, form_type: str
) -> CertificationRequest:
    cert_request = certification_request_create(
        organization=source.organization, created_by=actor, form_type=form_type, **fields
    )
    return cert_request


def _copy_family_members(source: CertificationRequest, target: CertificationRequest) -> None:
    FamilyMember.objects.bulk_create(
        FamilyMember(request=target, full_name=m.full_name, relationship=m.relationship)
        for m in source.family_members.order_by("id")
    )


def _copy_attachments(
    *, source: CertificationRequest, target: CertificationRequest, ids: Iterable[int], actor: User
) -> list[Attachment]:
    """The chosen files of `source`, stored again as new files of `target` (each request keeps
    its own files: purging one never removes the other's). They were checked and scanned when
    first stored."""
    copies = []
    for attachment in source.attachments.filter(pk__in=list(ids)).order_by("id"):
        with attachment.file.open("rb") as handle:
            content = handle.read()
        clean = CleanUpload(
            content=content,
            content_type=attachment.content_type,
            extension=_EXTENSIONS.get(attachment.content_type, "bin"),
            sha256=attachment.sha256,
            original_name=attachment.original_name,
            scanned=True,
        )
        copies.append(
            attachment_store(
                cert_request=target, upload=clean, kind=attachment.kind, uploaded_by=actor
            )
        )
    return copies


def _copy_releases(
    *,
    source: CertificationRequest,
    target: CertificationRequest,
    by_source: dict[int, Attachment],
    actor: User,
    releases: list | None = None,
) -> None:
    """The source's current releases (or those of them in `releases`), for `target`, each
    with the copy of its signed document (`by_source`: source attachment id -> its copy)."""
    for release in releases if releases is not None else releases_current(cert_request=source):
        agencies = list(release.agencies.all())
        release.pk = None
        release.id = None
        release._state.adding = True
        # The prefetched agencies belong to the source's row: `set` below would read them as
        # already there and add none.
        release._prefetched_objects_cache = {}
        release.request = target
        release.document = by_source.get(release.document_id)
        release.created_by = actor
        release.expiry_reminder_sent_on = None
        release.save()
        release.agencies.set(agencies)


def _stored_or_cleaned(copies: list[Attachment]) -> None:
    for attachment in copies:
        attachment.file.delete(save=False)


def _lock_and_check_pending(
    source: CertificationRequest, *, kind: str, statuses: list[str], text: str, reason: str = ""
) -> None:
    """Refuse a second request of the same kind while the first is still pending (a double
    click, or two advocates at once): the source row is locked, so the second waits and then
    finds the first."""
    CertificationRequest.objects.select_for_update().filter(pk=source.pk).first()
    links = RequestLink.objects.filter(earlier=source, kind=kind, later__status__in=statuses)
    if reason:
        links = links.filter(reason=reason)
    pending = links.select_related("later").first()
    if pending is not None:
        raise LinkError(text.format(reference=pending.later.reference))


# --- Re-certification ------------------------------------------------------------------------


def recertification_start(
    *,
    source: CertificationRequest,
    actor: User,
    reason: str,
    attachment_ids: Sequence[int] = (),
) -> CertificationRequest:
    """ "Ask for a new signature": a new draft pre-filled from a certified request (victim data,
    crimes, narrative, family members, the chosen files), linked to it as a re-certification.
    The advocate edits and submits it like any draft; its clock starts at its own submission.

    For a T declaration on the same facts the new draft is on Form I-914 Supplement B (the
    U-visa crimes are left for the advocate to restate as trafficking)."""
    if source.status != Status.CERTIFIED:
        raise LinkError(_("Only a certified request can be signed again."))
    if reason not in RecertificationReason.values:
        raise ValidationError({"reason": ["Choose why a new signature is needed."]})
    fields = _values(source, COPIED_FIELDS)
    fields["requested_agency_id"] = source.agency_id
    form_type = source.form_type
    if reason == RecertificationReason.T_DECLARATION:
        form_type = FormType.T
        fields["crimes"] = []
        fields["similar_activity_description"] = ""
    copies: list[Attachment] = []
    try:
        with transaction.atomic():
            _lock_and_check_pending(
                source,
                kind=LinkKind.RECERTIFICATION,
                statuses=[Status.DRAFT],
                reason=reason,
                text="A new request for this reason is already being drafted: {reference}.",
            )
            draft = _new_request(source=source, actor=actor, fields=fields, form_type=form_type)
            _copy_family_members(source, draft)
            copies = _copy_attachments(source=source, target=draft, ids=attachment_ids, actor=actor)
            _link(
                earlier=source,
                later=draft,
                kind=LinkKind.RECERTIFICATION,
                actor=actor,
                reason=reason,
            )
    except Exception:
        _stored_or_cleaned(copies)
        raise
    return draft


def certified_request_correct(
    *, cert_request: CertificationRequest, actor: User, fields: dict, reason: str
) -> list[str]:
    """Correct in place, on a decided request, what the signed form does not state
    (CORRECTABLE_FIELDS); anything else goes through a new signature. One "corrected" event
    names the fields and carries the reason. Returns the names of the fields changed."""
    if cert_request.status not in (Status.CERTIFIED, Status.DENIED):
        raise LinkError(_("Only a decided request is corrected this way; edit a draft instead."))
    refused = set(fields) - set(CORRECTABLE_FIELDS)
    if refused:
        raise LinkError(_("The signed form states this; ask for a new signature to change it."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why this is corrected."]})
    with transaction.atomic():
        current = CertificationRequest.objects.select_for_update().get(pk=cert_request.pk)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(current, name, fields[name])
        current.save(update_fields=[*changed, "updated_at"])
        request_event_record(
            cert_request=current,
            actor=actor,
            action=Action.CORRECTED,
            note=reason,
            changed_fields=changed,
        )
        audit_log(
            action=AuditAction.REQUEST_EDIT,
            user=actor,
            target=current.reference,
            detail=f"corrected: {', '.join(sorted(changed))}",
        )
    return changed


# --- Reconsideration and another certifier ---------------------------------------------------


def reconsideration_contact(denied_request: CertificationRequest) -> PointOfContact | None:
    """Who at the agency reconsiders a denial: one of the officials who may sign for it (its
    head or a designated official, 8 CFR 214.14(a)(3)) other than the one who signed the
    denial, the one the denied request was assigned to and the one who recorded it (a second
    look by someone else, as the DHS Resource Guide suggests for supervisory review). None
    when the agency has nobody else; the request then waits unassigned in the queue."""
    excluded = {denied_request.assigned_contact_id, denied_request.signing_official_id}
    denial = denied_request.events.filter(action=Action.DENY).last()
    if denial is not None and denial.actor_id:
        excluded |= set(
            PointOfContact.objects.filter(user_id=denial.actor_id).values_list("pk", flat=True)
        )
    for official in certifying_officials(denied_request.agency_id):
        if official.pk not in excluded:
            return official
    return None


def reconsideration_ask(
    *,
    denied: CertificationRequest,
    actor: User,
    new_information: str,
    files: Sequence = (),
) -> CertificationRequest:
    """ "Ask for reconsideration": a new request with the denied one's facts and the new
    information (a message, with its files), submitted at once to the same agency, linked as
    a reconsideration. The denied request stays final.

    Its due date counts from today (Minn. Stat. 611A.95 subd. 2: 90 days, 14 in removal
    proceedings, or the agency's stricter policy), and it goes to `reconsideration_contact`.
    The victim's consent to share with this agency is the one the denied request carried."""
    if denied.status != Status.DENIED:
        raise LinkError(_("Only a denied request can be reconsidered."))
    body = (new_information or "").strip()
    if not body:
        raise ValidationError(
            {"new_information": ["Say what is new since the denial: the agency reads it first."]}
        )
    cleaned = validate_uploads(files, target=denied.reference, user=actor)
    agency = Agency.objects.get(pk=denied.agency_id)
    # VAWA 34 U.S.C. 12291(b)(2): the new request goes to the agency under the victim's current
    # release naming it, which goes with it (`_copy_releases`).
    if not release_names(cert_request=denied, agency=agency):
        raise LinkError(
            _(
                "No current release from the victim names %(agency)s: attach a new release to "
                "this request first, then ask for reconsideration."
            )
            % {"agency": agency.name}
        )
    fields = _values(denied, COPIED_FIELDS | CONSENT_FIELDS)
    fields["requested_agency_id"] = denied.agency_id
    today = minnesota_today()
    deadline = compute_due_date(
        requested_on=today, in_removal_proceedings=denied.in_removal_proceedings, agency=agency
    )
    contact = reconsideration_contact(denied)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            _lock_and_check_pending(
                denied,
                kind=LinkKind.RECONSIDERATION,
                statuses=list(OPEN_STATUSES),
                text="A reconsideration of this request is already with the agency: {reference}.",
            )
            new = _new_request(
                source=denied, actor=actor, fields=fields, form_type=denied.form_type
            )
            _copy_family_members(denied, new)
            # The earlier files go with it: the agency reconsiders the whole request.
            copies = _copy_attachments(
                source=denied,
                target=new,
                ids=denied.attachments.values_list("pk", flat=True),
                actor=actor,
            )
            stored += copies
            ids = denied.attachments.order_by("id").values_list("pk", flat=True)
            by_source = dict(zip(ids, copies, strict=True))
            _copy_releases(source=denied, target=new, by_source=by_source, actor=actor)
            message = Message.objects.create(request=new, author=actor, body=body)
            for clean in cleaned:
                stored.append(
                    attachment_store(
                        cert_request=new,
                        upload=clean,
                        kind=AttachmentKind.OTHER,
                        uploaded_by=actor,
                        message=message,
                    )
                )
            _link(earlier=denied, later=new, kind=LinkKind.RECONSIDERATION, actor=actor)
            return certification_request_transition(
                cert_request=new,
                action=Action.SUBMIT,
                actor=actor,
                note=f"Reconsideration of {denied.reference}. Due {deadline.due_date:%B} "
                f"{deadline.due_date.day}, {deadline.due_date.year} ({deadline.basis}).",
                updates={
                    "agency": agency,
                    "assigned_contact": contact,
                    "routing_reason": (
                        f"Reconsideration of {denied.reference}, asked of the agency that "
                        "denied it"
                        + (", assigned to another certifying official." if contact else ".")
                    ),
                    "submitted_at": timezone.now(),
                    "received_by_agency_on": today,
                    "due_date": deadline.due_date,
                    "deadline_basis": deadline.basis,
                    "deadline_source": deadline.source,
                    "form_edition": new.form_edition
                    or FormEdition.objects.filter(
                        form=FORM_FOR_TYPE[new.form_type], is_current=True
                    ).first(),
                },
            )
    except Exception:
        _stored_or_cleaned(stored)
        raise


def another_certifier_start(
    *, source: CertificationRequest, actor: User, agency: Agency
) -> CertificationRequest:
    """ "Ask another certifier" (a prosecutor, a court: 8 CFR 214.14(a)(2)): a new draft with
    the same facts naming `agency`, linked to the request it follows. The advocate records the
    victim's consent to share with that agency and submits it, which routes it through the
    directory like any draft."""
    if source.status not in (Status.DENIED, Status.CERTIFIED, Status.WITHDRAWN):
        raise LinkError(_("Ask another certifier once the first agency has answered."))
    if agency.pk == source.agency_id:
        raise ValidationError({"agency": ["Choose an agency other than the one that answered."]})
    if not agency.is_active:
        raise ValidationError({"agency": ["This agency is no longer in the directory."]})
    fields = _values(source, COPIED_FIELDS)
    fields["requested_agency_id"] = agency.pk
    with transaction.atomic():
        draft = _new_request(source=source, actor=actor, fields=fields, form_type=source.form_type)
        _copy_family_members(source, draft)
        _link(earlier=source, later=draft, kind=LinkKind.ANOTHER_CERTIFIER, actor=actor)
    return draft


# --- The family: several victims of one incident at one agency -------------------------------


def family_root(cert_request: CertificationRequest) -> CertificationRequest:
    """The first request of the request's family (itself when it heads one or has none)."""
    link = (
        RequestLink.objects.filter(later=cert_request, kind=LinkKind.FAMILY)
        .select_related("earlier")
        .first()
    )
    return link.earlier if link is not None else cert_request


def family_another_victim_start(
    *, source: CertificationRequest, actor: User
) -> CertificationRequest:
    """ "A request for another victim of this incident": a new draft with the incident of
    `source` (Part 3: crimes, dates, place, case number, the agency) and nobody's personal
    data, in the family of `source`."""
    fields = _values(source, INCIDENT_FIELDS)
    fields["requested_agency_id"] = _agency_of(source)
    root = family_root(source)
    with transaction.atomic():
        draft = _new_request(source=source, actor=actor, fields=fields, form_type=source.form_type)
        _link(earlier=root, later=draft, kind=LinkKind.FAMILY, actor=actor)
    return draft


def family_link(
    *, cert_request: CertificationRequest, other: CertificationRequest, actor: User
) -> RequestLink:
    """Group two requests of one organization for one incident at one agency: `cert_request`
    joins the family of `other`. Each keeps its own data, clock and decision."""
    if cert_request.pk == other.pk:
        raise ValidationError({"other": ["Choose another request."]})
    if cert_request.organization_id != other.organization_id:
        raise ValidationError({"other": ["Only your organization's requests can be grouped."]})
    if _agency_of(cert_request) is None or _agency_of(cert_request) != _agency_of(other):
        raise ValidationError(
            {"other": ["Only requests to the same agency can be grouped as one incident."]}
        )
    root = family_root(other)
    if family_root(cert_request).pk == root.pk:
        raise ValidationError({"other": ["These requests are already in one group."]})
    if RequestLink.objects.filter(earlier=cert_request, kind=LinkKind.FAMILY).exists() or (
        RequestLink.objects.filter(later=cert_request, kind=LinkKind.FAMILY).exists()
    ):
        raise ValidationError(
            {"other": ["This request is already in another group: it can be in one only."]}
        )
    with transaction.atomic():
        return _link(earlier=root, later=cert_request, kind=LinkKind.FAMILY, actor=actor)
