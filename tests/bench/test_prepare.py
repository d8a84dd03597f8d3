"""What the benchmark prepares in the data set (bench/prepare.py) works over HTTP: the personas
are signed in, their targets are pages they may open, the drafts can be submitted, and what a
run filed is removed afterwards. And the benchmark's own views and query counter."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from bench import pages as bench_pages
from bench import prepare
from bench.run import Calls
from bench.wsgi import CountQueries
from certifications.choices import Status
from certifications.models import CertificationRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    call_command("seed_benchmark", "--scale", "0.002", stdout=io.StringIO())
    found = prepare.personas()
    for persona in prepare.MFA_PERSONAS:
        prepare.enrol_totp(found[persona])
    return found


def signed_in(user) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = prepare.session_for(user)
    return client


def test_every_persona_is_signed_in_past_the_second_factor(people):
    assert Client().get("/").status_code == 302  # to the sign-in page

    for persona, user in people.items():
        response = signed_in(user).get("/")

        assert response.status_code == 200, persona
        assert response.wsgi_request.user == user


def test_each_personas_targets_are_pages_it_may_open(people):
    targets = prepare.targets(people)

    for persona in ("advocate", "contact", "coordinator"):
        pks = targets[persona]["request_pks"]
        assert pks, persona
        client = signed_in(people[persona])
        assert client.get(f"/requests/{pks[0]}/").status_code == 200, persona
        assert client.get(f"/requests/{pks[-1]}/").status_code == 200, persona
    # The first is one just submitted, on every data set alike.
    first = CertificationRequest.objects.get(pk=targets["contact"]["request_pks"][0])
    assert first.status == Status.SUBMITTED
    assert signed_in(people["advocate"]).get(f"/directory/{targets['advocate']['agency_pk']}/")


def test_the_drafts_are_complete_and_submitted_through_the_review_step(people):
    started = timezone.now() - datetime.timedelta(seconds=1)
    seeded = CertificationRequest.objects.count()
    drafts = prepare.complete_drafts(people["advocate"], 3)
    client = signed_in(people["advocate"])

    for pk in drafts:
        assert client.post(f"/requests/{pk}/submit/").status_code == 302

    submitted = CertificationRequest.objects.filter(pk__in=drafts)
    assert {r.status for r in submitted} == {Status.SUBMITTED}
    assert all(r.due_date is not None for r in submitted)
    assert client.post("/requests/new/", {"form_type": "U"}).status_code == 302
    assert CertificationRequest.objects.count() == seeded + 4

    assert prepare.remove_filed_since(started) == 4
    assert CertificationRequest.objects.count() == seeded


def test_the_benchmarks_views_are_not_in_the_portals_urls(client):
    assert client.get("/_bench/minimal/").status_code == 404
    assert client.post("/_bench/cache-clear/").status_code == 404


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_benchmarks_views_answer_on_loopback_only(client, django_assert_num_queries):
    cache.set("figure", 1)

    with django_assert_num_queries(0):
        minimal = client.get("/_bench/minimal/")
    cleared = client.post("/_bench/cache-clear/", REMOTE_ADDR="127.0.0.1")
    info = client.get("/_bench/info/", REMOTE_ADDR="127.0.0.1")

    assert minimal.content == b"ok"
    assert cleared.status_code == 204
    assert cache.get("figure") is None
    assert info.json()["database"]
    assert client.post("/_bench/cache-clear/", REMOTE_ADDR="192.0.2.1").status_code == 404


def test_every_response_carries_its_query_count():
    def app(environ, start_response):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    started = {}
    body = CountQueries(app)({}, lambda status, headers, exc_info=None: started.update(headers))

    assert body == [b"ok"]
    assert started["X-Bench-Queries"] == "2"


def test_every_listed_page_answers_its_persona_as_expected(people):
    calls = Calls({"targets": prepare.targets(people)})
    clients = {persona: signed_in(user) for persona, user in people.items()}

    for page in bench_pages.PAGES:
        client = clients[page.persona] if page.persona else Client()
        path = calls.path(page.path, page.persona)
        response = client.post(path, page.data) if page.method == "POST" else client.get(path)

        assert response.status_code == page.status, page.name
