"""Permission-filtered reads of requests. The access functions here are the only way a view,
download, PDF or export reaches a request (Zulip's "one access function per object type").

Each condition stands on its own line so coverage shows every branch was tested.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from agencies.models import Agency
from agencies.selectors import contact_for_user
from uvisa_portal.pagination import counted_page
from uvisa_portal.prepared import PreparedQuery
from uvisa_portal.queries import built_once_a_day

from .choices import FINAL_STATUSES, OPEN_STATUSES, Status
from .models import (
    Attachment,
    CertificationRequest,
    FamilyMember,
    Message,
    RequestEvent,
)


def _visibility_rule(user: User) -> tuple[str, dict] | None:
    """Which of the access rules applies to `user`, and its values: ("organization",
    {"organization": id}), ("agency", {"agency": id}) or ("statewide", {"agency": id, "today":
    date}); None for nobody's requests. `_visibility_condition` turns it into a filter."""
    if not user.is_authenticated:
        return None
    if not user.is_active:
        return None
    if user.role == Role.ADVOCATE:
        # Advocates see their own organization's requests, drafts included.
        if user.organization_id is None:
            return None
        return "organization", {"organization": user.organization_id}
    if user.role == Role.AGENCY_CONTACT:
        contact = contact_for_user(user=user)
        if contact is None:
            return None
        return "agency", {"agency": contact.agency_id}
    if user.role == Role.COORDINATOR:
        contact = contact_for_user(user=user)
        if contact is None:
            return None
        if not contact.agency.is_statewide_coordinator:
            # A coordinator account linked to an ordinary agency is a directory mistake: it
            # gets that agency's requests only, never the statewide view.
            return "agency", {"agency": contact.agency_id}
        return "statewide", {"agency": contact.agency_id, "today": timezone.localdate()}
    # Administrators maintain the directory and users; they never see victim data.
    return None


# The values of each access rule, as slots of a prepared query (uvisa_portal/prepared.py).
VISIBILITY_SLOTS: dict[str, dict[str, type]] = {
    "organization": {"organization": int},
    "agency": {"agency": int},
    "statewide": {"agency": int, "today": datetime.date},
}


def _visibility_condition(rule: str, values: dict) -> Q:
    """The Q of an access rule of `_visibility_rule` with its values."""
    if rule == "organization":
        return Q(organization_id=values["organization"])
    if rule == "agency":
        # Agencies never see drafts: nothing was shared with them yet (consent is at submit).
        return Q(agency_id=values["agency"]) & ~Q(status=Status.DRAFT)
    # The statewide coordinator sees what was routed to DPS, what was escalated, and what
    # is overdue while still open; not the requests of agencies that are on time and not
    # escalated, nor what another agency has closed (issue 5: least privilege).
    return ~Q(status=Status.DRAFT) & (
        Q(agency_id=values["agency"])
        | (
            Q(status__in=OPEN_STATUSES)
            & (Q(escalated_at__isnull=False) | Q(due_date__lt=values["today"]))
        )
    )


def _visibility_filter(user: User) -> Q | None:
    """The Q that selects the requests `user` may see, or None for nobody's."""
    rule = _visibility_rule(user)
    return None if rule is None else _visibility_condition(*rule)


def certification_requests_visible_to(
    *, user: User, among: QuerySet | None = None
) -> QuerySet[CertificationRequest]:
    """The requests of `among` (all of them by default; a query shape built once, uvisa_portal/
    queries.py) that `user` may see."""
    among = CertificationRequest.objects.all() if among is None else among
    condition = _visibility_filter(user)
    if condition is None:
        return among.none()
    return among.filter(condition)


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


# What a contact of the request's own agency may do (issue 5). Status decides which of these
# are possible right now (TRANSITIONS); this decides who may try.
AGENCY_OWN_ACTIONS = frozenset(
    {"start_review", "request_info", "certify", "deny", "transfer", "message", "assign"}
)
# The statewide coordinator decides what was routed to DPS and re-routes it (rather than
# transferring) to a local agency.
COORDINATOR_OWN_ACTIONS = (AGENCY_OWN_ACTIONS - {"transfer"}) | {"reroute"}
# On another agency's escalated or overdue request, the coordinator may only re-route it.
COORDINATOR_OTHER_ACTIONS = frozenset({"reroute"})


