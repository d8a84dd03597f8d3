"""One incident, several agencies: the same victim's request for the same incident sent to
another agency as well (the police department that investigated and the county attorney that
prosecuted: 8 CFR 214.14(a)(2) lets each certify).

Each agency's request is a request of its own: its own copy of the data and files the advocate
ticks (so each keeps, shares and purges its own), its own release naming that agency (VAWA 34
U.S.C. 12291(b)(2): one release per receiving agency), routing, clock (Minn. Stat. 611A.95
subd. 2 counts from each request), review and decision. A `RequestLink` of kind OTHER_AGENCY
ties the new request to the one it was started from; the link holds no victim data.

Privacy: an agency never learns that the other agency was asked. The link writes no event on
either timeline (both are read by their agency) and `selectors_links` shows the link to the
organization's advocates only; the audit log keeps who linked what.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agencies.models import Agency
from agencies.services import route_request

from ..choices import AttachmentKind, Status
from ..models import Attachment, CertificationRequest, LinkKind, RequestLink
from .intake import certification_request_submit, minnesota_today
from .links import (
    COPIED_FIELDS,
    LinkError,
    _agency_of,
    _copy_attachments,
    _copy_family_members,
    _copy_releases,
    _link,
    _new_request,
    _stored_or_cleaned,
    _values,
)
from .releases import release_names, releases_current

# The groups of data the advocate ticks to copy, by the intake step that holds them. What is
# not ticked stays empty in the new draft, for the advocate to fill or leave out (share only
# what the agency needs: VAWA 34 U.S.C. 12291(b)(2)).
DATA_GROUPS: dict[str, tuple[str, frozenset[str]]] = {
    "victim": (
        "The victim and who asks (Part 1)",
        frozenset(
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
            }
        ),
    ),
    "expedite": (
        "Removal proceedings and urgency",
        frozenset(
            {
                "in_removal_proceedings",
                "removal_proceedings_of",
                "detained",
                "child_turns_21_on",
                "urgency_reason",
                "decision_needed_by",
            }
        ),
    ),
    "crime": (
        "The crime and the police report (Part 3)",
        frozenset(
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
                "date_reported",
                "incident_address",
                "investigating_officer",
                "suspect_name",
                "court_file_number",
            }
        ),
    ),
    "narrative": (
        "The narrative, injuries, helpfulness and family members (Parts 3 to 5)",
        frozenset({"narrative", "known_injuries", "helpfulness", "family_implicated"}),
    ),
    "notes": (
        "Contact details and internal notes",
        frozenset({"contact_details", "internal_notes"}),
    ),
}
ALL_GROUPS = tuple(DATA_GROUPS)


def other_agency_attachments(cert_request: CertificationRequest) -> list[Attachment]:
    """The files the advocate may tick to copy: all but the releases (a release goes with the
    new request only when it names the new agency: `_releases_for`)."""
    return list(cert_request.attachments.exclude(kind=AttachmentKind.RELEASE).order_by("id"))


class AlsoReleaseError(LinkError):
    """An extra agency ticked at submission has no current release naming it; `problems`
    says which, in plain words. Nothing was written."""

    def __init__(self, problems: list[str], agencies: list[Agency]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
        self.agencies = agencies


def _check_agency(source: CertificationRequest, agency: Agency) -> None:
    if not agency.is_active:
        raise ValidationError({"agency": ["This agency is no longer in the directory."]})
    if agency.pk == _agency_of(source):
        raise ValidationError({"agency": ["This request already goes to this agency."]})


def _lock_and_check_open(source: CertificationRequest, agency: Agency) -> None:
    """One open request per agency for the incident (a double click, or two advocates at
    once): the source row is locked, so the second waits and then finds the first."""
    CertificationRequest.objects.select_for_update().filter(pk=source.pk).first()
    pending = (
        RequestLink.objects.filter(earlier=source, kind=LinkKind.OTHER_AGENCY)
        .exclude(later__status__in=[Status.DENIED, Status.CERTIFIED, Status.WITHDRAWN])
        .select_related("later")
    )
    for link in pending:
        if _agency_of(link.later) == agency.pk:
            raise LinkError(
                _("%(later_reference)s already asks %(agency)s about this incident.")
                % {"later_reference": link.later.reference, "agency": agency.name}
            )


def _copy_release_documents(
    *, source: CertificationRequest, target: CertificationRequest, agency: Agency, actor: User
) -> list[Attachment]:
    """The source's current releases naming `agency`, for `target`, each with a copy of its
    signed document (`links._copy_releases`). Returns the stored copies."""
    naming = [r for r in releases_current(cert_request=source) if _names(r, agency)]
    document_ids = [r.document_id for r in naming if r.document_id]
    copies = _copy_attachments(source=source, target=target, ids=document_ids, actor=actor)
    by_source = dict(zip(sorted(document_ids), copies, strict=True))
    _copy_releases(source=source, target=target, by_source=by_source, releases=naming, actor=actor)
    return copies


def _names(release, agency: Agency) -> bool:
    return any(a.pk == agency.pk for a in release.agencies.all())


def _draft_for(
    *,
    source: CertificationRequest,
    actor: User,
    agency: Agency,
    groups: Iterable[str],
    attachment_ids: Iterable[int],
    stored: list[Attachment],
) -> CertificationRequest:
    """The linked draft, inside the caller's transaction; every stored file is appended to
    `stored` so the caller can remove them if the transaction fails."""
    chosen = [g for g in groups if g in DATA_GROUPS]
    names = set().union(*(DATA_GROUPS[g][1] for g in chosen)) & COPIED_FIELDS
    fields = _values(source, names)
    fields["requested_agency_id"] = agency.pk
    draft = _new_request(source=source, actor=actor, fields=fields, form_type=source.form_type)
    if "narrative" in chosen:
        _copy_family_members(source, draft)
    allowed = {a.pk for a in other_agency_attachments(source)}
    ids = [pk for pk in attachment_ids if pk in allowed]
    stored += _copy_attachments(source=source, target=draft, ids=ids, actor=actor)
    stored += _copy_release_documents(source=source, target=draft, agency=agency, actor=actor)
    _link(
        earlier=source,
        later=draft,
        kind=LinkKind.OTHER_AGENCY,
        actor=actor,
        # Privacy: the agency reading either timeline never learns of the other request.
        events=False,
    )
    return draft


def other_agency_start(
    *,
    source: CertificationRequest,
    actor: User,
    agency: Agency,
    groups: Sequence[str] = ALL_GROUPS,
    attachment_ids: Sequence[int] = (),
) -> CertificationRequest:
    """ "Also request from another agency": a new draft for the same victim and incident
    naming `agency`, with the data `groups` and files the advocate ticked copied, linked to
    `source` (a draft or a submitted request). A current release of `source` naming `agency`
    goes with it; otherwise the advocate attaches one at the new draft's release step."""
    _check_agency(source, agency)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            _lock_and_check_open(source, agency)
            return _draft_for(
                source=source,
                actor=actor,
                agency=agency,
                groups=groups,
                attachment_ids=attachment_ids,
                stored=stored,
            )
    except Exception:
        _stored_or_cleaned(stored)
        raise


