"""Retention: victim data of long-closed requests is purged everywhere; statistics stay."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import AuditAction, AuditEntry
from certifications.choices import DenialReason, Status
from certifications.models import Attachment, CertificationRequest, Message, RequestEvent
from certifications.services import certification_request_transition
from certifications.services.retention import certification_request_purge

from .canary import (
    CANARY_FILE_BYTES,
    CANARY_STRINGS,
    decrypted_hits,
    seed_canary_request,
    stored_file_hits,
)


def _deny(request, personas):
    return certification_request_transition(
        cert_request=request,
        action="deny",
        actor=personas.contact_x,
        note="denied",
        updates={
            "denial_reason": DenialReason.NOT_HELPFUL,
            "denial_explanation": "Zyxwvut Canaryname did not answer",
            "decided_at": timezone.now(),
        },
    )


def _age(request, days):
    closed = timezone.now() - datetime.timedelta(days=days)
    CertificationRequest.objects.filter(pk=request.pk).update(closed_at=closed)


def _text_hits(needles) -> list[str]:
    """Every (table, column) whose text contains one of `needles`, across the whole database."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                quoted_table = connection.ops.quote_name(table)
                quoted_column = connection.ops.quote_name(column.name)
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quoted_table} "  # noqa: S608 - names from introspection
                        f"WHERE CAST({quoted_column} AS TEXT) LIKE %s",
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        hits.append(f"{table}.{column.name} contains {needle!r}")
    return hits


def _media_hits() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [str(p) for p in root.rglob("*") if p.is_file() and CANARY_FILE_BYTES in p.read_bytes()]


def test_canary_values_leave_no_trace_in_any_table_or_the_media_dir(personas, media_root):
    request, attachment, _ = seed_canary_request(personas)
    request = _deny(request, personas)
    # Before: the canaries are really there, as the portal reads them (the scan can find them;
    # stored encrypted, they are in no table or file as they are: test_encryption_at_rest).
    before = decrypted_hits(CANARY_STRINGS)
    assert any("certifications.CertificationRequest." in h for h in before)
    assert any("certifications.Message." in h for h in before)
    assert stored_file_hits(CANARY_FILE_BYTES)
    _age(request, settings.RETENTION_DAYS_AFTER_CLOSE + 1)

    call_command("purge_closed_requests", verbosity=0)

    assert decrypted_hits(CANARY_STRINGS) == []
    assert stored_file_hits(CANARY_FILE_BYTES) == []
    assert _text_hits(CANARY_STRINGS) == []
    assert _media_hits() == []
    assert not list(media_root.rglob("*.pdf")) and not [
        p for p in media_root.rglob("*") if p.is_file()
    ]
    request.refresh_from_db()
    assert request.purged_at is not None
    # Kept for the statistics: status, dates, agency, form type, denial reason category.
    assert request.status == Status.DENIED
    assert request.denial_reason == DenialReason.NOT_HELPFUL
    assert request.agency == personas.agency_x
    assert request.form_type == "U"
    assert request.submitted_at is not None and request.closed_at is not None
    assert request.decided_at is not None
    assert RequestEvent.objects.filter(request=request).count() >= 2
    assert not Attachment.objects.filter(request=request).exists()
    assert not Message.objects.filter(request=request).exists()
    assert AuditEntry.objects.filter(action=AuditAction.PURGE, target=request.reference).exists()


def test_purge_is_idempotent(personas, media_root):
    request, _, _ = seed_canary_request(personas)
    _deny(request, personas)
    _age(request, settings.RETENTION_DAYS_AFTER_CLOSE + 1)
    assert certification_request_purge(request_id=request.pk) is True
    assert certification_request_purge(request_id=request.pk) is False
    call_command("purge_closed_requests", verbosity=0)
    assert AuditEntry.objects.filter(action=AuditAction.PURGE).count() == 1


def test_requests_closed_recently_or_still_open_are_kept(personas, media_root):
    recent, _, _ = seed_canary_request(personas)
    _deny(recent, personas)
    _age(recent, settings.RETENTION_DAYS_AFTER_CLOSE - 1)
    still_open, _, _ = seed_canary_request(personas)
    call_command("purge_closed_requests", verbosity=0)
    for request in (recent, still_open):
        request.refresh_from_db()
        assert request.purged_at is None
        assert request.victim_a_number == "A987654321"
        assert Attachment.objects.filter(request=request).exists()


def test_retention_period_is_configurable(personas, media_root, settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 10
    request, _, _ = seed_canary_request(personas)
    _deny(request, personas)
    _age(request, 11)
    call_command("purge_closed_requests", verbosity=0)
    request.refresh_from_db()
    assert request.purged_at is not None


def test_beat_task_runs_the_purge(personas, media_root):
    from certifications.tasks import purge_closed_requests

    request, _, _ = seed_canary_request(personas)
    _deny(request, personas)
    _age(request, settings.RETENTION_DAYS_AFTER_CLOSE + 1)
    assert purge_closed_requests.apply().get() == 1
    assert purge_closed_requests.apply().get() == 0
    assert "purge-closed-requests" in settings.CELERY_BEAT_SCHEDULE


def test_audit_trail_records_each_event_type_of_this_branch(client, personas, media_root):
    """Sign-in, failure, sign-out, status change, user change, export, purge: each writes its
    entry with who, when and from where; none carries victim data."""
    from django.urls import reverse

    from tests.browser import PortalBrowser

    client.post("/accounts/login/", {"login": "nobody@example.org", "password": "x" * 14})
    client.post("/accounts/login/", {"login": personas.admin.email, "password": "x" * 14})
    request, _, _ = seed_canary_request(personas)  # submit: a status change
    client.force_login(personas.admin)
    client.get(reverse("accounts:audit_export"))
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [personas.advocate_b.pk]},
    )
    client.post(reverse("account_logout"))
    resp = client.post(
        "/accounts/login/",
        {"login": personas.contact_x.email, "password": "correct-horse-battery-staple-42"},
    )
    client.post(resp["Location"], {"code": PortalBrowser.fresh_totp_code(personas.contact_x.email)})
    request = _deny(request, personas)
    _age(request, settings.RETENTION_DAYS_AFTER_CLOSE + 1)
    certification_request_purge(request_id=request.pk)
    seen = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.LOGOUT,
        AuditAction.STATUS_CHANGE,
        AuditAction.USER_CHANGE,
        AuditAction.EXPORT,
        AuditAction.PURGE,
    } <= seen
    assert _text_hits(CANARY_STRINGS) == []
