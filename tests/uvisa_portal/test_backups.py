"""Backups restore: into an empty database and media directory, with every request, attachment
(by checksum) and audit row found again by the restored portal; expired backups are deleted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import environ
import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import AuditAction, AuditEntry
from accounts.services import audit_log
from certifications.models import Attachment, CertificationRequest
from uvisa_portal.backups import MANIFEST, MEDIA_ARCHIVE, backup_create

from ..certifications.intake_support import attach, attach_notice_to_appear, complete_request

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stores(settings, tmp_path):
    """This test's own media directory (with the configured storage class) and backup folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                **settings.STORAGES["default"].get("OPTIONS", {}),
                "location": str(tmp_path / "media"),
            },
        },
    }
    settings.BACKUP_DIR = tmp_path / "backups"
    return tmp_path


def _server_params() -> dict:
    """Where to create the empty target database: the server itself, not a pooler."""
    params = dict(connection.settings_dict)
    if settings.BACKUP_DATABASE_URL:
        direct = environ.Env.db_url_config(settings.BACKUP_DATABASE_URL)
        params.update({key: direct[key] for key in ("HOST", "PORT", "USER") if direct.get(key)})
    return params


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the same engine; its URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = _server_params()
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    admin = psycopg2.connect(
        host=params["HOST"], port=params["PORT"], user=params["USER"], dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _portal_env(database_url: str, media_root: Path) -> dict:
    """The restored portal's environment: same keys, the restored database and files."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "1",
        }
    )
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None)
    if keys:
        env["FIELD_ENCRYPTION_KEYS"] = ",".join(
            key.decode() if isinstance(key, bytes) else str(key) for key in keys
        )
    return env


def test_a_backup_restores_into_an_empty_database_and_media_directory(
    personas, stores, empty_database
):
    first = complete_request(personas)
    attach(first, personas.advocate_a)
    attach_notice_to_appear(first, personas.advocate_a)
    second = complete_request(personas, victim_family_name="Second")
    attach(second, personas.advocate_a, name="other.pdf")
    audit_log(action=AuditAction.EXPORT, user=personas.admin, target="backup-test")

    call_command("backup_create")
    (backup,) = [path for path in settings.BACKUP_DIR.iterdir()]
    expected_requests = sorted(CertificationRequest.objects.values_list("pk", flat=True))
    expected_audit = sorted(AuditEntry.objects.values_list("pk", flat=True))
    assert Attachment.objects.count() == 3

    restored_media = stores / "restored-media"
    call_command(
        "backup_restore",
        str(backup),
        database_url=empty_database,
        media_root=str(restored_media),
    )
    checked = subprocess.run(
        [sys.executable, "manage.py", "backup_check", "--json"],
        cwd=ROOT,
        env=_portal_env(empty_database, restored_media),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout.strip().splitlines()[-1])
    assert report["requests"] == expected_requests
    assert report["attachments"] == 3
    assert report["attachments_damaged"] == []
    assert report["audit_entries"] == expected_audit

    # A restore never overwrites: the same target again is refused.
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "backup_restore",
            str(backup),
            database_url=empty_database,
            media_root=str(stores / "another-media"),
        )


def test_the_restored_files_are_checked_against_their_sha256(personas, stores, empty_database):
    cert_request = complete_request(personas)
    attachment = attach(cert_request, personas.advocate_a)
    call_command("backup_create")
    (backup,) = list(settings.BACKUP_DIR.iterdir())
    restored_media = stores / "restored-media"
    call_command(
        "backup_restore", str(backup), database_url=empty_database, media_root=str(restored_media)
    )
    # Damage the restored copy of the file: the check names it and fails.
    (restored_media / attachment.file.name).write_bytes(b"not the file")
    checked = subprocess.run(
        [sys.executable, "manage.py", "backup_check", "--json"],
        cwd=ROOT,
        env=_portal_env(empty_database, restored_media),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode != 0
    assert json.loads(checked.stdout.strip().splitlines()[-1])["attachments_damaged"] == [
        attachment.pk
    ]


def test_a_damaged_backup_is_refused_before_anything_is_restored(personas, stores, empty_database):
    complete_request(personas)
    call_command("backup_create")
    (backup,) = list(settings.BACKUP_DIR.iterdir())
    archive = backup / MEDIA_ARCHIVE
    archive.write_bytes(archive.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="damaged"):
        call_command(
            "backup_restore",
            str(backup),
            database_url=empty_database,
            media_root=str(stores / "restored-media"),
        )
    assert not (stores / "restored-media").exists()


def test_no_key_is_written_into_a_backup(personas, stores):
    cert_request = complete_request(personas)
    attach(cert_request, personas.advocate_a)
    call_command("backup_create")
    (backup,) = list(settings.BACKUP_DIR.iterdir())
    secrets = [settings.SECRET_KEY.encode()]
    for key in getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or []:
        secrets.append(key if isinstance(key, bytes) else str(key).encode())
    for path in backup.iterdir():
        content = path.read_bytes()
        for secret in secrets:
            assert secret not in content, f"a key is in {path.name}"
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["counts"]["attachments"] == 1


def test_backups_past_the_retention_period_are_deleted_by_the_next_backup(
    personas, stores, settings
):
    settings.BACKUP_RETENTION_DAYS = 30
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    old = backup_create(now=now - timedelta(days=31))
    kept = backup_create(now=now - timedelta(days=29))
    # A backup that died half-way leaves a ".partial" directory: removed too.
    (settings.BACKUP_DIR / ".20261130T000000Z.partial").mkdir()
    newest = backup_create(now=now)
    remaining = sorted(path.name for path in settings.BACKUP_DIR.iterdir())
    assert remaining == sorted([kept.path.name, newest.path.name])
    assert old.path in newest.pruned
