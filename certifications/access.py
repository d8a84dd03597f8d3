"""Who may see a certification request, and what they may do with it: the one place the rule
is written (Zulip's "avoid duplicating code with security impact").

Every view, download, PDF and export reaches a request through `certification_request_access`
(or an attachment through `attachment_access`), and every list starts from
`certification_requests_visible_to`. Outsiders get 404, never 403, so ids cannot be probed.
Each condition stands on its own line so coverage shows every branch was tested.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import CertifyingDesignation, Delegation, PointOfContact
from agencies.selectors import contact_for_user, contact_may_sign, delegated_agency_ids

from .choices import FINAL_STATUSES, OPEN_STATUSES, AttachmentKind, Status
from .models import Attachment, CertificationRequest, Release

# The advocate's actions on the organization's own requests: edit a draft, submit, withdraw,
# answer the agency, attach and remove files.
ADVOCATE = "advocate"
# Any of the agency's actions (the review page); each one by its own name below.
AGENCY = "agency"

# What a contact of the request's own agency may do. The status decides which of these are
# possible right now (choices.TRANSITIONS); this decides who may try.
# "records_archived" and "original_returned" are the case file's (views.casefile): the
# records are archived off-site, and how the signed original went back.
AGENCY_OWN_ACTIONS = frozenset(
    {
        "start_review",
        "request_info",
        "certify",
        "deny",
        "recommend",
        "transfer",
        "message",
        "assign",
        "records_archived",
        "original_returned",
        # 8 CFR 214.14(h)(2): the agency that certified may withdraw or disavow it.
        "withdraw_certification",
    }
)
# Recording a certification or a denial: only the agency's head or an official the head
# designated (8 CFR 214.14(a)(3)); every other contact prepares and recommends.
SIGNING_ACTIONS = frozenset({"certify", "deny"})
# The statewide coordinator decides what was routed to DPS (when DPS or one of its divisions
# had responsibility for the case: the decision records it) and re-routes it (rather than
# transferring) to a local agency.
COORDINATOR_OWN_ACTIONS = (AGENCY_OWN_ACTIONS - {"transfer"}) | {"reroute"}
# Another agency's escalated or overdue request stays with that agency (8 CFR 214.14(a)(2):
# the agency responsible for the case certifies): the coordinator coordinates (records what
# was done) and may re-route it, never decides it.
COORDINATOR_OTHER_ACTIONS = frozenset({"reroute", "coordinate"})
# An agency whose head delegated its certifications to the coordinator in writing: the
# coordinator decides its requests, which stay that agency's (its clock, its statistics).
COORDINATOR_DELEGATED_ACTIONS = COORDINATOR_OWN_ACTIONS | {"coordinate"}


@dataclass(frozen=True)
class Viewer:
    """The access rule that applies to a user: the organization of an advocate, or the agency
    of a point of contact (`statewide` for the statewide coordinator's)."""

    organization_id: int | None = None
    agency_id: int | None = None
    statewide: bool = False
    # The agency's head or a designated official (8 CFR 214.14(a)(3)): may record decisions.
    may_sign: bool = False


def viewer_for(user: User) -> Viewer | None:
    """The rule that applies to `user`, or None for nobody's requests."""
    if not user.is_authenticated:
        return None
    if not user.is_active:
        return None
    if not user.is_approved:
        # Two-person rule: a new, re-roled or moved account sees nothing until someone other
        # than the administrator approves it (accounts/approvals.py).
        return None
    if user.role == Role.ADVOCATE:
        if user.organization_id is None:
            return None
        return Viewer(organization_id=user.organization_id)
    if user.role not in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        # Administrators maintain the directory and users; they never see victim data.
        return None
    contact = contact_for_user(user=user)
    if contact is None:
        return None
    may_sign = contact_may_sign(contact)
    if user.role == Role.AGENCY_CONTACT:
        return Viewer(agency_id=contact.agency_id, may_sign=may_sign)
    if not contact.agency.is_statewide_coordinator:
        # A coordinator account linked to an ordinary agency is a directory mistake: it gets
        # that agency's requests only, never the statewide view.
        return Viewer(agency_id=contact.agency_id, may_sign=may_sign)
    return Viewer(agency_id=contact.agency_id, statewide=True, may_sign=may_sign)


def visibility_condition(viewer: Viewer) -> Q:
    """The requests `viewer` may see, as a condition on requests."""
    if viewer.organization_id is not None:
        # Advocates see their own organization's requests, drafts included.
        return Q(organization_id=viewer.organization_id)
    # Agencies never see drafts: nothing was shared with them yet (consent is at submit).
    shared = ~Q(status=Status.DRAFT)
    own = Q(agency_id=viewer.agency_id)
    if not viewer.statewide:
        return shared & own
    # Least privilege: the statewide coordinator sees what was routed to DPS, the requests of
    # agencies whose head delegated their certifications to it, and what is escalated or
    # overdue while still open; not the requests of agencies that are on time and not
    # escalated, nor what another agency has closed.
    delegated = Q(agency_id__in=delegated_agency_ids())
    escalated = Q(escalated_at__isnull=False)
    overdue = Q(due_date__lt=timezone.localdate())
    still_open = Q(status__in=OPEN_STATUSES)
    return shared & (own | delegated | (still_open & (escalated | overdue)))


def certification_requests_visible_to(
    *, user: User, queryset: QuerySet[CertificationRequest] | None = None
) -> QuerySet[CertificationRequest]:
    """The requests of `queryset` (all of them by default) that `user` may see."""
    queryset = CertificationRequest.objects.all() if queryset is None else queryset
    viewer = viewer_for(user)
    if viewer is None:
        return queryset.none()
    return queryset.filter(visibility_condition(viewer))


def _actions(viewer: Viewer, cert_request: CertificationRequest) -> frozenset[str]:
    """What `viewer` may do with a request it may see (it was read through the rule)."""
    if viewer.organization_id is not None:
        # An advocate sees only the organization's requests and acts on all of them.
        return frozenset({ADVOCATE})
    if cert_request.status == Status.DRAFT:
        return frozenset()
    if cert_request.agency_id == viewer.agency_id:
        actions = COORDINATOR_OWN_ACTIONS if viewer.statewide else AGENCY_OWN_ACTIONS
    elif not viewer.statewide:
        return frozenset()
    elif _delegated_to_coordinator(cert_request):
        actions = COORDINATOR_DELEGATED_ACTIONS
    else:
        # Another agency's request that the coordinator sees: escalated or overdue.
        actions = COORDINATOR_OTHER_ACTIONS
    if not viewer.may_sign:
        actions = actions - SIGNING_ACTIONS
    return actions


def _delegated_to_coordinator(cert_request: CertificationRequest) -> bool:
    """Whether the request's agency delegated its certifications to the coordinator (read
    with the request by `certification_request_access`, else asked here)."""
    delegated = getattr(cert_request, "coordinator_delegated", None)
    if delegated is None:
        delegated = delegated_agency_ids().filter(agency_id=cert_request.agency_id).exists()
    return bool(delegated)


def _coordinator_limited(viewer: Viewer, cert_request: CertificationRequest) -> bool:
    """The statewide coordinator on another agency's request that no current release covers it
    for: it sees the reference, agency and dates only (VAWA 34 U.S.C. 12291(b)(2), FVPSA, VOCA:
    shared only with whom the victim's release names)."""
    if not viewer.statewide:
        return False
    if cert_request.agency_id == viewer.agency_id:
        return False
    covered = getattr(cert_request, "coordinator_covered", None)
    if covered is None:
        covered = _coordinator_covered(cert_request.pk).exists()
    return not covered


def _coordinator_covered(request_ref) -> QuerySet[Release]:
    """The current releases of a request that cover the statewide coordinator."""
    today = timezone.localdate()
    return Release.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        request_id=request_ref,
        covers_coordinator=True,
        signed_on__lte=today,
    )


