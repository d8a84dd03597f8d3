"""Backups that restore: the database dump plus the media files, both exactly as stored.

Victim fields and files are stored encrypted, so a backup holds them encrypted too; the keys
(`FIELD_ENCRYPTION_KEYS`, `SECRET_KEY`) are never written into a backup and must be kept apart
from it. A backup older than BACKUP_RETENTION_DAYS is deleted by `backup_create` itself, so data
purged under the retention rule is gone from every backup within that many days
(NNEDV / VAWA confidentiality: keep victim data no longer than needed).

One backup is a directory `BACKUP_DIR/<UTC time>/` holding:
- `database.pgdump` (pg_dump's custom format) or `database.sqlite3` (SQLite's online backup);
- `media.tar` (every file under MEDIA_ROOT, as stored);
- `manifest.json` (when, which engine, the SHA-256 of both files, row counts).
"""

# ruff: noqa: S603, S607 - the commands are PostgreSQL's own client tools from PATH, with
# arguments from the portal's settings, never from a request.
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import environ
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from accounts.models import AuditEntry
from certifications.models import Attachment, CertificationRequest, GeneratedDocument

from .crypto import DecryptionError

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3"
NAME_FORMAT = "%Y%m%dT%H%M%SZ"


class BackupError(Exception):
    """A backup could not be made or restored; the message says why in plain words."""


@dataclass
class BackupResult:
    path: Path
    pruned: list[Path]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(params: dict) -> dict:
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return env


def _pg_args(params: dict) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [flag, str(params[key])]
    return args


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def _engine(params: dict) -> str:
    return "postgresql" if "postgresql" in params["ENGINE"] else "sqlite"


def _dump_params() -> dict:
    """The portal's database; behind PgBouncer in transaction mode pg_dump needs a session of
    its own, so BACKUP_DATABASE_URL names the server itself (the database name is the portal's
    unless that URL gives one)."""
    params = dict(connection.settings_dict)
    if settings.BACKUP_DATABASE_URL:
        direct = environ.Env.db_url_config(settings.BACKUP_DATABASE_URL)
        for key in ("HOST", "PORT", "USER", "PASSWORD", "NAME"):
            if direct.get(key):
                params[key] = direct[key]
    return params


def _dump_database(target: Path) -> Path:
    if connection.vendor == "postgresql":
        params = _dump_params()
        path = target / PG_DUMP
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)]
            + _pg_args(params)
            + [params["NAME"]],
            _pg_env(params),
        )
        return path
    if connection.vendor == "sqlite":
        path = target / SQLITE_DUMP
        connection.ensure_connection()
        destination = sqlite3.connect(path)
        try:
            # The online backup copies a consistent snapshot while the portal keeps writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return path
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def _archive_media(target: Path) -> Path:
    path = target / MEDIA_ARCHIVE
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(path, "w") as archive:
        if media_root.is_dir():
            for item in sorted(media_root.rglob("*")):
                if item.is_file():
                    archive.add(item, arcname=str(item.relative_to(media_root)))
    return path


