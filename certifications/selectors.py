"""Permission-filtered reads of requests. The access functions here are the only way a view,
download, PDF or export reaches a request (Zulip's "one access function per object type").

Each condition stands on its own line so coverage shows every branch was tested.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from agencies.selectors import contact_for_user

from .choices import OPEN_STATUSES, Status
from .models import Attachment, CertificationRequest


def _visibility_filter(user: User) -> Q | None:
    """The Q that selects the requests `user` may see, or None for nobody's."""
    if not user.is_authenticated:
        return None
    if not user.is_active:
        return None
    if user.role == Role.ADVOCATE:
        # Advocates see their own organization's requests, drafts included.
        if user.organization_id is None:
            return None
        return Q(organization_id=user.organization_id)
    if user.role == Role.AGENCY_CONTACT:
        contact = contact_for_user(user=user)
        if contact is None:
            return None
        # Agencies never see drafts: nothing was shared with them yet (consent is at submit).
        return Q(agency_id=contact.agency_id) & ~Q(status=Status.DRAFT)
    if user.role == Role.COORDINATOR:
        contact = contact_for_user(user=user)
        if contact is None:
            return None
        # The statewide coordinator sees what was routed to DPS, what was escalated, and what
        # is overdue; not the requests of agencies that are on time (issue: least privilege).
        today = timezone.localdate()
        return ~Q(status=Status.DRAFT) & (
            Q(agency_id=contact.agency_id)
            | Q(escalated_at__isnull=False, status__in=OPEN_STATUSES)
            | Q(due_date__lt=today, status__in=OPEN_STATUSES)
        )
    # Administrators maintain the directory and users; they never see victim data.
    return None


def certification_requests_visible_to(*, user: User) -> QuerySet[CertificationRequest]:
    condition = _visibility_filter(user)
    if condition is None:
        return CertificationRequest.objects.none()
    return CertificationRequest.objects.filter(condition)


def certification_request_get_for_user(*, user: User, pk: int) -> CertificationRequest:
    """The request with this id if `user` may see it; 404 otherwise, so ids cannot be probed."""
    try:
        return certification_requests_visible_to(user=user).get(pk=pk)
    except CertificationRequest.DoesNotExist:
        raise Http404("No such request.") from None


def user_can_act_as_advocate(*, user: User, request: CertificationRequest) -> bool:
    return (
        user.is_active
        and user.role == Role.ADVOCATE
        and user.organization_id == request.organization_id
    )


def user_can_act_as_agency(*, user: User, request: CertificationRequest) -> bool:
    """Agency actions: contacts of the request's agency; the coordinator on what it can see."""
    contact = contact_for_user(user=user)
    if contact is None:
        return False
    if request.status == Status.DRAFT:
        return False
    if user.role == Role.AGENCY_CONTACT:
        return contact.agency_id == request.agency_id
    if user.role == Role.COORDINATOR:
        return certification_requests_visible_to(user=user).filter(pk=request.pk).exists()
    return False


def certification_request_get_for_advocate_action(*, user: User, pk: int) -> CertificationRequest:
    request = certification_request_get_for_user(user=user, pk=pk)
    if not user_can_act_as_advocate(user=user, request=request):
        raise Http404("No such request.")
    return request


def certification_request_get_for_agency_action(*, user: User, pk: int) -> CertificationRequest:
    request = certification_request_get_for_user(user=user, pk=pk)
    if not user_can_act_as_agency(user=user, request=request):
        raise Http404("No such request.")
    return request


def attachment_get_for_user(*, user: User, pk: int) -> Attachment:
    """An attachment is visible exactly when its request is."""
    visible = certification_requests_visible_to(user=user)
    try:
        return Attachment.objects.select_related("request").get(pk=pk, request__in=visible)
    except Attachment.DoesNotExist:
        raise Http404("No such file.") from None


def certification_requests_for_advocate_dashboard(*, user: User) -> QuerySet[CertificationRequest]:
    """The organization's requests, open ones first by due date, with what the list shows.

    Advocates only: other roles have their own queues.
    """
    from django.db.models import Case, IntegerField, Value, When

    if not (user.is_authenticated and user.is_active and user.role == Role.ADVOCATE):
        return CertificationRequest.objects.none()
    return (
        certification_requests_visible_to(user=user)
        .select_related("agency", "requested_agency", "assigned_contact")
        .annotate(
            status_rank=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                When(status=Status.DRAFT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("status_rank", "due_date", "-created_at")
    )


def certification_request_for_page(*, user: User, pk: int) -> CertificationRequest:
    """A request for its page, with everything the page shows fetched up front (no queries
    from templates). Same access rule as `certification_request_get_for_user`."""
    from django.db.models import Prefetch

    from .models import Message, RequestEvent

    queryset = (
        certification_requests_visible_to(user=user)
        .select_related(
            "organization",
            "created_by",
            "agency",
            "requested_agency",
            "assigned_contact",
            "crime_county",
        )
        .prefetch_related(
            "family_members",
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("uploaded_by").order_by(
                    "uploaded_at", "id"
                ),
            ),
            Prefetch("events", queryset=RequestEvent.objects.select_related("actor")),
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author").prefetch_related("attachments"),
            ),
        )
    )
    try:
        return queryset.get(pk=pk)
    except CertificationRequest.DoesNotExist:
        raise Http404("No such request.") from None


def agency_suggestions(*, county, crimes=None, form_type=None) -> list:
    """Agencies an advocate should consider for a crime in `county`, best first.

    Stand-in with the signature of `agencies.selectors.agency_suggestions` (the directory's
    own selector replaces it): active agencies serving the county that accept the form type
    and certify the crimes named, local police and sheriff first, then prosecutors, then the
    rest.
    """
    from agencies.models import Agency, AgencyKind

    if county is None:
        return []
    rank = {AgencyKind.POLICE: 0, AgencyKind.SHERIFF: 1, AgencyKind.PROSECUTOR: 2}
    agencies = (
        Agency.objects.active().filter(counties=county).exclude(is_statewide_coordinator=True)
    )
    if form_type == "U":
        agencies = agencies.filter(accepts_u=True)
    elif form_type == "T":
        agencies = agencies.filter(accepts_t=True)
    found = [a for a in agencies.distinct() if not crimes or a.certifies_crimes(list(crimes))]
    return sorted(found, key=lambda a: (rank.get(a.kind, 3), a.name))
