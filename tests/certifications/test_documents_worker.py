"""A real Celery worker pre-renders the drafts over the real broker and database."""

from __future__ import annotations

import pytest

from certifications.choices import FormType
from certifications.models import DocumentKind, GeneratedDocument
from certifications.services.documents import document_current
from certifications.tasks import documents_prerender
from tests.factories import make_request

from .documents_helpers import submit_to

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_prerenders_and_the_download_uses_its_file(celery_worker_process, personas):
    request = make_request(
        organization=personas.org_a, created_by=personas.advocate_a, form_type=FormType.U
    )
    request = submit_to(request, personas.agency_x)
    celery_worker_process()
    try:
        hashes = documents_prerender.delay(request.pk).get(timeout=120)
    except Exception:
        pytest.fail("worker did not answer:\n" + celery_worker_process.logs())
    assert len(hashes) == 2
    assert GeneratedDocument.objects.filter(request=request).count() == 2
    current = document_current(cert_request=request, kind=DocumentKind.SUPPLEMENT_B)
    assert current.from_store and current.content_hash in hashes