def agency_actions_for(*, user: User, request: CertificationRequest) -> frozenset[str]:
    """The agency actions `user` may take on `request` (empty: none; outsiders get 404)."""
    if user.role not in (Role.AGENCY_CONTACT, Role.COORDINATOR):
        # Advocates and administrators act for no agency: no need to look up a contact.
        return frozenset()
    contact = contact_for_user(user=user)
    if contact is None:
        return frozenset()
    if request.status == Status.DRAFT:
        return frozenset()
    if user.role == Role.AGENCY_CONTACT:
        if contact.agency_id != request.agency_id:
            return frozenset()
        return AGENCY_OWN_ACTIONS
    if user.role == Role.COORDINATOR:
        if not contact.agency.is_statewide_coordinator:
            if contact.agency_id != request.agency_id:
                return frozenset()
            return AGENCY_OWN_ACTIONS
        if contact.agency_id == request.agency_id:
            return COORDINATOR_OWN_ACTIONS
        if not certification_requests_visible_to(user=user).filter(pk=request.pk).exists():
            return frozenset()
        return COORDINATOR_OTHER_ACTIONS
    return frozenset()


def user_can_act_as_agency(*, user: User, request: CertificationRequest) -> bool:
    """Agency actions: contacts of the request's agency; the coordinator on what it can see."""
    return bool(agency_actions_for(user=user, request=request))


def certification_request_get_for_advocate_action(*, user: User, pk: int) -> CertificationRequest:
    request = certification_request_get_for_user(user=user, pk=pk)
    if not user_can_act_as_advocate(user=user, request=request):
        raise Http404("No such request.")
    return request


def certification_request_get_for_agency_action(
    *, user: User, pk: int, action: str | None = None
) -> CertificationRequest:
    """The request if `user` may take agency actions on it (`action`, when named); else 404."""
    request = certification_request_get_for_user(user=user, pk=pk)
    allowed = agency_actions_for(user=user, request=request)
    if not allowed:
        raise Http404("No such request.")
    if action is not None and action not in allowed:
        raise Http404("No such request.")
    return request


def attachment_get_for_user(*, user: User, pk: int) -> Attachment:
    """An attachment is visible exactly when its request is."""
    visible = certification_requests_visible_to(user=user)
    try:
        return Attachment.objects.select_related("request").get(pk=pk, request__in=visible)
    except Attachment.DoesNotExist:
        raise Http404("No such file.") from None


# The columns each list shows (certifications/templatetags/request_rows.py), read as plain
# values into `RequestRow`s: a request has 57 columns and an agency 23; reading and building
# all of them for 25 rows cost more than the rest of the page, and building model instances
# even of these few columns cost Django 0.6 ms a list (issue 10). A column a list uses but that
# is missing here fails the page (AttributeError), which the lists' tests catch.
DASHBOARD_ROW_FIELDS = (
    "reference",
    "victim_given_name",
    "victim_middle_name",
    "victim_family_name",
    "status",
    "in_removal_proceedings",
    "routing_reason",
    "due_date",
    "deadline_basis",
    "agency__name",
    "requested_agency__name",
    # The page's heading names the organization; every row is of the viewer's own, so the
    # first row carries it and the page reads no organization of its own (issue 10).
    "organization__name",
)
QUEUE_ROW_FIELDS = (
    "reference",
    "form_type",
    "status",
    "in_removal_proceedings",
    "escalated_at",
    "due_date",
    "agency__name",
    "assigned_contact__name",
)


class RequestRow:
    """One row of a request list: the columns the list read, as attributes, a related row's
    (`agency__name`) as `row.agency.name` (None where there is none), and the model's own
    rules for what the row shows (borrowed, not rewritten: days left, open, the name)."""

    is_open = CertificationRequest.is_open
    victim_full_name = CertificationRequest.victim_full_name
    days_left = CertificationRequest.days_left

    def __init__(self, values: dict) -> None:
        related: dict[str, dict] = {}
        for key, value in values.items():
            relation, _, field = key.partition("__")
            if field:
                related.setdefault(relation, {})[field] = value
            else:
                setattr(self, key, value)
        for relation, fields in related.items():
            present = any(value is not None for value in fields.values())
            setattr(self, relation, SimpleNamespace(**fields) if present else None)


