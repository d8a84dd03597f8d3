"""Reads of requests for the lists and pages, each starting from the access rule in
`certifications.access` (`certification_requests_visible_to`, `certification_request_access`):
no function here reads a request the user may not see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import Agency, PointOfContact
from agencies.selectors import agency_suggestions, contact_for_user

from .access import (
    RequestAccess,
    certification_request_access,
    certification_requests_visible_to,
    viewer_for,
)
from .choices import FINAL_STATUSES, OPEN_STATUSES, Status
from .models import (
    Attachment,
    CertificationRequest,
    FamilyMember,
    Message,
    Notification,
    ReportNumber,
    RequestEvent,
)

# --- The request page ------------------------------------------------------------------------

# The related rows the request page names (each read in the same query as the request).
REQUEST_PAGE_RELATED = (
    "organization",
    "created_by",
    "agency",
    "requested_agency",
    "assigned_contact",
    "crime_county",
    # The case file's one-to-one rows (models.casefile), absent on most requests.
    "archived_records",
    "signed_original",
    # A withdrawal of the certification and the kept decision record (models.records): at
    # most one each, shown on both sides' pages.
    "certification_withdrawal",
    "decision_record",
)


def _request_page_lists() -> list[Prefetch]:
    """The request page's lists, each in its model's order, each person with their row."""
    return [
        Prefetch(
            "family_members", queryset=FamilyMember.objects.all(), to_attr="family_member_list"
        ),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.select_related("uploaded_by"),
            to_attr="attachment_list",
        ),
        Prefetch(
            "events", queryset=RequestEvent.objects.select_related("actor"), to_attr="event_list"
        ),
        Prefetch(
            "messages", queryset=Message.objects.select_related("author"), to_attr="message_list"
        ),
        Prefetch(
            "report_numbers",
            queryset=ReportNumber.objects.select_related("agency"),
            to_attr="report_number_list",
        ),
    ]


def certification_request_for_page(
    *, user: User, pk: int, require: str | None = None, allow_limited: bool = False
) -> RequestAccess:
    """A request for its page and what `user` may do with it (`certification_request_access`,
    404 for outsiders), with everything the page shows read up front, so the templates run
    no query: its related rows, and its lists as `family_member_list`, `attachment_list` (the
    caller shows `RequestAccess.shown_attachments` of it), `event_list` and `message_list`."""
    queryset = (
        CertificationRequest.objects.select_related(*REQUEST_PAGE_RELATED)
        # The page names the person who filed it: their name, not their password hash.
        .defer("created_by__password")
        .prefetch_related(*_request_page_lists())
    )
    return certification_request_access(
        user=user, pk=pk, require=require, queryset=queryset, allow_limited=allow_limited
    )


def certification_request_page_lists(*, cert_request: CertificationRequest) -> CertificationRequest:
    """The request page's lists on a request the caller has read through the access rule (one
    fetched for an action, whose refused form is shown again on the page). Lists already read
    are kept."""
    if not hasattr(cert_request, "event_list"):
        prefetch_related_objects([cert_request], *_request_page_lists())
    return cert_request


# --- What every list row shows ---------------------------------------------------------------

# A closed row's decision (templates/certifications/_row_decision.html): the fields of
# `CertificationRequest.decided_on` and `filing_deadline`, and the kind and date of a
# withdrawal of the certification (8 CFR 214.14(h)), never its reason.
CLOSED_ROW_FIELDS = (
    "signature_date",
    "decided_at",
    "closed_at",
    "petition_filed_on",
    "certification_withdrawal__kind",
    "certification_withdrawal__effective_on",
)


def requests_with_row_columns(
    queryset: QuerySet[CertificationRequest],
) -> QuerySet[CertificationRequest]:
    """The related rows every list row shows, read with the page: the withdrawal of a
    certification in the same query, the further report numbers in one more, whatever the
    number of rows. The numbers are encrypted, so they are read and shown, never filtered or
    sorted in SQL."""
    return queryset.select_related("certification_withdrawal").prefetch_related(
        Prefetch(
            "report_numbers",
            queryset=ReportNumber.objects.only("request_id", "number"),
            to_attr="report_number_list",
        )
    )


# --- The advocate's dashboard ----------------------------------------------------------------

# The columns a dashboard row shows (templates/certifications/advocate/dashboard.html).
DASHBOARD_ROW_FIELDS = (
    "reference",
    "victim_given_name",
    "victim_middle_name",
    "victim_family_name",
    # The display name's order (`victim_display_name`) follows these two.
    "victim_name_order",
    "victim_preferred_language",
    "status",
    "in_removal_proceedings",
    "routing_reason",
    "due_date",
    "deadline_basis",
    "agency__name",
    "requested_agency__name",
    # The page's heading names the organization; every row is of the viewer's own.
    "organization__name",
    # What matches the row to the police file: the numbers and the crimes (by form type).
    "form_type",
    "case_number",
    "crimes",
    "trafficking_types",
    *CLOSED_ROW_FIELDS,
)


def certification_requests_for_advocate_dashboard(*, user: User) -> QuerySet[CertificationRequest]:
    """The organization's requests, open ones first by due date, then drafts, then closed
    ones, with the columns the list shows.

    Advocates only: other roles have their own queues. The order is the index
    `req_org_dashboard` (organization, list_group, due_date, created_at desc, id desc), so a
    page is read in order whatever the organization's size."""
    if not (user.is_authenticated and user.is_active and user.role == Role.ADVOCATE):
        return CertificationRequest.objects.none()
    return requests_with_row_columns(
        certification_requests_visible_to(user=user)
        .select_related("agency", "requested_agency", "organization")
        .only(*DASHBOARD_ROW_FIELDS)
        .order_by("list_group", "due_date", "-created_at", "-id")
    )


