"""One incident, several agencies: "Also request from another agency" and submitting a draft
to several agencies at once. Each agency's request keeps its own data, files, release, routing,
clock and decision; one agency never learns of the other's request; statistics count each
agency's request once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from certifications.choices import Action, AttachmentKind, Status
from certifications.models import CertificationRequest, LinkKind, RequestEvent, RequestLink
from certifications.services.links import COPIED_FIELDS, LinkError
from certifications.services.other_agency import (
    DATA_GROUPS,
    AlsoReleaseError,
    certification_request_submit_also_to,
    other_agency_start,
)
from certifications.statistics.figures import agency_figures
from tests.certifications.intake_support import (
    attach,
    complete_request,
    private_media,  # noqa: F401 - fixture
)
from tests.factories import make_release

from .test_links import _client, _submitted

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _draft_for_both(personas, **fields):
    """A complete draft to agency X whose release names X and Y; Y serves the county too."""
    draft = complete_request(personas, victim_family_name="Quispe", **fields)
    personas.agency_y.counties.add(draft.crime_county)
    make_release(draft, [personas.agency_x, personas.agency_y])
    attach(draft, personas.advocate_a, name="police-report.pdf")
    return draft


# --- services ---------------------------------------------------------------------------------


def test_the_data_groups_cover_everything_a_linked_request_copies():
    grouped = set().union(*(fields for _, fields in DATA_GROUPS.values()))
    assert COPIED_FIELDS - {"requested_agency"} <= grouped


def test_it_starts_a_linked_draft_with_the_ticked_data_and_files_and_the_release_naming_it(
    personas,
):
    source = _submitted(personas, victim_family_name="Quispe", internal_notes="Call after 5.")
    make_release(source, [personas.agency_y])
    report = source.attachments.get(kind=AttachmentKind.POLICE_REPORT)

    draft = other_agency_start(
        source=source,
        actor=personas.advocate_a,
        agency=personas.agency_y,
        groups=["victim", "crime", "narrative"],
        attachment_ids=[report.pk],
    )

    assert draft.status == Status.DRAFT
    assert draft.requested_agency == personas.agency_y
    assert draft.victim_family_name == "Quispe"
    assert draft.crimes == source.crimes
    # Not ticked: the notes stay with the first request.
    assert draft.internal_notes == ""
    copy = draft.attachments.get(kind=AttachmentKind.POLICE_REPORT)
    assert copy.pk != report.pk and copy.sha256 == report.sha256
    # The release naming Y goes with it; the one naming only X does not.
    assert [list(r.agencies.all()) for r in draft.releases.all()] == [[personas.agency_y]]
    link = RequestLink.objects.get(later=draft)
    assert (link.earlier, link.kind) == (source, LinkKind.OTHER_AGENCY)
    # Neither timeline names the other request (each is read by its own agency).
    assert not RequestEvent.objects.filter(
        request__in=[source, draft], action=Action.LINKED
    ).exists()


def test_it_refuses_the_requests_own_agency_and_a_second_open_request_to_the_same_agency(
    personas,
):
    source = _submitted(personas)
    with pytest.raises(Exception, match="already goes to this agency"):
        other_agency_start(source=source, actor=personas.advocate_a, agency=personas.agency_x)
    first = other_agency_start(source=source, actor=personas.advocate_a, agency=personas.agency_y)
    with pytest.raises(LinkError, match=first.reference):
        other_agency_start(source=source, actor=personas.advocate_a, agency=personas.agency_y)


def test_a_draft_is_submitted_to_both_agencies_each_with_its_own_routing_and_clock(personas):
    draft = _draft_for_both(personas)

    first, second = certification_request_submit_also_to(
        cert_request=draft, actor=personas.advocate_a, agencies=[personas.agency_y]
    )

    assert (first.pk, first.agency, first.status) == (draft.pk, personas.agency_x, "submitted")
    assert (second.agency, second.status) == (personas.agency_y, Status.SUBMITTED)
    assert personas.agency_y.name in second.routing_reason
    assert second.due_date and second.deadline_basis
    assert second.victim_family_name == "Quispe"
    assert second.attachments.filter(kind=AttachmentKind.POLICE_REPORT).count() == 1
    assert RequestLink.objects.get(later=second).earlier_id == draft.pk
    # Statistics: each agency's request once.
    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    assert agency_figures(agency=personas.agency_x, start=start, end=today).received == 1
    assert agency_figures(agency=personas.agency_y, start=start, end=today).received == 1


def test_without_a_release_naming_the_other_agency_nothing_is_submitted(personas):
    draft = complete_request(personas)
    personas.agency_y.counties.add(draft.crime_county)
    count = CertificationRequest.objects.count()

    with pytest.raises(AlsoReleaseError, match="names Agency Y"):
        certification_request_submit_also_to(
            cert_request=draft, actor=personas.advocate_a, agencies=[personas.agency_y]
        )

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert CertificationRequest.objects.count() == count
    assert not RequestLink.objects.exists()


# --- views ------------------------------------------------------------------------------------


def test_the_advocate_starts_a_linked_draft_and_goes_to_its_release_step(client, personas):
    source = _submitted(personas)
    advocate = _client(client, personas.advocate_a)
    url = reverse("certifications:other_agency", args=[source.pk])

    page = advocate.get(url, {"q": "Agency Y"})
    assert page.status_code == 200
    assert "Agency Y Sheriff" in page.content.decode()

    response = advocate.post(url, {"agency": personas.agency_y.pk, "groups": ["victim", "crime"]})
    draft = RequestLink.objects.get(earlier=source).later
    assert response.status_code == 302
    assert response["Location"] == reverse("certifications:edit", args=[draft.pk, "consent"])
    assert draft.requested_agency == personas.agency_y


def test_an_agency_not_offered_is_refused_beside_the_field(client, personas):
    source = _submitted(personas)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:other_agency", args=[source.pk]),
        {"agency": personas.agency_x.pk, "groups": ["victim"]},
    )
    assert response.status_code == 400
    assert not RequestLink.objects.exists()


@pytest.mark.parametrize("persona", ["advocate_b", "contact_x", "contact_y", "coordinator"])
def test_nobody_else_reaches_the_page(client, personas, persona):
    source = _submitted(personas)
    response = _client(client, getattr(personas, persona)).get(
        reverse("certifications:other_agency", args=[source.pk])
    )
    assert response.status_code == 404


def test_the_review_step_submits_to_both_agencies_at_once(client, personas):
    draft = _draft_for_both(personas)
    advocate = _client(client, personas.advocate_a)

    review = advocate.get(reverse("certifications:edit", args=[draft.pk, "review"]))
    assert "Also submit to another agency" in review.content.decode()
    assert f'name="also" value="{personas.agency_y.pk}"' in review.content.decode()

    response = advocate.post(
        reverse("certifications:submit", args=[draft.pk]), {"also": [personas.agency_y.pk]}
    )
    assert response.status_code == 302
    assert CertificationRequest.objects.filter(status=Status.SUBMITTED).count() == 2


def test_a_missing_release_is_said_plainly_and_the_draft_and_the_tick_are_kept(client, personas):
    draft = complete_request(personas)
    personas.agency_y.counties.add(draft.crime_county)
    response = _client(client, personas.advocate_a).post(
        reverse("certifications:submit", args=[draft.pk]), {"also": [personas.agency_y.pk]}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "No current release from the victim names Agency Y" in body
    assert f'value="{personas.agency_y.pk}" id="also-{personas.agency_y.pk}" checked' in body
    assert f"consent/?also={personas.agency_y.pk}" in body
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_release_step_offers_the_other_agency_it_was_sent_for(client, personas):
    draft = complete_request(personas)
    page = _client(client, personas.advocate_a).get(
        reverse("certifications:edit", args=[draft.pk, "consent"]),
        {"also": personas.agency_y.pk},
    )
    assert "Agency Y Sheriff" in page.content.decode()


def test_the_advocate_sees_both_requests_and_each_agency_only_its_own(client, personas):
    draft = _draft_for_both(personas)
    first, second = certification_request_submit_also_to(
        cert_request=draft, actor=personas.advocate_a, agencies=[personas.agency_y]
    )

    page = _client(client, personas.advocate_a).get(
        reverse("certifications:detail", args=[first.pk])
    )
    linked = page.content.decode().split('id="linked-heading"')[1].split("</section>")[0]
    assert second.reference in linked
    assert "Agency Y Sheriff" in linked and "Submitted" in linked

    client.force_login(personas.contact_x)
    assert (
        second.reference
        not in client.get(reverse("certifications:detail", args=[first.pk])).content.decode()
    )
    assert second.reference not in client.get(reverse("certifications:queue")).content.decode()
    assert client.get(reverse("certifications:detail", args=[second.pk])).status_code == 404

    client.force_login(personas.contact_y)
    body = client.get(reverse("certifications:detail", args=[second.pk])).content.decode()
    assert first.reference not in body
    assert "Same incident at another agency" not in body