def certification_requests_for_advocate_dashboard(*, user: User) -> QuerySet[CertificationRequest]:
    """The organization's requests, open ones first by due date, then drafts, then closed
    ones, with what the list shows.

    Advocates only: other roles have their own queues. The order is the index
    `req_org_dashboard` (organization, list_group, due_date, created_at desc, id desc), so a
    page of 25 is read in order whatever the organization's size (issue 10).
    """
    if not (user.is_authenticated and user.is_active and user.role == Role.ADVOCATE):
        return CertificationRequest.objects.none()
    return certification_requests_visible_to(user=user).order_by(
        "list_group", "due_date", "-created_at", "-id"
    )


def _row_values(fields: tuple[str, ...]) -> QuerySet:
    """The requests' `fields` as values, a related row's name (`agency__name`) read by a
    subquery on its key for each of the 25 rows. As a join, PostgreSQL hashed the whole
    table of 1,000 agencies for each relation and spent longer planning the joins than
    reading the rows: 1.2 ms against 0.25 ms (EXPLAIN ANALYZE on the benchmark data set,
    issue 10)."""
    own = [name for name in fields if "__" not in name]
    names = {}
    for name in fields:
        relation, _, field = name.partition("__")
        if field:
            related = CertificationRequest._meta.get_field(relation).related_model
            # Unordered: one row by its key needs no sort, and a contact's default order
            # (by agency name) joined the agencies again for each of the 25 rows; 0.5 ms of
            # the queue's view (paired in-process measurement, issue 10).
            key = related.objects.filter(pk=OuterRef(f"{relation}_id")).order_by().values(field)
            names[name] = Subquery(key)
    return CertificationRequest.objects.values("pk", *own, **names)


# Rows read in one query: a page (25) and the overview's first requests routed to DPS (10).
ROWS_AT_ONCE = 35


def _rows_by_id(name: str, fields: tuple[str, ...]) -> PreparedQuery:
    """The rows of `fields` of up to ROWS_AT_ONCE requests by id, a prepared query
    (uvisa_portal/prepared.py): one id per slot, the unused slots given an id again, so that
    every list, however long, is the same statement (as Hibernate pads IN lists)."""
    slots = [f"id{i}" for i in range(ROWS_AT_ONCE)]
    return PreparedQuery(
        name,
        lambda **ids: _row_values(fields).filter(pk__in=list(ids.values())).order_by(),
        fields=["pk", *fields],
        **dict.fromkeys(slots, int),
    )


# What a dashboard row, and a queue or overview row, shows (`certification_requests_page`).
DASHBOARD_ROWS = _rows_by_id("dashboard_rows", DASHBOARD_ROW_FIELDS)
QUEUE_ROWS = _rows_by_id("queue_rows", QUEUE_ROW_FIELDS)


# The related rows of the request page, and the one field of each that it shows.
REQUEST_PAGE_NAMES = {
    "organization": ("name",),
    "created_by": ("full_name",),
    "agency": ("name",),
    "requested_agency": ("name",),
    "assigned_contact": ("name",),
    "crime_county": ("name",),
}


def _request_page_query(rule: str) -> PreparedQuery:
    def build(pk: int, **values) -> QuerySet[CertificationRequest]:
        return CertificationRequest.objects.filter(_visibility_condition(rule, values), pk=pk)

    # Of each related row, the name the page shows: an agency has 23 columns, a user their
    # password hash; building six whole rows cost Django more than the query (issue 10).
    return PreparedQuery(
        f"request_page_{rule}",
        build,
        related=REQUEST_PAGE_NAMES,
        pk=int,
        **VISIBILITY_SLOTS[rule],
    )


# One per access rule: the rule is part of the query's shape, its values are slots.
_REQUEST_PAGE = {rule: _request_page_query(rule) for rule in VISIBILITY_SLOTS}