# --- The agency's queue and the coordinator's overview ---------------------------------------

# The columns a queue or overview row shows (templates/certifications/_request_rows.html).
QUEUE_ROW_FIELDS = (
    "reference",
    "form_type",
    "status",
    "in_removal_proceedings",
    "escalated_at",
    "recommendation",
    "due_date",
    "deadline_source",
    "urgency_reason",
    "decision_needed_by",
    "agency__name",
    "assigned_contact__name",
    # The row leads with what finds the agency's file: its number(s) and the crimes.
    "case_number",
    "crimes",
    "trafficking_types",
    # A closed row shows its decision and date (`decided_on`) and, when certified, the filing
    # date or that the petition was filed (`filing_deadline`, certifications.validity).
    *CLOSED_ROW_FIELDS,
)

# What the agency may see of an urgency, in SQL: the date when the advocate named one (the
# same rule as `access.agency_view_of`; the reason itself is never shown).
_SHARED_URGENCY = ~Q(urgency_reason="") & Q(decision_needed_by__isnull=False)


def _due_condition(due_within: str, today: datetime.date) -> Q | None:
    """The queue's "due" filter ("overdue", or a number of days) on open requests."""
    if due_within == "overdue":
        return Q(status__in=OPEN_STATUSES, due_date__lt=today)
    if due_within.isdigit():
        last = today + datetime.timedelta(days=int(due_within))
        return Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=last)
    return None


def _queue_filtered(
    *,
    user: User,
    today: datetime.date,
    status: str = "open",
    form_type: str = "",
    assigned: str = "",
    due_within: str = "",
    reference: str = "",
) -> QuerySet[CertificationRequest]:
    """The requests routed to the user's own agency that it may see, filtered, unordered."""
    viewer = viewer_for(user)
    if viewer is None or viewer.agency_id is None:
        return CertificationRequest.objects.none()
    queryset = certification_requests_visible_to(user=user).filter(agency_id=viewer.agency_id)
    if status == "closed":
        queryset = queryset.filter(status__in=sorted(FINAL_STATUSES))
    elif status in Status.values:
        queryset = queryset.filter(status=status)
    elif status != "all":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if form_type:
        queryset = queryset.filter(form_type=form_type)
    if assigned == "me":
        queryset = queryset.filter(assigned_contact_id=contact_for_user(user=user).pk)
    elif assigned == "none":
        queryset = queryset.filter(assigned_contact__isnull=True)
    elif assigned.isdigit():
        queryset = queryset.filter(assigned_contact_id=int(assigned))
    due = _due_condition(due_within, today)
    if due is not None:
        queryset = queryset.filter(due)
    if reference:
        queryset = queryset.filter(reference__icontains=reference.strip())
    return queryset


