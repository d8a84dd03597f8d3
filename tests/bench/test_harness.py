"""The benchmark's machinery: personas signed in by session, per-page query counts and SQL floor,
hooks found by name, and a report that fails when a page's query count grows with the data."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from bench import inprocess
from bench import pages as bench_pages
from bench.run import build_report
from bench.seed import PERSONA_EMAILS
from certifications.choices import OPEN_STATUSES
from certifications.models import CertificationRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_data():
    call_command("seed_benchmark", "--scale", "0.002", stdout=io.StringIO())
    return inprocess.personas()


def test_the_minimal_view_is_not_reachable_through_the_portals_urls(client):
    assert client.get("/_bench/minimal/").status_code == 404


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_minimal_view_answers_under_the_bench_urlconf(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/_bench/minimal/")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_a_session_created_directly_signs_the_persona_in(bench_data):
    client = Client()
    assert client.get("/").status_code == 302  # to the sign-in page

    client.cookies[settings.SESSION_COOKIE_NAME] = inprocess.session_for(bench_data["contact"])
    response = client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.user.email == PERSONA_EMAILS["contact"]


def test_a_page_is_measured_with_its_query_count_and_sql_floor(bench_data):
    cookies = {"advocate": inprocess.session_for(bench_data["advocate"])}
    page = bench_pages.Page("Home", "/", "advocate")
    targets = inprocess.targets_for(bench_data["advocate"], bench_data)

    result = inprocess.measure_page(page, cookies, targets, timing=True, runs=5)

    assert result["status"] == 200
    assert result["queries"] >= 2  # the session and the user, at least
    assert result["queries_uncached"] >= result["queries"]  # the cache emptied: the whole work
    assert result["floor"]["statements"] == result["queries"]
    assert result["floor"]["runs"] == 5
    assert result["floor"]["median_ms"] > 0


def test_targets_name_a_request_the_persona_may_see(bench_data):
    contact = bench_data["contact"]

    targets = inprocess.targets_for(contact, bench_data)

    request = CertificationRequest.objects.get(pk=targets["request_pk"])
    assert request.agency_id == targets["agency_pk"]
    assert request.status in OPEN_STATUSES
    assert targets["county"]


def test_hooks_are_found_by_name_and_missing_ones_reported(bench_data, monkeypatch):
    monkeypatch.setattr(
        bench_pages,
        "SWEEPS",
        [
            bench_pages.Hook("Open requests", "tests.bench.sample_hooks.sweep_open_requests"),
            bench_pages.Hook("Not written yet", "certifications.no_such_module.sweep"),
        ],
    )
    monkeypatch.setattr(bench_pages, "SWEEP_MODULES", ["tests.bench.sample_hooks"])

    results = {r["hook"]: r for r in inprocess.measure_sweeps(runs=2)}

    assert results["tests.bench.sample_hooks.sweep_open_requests"]["queries"] == 1
    assert results["certifications.no_such_module.sweep"] == {
        "name": "Not written yet",
        "hook": "certifications.no_such_module.sweep",
        "present": False,
    }
    # Found without a line in SWEEPS: any callable named *sweep* in the listed modules.
    assert results["tests.bench.sample_hooks.another_sweep"]["present"] is True


def test_documents_are_rendered_with_the_request(bench_data, monkeypatch):
    monkeypatch.setattr(
        bench_pages, "DOCUMENTS", [bench_pages.Hook("Summary", "tests.bench.sample_hooks.x")]
    )
    monkeypatch.setattr(bench_pages, "DOCUMENT_MODULES", ["tests.bench.sample_hooks"])
    request = CertificationRequest.objects.filter(status__in=OPEN_STATUSES).first()

    results = {r["hook"]: r for r in inprocess.measure_documents(3, request)}

    assert results["tests.bench.sample_hooks.x"]["present"] is False
    assert results["tests.bench.sample_hooks.render_summary"]["runs"] == 3


def _inproc_pages(queries: int) -> dict:
    page_result = {
        "path": "/",
        "status": 200,
        "queries": queries,
        "floor": {"median_ms": 1.0, "statements": queries},
    }
    return {
        "dataset": {"requests": 1},
        "pages": {p.name: {**page_result, "status": p.status} for p in bench_pages.PAGES},
        "sweeps": [],
    }


def _http() -> dict:
    return {
        p.name: {"median_ms": 2.0, "p95_ms": 3.0, "runs": 5, "http_statuses": [p.status]}
        for p in [bench_pages.MINIMAL, bench_pages.BASE_PAGE, *bench_pages.PAGES]
    }


def _report(small_queries: int, full_queries: int):
    small, full = _inproc_pages(small_queries), _inproc_pages(small_queries)
    full["pages"][bench_pages.PAGES[0].name]["queries"] = full_queries
    return build_report(small, full, _http(), {}, {"date": "today"})


def test_the_report_fails_when_a_pages_query_count_grows_with_the_data():
    data, markdown, failures = _report(small_queries=3, full_queries=4)

    assert len(failures) == 1
    assert "grows with the data" in failures[0]
    assert "FAIL" in markdown


def test_the_report_fails_when_the_uncached_query_count_grows_and_names_it():
    page = bench_pages.PAGES[0].name
    small, full = _inproc_pages(3), _inproc_pages(3)
    small["pages"][page]["queries_uncached"] = 5
    full["pages"][page]["queries_uncached"] = 6
    data, markdown, failures = build_report(small, full, _http(), {}, {"date": "today"})

    assert failures == [
        f"{page}: 5 uncached queries on the small data set, 6 on the full one (grows with the data)"
    ]
    assert "5 → 6 queries with Django's cache empty" in markdown


def test_a_page_served_from_the_cache_says_so_and_stays_ok():
    page = bench_pages.PAGES[0].name
    small, full = _inproc_pages(3), _inproc_pages(3)
    for data_set in (small, full):
        data_set["pages"][page]["queries_uncached"] = 5
    data, markdown, failures = build_report(small, full, _http(), {}, {"date": "today"})

    assert failures == []
    assert "| ok; 5 → 5 queries with Django's cache empty (the timed views find it filled) |" in (
        markdown
    )


def test_the_report_passes_a_constant_query_count_and_gives_the_ratios():
    data, markdown, failures = _report(small_queries=3, full_queries=3)

    assert failures == []
    assert data["pages"][0]["x_minimal"] == 1.0
    assert data["pages"][0]["x_sql_floor"] == 2.0
    assert "No page's query count grows with the data." in markdown


def _sweep_report(queries_small: int, queries_full: int):
    def inproc(open_requests: int, queries: int) -> dict:
        return {
            "dataset": {"requests": open_requests * 20, "open_requests": open_requests},
            "pages": {
                p.name: {
                    "path": "/",
                    "status": p.status,
                    "queries": 2,
                    "floor": {"median_ms": 1.0, "statements": 2},
                }
                for p in bench_pages.PAGES
            },
            "sweeps": [
                {
                    "name": "S",
                    "hook": "m.sweep",
                    "present": True,
                    "seconds": 1.5,
                    "queries": queries,
                }
            ],
        }

    return build_report(inproc(100, queries_small), inproc(10_000, queries_full), _http(), {}, {})


def test_a_sweep_whose_queries_grow_like_the_requests_is_flagged():
    data, markdown, _ = _sweep_report(queries_small=102, queries_full=10_002)

    assert data["sweeps"][0]["per_request"] is True
    assert "per request?" in markdown
    assert data["sweeps_total_seconds"] == 1.5


def test_a_sweep_that_queries_per_batch_is_not_flagged():
    data, markdown, _ = _sweep_report(queries_small=3, queries_full=12)

    assert data["sweeps"][0]["per_request"] is False
    assert "per request?" not in markdown


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_base_template_reference_renders_the_layout_for_a_signed_in_user(bench_data):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = inprocess.session_for(bench_data["advocate"])

    response = client.get("/_bench/base/")

    assert response.status_code == 200
    assert b"<main" in response.content


def test_the_drafts_a_run_filed_are_removed_and_the_seeded_ones_kept(bench_data):
    import datetime

    from django.utils import timezone

    from certifications.choices import Status

    seeded_drafts = CertificationRequest.objects.filter(status=Status.DRAFT).count()
    assert seeded_drafts > 0
    started = timezone.now() - datetime.timedelta(seconds=1)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = inprocess.session_for(bench_data["advocate"])
    for _ in range(3):
        assert client.post("/requests/new/", {"form_type": "U"}).status_code == 302
    assert CertificationRequest.objects.filter(status=Status.DRAFT).count() == seeded_drafts + 3

    assert inprocess.remove_drafts_filed_since(started) == 3
    assert CertificationRequest.objects.filter(status=Status.DRAFT).count() == seeded_drafts
