"""Key rotation: a new key in front, `rotate_encryption_keys`, then the old key removed; and the
migration that encrypts the columns of an existing database."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from accounts.models import AuditAction, AuditEntry
from certifications.models import Attachment, CertificationRequest, FamilyMember, Message
from tests.factories import give_totp, make_request
from uvisa_portal import crypto, rotation

from .canary import (
    CANARY_A_NUMBER,
    CANARY_FAMILY,
    CANARY_FILE_BYTES,
    CANARY_NARRATIVE,
    seed_canary_request,
)

NEW_KEY = Fernet.generate_key().decode()


def _read_everything(request_pk: int, attachment_pk: int, user) -> dict:
    request = CertificationRequest.objects.get(pk=request_pk)
    attachment = Attachment.objects.get(pk=attachment_pk)
    with attachment.file.open("rb") as handle:
        content = handle.read()
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return {
        "a_number": request.victim_a_number,
        "narrative": request.narrative,
        "birth": request.victim_date_of_birth,
        "members": [m.full_name for m in FamilyMember.objects.filter(request_id=request_pk)],
        "messages": [m.body for m in Message.objects.filter(request_id=request_pk)],
        "notes": sorted(e.note for e in request.events.all()),
        "original_name": attachment.original_name,
        "file": content,
        "totp": decrypt(totp.data["secret"]),
    }


def test_rotation_moves_everything_to_the_new_key(personas, media_root, settings, monkeypatch):
    monkeypatch.setattr(rotation, "BATCH_SIZE", 2)  # several batches on a small data set
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    request, attachment, _ = seed_canary_request(personas)
    for n in range(4):
        make_request(
            organization=personas.org_a,
            created_by=personas.advocate_a,
            victim_family_name=f"Other{n}",
        )
    secret = give_totp(personas.advocate_a)
    RecoveryCodes.activate(personas.advocate_a)
    before = _read_everything(request.pk, attachment.pk, personas.advocate_a)
    assert before["a_number"] == CANARY_A_NUMBER and before["narrative"] == CANARY_NARRATIVE
    assert before["file"] == CANARY_FILE_BYTES and before["totp"] == secret
    assert before["birth"] == datetime.date(1987, 6, 5)
    assert f"{CANARY_FAMILY} Brother" in before["members"]

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, old_key]):
        call_command("rotate_encryption_keys", verbosity=0)
        entry = AuditEntry.objects.get(action=AuditAction.KEY_ROTATION)
        assert entry.outcome == "ok"
        assert "certifications.certificationrequest: " in entry.detail
        assert "files: 1 re-encrypted, 0 already current" in entry.detail
        assert "mfa secrets: " in entry.detail
        # Counts only: no victim value in the audit trail.
        assert CANARY_FAMILY not in entry.detail and CANARY_A_NUMBER not in entry.detail

        # Again: nothing left to do, and nothing broken.
        again = rotation.encryption_keys_rotate()
        assert sum(again.rotated.values()) == 0
        assert again.current["files"] == 1
        assert again.current["certifications.certificationrequest"] > 5

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert _read_everything(request.pk, attachment.pk, personas.advocate_a) == before
        names = set(CertificationRequest.objects.values_list("victim_family_name", flat=True)) - {
            CANARY_FAMILY
        }
        assert names == {"Other0", "Other1", "Other2", "Other3"}
        codes = Authenticator.objects.get(
            user=personas.advocate_a, type=Authenticator.Type.RECOVERY_CODES
        )
        assert decrypt(codes.data["seed"])

    # The old key alone opens nothing any more.
    with override_settings(FIELD_ENCRYPTION_KEYS=[old_key]):
        with pytest.raises(crypto.DecryptionError):
            CertificationRequest.objects.get(pk=request.pk)
        with pytest.raises(crypto.DecryptionError):
            Attachment.objects.only("file").get(pk=attachment.pk).file.open("rb")


def test_rotation_without_the_old_key_fails_loudly_and_is_audited(personas, media_root):
    seed_canary_request(personas)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(CommandError, match="no key in FIELD_ENCRYPTION_KEYS"),
    ):
        call_command("rotate_encryption_keys", verbosity=0)
    entry = AuditEntry.objects.get(action=AuditAction.KEY_ROTATION)
    assert entry.outcome == "failed"


def _raw_column(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} "  # noqa: S608
            "WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_rows_and_reverses(personas):
    """Back to the plain columns, a row written there, then forward: encrypted, readable."""
    request = make_request(organization=personas.org_a, created_by=personas.advocate_a)
    executor = MigrationExecutor(connection)
    plain_state = [("certifications", "0008_drop_request_history_event_changed_fields")]
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(plain_state)
        # The request written under encryption was decrypted on the way back.
        narrative = _raw_column("certifications_certificationrequest", "narrative", request.pk)
        assert not (narrative or "").startswith("gAAAAA")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE certifications_certificationrequest SET victim_family_name = %s, "
                "victim_date_of_birth = %s, narrative = %s WHERE id = %s",
                ["Zyxwvut", datetime.date(1970, 1, 2), "Qwertz story", request.pk],
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
        raw = _raw_column("certifications_certificationrequest", "victim_family_name", request.pk)
        assert raw.startswith("gAAAAA") and "Zyxwvut" not in raw
        assert "1970" not in _raw_column(
            "certifications_certificationrequest", "victim_date_of_birth", request.pk
        )
        fresh = CertificationRequest.objects.get(pk=request.pk)
        assert fresh.victim_family_name == "Zyxwvut"
        assert fresh.victim_date_of_birth == datetime.date(1970, 1, 2)
        assert fresh.narrative == "Qwertz story"

        # Backwards: the plain values come back in their old column types.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(plain_state)
        assert (
            _raw_column("certifications_certificationrequest", "victim_family_name", request.pk)
            == "Zyxwvut"
        )
        birth = _raw_column(
            "certifications_certificationrequest", "victim_date_of_birth", request.pk
        )
        assert str(birth) == "1970-01-02"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)


def test_rotation_encrypts_files_stored_before_encryption(db, media_root):
    from django.core.files.storage import default_storage

    legacy = media_root / "attachments" / "legacy"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"%PDF-1.4 stored in the clear")
    counts = rotation.encryption_keys_rotate()
    assert counts.rotated["plain files"] == 1
    assert not legacy.read_bytes().startswith(b"%PDF")
    assert default_storage.open("attachments/legacy").read() == b"%PDF-1.4 stored in the clear"
    assert rotation.encryption_keys_rotate().rotated["plain files"] == 0
