"""The benchmark data set: sizes, every status, idempotence, and accounts that can sign in."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import Organization, Role, User
from agencies.models import Agency, PointOfContact
from bench import seed as bench_seed
from certifications.choices import FINAL_STATUSES, OPEN_STATUSES, Status
from certifications.models import Attachment, CertificationRequest, Message, RequestEvent
from tests.factories import make_request

SCALE = 0.002  # 400 requests, 5 agencies: quick on both databases

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_benchmark", "--scale", str(SCALE), *args, stdout=out)
    return out.getvalue()


def _bench_requests():
    return CertificationRequest.objects.filter(organization__name__startswith=bench_seed.PREFIX)


def test_it_generates_the_scaled_sizes_and_reports_progress():
    output = _seed()

    sizes = bench_seed.sizes_for(SCALE)
    assert _bench_requests().count() == sizes["requests"]
    assert Agency.objects.filter(name__startswith=bench_seed.PREFIX).count() == sizes["agencies"]
    assert (
        Organization.objects.filter(name__startswith=bench_seed.PREFIX).count()
        == (sizes["organizations"])
    )
    assert User.objects.filter(role=Role.ADVOCATE).count() == sizes["advocates"]
    assert PointOfContact.objects.count() == sizes["contacts"]
    assert "requests 400/400 (100%)" in output
    assert "Seeded" in output


def test_it_covers_every_status_with_a_consistent_timeline():
    _seed()

    statuses = set(_bench_requests().values_list("status", flat=True))
    assert statuses == set(Status.values)
    # Submitted requests carry the clock; drafts do not.
    assert not _bench_requests().exclude(status=Status.DRAFT).filter(submitted_at=None).exists()
    assert not _bench_requests().exclude(status=Status.DRAFT).filter(due_date=None).exists()
    assert not _bench_requests().filter(status=Status.DRAFT, submitted_at__isnull=False).exists()
    assert not _bench_requests().filter(status__in=FINAL_STATUSES, closed_at=None).exists()
    assert not _bench_requests().filter(status=Status.CERTIFIED, signature_date=None).exists()
    # Several events per submitted request, and messages and attachments' metadata.
    per_request = (
        RequestEvent.objects.filter(request__in=_bench_requests().exclude(status=Status.DRAFT))
        .values("request")
        .annotate(n=Count("id"))
    )
    assert min(row["n"] for row in per_request) >= 1
    assert RequestEvent.objects.count() > 2 * _bench_requests().count()
    assert Message.objects.exists()
    assert Attachment.objects.filter(kind="police_report").exists()
    years = {d.year for d in _bench_requests().dates("created_at", "year")}
    assert min(years) <= 2017
    assert max(years) >= 2026
    assert _bench_requests().filter(status__in=OPEN_STATUSES).exists()


def test_references_follow_the_portal_format_and_ids_continue_afterwards(personas):
    _seed()

    request = _bench_requests().order_by("id").first()
    assert request.reference.endswith(f"-{request.pk:05d}")
    # The sequences were moved past the generated ids: a normal insert still works.
    later = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    assert later.pk > _bench_requests().order_by("-id").first().pk


def test_a_second_run_changes_nothing():
    _seed()
    counts = (_bench_requests().count(), RequestEvent.objects.count(), User.objects.count())

    output = _seed()

    assert "already present" in output
    assert (_bench_requests().count(), RequestEvent.objects.count(), User.objects.count()) == (
        counts
    )


def test_reset_regenerates_the_same_sizes():
    _seed()

    _seed("--reset")

    assert _bench_requests().count() == bench_seed.sizes_for(SCALE)["requests"]
    assert (
        Organization.objects.filter(name__startswith=bench_seed.PREFIX).count()
        == (bench_seed.sizes_for(SCALE)["organizations"])
    )


def test_it_refuses_a_database_with_real_requests(personas):
    make_request(organization=personas.org_a, created_by=personas.advocate_a)

    with pytest.raises(CommandError, match="not bench data"):
        _seed()

    assert not Organization.objects.filter(name__startswith=bench_seed.PREFIX).exists()


def test_personas_exist_and_share_one_valid_password():
    _seed()

    for persona, email in bench_seed.PERSONA_EMAILS.items():
        user = User.objects.get(email=email)
        assert user.check_password(bench_seed.BENCH_PASSWORD), persona
    contact = PointOfContact.objects.get(email=bench_seed.PERSONA_EMAILS["contact"])
    coordinator = PointOfContact.objects.get(email=bench_seed.PERSONA_EMAILS["coordinator"])
    assert contact.user.role == Role.AGENCY_CONTACT
    assert coordinator.agency.is_statewide_coordinator
    assert coordinator.user.role == Role.COORDINATOR


def test_requests_closed_longer_than_the_retention_period_are_seeded_purged():
    _seed()

    purged = _bench_requests().exclude(purged_at=None)
    assert purged.exists()
    cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    # Exactly those the purge sweep would have handled, none left for it.
    assert not _bench_requests().filter(purged_at=None, closed_at__lt=cutoff).exists()
    assert not purged.filter(closed_at__gte=cutoff).exists()
    assert set(purged.values_list("victim_family_name", "narrative").distinct()) == {("", "")}
    assert not Attachment.objects.filter(request__in=purged).exists()
    assert not Message.objects.filter(request__in=purged).exists()
    # The timeline stays: the statistics read it.
    assert RequestEvent.objects.filter(request__in=purged).exists()