def _request_list(name: str, model, person: str | None = None) -> PreparedQuery:
    # The people of files, events and messages: their name only, not the password hash,
    # sign-in dates or flags.
    return PreparedQuery(
        f"request_page_{name}",
        lambda request: model.objects.filter(request_id=request),
        related={person: ("full_name",)} if person else None,
        request=int,
    )


# The request page's lists, each in its model's order; attribute name -> prepared query.
_REQUEST_PAGE_LISTS = {
    "family_member_list": _request_list("family_members", FamilyMember),
    "attachment_list": _request_list("attachments", Attachment, "uploaded_by"),
    "event_list": _request_list("events", RequestEvent, "actor"),
    "message_list": _request_list("messages", Message, "author"),
}


def certification_request_for_page(*, user: User, pk: int) -> CertificationRequest:
    """A request for its page, with everything the page shows fetched up front (no queries
    from templates). Same access rule as `certification_request_get_for_user`.

    The request comes with the name of each of its six related rows, and with its lists as
    attributes (`certification_request_page_lists`). Its five queries are prepared queries
    (uvisa_portal/prepared.py): compiling them cost Django more than running them, and planning
    the six-table join cost PostgreSQL more than running it (issue 10)."""
    rule = _visibility_rule(user)
    found = []
    if rule is not None:
        name, values = rule
        found = _REQUEST_PAGE[name].objects(pk=pk, **values)
    if not found:
        raise Http404("No such request.")
    request = found[0]
    certification_request_page_lists(request=request)
    return request


def certification_request_page_lists(*, request: CertificationRequest) -> CertificationRequest:
    """Set the request page's lists on a request the caller may see (and has checked):
    `family_member_list`, `attachment_list` (the viewer filters out what it may not see),
    `event_list` and `message_list`, each person with their name. Lists already set are kept."""
    for attribute, query in _REQUEST_PAGE_LISTS.items():
        if not hasattr(request, attribute):
            setattr(request, attribute, query.objects(request=request.pk))
    return request