@dataclass(frozen=True)
class RequestAccess:
    """A request and what the user who asked for it may do with it."""

    cert_request: CertificationRequest
    actions: frozenset[str]
    # The coordinator without the victim's release: reference, agency and dates only.
    limited: bool = False

    @property
    def can_act_as_advocate(self) -> bool:
        return ADVOCATE in self.actions

    @property
    def agency_actions(self) -> frozenset[str]:
        return self.actions - {ADVOCATE}

    @property
    def can_act_as_agency(self) -> bool:
        return bool(self.agency_actions)

    @property
    def sees_notice_to_appear(self) -> bool:
        # 8 U.S.C. 1367 / DOMAIN: the agency sees that removal proceedings were flagged (it sets
        # the deadline) and nothing more about immigration status: not the proof itself.
        return self.can_act_as_advocate

    @property
    def sees_agency_answers(self) -> bool:
        # The agency's answers on the official form are its statement: the advocate's copy
        # carries them only once the agency has decided (certified or denied).
        if self.can_act_as_agency:
            return True
        return self.cert_request.status in (Status.CERTIFIED, Status.DENIED)

    @property
    def may_move_edition(self) -> bool:
        # Moving to the current edition changes the form the request is filled on: the
        # advocate who drafts it, or the agency that certifies it (whoever prepares it there);
        # never once it is closed.
        if self.cert_request.status in FINAL_STATUSES:
            return False
        if self.can_act_as_advocate:
            return True
        return "recommend" in self.actions

    def allows(self, action: str) -> bool:
        if action == AGENCY:
            return self.can_act_as_agency
        return action in self.actions

    def shown_attachments(self, attachments: Iterable[Attachment]) -> list[Attachment]:
        """The request's files this user may see."""
        return shown_attachments(attachments, sees_notice_to_appear=self.sees_notice_to_appear)

    def shows_attachment(self, attachment: Attachment) -> bool:
        return _shown(attachment, sees_notice_to_appear=self.sees_notice_to_appear)


