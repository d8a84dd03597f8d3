"""Who the petitioner is (8 CFR 214.14(a)(14), (b)(2)-(3)): asked at the victim step, kept
encrypted, and followed by the pages, the official form, the cover letter and the statistics."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from certifications.choices import (
    DirectVictimUnable,
    IndirectRelationship,
    NextFriendReason,
    PetitionerKind,
)
from certifications.documents.inputs import document_inputs
from certifications.documents.render import cover_letter_pdf
from certifications.editions.values import item_values
from certifications.models import CertificationRequest
from certifications.statistics.figures import statistics_report
from tests.factories import make_submitted_request

from .documents_helpers import flat, pdf_text
from .intake_support import fast_passwords, private_media  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]


def victim_data(**overrides):
    data = {
        "form_type": "U",
        "victim_family_name": "Okonkwo",
        "victim_given_name": "Adaeze",
        "victim_date_of_birth": "1988-02-03",
        "victim_gender": "female",
        "victim_preferred_language": "en",
        "go": "next",
    }
    data.update(overrides)
    return data


INDIRECT = {
    "petitioner_kind": PetitionerKind.INDIRECT,
    "indirect_relationship": IndirectRelationship.SPOUSE,
    "direct_victim_name": "Chinedu Okonkwo",
    "direct_victim_unable": DirectVictimUnable.KILLED,
    "direct_victim_unable_explanation": "Killed in the assault of March 2025.",
}
NEXT_FRIEND = {
    "petitioner_kind": PetitionerKind.NEXT_FRIEND,
    "next_friend_reason": NextFriendReason.UNDER_16,
    "next_friend_name": "Ngozi Okafor",
    "next_friend_relationship": "mother",
}


def test_the_victim_step_asks_who_petitions_with_help_text(client, personas):
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:new")).content.decode()
    for kind in PetitionerKind:
        assert f'value="{kind.value}"' in page
    assert "8 CFR 214.14(a)(14)" in page
    assert "parent, guardian or next friend" in page


def test_an_indirect_victim_needs_whom_and_why_beside_the_fields(client, personas):
    client.force_login(personas.advocate_a)
    response = client.post(
        reverse("certifications:new"),
        victim_data(petitioner_kind=PetitionerKind.INDIRECT, direct_victim_name="Chinedu"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose the relationship to the direct victim." in body
    assert "Say why the direct victim cannot petition." in body
    assert "error_1_id_indirect_relationship" in body
    assert 'value="Chinedu"' in body and 'value="Okonkwo"' in body
    assert not CertificationRequest.objects.exists()

    response = client.post(reverse("certifications:new"), victim_data(**INDIRECT))
    assert response.status_code == 302
    request = CertificationRequest.objects.get()
    assert request.petitioner_kind == PetitionerKind.INDIRECT
    assert request.direct_victim_name == "Chinedu Okonkwo"
    # The direct victim's name and what happened are stored encrypted.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT direct_victim_name, direct_victim_unable_explanation "
            "FROM certifications_certificationrequest WHERE id = %s",
            [request.pk],
        )
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "Chinedu" not in raw and "March 2025" not in raw


def test_a_next_friend_needs_a_name_and_a_relationship(client, personas):
    client.force_login(personas.advocate_a)
    response = client.post(
        reverse("certifications:new"),
        victim_data(petitioner_kind=PetitionerKind.NEXT_FRIEND, next_friend_name="Ngozi Okafor"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Say why someone acts for the victim." in body
    assert "Give their relationship to the victim." in body
    assert 'value="Ngozi Okafor"' in body
    # Fields of another kind are not kept unseen.
    response = client.post(
        reverse("certifications:new"), victim_data(**NEXT_FRIEND, direct_victim_name="Nobody")
    )
    assert response.status_code == 302
    request = CertificationRequest.objects.get()
    assert request.direct_victim_name == ""
    assert request.next_friend_name == "Ngozi Okafor"


def _submitted(personas, **fields):
    return make_submitted_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        agency=personas.agency_x,
        victim_family_name="Okonkwo",
        victim_given_name="Adaeze",
        helpfulness="Gave a statement and identified the offender.",
        **fields,
    )


def test_the_letter_names_an_indirect_victim_as_such(personas):
    request = _submitted(personas, **INDIRECT)
    text = flat(pdf_text(cover_letter_pdf(cert_request=request)))
    assert "Petitioner (indirect victim): Adaeze Okonkwo" in text
    assert "Direct victim: Chinedu Okonkwo" in text
    assert (
        "Adaeze Okonkwo petitions as an indirect victim (8 CFR 214.14(a)(14)): the spouse of"
        in text
    )
    assert "Chinedu Okonkwo, the direct victim of domestic violence" in text
    assert "who was killed" in text
    assert "Adaeze Okonkwo was the victim of" not in text


def test_the_letter_says_whose_help_it_was_for_a_child(personas):
    request = _submitted(personas, **NEXT_FRIEND)
    text = flat(pdf_text(cover_letter_pdf(cert_request=request)))
    assert "Adaeze Okonkwo was the victim of domestic violence" in text
    assert "Because Adaeze Okonkwo is under 16, Ngozi Okafor (mother) has assisted" in text
    assert "Acting for the victim (parent, guardian or next friend): Ngozi Okafor (mother)" in text
    assert "and has been helpful" not in text


def test_a_direct_victims_letter_is_unchanged_in_substance(personas):
    text = flat(pdf_text(cover_letter_pdf(cert_request=_submitted(personas))))
    assert "Victim: Adaeze Okonkwo" in text
    assert "Adaeze Okonkwo was the victim of domestic violence" in text
    assert "has been helpful to your agency's investigation or prosecution" in text


def test_the_official_forms_helpfulness_says_whose_help(personas):
    values = item_values(document_inputs(cert_request=_submitted(personas, **NEXT_FRIEND)))
    assert values["helpful.description"].startswith(
        "The victim's help was given through Ngozi Okafor (mother), acting for the victim"
    )
    assert "Gave a statement" in values["helpful.description"]
    direct = item_values(document_inputs(cert_request=_submitted(personas)))
    assert direct["helpful.description"] == "Gave a statement and identified the offender."


def test_the_agency_sees_whose_help_to_certify(client, personas):
    request = _submitted(personas, **NEXT_FRIEND)
    client.force_login(personas.contact_x)
    page = client.get(reverse("certifications:review", args=[request.pk])).content.decode()
    assert "The help to certify is that of Ngozi Okafor, acting for the victim" in re.sub(
        r"</?bdi[^>]*>", "", page
    )
    assert "the victim is under 16" in page


def test_statistics_count_the_petitioners(client, personas):
    _submitted(personas)
    _submitted(personas, **INDIRECT)
    _submitted(personas, **INDIRECT)
    _submitted(personas, **NEXT_FRIEND)
    today = datetime.date.today()
    report = statistics_report(start=today - datetime.timedelta(days=30), end=today)
    assert report.statewide.received_by_petitioner == {
        "direct": 1,
        "indirect": 2,
        "next_friend": 1,
        "bystander": 0,
    }


def test_submission_needs_what_the_petitioners_kind_requires(personas):
    from certifications.services.intake import certification_request_problems
    from tests.factories import make_request

    draft = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        petitioner_kind=PetitionerKind.INDIRECT,
        direct_victim_name="Chinedu Okonkwo",
    )
    problems = certification_request_problems(cert_request=draft)
    assert "indirect_relationship" in problems and "direct_victim_unable" in problems
    assert "direct_victim_name" not in problems
    complete = make_request(organization=personas.org_a, created_by=personas.advocate_a, **INDIRECT)
    problems = certification_request_problems(cert_request=complete)
    assert not {"indirect_relationship", "direct_victim_unable", "direct_victim_name"} & set(
        problems
    )