def _counts() -> dict[str, int]:
    return {
        "requests": CertificationRequest.objects.count(),
        "attachments": Attachment.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


def backup_create(*, now: datetime | None = None) -> BackupResult:
    """Write one backup into BACKUP_DIR, then delete the backups past the retention period."""
    now = now or datetime.now(UTC)
    root = Path(settings.BACKUP_DIR)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    final = root / now.strftime(NAME_FORMAT)
    if final.exists():
        raise BackupError(f"A backup named {final.name} exists already.")
    partial = root / f".{final.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(mode=0o700)
    try:
        database = _dump_database(partial)
        media = _archive_media(partial)
        manifest = {
            "created_at": now.isoformat(),
            "engine": connection.vendor,
            "files": {database.name: _sha256(database), media.name: _sha256(media)},
            "counts": _counts(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2))
        # Only a complete backup gets its final name: a crash leaves a ".partial" directory,
        # never something that looks restorable.
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(path=final, pruned=backups_prune(now=now))


def backups_prune(*, now: datetime | None = None) -> list[Path]:
    """Delete backups older than BACKUP_RETENTION_DAYS (and leftovers of failed ones)."""
    now = now or datetime.now(UTC)
    limit = now - timedelta(days=settings.BACKUP_RETENTION_DAYS)
    root = Path(settings.BACKUP_DIR)
    pruned = []
    if not root.is_dir():
        return pruned
    for item in sorted(root.iterdir()):
        if not item.is_dir():
            continue
        if item.name.startswith("."):
            shutil.rmtree(item)
            pruned.append(item)
            continue
        try:
            made = datetime.strptime(item.name, NAME_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        if made < limit:
            shutil.rmtree(item)
            pruned.append(item)
    return pruned


def _manifest(backup: Path) -> dict:
    try:
        manifest = json.loads((backup / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{backup} is not a complete backup (no readable manifest).") from exc
    for name, expected in manifest["files"].items():
        path = backup / name
        if not path.is_file() or _sha256(path) != expected:
            raise BackupError(f"{name} in {backup} is missing or damaged (checksum differs).")
    return manifest


def backup_restore(*, backup: Path, database_url: str, media_root: Path) -> dict:
    """Restore `backup` into an EMPTY database and an empty media directory.

    Refuses a database that has tables or a media directory that has files: a restore never
    overwrites live data.
    """
    manifest = _manifest(backup)
    media_root = Path(media_root)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"The media directory {media_root} is not empty.")
    params = environ.Env.db_url_config(database_url)
    engine = _engine(params)
    if engine != manifest["engine"]:
        raise BackupError(
            f"The backup is of a {manifest['engine']} database, the target is {engine}."
        )
    if engine == "postgresql":
        _restore_postgresql(backup / PG_DUMP, params)
    else:
        _restore_sqlite(backup / SQLITE_DUMP, Path(params["NAME"]))
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(backup / MEDIA_ARCHIVE) as archive:
        # The "data" filter refuses absolute paths, links out of the directory and devices.
        archive.extractall(media_root, filter="data")
    return manifest


def _restore_postgresql(dump: Path, params: dict) -> None:
    env = _pg_env(params)
    probe = subprocess.run(
        ["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--command"]
        + ["SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"]
        + _pg_args(params)
        + [params["NAME"]],
        env=env,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        raise BackupError(f"Cannot reach the target database: {probe.stderr.strip()[:300]}")
    if probe.stdout.strip() != "0":
        raise BackupError(f"The target database {params['NAME']} is not empty.")
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname"]
        + [params["NAME"]]
        + _pg_args(params)
        + [str(dump)],
        env,
    )


def _restore_sqlite(dump: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"The target database {target} is not empty.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def backup_check() -> dict:
    """What the current database and media directory hold, with every stored file read back.

    Run against a restored copy (its DATABASE_URL and MEDIA_ROOT) to prove the backup whole:
    each attachment must decrypt to its recorded SHA-256.
    """
    bad_attachments = []
    for attachment in Attachment.objects.only("pk", "file", "sha256").iterator():
        try:
            with default_storage.open(attachment.file.name, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except (OSError, DecryptionError):
            # Missing, or not a file the current keys open (damaged, or another key's).
            digest = ""
        if digest != attachment.sha256:
            bad_attachments.append(attachment.pk)
    missing_documents = [
        document.pk
        for document in GeneratedDocument.objects.only("pk", "file").iterator()
        if not default_storage.exists(document.file.name)
    ]
    return {
        "requests": sorted(CertificationRequest.objects.values_list("pk", flat=True)),
        "attachments": Attachment.objects.count(),
        "attachments_damaged": bad_attachments,
        "documents_missing": missing_documents,
        "audit_entries": sorted(AuditEntry.objects.values_list("pk", flat=True)),
    }
