"""Advocates reach only their organization's requests: everyone else gets 404, every look is
audited, and nothing is cached."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from certifications.choices import AttachmentKind, Status
from certifications.services.intake import certification_request_submit

from .intake_support import (
    attach,
    attach_notice_to_appear,
    complete_request,
    fast_passwords,  # noqa: F401 - fixture
    private_media,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords", "private_media")]


@pytest.fixture
def filed(personas):
    obj = complete_request(personas, victim_family_name="Canaryname", detained=True)
    attachment = attach(obj, personas.advocate_a)
    return obj, attachment


def _urls(obj, attachment):
    return {
        "get": [
            reverse("certifications:detail", args=[obj.pk]),
            *[
                reverse("certifications:edit", args=[obj.pk, step])
                for step in ("victim", "expedite", "crime", "narrative", "consent")
            ],
            reverse("certifications:edit", args=[obj.pk, "attachments"]),
            reverse("certifications:edit", args=[obj.pk, "review"]),
            reverse("certifications:withdraw", args=[obj.pk]),
            reverse("certifications:respond", args=[obj.pk]),
            reverse("certifications:attachment_download", args=[attachment.pk]),
        ],
        "post": [
            reverse("certifications:edit", args=[obj.pk, "victim"]),
            reverse("certifications:submit", args=[obj.pk]),
            reverse("certifications:withdraw", args=[obj.pk]),
            reverse("certifications:respond", args=[obj.pk]),
            reverse("certifications:attachment_delete", args=[attachment.pk]),
        ],
    }


def test_an_advocate_of_another_organization_gets_404_everywhere(client, personas, filed):
    obj, attachment = filed
    client.force_login(personas.advocate_b)
    urls = _urls(obj, attachment)
    for url in urls["get"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Canaryname" not in response.content
    for url in urls["post"]:
        response = client.post(url, {"victim_family_name": "Hijack", "reason": "x"})
        assert response.status_code == 404, url
    obj.refresh_from_db()
    assert obj.victim_family_name == "Canaryname"
    assert obj.status == Status.DRAFT
    assert obj.attachments.count() == 1


def test_the_dashboard_lists_only_the_organization_s_requests(client, personas, filed):
    obj, _ = filed
    client.force_login(personas.advocate_b)
    body = client.get(reverse("certifications:dashboard")).content.decode()
    assert obj.reference not in body
    assert "Canaryname" not in body


@pytest.mark.parametrize("persona", ["contact_x", "contact_y", "coordinator", "admin"])
def test_other_roles_get_404_on_the_intake_pages_and_drafts(client, personas, filed, persona):
    obj, attachment = filed
    client.force_login(getattr(personas, persona))
    for url in [
        reverse("certifications:dashboard"),
        reverse("certifications:new"),
        reverse("certifications:detail", args=[obj.pk]),
        reverse("certifications:edit", args=[obj.pk, "victim"]),
        reverse("certifications:attachment_download", args=[attachment.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, filed):
    obj, _ = filed
    response = client.get(reverse("certifications:detail", args=[obj.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_request_page_is_audited_and_not_cached(client, personas, filed):
    obj, _ = filed
    client.force_login(personas.advocate_a)
    response = client.get(reverse("certifications:detail", args=[obj.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action=AuditAction.VICTIM_DATA_VIEW)
    assert entry.target == f"{obj.reference} certifications:detail pk={obj.pk}"
    assert entry.outcome == "200"
    assert entry.user == personas.advocate_a
    assert "Canaryname" not in entry.detail + entry.target


def test_a_download_is_an_audited_attachment_named_by_reference(client, personas, filed):
    obj, attachment = filed
    client.force_login(personas.advocate_a)
    response = client.get(reverse("certifications:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert obj.reference in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = AuditEntry.objects.get(action=AuditAction.ATTACHMENT_DOWNLOAD)
    assert entry.target.startswith(f"{obj.reference} certifications:attachment_download pk=")


def test_the_agency_sees_the_removal_flag_but_not_detention_or_the_notice(client, personas, filed):
    obj, _ = filed
    obj.in_removal_proceedings = True
    obj.save()
    notice = attach_notice_to_appear(obj, personas.advocate_a)
    certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    client.force_login(personas.contact_x)
    body = client.get(reverse("certifications:detail", args=[obj.pk])).content.decode()
    assert "Removal proceedings" in body
    assert "Detained" not in body
    assert "nta.pdf" not in body
    assert "Continue editing" not in body
    url = reverse("certifications:attachment_download", args=[notice.pk])
    assert client.get(url).status_code == 404
    police = obj.attachments.get(kind=AttachmentKind.POLICE_REPORT)
    url = reverse("certifications:attachment_download", args=[police.pk])
    assert client.get(url).status_code == 200
    # Agency Y's contact sees nothing of it.
    client.force_login(personas.contact_y)
    assert client.get(reverse("certifications:detail", args=[obj.pk])).status_code == 404


def test_the_request_page_includes_the_agency_actions_only_for_the_agency(
    client, personas, filed, settings, tmp_path
):
    obj, _ = filed
    certification_request_submit(cert_request=obj, actor=personas.advocate_a)
    client.force_login(personas.contact_x)
    response = client.get(reverse("certifications:detail", args=[obj.pk]))
    # The agency gets its own page, with its actions, at the same address.
    assert "agency_panel" in response.context
    assert "Continue editing" not in response.content.decode()
    client.force_login(personas.advocate_a)
    response = client.get(reverse("certifications:detail", args=[obj.pk]))
    assert response.context["can_act_as_agency"] is False
    assert response.context["can_act_as_advocate"] is True


def test_the_request_page_costs_the_same_queries_however_long_its_history(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certifications.choices import Action
    from certifications.services.answers import certification_request_provide_info
    from certifications.services.core import certification_request_transition

    from .intake_support import pdf_upload

    obj = certification_request_submit(
        cert_request=complete_request(personas), actor=personas.advocate_a
    )
    client.force_login(personas.advocate_a)
    url = reverse("certifications:detail", args=[obj.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def exchange(i: int):
        answered = certification_request_transition(
            cert_request=obj, action=Action.REQUEST_INFO, actor=personas.contact_x, note=f"Q{i}"
        )
        return certification_request_provide_info(
            cert_request=answered, actor=personas.advocate_a, message=f"A{i}", files=[pdf_upload()]
        )

    obj = exchange(0)
    count()  # the bell counts on the first page of a session, then once a minute
    before = count()
    for i in range(1, 4):
        obj = exchange(i)
    assert count() == before
