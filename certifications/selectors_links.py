"""Reads of linked requests (models.links), each through the access rule in
`certifications.access`: a viewer sees only the linked requests it may see on their own (one
agency never sees another agency's request, an advocate only the organization's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accounts.models import User

from .access import certification_requests_visible_to
from .choices import AttachmentKind, Status
from .models import Attachment, CertificationRequest, LinkKind, RequestLink
from .selectors import requests_with_row_columns


@dataclass(frozen=True)
class LinkedRequest:
    """One request linked to the page's request, as the viewer may see it. `earlier` says
    whether it is the request the page's one follows from."""

    link: RequestLink
    other: CertificationRequest
    earlier: bool

    @property
    def description(self) -> str:
        if self.earlier:
            return f"{self.link.get_kind_display()} of {self.other.reference}"
        return f"{self.other.reference}: {self.link.get_kind_display().lower()} of this request"


def linked_requests_visible_to(
    *, user: User, cert_request: CertificationRequest
) -> list[LinkedRequest]:
    """The requests linked to `cert_request` (either way) that `user` may see, oldest link
    first. The caller has read `cert_request` through the access rule.

    A link to the same incident at another agency is shown to the organization's advocates
    only: an agency (or the coordinator, who may see both requests) never learns from one
    request that another agency was asked, since each release names one agency (VAWA 34
    U.S.C. 12291(b)(2)) and each agency decides on its own."""
    links = RequestLink.objects.touching(cert_request.pk)
    if not user.is_advocate:
        links = links.exclude(kind=LinkKind.OTHER_AGENCY)
    links = list(links)
    other_ids = {
        link.earlier_id if link.later_id == cert_request.pk else link.later_id for link in links
    }
    visible = {
        r.pk: r
        for r in certification_requests_visible_to(
            user=user, queryset=CertificationRequest.objects.filter(pk__in=other_ids)
        ).select_related("agency", "requested_agency")
    }
    shown = []
    for link in links:
        earlier = link.later_id == cert_request.pk
        other_id = link.earlier_id if earlier else link.later_id
        if other_id in visible:
            shown.append(LinkedRequest(link=link, other=visible[other_id], earlier=earlier))
    return shown


def link_kind_of(cert_request: CertificationRequest) -> RequestLink | None:
    """The link by which the request follows from an earlier one (re-certification,
    reconsideration, another certifier), if any; family links are groups, not origins."""
    return (
        RequestLink.objects.filter(later=cert_request)
        .exclude(kind=LinkKind.FAMILY)
        .select_related("earlier")
        .first()
    )


def link_kinds_for_rows(rows: Iterable[CertificationRequest]) -> None:
    """Mark each queue row with `link_label` ("Re-certification", "Reconsideration"...) when it
    follows from an earlier request, and `in_family` when it is grouped: one query for the
    page. Reads ids and kinds only."""
    rows = list(rows)
    ids = [r.pk for r in rows]
    kinds: dict[int, str] = {}
    family: set[int] = set()
    # The queue is the agency's: a request for the same incident at another agency stays
    # unmarked (linked_requests_visible_to says why).
    for later_id, kind in (
        RequestLink.objects.filter(later_id__in=ids)
        .exclude(kind=LinkKind.OTHER_AGENCY)
        .values_list("later_id", "kind")
    ):
        if kind == LinkKind.FAMILY:
            family |= {later_id}
        else:
            kinds[later_id] = LinkKind(kind).label
    family |= set(
        RequestLink.objects.filter(earlier_id__in=ids, kind=LinkKind.FAMILY).values_list(
            "earlier_id", flat=True
        )
    )
    for row in rows:
        row.link_label = kinds.get(row.pk, "")
        row.in_family = row.pk in family


@dataclass(frozen=True)
class EarlierDecision:
    """The earlier request's decision shown beside a re-certification or reconsideration on
    the agency's page, as far as the viewer may see the earlier request."""

    link: RequestLink
    earlier: CertificationRequest
    signed_scans: list[Attachment]
    has_official_form: bool


def earlier_decision_for(
    *, user: User, cert_request: CertificationRequest
) -> EarlierDecision | None:
    """The decision of the request this one follows from (re-certification or
    reconsideration), when `user` may see that request; None otherwise."""
    link = link_kind_of(cert_request)
    if link is None or link.kind not in (LinkKind.RECERTIFICATION, LinkKind.RECONSIDERATION):
        return None
    earlier = (
        certification_requests_visible_to(
            user=user, queryset=CertificationRequest.objects.filter(pk=link.earlier_id)
        )
        .select_related("agency")
        .first()
    )
    if earlier is None:
        return None
    # The signed scan is no immigration detail: whoever sees the earlier request sees it.
    scans = list(earlier.attachments.filter(kind=AttachmentKind.SIGNED_FORM))
    return EarlierDecision(
        link=link,
        earlier=earlier,
        signed_scans=scans,
        has_official_form=earlier.status in (Status.CERTIFIED, Status.DENIED)
        and earlier.form_edition_id is not None,
    )


def family_visible_to(
    *, user: User, cert_request: CertificationRequest
) -> list[CertificationRequest]:
    """The family of `cert_request` (its group's first request and every request linked to
    it as another victim of the incident) that `user` may see, in the order they were filed;
    empty when the request is in no group."""
    root_link = RequestLink.objects.filter(later=cert_request, kind=LinkKind.FAMILY).first()
    root_id = root_link.earlier_id if root_link is not None else cert_request.pk
    member_ids = set(
        RequestLink.objects.filter(earlier_id=root_id, kind=LinkKind.FAMILY).values_list(
            "later_id", flat=True
        )
    )
    if not member_ids:
        return []
    return list(
        requests_with_row_columns(
            certification_requests_visible_to(
                user=user,
                queryset=CertificationRequest.objects.filter(pk__in=member_ids | {root_id}),
            )
        )
        .select_related("agency", "assigned_contact")
        .order_by("created_at", "id")
    )


def family_candidates_for(
    *, user: User, cert_request: CertificationRequest
) -> list[CertificationRequest]:
    """The organization's other requests to the same agency that `cert_request` could be
    grouped with, newest first (the advocate's "link to another victim" list)."""
    agency_id = cert_request.agency_id or cert_request.requested_agency_id
    if agency_id is None:
        return []
    visible = certification_requests_visible_to(user=user).filter(
        organization_id=cert_request.organization_id
    )
    same_agency = visible.filter(agency_id=agency_id) | visible.filter(
        agency__isnull=True, requested_agency_id=agency_id
    )
    return list(same_agency.exclude(pk=cert_request.pk).order_by("-created_at", "-id")[:50])