def _release_check(cert_request: CertificationRequest, agencies: Sequence[Agency]) -> None:
    """What stops each extra agency's request from going out: the release must name the
    agency the directory sends it to (as at any submission: `certification_request_submit`)."""
    today = minnesota_today()
    problems = []
    missing = []
    for agency in agencies:
        decision = route_request(
            agency=agency,
            crimes=list(cert_request.crimes or []),
            form_type=cert_request.form_type,
            county=cert_request.crime_county,
        )
        if not release_names(cert_request=cert_request, agency=decision.agency, on=today):
            where = (
                agency.name
                if decision.agency.pk == agency.pk
                else f"{decision.agency.name} (where the directory sends a request to "
                f"{agency.name})"
            )
            problems.append(f"No current release from the victim names {where}.")
            missing.append(decision.agency)
    if problems:
        raise AlsoReleaseError(problems, missing)


def certification_request_submit_also_to(
    *, cert_request: CertificationRequest, actor: User, agencies: Sequence[Agency]
) -> list[CertificationRequest]:
    """Submit a draft and, at once, a linked request for the same incident to each of
    `agencies`. Returns the submitted requests, the draft first.

    1. Check each extra agency (active, not the draft's own, not twice) and that a current
       release of the draft names where the directory sends it; raise AlsoReleaseError
       before anything is written, so the draft stays as it was.
    2. In one transaction: for each extra agency a linked draft with all the data and files
       of the draft (its releases naming that agency go with it), then submit the draft and
       each linked draft through `certification_request_submit`: each gets its own routing
       reason, due date and basis. Any refusal rolls all of it back (the stored file copies
       are removed) and the draft stays a draft.
    """
    extra: list[Agency] = []
    for agency in agencies:
        _check_agency(cert_request, agency)
        if all(a.pk != agency.pk for a in extra):
            extra.append(agency)
    _release_check(cert_request, extra)
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            drafts = []
            for agency in extra:
                _lock_and_check_open(cert_request, agency)
                drafts.append(
                    _draft_for(
                        source=cert_request,
                        actor=actor,
                        agency=agency,
                        groups=ALL_GROUPS,
                        attachment_ids=[a.pk for a in other_agency_attachments(cert_request)],
                        stored=stored,
                    )
                )
            return [
                certification_request_submit(cert_request=draft, actor=actor)
                for draft in [cert_request, *drafts]
            ]
    except Exception:
        _stored_or_cleaned(stored)
        raise