@dataclass(frozen=True)
class AgencyView:
    """The immigration details of a request that its certifying agency may see."""

    # The A-Number, when the advocate shared it; None when not shared or there is none (the
    # same for both, so an empty item does not tell the agency that one exists).
    a_number: str | None
    # "A decision is needed by <date> (urgent)", when the advocate named an urgency; never
    # the reason behind it (detention, a family member's age).
    decision_needed_by: datetime.date | None


def agency_view_of(cert_request: CertificationRequest) -> AgencyView:
    """What the agency may see of the A-Number and of an urgency: the one rule that the
    agency's request page, the draft Supplement B, the cover letter and the official form
    follow (the advocate's own pages show everything).

    8 U.S.C. 1367 and Minn. Stat. 611A.95 (the entity must not disclose immigration status):
    the agency learns only what the advocate chose to share on the request. The
    removal-proceedings flag is outside this rule: it sets the statute's deadline, so the agency
    always sees it (`RequestAccess.sees_notice_to_appear` keeps the proof away).
    """
    shared = cert_request.a_number_shared and bool(cert_request.victim_a_number)
    urgent = bool(cert_request.urgency_reason) and cert_request.decision_needed_by is not None
    return AgencyView(
        a_number=cert_request.victim_a_number if shared else None,
        decision_needed_by=cert_request.decision_needed_by if urgent else None,
    )


def _shown(attachment: Attachment, *, sees_notice_to_appear: bool) -> bool:
    """The Notice-to-Appear rule, written once: the proof of removal proceedings stays with
    the advocate (8 U.S.C. 1367)."""
    if attachment.kind != AttachmentKind.NOTICE_TO_APPEAR:
        return True
    return sees_notice_to_appear


def shown_attachments(
    attachments: Iterable[Attachment], *, sees_notice_to_appear: bool
) -> list[Attachment]:
    """The files of `attachments` shown to someone who does (or does not) see a Notice to
    Appear (`RequestAccess.sees_notice_to_appear`)."""
    return [a for a in attachments if _shown(a, sees_notice_to_appear=sees_notice_to_appear)]


def certification_request_access(
    *,
    user: User,
    pk: int,
    require: str | None = None,
    queryset: QuerySet[CertificationRequest] | None = None,
    allow_limited: bool = False,
) -> RequestAccess:
    """The request with this id and what `user` may do with it; 404 when the user may not
    see it, or may not do `require` (ADVOCATE, AGENCY, or an agency action's name).

    A coordinator that no current release covers gets 404 too, unless the caller shows only
    the reference, agency and dates (`allow_limited`, then `RequestAccess.limited` is set).

    `queryset` is where to read it from (what the caller's page needs prefetched); the rule
    is added here."""
    viewer = viewer_for(user)
    if viewer is None:
        raise Http404("No such request.")
    queryset = CertificationRequest.objects.all() if queryset is None else queryset
    if viewer.statewide:
        # Whether the coordinator decides for the request's agency, and whether the victim's
        # release covers the coordinator: read with the request, no query of their own.
        queryset = queryset.annotate(
            coordinator_delegated=Exists(
                delegated_agency_ids().filter(agency_id=OuterRef("agency_id"))
            ),
            coordinator_covered=Exists(_coordinator_covered(OuterRef("pk"))),
        )
    try:
        cert_request = queryset.filter(visibility_condition(viewer)).get(pk=pk)
    except CertificationRequest.DoesNotExist:
        raise Http404("No such request.") from None
    access = RequestAccess(
        cert_request=cert_request,
        actions=_actions(viewer, cert_request),
        limited=_coordinator_limited(viewer, cert_request),
    )
    if require is not None and not access.allows(require):
        raise Http404("No such request.")
    if access.limited and not allow_limited:
        # Only the pages written for the limited view (the summary, re-routing) ask for it.
        raise Http404("No such request.")
    return access