def _in_queue_order(
    queryset: QuerySet[CertificationRequest], today: datetime.date
) -> QuerySet[CertificationRequest]:
    """Most urgent first: open requests overdue, then in removal proceedings or with an urgency
    the advocate shared ("urgent: decision needed by <date>", e.g. a derivative about to turn
    21), then the others, each by the earlier of its due date and the date a decision is
    needed by; then the decided and withdrawn ones, most recently closed first. Each row
    carries `urgent_by`, the shared date (None when no urgency was shared)."""
    still_open = Q(status__in=OPEN_STATUSES)
    urgency = Case(
        When(status__in=sorted(FINAL_STATUSES), then=Value(3)),
        When(due_date__lt=today, then=Value(0)),
        # Minn. Stat. 611A.95 subd. 2(b): removal proceedings shorten the clock to 14 days.
        When(in_removal_proceedings=True, then=Value(1)),
        When(_SHARED_URGENCY, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    urgent_by = Case(When(_SHARED_URGENCY, then=F("decision_needed_by")))
    # Least() of a NULL is NULL on SQLite: without a shared date, the due date stands in.
    needed = Least(F("due_date"), Coalesce(urgent_by, F("due_date")))
    open_due = Case(When(still_open, then=needed))
    open_id = Case(When(still_open, then=F("id")))
    return (
        requests_with_row_columns(queryset.annotate(urgency=urgency, urgent_by=urgent_by))
        .select_related("agency", "assigned_contact")
        .only(*QUEUE_ROW_FIELDS)
        .order_by(
            "urgency",
            open_due.asc(nulls_last=True),
            F("closed_at").desc(nulls_last=True),
            open_id.asc(),
            "-id",
        )
    )


def certification_requests_agency_queue(
    *, user: User, status: str = "open", **filters: str
) -> QuerySet[CertificationRequest]:
    """The requests routed to the user's own agency, filtered (`status`: "open", "closed",
    "all" or one status; `form_type`, `assigned`, `due_within`, `reference`), most urgent
    first (`_in_queue_order`).

    For the statewide coordinator this is what was routed to DPS; the escalated and overdue
    requests of other agencies are on the coordinator's overview instead."""
    today = timezone.localdate()
    queryset = _queue_filtered(user=user, today=today, status=status, **filters)
    return _in_queue_order(queryset, today)


QUEUE_COUNT_NAMES = ("open", "new", "due_this_week", "overdue", "waiting")


def agency_queue_counts(*, user: User) -> dict[str, int]:
    """The figures at the top of the queue, counted in one query from the queue's own open
    requests, each with the condition of the list its card links to: new (?status=submitted),
    due this week (?due=7), overdue (?due=overdue), waiting on the advocate
    (?status=info_requested), and `open`, the unfiltered queue's size."""
    today = timezone.localdate()
    queue = _queue_filtered(user=user, today=today, status="open")
    return queue.aggregate(
        open=Count("pk"),
        new=Count("pk", filter=Q(status=Status.SUBMITTED)),
        due_this_week=Count("pk", filter=_due_condition("7", today)),
        overdue=Count("pk", filter=_due_condition("overdue", today)),
        waiting=Count("pk", filter=Q(status=Status.INFO_REQUESTED)),
    )


def coordinator_statewide_requests(*, user: User) -> QuerySet[CertificationRequest]:
    """Other agencies' requests the statewide coordinator sees (escalated or overdue, still
    open), most urgent first (`_in_queue_order`). Nobody else's."""
    viewer = viewer_for(user)
    if viewer is None or not viewer.statewide:
        return CertificationRequest.objects.none()
    visible = certification_requests_visible_to(user=user).filter(status__in=OPEN_STATUSES)
    return _in_queue_order(visible.exclude(agency_id=viewer.agency_id), timezone.localdate())


@dataclass(frozen=True)
class OverdueAgencies:
    """The agencies with overdue requests (`agency_id`, `agency__name`, `overdue`,
    `oldest_due`), most overdue first: the first `limit` of `total`."""

    rows: list[dict]
    total: int


def coordinator_overdue_agencies(*, user: User, limit: int | None = None) -> OverdueAgencies:
    """The `limit` most overdue agencies, grouped, ordered and cut by the database, each row
    carrying the number of groups before the cut (a window over the groups), so the page
    need not read every agency's group to say how many there are. Figures only: agency
    names, counts and dates; for the statewide coordinator only."""
    viewer = viewer_for(user)
    if viewer is None or not viewer.statewide:
        return OverdueAgencies(rows=[], total=0)
    # DPS's own overdue requests are counted too: the table is of every agency.
    grouped = (
        CertificationRequest.objects.open()
        .filter(due_date__lt=timezone.localdate())
        .values("agency_id", "agency__name")
        # `groups`: COUNT(1) OVER () runs after GROUP BY and before LIMIT, so every row says
        # how many agencies have overdue requests, shown or not.
        .annotate(overdue=Count("pk"), oldest_due=Min("due_date"), groups=Window(Count(Value(1))))
        # Equal counts and dates read best by name.
        .order_by("-overdue", "oldest_due", "agency__name", "agency_id")
    )
    shown = list(grouped if limit is None else grouped[:limit])
    total = shown[0]["groups"] if shown else 0
    for row in shown:
        row["agency__name"] = row["agency__name"] or ""
        del row["groups"]
    return OverdueAgencies(rows=shown, total=total)


# --- Choices for the agency's actions --------------------------------------------------------


def agency_contacts_for_assignment(*, agency_id: int | None) -> list[tuple[int, str]]:
    """The active contacts of an agency as (id, name), primary first, for the "assign to"
    choice and the queue filter: the two columns a choice shows, not whole contacts."""
    return list(
        PointOfContact.objects.active()
        .filter(agency_id=agency_id)
        .order_by("-is_primary", "name")
        .values_list("pk", "name")
    )


# Agencies listed on the transfer and re-route page for one search.
MOVE_CANDIDATES_SHOWN = 30


def agencies_to_move_to(
    *,
    cert_request: CertificationRequest,
    local_only: bool,
    query: str = "",
    pk: int | None = None,
) -> list:
    """Where a request may be transferred (or, `local_only`, re-routed by the coordinator):
    active agencies other than its own. With `pk`: that agency if it is one of them (the POST's
    choice). With `query`: those whose name or city contains it. Otherwise the directory's
    suggestions for the crime's county (agencies.selectors.agency_suggestions).
    """
    agencies = Agency.objects.active().exclude(pk=cert_request.agency_id)
    if local_only:
        agencies = agencies.exclude(is_statewide_coordinator=True)
    if pk is not None:
        return list(agencies.filter(pk=pk))
    if query:
        matches = agencies.filter(
            Q(name__icontains=query)
            | Q(city_name__icontains=query)
            | Q(cities__name__icontains=query)
        )
        ids = matches.values("pk")
        return list(agencies.filter(pk__in=ids).order_by("name")[:MOVE_CANDIDATES_SHOWN])
    suggested = agency_suggestions(
        county=cert_request.crime_county_id,
        crimes=cert_request.crimes,
        form_type=cert_request.form_type,
    )
    return [a for a in suggested if a.pk != cert_request.agency_id][:MOVE_CANDIDATES_SHOWN]


def notifications_dead_list(*, limit: int) -> tuple[list[Notification], int]:
    """The e-mails given up on, most recent first, with their total: two queries whatever the
    number (the recipient's role comes with the row)."""
    dead = Notification.objects.filter(dead_at__isnull=False, sent_at__isnull=True)
    rows = list(
        dead.select_related("user")
        .only(
            "pk",
            "kind",
            "attempts",
            "last_error",
            "last_smtp_code",
            "created_at",
            "dead_at",
            "user_id",
            "user__role",
            "user__is_superuser",
        )
        .order_by("-dead_at", "-pk")[:limit]
    )
    return rows, dead.count()
