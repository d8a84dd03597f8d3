"""The agency's answers form: every item of Parts 2-6 it answers in the request's edition,
validated, and the request page's list of required items still empty."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certifications.choices import FormType
from certifications.forms.answers import ITEM_FIELDS, NOT_IN_THE_FORM, AgencyFormAnswersForm
from certifications.models import AgencyFormAnswers, FormEdition, OfficialForm
from certifications.services.documents import agency_form_missing_items
from tests.factories import make_request

from .documents_helpers import body_text, submit_to

pytestmark = pytest.mark.django_db

SAVE = "certifications:document_agency_answers_save"


@pytest.fixture
def u_request(personas):
    request = make_request(
        organization=personas.org_a,
        created_by=personas.advocate_a,
        form_type=FormType.U,
        victim_family_name="Nguyễn",
        case_number="CASE-1",
    )
    return submit_to(request, personas.agency_x)


def _form(edition: FormEdition, data=None) -> AgencyFormAnswersForm:
    return AgencyFormAnswersForm(
        data,
        form_type=FormType.T if edition.form == OfficialForm.I914B else FormType.U,
        structure=edition.structure,
        hints={},
        requested=[],
    )


@pytest.mark.parametrize("form", [OfficialForm.I918B, OfficialForm.I914B])
def test_the_form_covers_every_item_the_agency_answers_in_parts_2_to_6(form):
    edition = FormEdition.objects.get(form=form, is_current=True)
    answered = [
        item
        for item in edition.items()
        if 2 <= item["part"] <= 6
        and item["answered_by"] in ("agency", "official")
        and item["key"] not in NOT_IN_THE_FORM
    ]
    assert len(answered) > 25
    fields = _form(edition).fields
    for item in answered:
        assert item["key"] in ITEM_FIELDS, item["key"]
        for name in ITEM_FIELDS[item["key"]]:
            assert name in fields, (item["key"], name)
            # Labelled with the edition's item number and words.
            assert f"Part {item['part']}, Item {item['number']}." in fields[name].label or (
                name == "head_title"
            )
    # Nothing the edition lacks: the T form has no Part 3 Item 4.a / 5.a.
    if form == OfficialForm.I914B:
        assert "occurred_in_us" not in fields and "extraterritorial" not in fields
    # The official's part is a capacity choice and split names, not free text.
    assert [c for c, _ in fields["official_capacity"].choices] == ["", "head", "designee", "judge"]
    assert {"official_family_name", "official_given_name", "official_middle_name"} <= set(fields)


def test_yes_no_items_offer_only_the_forms_boxes():
    edition = FormEdition.objects.get(form=OfficialForm.I918B, is_current=True)
    fields = _form(edition).fields
    for name in ("possesses_information", "refused_assistance", "occurred_in_us"):
        assert [c for c, _ in fields[name].choices] == ["", "yes", "no"]
    # The edition's 31 crimes in its words; no "Other" the form lacks.
    crimes = dict(fields["crimes"].choices)
    assert len(crimes) == 31 and "similar_activity" not in crimes
    assert crimes["fraud_foreign_labor"] == "Fraud in Foreign Labor Contracting"


def test_future_dates_are_refused_with_the_answer_kept(client, personas, u_request):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(personas.contact_x)
    response = client.post(
        reverse(SAVE, kwargs={"pk": u_request.pk}),
        {"crime_date_1": tomorrow.isoformat(), "signature_date": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert response.content.count(b"This date is in the future.") == 2
    assert tomorrow.isoformat().encode() in response.content
    assert not AgencyFormAnswers.objects.filter(request=u_request).exists()


def test_phone_numbers_are_checked_and_written_alike(client, personas, u_request):
    client.force_login(personas.contact_x)
    response = client.post(
        reverse(SAVE, kwargs={"pk": u_request.pk}),
        {"agency_phone": "651.555.0100", "agency_fax": "+1 612 555 0199"},
    )
    assert response.status_code == 302
    answers = AgencyFormAnswers.objects.get(request=u_request)
    assert answers.agency_phone == "(651) 555-0100"
    assert answers.agency_fax == "(612) 555-0199"
    response = client.post(reverse(SAVE, kwargs={"pk": u_request.pk}), {"agency_fax": "555"})
    assert response.status_code == 400
    assert b"Enter a phone number with its area code" in response.content


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"official_capacity": "designee"}, "head_family_name", b"Name the head of the agency."),
        ({"official_capacity": "judge"}, "official_family_name", b"Enter the certifying official"),
        ({"refused_assistance": "yes"}, "refusal_explanation", b"Explain the refusal"),
        ({"occurred_in_us": "no"}, "crime_location", b"Say where the criminal activity"),
        ({"extraterritorial": "yes"}, "extraterritorial_citation", b"extraterritorial"),
        ({"family_1_given": "Vang"}, "family_1_relationship", b"needs a family name"),
    ],
)
def test_an_answer_that_requires_another_says_so_beside_it(
    client, personas, u_request, data, field, message
):
    client.force_login(personas.contact_x)
    response = client.post(reverse(SAVE, kwargs={"pk": u_request.pk}), data)
    assert response.status_code == 400
    assert message in response.content
    assert f'id="error_1_id_{field}"'.encode() in response.content


def _complete_answers() -> dict[str, str]:
    return {
        "agency_name": "Agency X Police Department",
        "official_capacity": "designee",
        "official_family_name": "Hoàng",
        "official_given_name": "Minh",
        "certifying_official_title": "Lieutenant, Investigations Division",
        "head_family_name": "Ọlábísí",
        "head_given_name": "Adé",
        "head_title": "Chief of Police",
        "address_street": "15 Kellogg Blvd W",
        "address_city": "Saint Paul",
        "address_state": "MN",
        "address_zip_code": "55102",
        "agency_type": "local",
        "agency_category": "law_enforcement",
        "case_status": "ongoing",
        "case_number": "AGENCY-1",
        "crimes": ["stalking"],
        "crime_date_1": "2025-03-01",
        "statutes_cited": "Minn. Stat. 609.749",
        "occurred_in_us": "yes",
        "extraterritorial": "no",
        "activity_description": "Followed and threatened the victim.",
        "known_injuries": "None known.",
        "possesses_information": "yes",
        "has_been_helpful": "yes",
        "refused_assistance": "no",
        "helpfulness_explanation": "Gave a statement.",
        "family_implicated": "no",
        "signature_date": "2025-04-01",
        "agency_phone": "651-555-0100",
    }


def test_the_request_page_lists_the_required_items_still_empty(client, personas, u_request):
    review = reverse("certifications:review", kwargs={"pk": u_request.pk})
    client.force_login(personas.contact_x)
    page = client.get(review).content.decode()
    assert "Required items of the form still empty" in page
    missing = agency_form_missing_items(cert_request=u_request)
    # The official's decisions are missing until answered; nothing the requester answers is.
    assert "Part 4, Item 1: The victim possesses information concerning the criminal" in (
        "; ".join(missing)
    )
    assert "Part 6, Item 2: Date of Signature (mm/dd/yyyy)" in missing
    assert not any(label.startswith("Part 1,") for label in missing)
    assert not any("Signature of Certifying Official" in label for label in missing)
    for label in missing:
        assert label.replace("'", "&#x27;").replace('"', "&quot;") in page
    assert "Nguyễn" not in "; ".join(missing)  # labels only, never values

    response = client.post(reverse(SAVE, kwargs={"pk": u_request.pk}), _complete_answers())
    assert response.status_code == 302
    assert agency_form_missing_items(cert_request=u_request) == []
    page = client.get(review).content.decode()
    assert "Required items of the form still empty" not in page
    assert "Every required item the agency answers on the form has an answer." in page


def test_a_designee_must_name_the_head_but_the_head_need_not(personas, u_request):
    from certifications.services.documents import agency_form_answers_update

    answers = {**_complete_answers(), "head_family_name": "", "head_given_name": ""}
    agency_form_answers_update(cert_request=u_request, actor=personas.contact_x, answers=answers)
    assert agency_form_missing_items(cert_request=u_request) == [
        "Part 2, Item 4: Full Name of the Head of the Certifying Agency (if the certifying "
        "official is a designee)"
    ]
    agency_form_answers_update(
        cert_request=u_request,
        actor=personas.contact_x,
        answers={**answers, "official_capacity": "head"},
    )
    assert agency_form_missing_items(cert_request=u_request) == []


def test_the_advocate_sees_no_list_of_the_agencys_missing_items(client, personas, u_request):
    client.force_login(personas.advocate_a)
    page = client.get(reverse("certifications:detail", kwargs={"pk": u_request.pk}))
    assert page.status_code == 200
    assert "Required items of the form still empty" not in page.content.decode()


def test_the_saved_answers_fill_the_worksheet(client, personas, u_request):
    client.force_login(personas.contact_x)
    data = {
        **_complete_answers(),
        "family_implicated": "yes",
        "family_1_family": "Vang",
        "family_1_given": "Xiong",
        "family_1_relationship": "Brother",
        "family_1_involvement": "Made the threats",
    }
    assert client.post(reverse(SAVE, kwargs={"pk": u_request.pk}), data).status_code == 302
    pdf = client.get(
        reverse(
            "certifications:document_download", kwargs={"pk": u_request.pk, "kind": "supplement-b"}
        )
    ).content
    text = body_text(pdf)
    assert "Hoàng Minh" in text and "Ọlábísí Adé" in text
    assert "☒ Official designated by the head of the agency" in text
    assert "Head of the agency's title: Chief of Police" in text
    assert "Made the threats" in text and "Brother" in text
    assert "04/01/2025" in text and "(651) 555-0100" in text
    part4 = text[text.index("Part 4. Helpfulness") : text.index("Part 5. Family")]
    assert "For the certifying official to answer." not in part4
