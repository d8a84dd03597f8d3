"""The benchmark's bulk writer encrypts victim fields like the ORM does (PostgreSQL's COPY
bypasses the fields, so bench/bulk.py encrypts them itself)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from bench.bulk import Table
from certifications.models import Message
from tests.factories import make_request


def test_bulk_rows_are_stored_encrypted_and_read_back(personas):
    request = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    table = Table(Message)
    pk = table.add(
        request_id=request.pk,
        author_id=personas.advocate_a.pk,
        body="Qwertz\tbulk\nbody",
        created_at=timezone.now(),
    )
    table.flush()
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM certifications_message WHERE id = %s", [pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAAA") and "Qwertz" not in raw
    assert Message.objects.get(pk=pk).body == "Qwertz\tbulk\nbody"