class _ChainedIds:
    """The ids of sorted lists of requests one after the other (the queue's "all": open ones
    by urgency, then closed ones, most recent first), sliceable and countable as Paginator
    needs. Each part is read in its own index order; a page that ends inside the first part
    does not read the second."""

    def __init__(self, parts: list, counts: list[int] | None = None) -> None:
        # Each part: ids sliceable (a values_list of pks, `_PreparedIds`), countable unless
        # `counts` are given.
        self.parts = parts
        # The parts' sizes when the caller counted them together (one query, not one each).
        self._counts = counts

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[int]:
        start, stop = index.start or 0, index.stop
        ids: list[int] = []
        offset = 0
        for part, size in zip(self.parts, self.counts(), strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                ids.extend(part[low:high])
            offset += size
        return ids


def certification_requests_page(
    queryset: QuerySet[CertificationRequest] | list[QuerySet[CertificationRequest]],
    number: str | int | None,
    per_page: int,
    counts: list[int] | None = None,
    *,
    rows: PreparedQuery,
) -> Page:
    """One page of a sorted list of requests, in two steps: the page's ids first, sorted and
    counted on narrow index rows (`req_open_urgency` answers the queues without reading the
    table), then those 25 rows whole, from `rows` (`DASHBOARD_ROWS`, `QUEUE_ROWS`: what a
    row shows). Sorting whole rows would read every open request of the queue from the table
    to show 25 of them (issue 10). A list of querysets is read as one list, each part after
    the other (`_ChainedIds`), whose sizes may be given in `counts`.

    The ids come from `queryset`, which carries the access rule (`certification_requests_
    visible_to`) and the list's filters; the rows are then read by id alone. Filtering them
    again cost Django more than the query itself (the visibility rule, the filters and the
    urgency order compiled a second time, 0.7 ms a list, issue 10)."""
    page = certification_request_ids_page(queryset, number, per_page, counts)
    (page.object_list,) = request_rows(rows, page.object_list)
    return page


def certification_request_ids_page(
    queryset: QuerySet[CertificationRequest] | list[QuerySet[CertificationRequest]],
    number: str | int | None,
    per_page: int,
    counts: list[int] | None = None,
) -> Page:
    """The first step of `certification_requests_page`: the page with the ids of its rows."""
    parts = queryset if isinstance(queryset, list) else [queryset]
    if len(parts) == 1 and counts is None:
        # The ids and the list's size in one query (uvisa_portal/pagination.py).
        return counted_page(parts[0], number, per_page, ids=True)
    ids = [part.values_list("pk", flat=True) for part in parts]
    page = Paginator(_ChainedIds(ids, counts), per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page


def request_rows(rows: PreparedQuery, *id_lists: list[int]) -> list[list[RequestRow]]:
    """The rows of each list of ids, each in its order, read from `rows` (`QUEUE_ROWS`,
    `DASHBOARD_ROWS`) in one query per ROWS_AT_ONCE ids (the ids were just read from
    access-checked lists)."""
    wanted = sorted({pk for ids in id_lists for pk in ids})
    found = {}
    for start in range(0, len(wanted), ROWS_AT_ONCE):
        chunk = wanted[start : start + ROWS_AT_ONCE]
        padded = chunk + [chunk[0]] * (ROWS_AT_ONCE - len(chunk))
        for row in rows.dicts(**{f"id{i}": pk for i, pk in enumerate(padded)}):
            found[row["pk"]] = RequestRow(row)
    return [[found[pk] for pk in ids if pk in found] for ids in id_lists]


def _by_urgency(today: datetime.date) -> QuerySet[CertificationRequest]:
    """The open requests, most urgent first on `today`: overdue, then removal proceedings,
    then the earliest due date. (Closed requests have no urgency: a list of them, or "all",
    reads them in an order of their own, `certification_requests_agency_queue_parts`.)

    Built once a day (uvisa_portal/queries.py: the CASE cost Django 0.4 ms to build on every
    view of the queue, issue 10); the queue filters a clone of it. Open only, so the CASE
    needs no test of the status: three fewer conditions for Django to compile on every view
    and for PostgreSQL to evaluate on each of a busy agency's 900 open requests."""
    return (
        CertificationRequest.objects.filter(status__in=OPEN_STATUSES)
        .annotate(
            urgency=Case(
                When(due_date__lt=today, then=Value(0)),
                # Minn. Stat. 611A.95 subd. 2(b): removal proceedings shorten the clock to 14
                # days.
                When(in_removal_proceedings=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", F("due_date").asc(nulls_last=True), "pk")
    )


_open_by_urgency = built_once_a_day(_by_urgency)


def _first_routed(agency: int, today: datetime.date) -> QuerySet[CertificationRequest]:
    # The statewide coordinator's own queue, unfiltered, as `certification_requests_agency_
    # queue` reads it for the coordinator.
    rule = {"agency": agency, "today": today}
    return _by_urgency(today).filter(_visibility_condition("statewide", rule), agency_id=agency)


# The overview's list of what was routed to DPS, first ids (a prepared query, uvisa_portal/
# prepared.py: the queue's urgency order cost 0.9 ms to compile and plan, issue 10).
_FIRST_ROUTED = PreparedQuery(
    "coordinator_first_routed",
    _first_routed,
    fields=["pk"],
    sliced=True,
    plan_once=False,  # its plan depends on how many are overdue today
    agency=int,
    today=datetime.date,
)


def certification_requests_agency_queue(
    *,
    user: User,
    status: str = "open",
    form_type: str = "",
    assigned: str = "",
    due_within: str = "",
    reference: str = "",
) -> QuerySet[CertificationRequest]:
    """The requests routed to the user's own agency, filtered, most urgent first.

    For the statewide coordinator this is what was routed to DPS; the escalated and overdue
    requests of other agencies are on the coordinator's overview instead.
    """
    contact = contact_for_user(user=user)
    if contact is None:
        return CertificationRequest.objects.none()
    today = timezone.localdate()
    closed_only = status == "closed" or status in FINAL_STATUSES
    # "open", or one status: a closed one among all requests, an open one in urgency order.
    base = CertificationRequest.objects.all() if closed_only else _open_by_urgency(today)
    queryset = certification_requests_visible_to(user=user, among=base).filter(
        agency_id=contact.agency_id
    )
    if status == "closed":
        queryset = queryset.filter(status__in=sorted(FINAL_STATUSES))
    elif status != "open" and status in Status.values:
        queryset = queryset.filter(status=status)
    if form_type:
        queryset = queryset.filter(form_type=form_type)
    if assigned == "me":
        queryset = queryset.filter(assigned_contact_id=contact.pk)
    elif assigned == "none":
        queryset = queryset.filter(assigned_contact__isnull=True)
    elif assigned.isdigit():
        queryset = queryset.filter(assigned_contact_id=int(assigned))
    if due_within == "overdue":
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    elif due_within.isdigit():
        queryset = queryset.filter(
            status__in=OPEN_STATUSES,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=int(due_within)),
        )
    if reference:
        queryset = queryset.filter(reference__icontains=reference.strip())
    if closed_only:
        # Decided and withdrawn requests have no urgency: the most recently closed first, read
        # in that order from the partial index `req_closed_recent`.
        return queryset.order_by("-closed_at", "-id")
    return queryset


def certification_requests_agency_queue_parts(
    *, user: User, status: str = "open", **filters: str
) -> list[QuerySet[CertificationRequest]]:
    """The queue as the page reads it: one sorted list, or for "all" two, each in its own
    index's order: the open requests by urgency (`req_open_urgency`), then the decided and
    withdrawn ones, most recently closed first (`req_closed_recent`)."""
    if status != "all":
        return [certification_requests_agency_queue(user=user, status=status, **filters)]
    return [
        certification_requests_agency_queue(user=user, status="open", **filters),
        certification_requests_agency_queue(user=user, status="closed", **filters),
    ]


QUEUE_COUNT_NAMES = ("open", "new", "due_this_week", "overdue", "waiting")


def _queue_count_conditions(today: datetime.date, week_end: datetime.date) -> dict[str, Q]:
    """The queue's figures as conditions on open requests (`week_end`: a week after `today`)."""
    return {
        "open": Q(),
        "new": Q(status=Status.SUBMITTED),
        "due_this_week": Q(due_date__gte=today, due_date__lte=week_end),
        "overdue": Q(due_date__lt=today),
        "waiting": Q(status=Status.INFO_REQUESTED),
    }


def _queue_count_aggregates(today: datetime.date) -> dict[str, Count]:
    """The queue's figures as aggregates over open requests."""
    week_end = today + datetime.timedelta(days=7)
    return {
        name: Count("pk", filter=condition) if condition else Count("pk")
        for name, condition in _queue_count_conditions(today, week_end).items()
    }


def agency_queue_counts(*, user: User) -> dict[str, int]:
    """The figures at the top of the queue, in one query: new, due this week, overdue, and
    waiting on the advocate (information requested); and `open`, the size of the unfiltered
    queue, which the queue's pagination uses instead of counting it again."""
    contact = contact_for_user(user=user)
    if contact is None:
        return dict.fromkeys(QUEUE_COUNT_NAMES, 0)
    grouped = _open_counts_by_agency(timezone.localdate())
    counts = certification_requests_visible_to(user=user, among=grouped)
    row = next(iter(counts.filter(agency_id=contact.agency_id)), None)
    return {name: row[name] if row else 0 for name in QUEUE_COUNT_NAMES}


@built_once_a_day
def _open_counts_by_agency(today: datetime.date) -> QuerySet:
    """The queue's figures of each agency on `today`, built once a day (uvisa_portal/
    queries.py): `aggregate()` resolved the five filtered counts on every view, 1 ms of
    Django for 0.3 ms of SQL (issue 10). The caller filters a clone to one agency.

    Every figure counts open requests only: reading just those (index req_agency_status_due)
    keeps the cost to the open queue's size, not the agency's ten years of closed requests.
    """
    return (
        CertificationRequest.objects.filter(status__in=OPEN_STATUSES)
        .values("agency_id")
        .annotate(**_queue_count_aggregates(today))
        .order_by()
    )


# The statewide list's parts (_statewide_part_conditions): overdue, removal, other escalated.
STATEWIDE_PART_COUNT = 3


def coordinator_statewide_parts(*, user: User) -> list[QuerySet[CertificationRequest]]:
    """Other agencies' requests the coordinator sees (escalated or overdue, still open), most
    urgent first, as the page reads it: the overdue requests, then the escalated ones in
    removal proceedings, then the other escalated ones, each by due date from the index
    `req_open_due` (their sizes come from `coordinator_statewide_summary`). Sorting on the
    computed urgency made the database sort every escalated or overdue request in the state
    (about 5,000) on each view (issue 10)."""
    contact = _statewide_coordinator_contact(user)
    if contact is None:
        return [CertificationRequest.objects.none()] * STATEWIDE_PART_COUNT
    today = timezone.localdate()
    return [
        _statewide_part(number, contact.agency_id, today) for number in range(STATEWIDE_PART_COUNT)
    ]


def _statewide_part(number: int, agency: int, today: datetime.date) -> QuerySet:
    """Part `number` of the list of the coordinator of `agency`, by due date: the other
    agencies' open requests that the coordinator sees (`_visibility_condition`)."""
    visible = CertificationRequest.objects.filter(
        _visibility_condition("statewide", {"agency": agency, "today": today})
    )
    return (
        visible.exclude(agency_id=agency)
        .filter(status__in=OPEN_STATUSES)
        .filter(_statewide_part_conditions(today)[number])
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


# The parts as prepared queries, each page the same statement (uvisa_portal/prepared.py).
_STATEWIDE_PARTS = [
    PreparedQuery(
        f"coordinator_statewide_part{number}",
        lambda agency, today, number=number: _statewide_part(number, agency, today),
        fields=["pk"],
        sliced=True,
        plan_once=False,  # its plan depends on how many are overdue today
        agency=int,
        today=datetime.date,
    )
    for number in range(STATEWIDE_PART_COUNT)
]


def coordinator_overview_ids(
    *, user: User, number: str | int | None, per_page: int, part_sizes: list[int], routed: int
) -> tuple[Page, list[int]]:
    """The coordinator's overview, its ids: the page `number` of the statewide list (its
    three parts' sizes from `coordinator_statewide_summary`), and the first `routed` ids of
    what was routed to DPS, most urgent first. Both read through prepared queries: their
    shapes (the access rule, the urgency order) cost Django more to compile and PostgreSQL
    more to plan than to run (issue 10)."""
    contact = _statewide_coordinator_contact(user)
    if contact is None:
        return Paginator([], per_page).get_page(1), []
    values = {"agency": contact.agency_id, "today": timezone.localdate()}
    parts = [_PreparedIds(query, values) for query in _STATEWIDE_PARTS]
    page = Paginator(_ChainedIds(parts, part_sizes), per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page, _PreparedIds(_FIRST_ROUTED, values)[0:routed]


class _PreparedIds:
    """The ids of a sliced prepared query, sliceable as `_ChainedIds` reads a part."""

    def __init__(self, query: PreparedQuery, values: dict) -> None:
        self.query = query
        self.values = values

    def __getitem__(self, index: slice) -> list[int]:
        start = index.start or 0
        rows = self.query.rows(**self.values, limit=index.stop - start, offset=start)
        return [row[0] for row in rows]


def _statewide_part_conditions(today: datetime.date) -> list[Q]:
    overdue = Q(due_date__lt=today)
    removal = Q(in_removal_proceedings=True)
    # ~overdue keeps requests without a due date, as the urgency order does (last). Outside
    # the overdue part, what the coordinator sees is escalated (_visibility_filter).
    return [overdue, ~overdue & removal, ~overdue & ~removal]


@dataclass(frozen=True)
class StatewideSummary:
    """The coordinator's overview figures: the sizes of the statewide list's three parts, and
    the figures of DPS's own queue (`agency_queue_counts`' names)."""

    part_sizes: list[int]
    counts: dict[str, int]


def _statewide_coordinator_contact(user: User):
    contact = contact_for_user(user=user)
    if user.role != Role.COORDINATOR or contact is None:
        return None
    return contact if contact.agency.is_statewide_coordinator else None


def coordinator_statewide_summary(*, user: User) -> StatewideSummary:
    """Every count of the overview in one query (counts only: no victim data): the list's
    three sizes, and the figures of what was routed to DPS (`_STATEWIDE_FIGURES`)."""
    contact = _statewide_coordinator_contact(user)
    if contact is None:
        return StatewideSummary(
            part_sizes=[0] * STATEWIDE_PART_COUNT, counts=dict.fromkeys(QUEUE_COUNT_NAMES, 0)
        )
    today = timezone.localdate()
    (figures,) = _STATEWIDE_FIGURES.dicts(
        agency=contact.agency_id, today=today, week_end=today + datetime.timedelta(days=7)
    )
    return StatewideSummary(
        part_sizes=[figures[f"part{i}"] for i in range(STATEWIDE_PART_COUNT)],
        counts={name: figures[f"own_{name}"] for name in QUEUE_COUNT_NAMES},
    )


def _count_of(condition: Q) -> Subquery:
    """The number of open requests that meet `condition`, as a scalar subquery."""
    counted = CertificationRequest.objects.open().filter(condition).order_by()
    # A function, not an aggregate: no GROUP BY, one row.
    return Subquery(counted.annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def _statewide_figures(agency: int, today: datetime.date, week_end: datetime.date) -> QuerySet:
    """The overview's counts as one row of scalar subqueries, each answered from an index of
    open requests alone (req_open_due, req_agency_status_due). One scan of every escalated or
    overdue request with eight filtered counts cost 2.3 ms to run; these cost 0.7 to 0.9 ms,
    and their extra planning (0.9 ms) is done once per connection: a prepared query (issue
    10). Hung on the coordinator's agency row: a query needs a table to select from.

    The parts' conditions are `_statewide_part`'s, reduced to what the index answers (open,
    other agencies', overdue or escalated): counting `_statewide_part` itself read the whole
    index for each part, 6 to 15 ms (EXPLAIN ANALYZE on the benchmark data set)."""
    own = Q(agency_id=agency)
    # The list shows other agencies' requests, escalated or overdue (_visibility_filter).
    others = ~own | Q(agency_id__isnull=True)
    overdue, *not_overdue = _statewide_part_conditions(today)
    escalated = Q(escalated_at__isnull=False)
    parts = [others & overdue, *(others & escalated & part for part in not_overdue)]
    own_figures = _queue_count_conditions(today, week_end)
    return Agency.objects.filter(pk=agency).annotate(
        **{f"part{i}": _count_of(part) for i, part in enumerate(parts)},
        **{f"own_{name}": _count_of(own & cond) for name, cond in own_figures.items()},
    )


_STATEWIDE_FIGURE_NAMES = [
    *(f"part{i}" for i in range(STATEWIDE_PART_COUNT)),
    *(f"own_{name}" for name in QUEUE_COUNT_NAMES),
]
_STATEWIDE_FIGURES = PreparedQuery(
    "statewide_figures",
    _statewide_figures,
    fields=_STATEWIDE_FIGURE_NAMES,
    agency=int,
    today=datetime.date,
    week_end=datetime.date,
)


@dataclass(frozen=True)
class OverdueAgencies:
    """The agencies with overdue requests (`agency_id`, `agency__name`, `overdue`,
    `oldest_due`), most overdue first: the first `limit` of `total`."""

    rows: list[dict]
    total: int


def coordinator_overdue_agencies(*, user: User, limit: int | None = None) -> OverdueAgencies:
    """The `limit` most overdue agencies, grouped, ordered and cut by the database, each row
    carrying the number of groups before the cut (a window over the groups). Reading every
    agency's group into Python to sort it there (about 850 rows statewide) cost more than the
    rest of the page, and counting the agencies apart (COUNT DISTINCT) as much as the grouping
    (issue 10). Figures only: agency names, counts and dates."""
    if _statewide_coordinator_contact(user) is None:
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


def agency_contacts_for_assignment(*, agency_id: int | None) -> list[tuple[int, str]]:
    """The active contacts of an agency as (id, name), primary first, for the "assign to"
    choice and the queue filter: the two columns a choice shows, not whole contacts."""
    from agencies.models import PointOfContact

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
    from agencies.models import Agency
    from agencies.selectors import agency_suggestions

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
