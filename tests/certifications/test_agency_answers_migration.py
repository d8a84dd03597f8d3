"""The migration that gives the agency's answers the edition's items keeps what was typed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certifications.models import AgencyFormAnswers
from tests.factories import make_request

BEFORE = [("certifications", "0012_form_editions")]
AFTER = [("certifications", "0013_agency_answers_edition_items")]


@pytest.mark.django_db(transaction=True)
def test_the_old_free_text_answers_move_into_the_new_boxes(personas):
    request = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        old_answers = old_apps.get_model("certifications", "AgencyFormAnswers")
        old_answers.objects.create(
            request_id=request.pk,
            certifying_official_name="Nguyễn Văn An",
            certifying_official_title="Sergeant",
            division_office="Special Victims Unit",
            head_of_agency_name="Ọlábísí Adé",
            agency_address="15 Kellogg Blvd W, Saint Paul, MN 55102",
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    answers = AgencyFormAnswers.objects.get(request=request)
    # A whole name is never split by guessing: it goes into the family-name box.
    assert answers.official_family_name == "Nguyễn Văn An" and answers.official_given_name == ""
    assert answers.certifying_official_title == "Sergeant, Special Victims Unit"
    assert answers.head_family_name == "Ọlábísí Adé"
    assert answers.address_street == "15 Kellogg Blvd W, Saint Paul, MN 55102"
