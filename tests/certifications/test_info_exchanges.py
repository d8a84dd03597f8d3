"""The agency's question on the answer page, and the answer beside its question on the
agency's review page (through HTTP)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from certifications.choices import Status
from tests.certifications.intake_support import pdf_upload
from tests.factories import make_release, make_submitted_request

pytestmark = pytest.mark.django_db


def _ask(client, personas, request, text):
    client.force_login(personas.contact_x)
    response = client.post(
        reverse("certifications:request_info", args=[request.pk]), {"message": text}
    )
    assert response.status_code == 302


def _answer(client, personas, request, text, files=()):
    client.force_login(personas.advocate_a)
    response = client.post(
        reverse("certifications:respond", args=[request.pk]),
        {"message": text, "files": list(files)},
    )
    assert response.status_code == 302


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_the_answer_page_shows_every_question_with_its_date_above_the_form(client, personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    make_release(request, [personas.agency_x])
    _ask(client, personas, request, "Please attach the police report.")
    _answer(client, personas, request, "Here it is.", [pdf_upload("report.pdf")])
    client.force_login(personas.contact_x)
    client.post(reverse("certifications:start_review", args=[request.pk]))
    _ask(client, personas, request, "Which night was it?")
    client.force_login(personas.advocate_a)
    html = client.get(reverse("certifications:respond", args=[request.pk])).content.decode()
    asked = _section(html, "question-heading")
    # Both questions, oldest first, each with who asked and when; the first with its answer.
    assert asked.index("Please attach the police report.") < asked.index("Which night was it?")
    assert asked.count("Contact X") == 2
    assert len(re.findall(r"asked [A-Z][a-z]{2} \d{1,2}, \d{4}", asked)) == 2
    assert "Here it is." in asked and "report.pdf" in asked
    assert "Not answered yet." in asked
    # Above the form.
    assert html.index('id="question-heading"') < html.index("Send the answer")


def test_the_review_page_shows_the_answer_and_its_files_beside_the_question(client, personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    make_release(request, [personas.agency_x])
    _ask(client, personas, request, "Please attach the police report.")
    client.force_login(personas.contact_x)
    pending = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "Not answered yet." in _section(pending, "info-heading")
    _answer(client, personas, request, "Here it is.", [pdf_upload("report.pdf")])
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    client.force_login(personas.contact_x)
    html = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    exchange = _section(html, "info-heading")
    item = exchange[exchange.index('class="row g-3 mb-3 info-exchange"') :]
    item = item[: item.index("</li>")]
    question = item[item.index("info-question") : item.index("info-answer")]
    answer = item[item.index("info-answer") :]
    assert "Please attach the police report." in question
    assert "Here it is." in answer and "report.pdf" in answer
    assert "answered" in answer
    # Not shown twice: the other messages leave out the question and the answer.
    others = _section(html, "messages-heading")
    assert "Here it is." not in others and "Please attach the police report." not in others


def test_outsiders_never_reach_the_answer_page(client, personas):
    request = make_submitted_request(
        organization=personas.org_a, created_by=personas.advocate_a, agency=personas.agency_x
    )
    make_release(request, [personas.agency_x])
    _ask(client, personas, request, "Please attach the police report.")
    for persona in (personas.advocate_b, personas.contact_y):
        client.force_login(persona)
        response = client.get(reverse("certifications:respond", args=[request.pk]))
        assert response.status_code == 404


def test_an_answer_without_a_message_still_says_when_it_came(client, personas):
    from certifications.choices import Action
    from certifications.services import certification_request_transition

    request = make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        status=Status.INFO_REQUESTED,
        actor=personas.contact_x,
    )
    certification_request_transition(
        cert_request=request, action=Action.PROVIDE_INFO, actor=personas.advocate_a
    )
    client.force_login(personas.contact_x)
    html = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    exchange = _section(html, "info-heading")
    assert "Need the report." in exchange
    assert "Answered " in exchange and "Not answered yet." not in exchange