def attachment_access(
    *, user: User, pk: int, require: str | None = None
) -> tuple[Attachment, RequestAccess]:
    """An attachment and its request's access: visible exactly when its request is and the
    user may see its kind (the Notice-to-Appear rule); 404 otherwise."""
    viewer = viewer_for(user)
    if viewer is None:
        raise Http404("No such file.")
    visible = CertificationRequest.objects.filter(visibility_condition(viewer))
    try:
        attachment = Attachment.objects.select_related("request").get(pk=pk, request__in=visible)
    except Attachment.DoesNotExist:
        raise Http404("No such file.") from None
    access = RequestAccess(
        cert_request=attachment.request, actions=_actions(viewer, attachment.request)
    )
    if not access.shows_attachment(attachment):
        raise Http404("No such file.")
    if _coordinator_limited(viewer, attachment.request):
        raise Http404("No such file.")
    if require is not None and not access.allows(require):
        raise Http404("No such file.")
    return attachment, access


def outbox_access(user: User) -> None:
    """The e-mail outbox's dead notices: administrators only. Anyone else gets 404, as for
    any page they may not know about. The page shows ids, kinds, roles and the mail server's
    replies, never a request's data or an e-mail's text."""
    if not user.is_authenticated:
        raise Http404("No such page.")
    if not user.is_administrator:
        raise Http404("No such page.")


# --- The signing records and the coordinator's directory pages ---------------------------------
# No victim data: who may sign, delegations and training. Still one rule each, and 404 for
# anyone else.


def agency_head_access(user: User) -> PointOfContact:
    """The page where a head designates who signs (8 CFR 214.14(a)(3)): the agency's active
    head, with an approved account; 404 for anyone else."""
    viewer = viewer_for(user)
    if viewer is None or viewer.organization_id is not None:
        raise Http404("No such page.")
    contact = contact_for_user(user=user)
    if contact is None or not contact.is_agency_head:
        raise Http404("No such page.")
    return contact


def coordinator_access(user: User) -> PointOfContact:
    """The statewide coordinator's directory pages (delegations, training); 404 otherwise."""
    viewer = viewer_for(user)
    if viewer is None or not viewer.statewide:
        raise Http404("No such page.")
    return contact_for_user(user=user)


def _sees_agency_signing_files(user: User, agency_id: int) -> bool:
    """An agency's designation letters and delegations: its own contacts, the statewide
    coordinator, and the administrators who maintain the directory."""
    if user.is_authenticated and user.is_active and user.is_administrator:
        return True
    viewer = viewer_for(user)
    if viewer is None or viewer.organization_id is not None:
        return False
    return viewer.statewide or viewer.agency_id == agency_id


def designation_letter_access(*, user: User, pk: int) -> CertifyingDesignation:
    try:
        designation = CertifyingDesignation.objects.select_related("contact").get(pk=pk)
    except CertifyingDesignation.DoesNotExist:
        raise Http404("No such file.") from None
    if not designation.letter:
        raise Http404("No such file.")
    if not _sees_agency_signing_files(user, designation.contact.agency_id):
        raise Http404("No such file.")
    return designation


def delegation_access(*, user: User, pk: int) -> Delegation:
    try:
        delegation = Delegation.objects.select_related("agency").get(pk=pk)
    except Delegation.DoesNotExist:
        raise Http404("No such file.") from None
    if not _sees_agency_signing_files(user, delegation.agency_id):
        raise Http404("No such file.")
    return delegation
