"""Encryption at rest: a dump of the database plus the media directory, without the key, holds
no victim field, no TOTP secret and no readable file (CJIS 5.10.1.2; OWASP ASVS 6.1.1)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image

from certifications.models import Attachment, DocumentKind
from certifications.services.documents import agency_form_answers_get, document_store
from tests.factories import give_totp

from .canary import (
    CANARY_FAMILY,
    CANARY_FILE_BYTES,
    CANARY_STRINGS,
    decrypted_hits,
    seed_canary_request,
    stored_file_hits,
)

# Magic numbers of the files the portal keeps: none may be readable on disk.
FILE_MAGIC = {"PDF": b"%PDF", "JPEG": b"\xff\xd8\xff", "PNG": b"\x89PNG"}
CANARY_BIRTH_DATE = "1987-06-05"  # seed_canary_request's date of birth


def _database_dump() -> bytes:
    """Everything the database holds, as an attacker with a backup would have it."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
        command = ["pg_dump", "--data-only", "--no-owner", "-h", settings["HOST"] or "127.0.0.1"]
        if settings.get("PORT"):
            command += ["-p", str(settings["PORT"])]
        if settings.get("USER"):
            command += ["-U", settings["USER"]]
        dump = subprocess.run(
            [*command, settings["NAME"]], env=env, capture_output=True, check=True
        )
        return dump.stdout
    # SQLite: the database file and its write-ahead log, as they are on disk.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(settings["NAME"])
    wal = path.with_name(path.name + "-wal")
    # Read by a child process: closing any descriptor of a database file drops every POSIX lock
    # this process holds on it (sqlite.org/howtocorrupt.html, 2.2), and a worker process sharing
    # the file would then take itself for the last connection and remove the write-ahead log
    # under this process's open connections.
    files = [str(path), *([str(wal)] if wal.exists() else [])]
    return subprocess.run(["cat", *files], capture_output=True, check=True).stdout


def _media_files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_and_the_media_directory_hold_nothing_readable(personas, media_root):
    request, attachment, message = seed_canary_request(personas)
    answers = agency_form_answers_get(cert_request=request)
    answers.helpfulness_explanation = f"{CANARY_FAMILY} came to every interview"
    answers.save()
    photo = Attachment.objects.create(
        request=request,
        kind="other",
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=0,
        sha256="0" * 64,
        uploaded_by=personas.advocate_a,
        file=ContentFile(_jpeg(), name="photo.jpg"),
    )
    document = document_store(request_id=request.pk, kind=DocumentKind.SUPPLEMENT_B)
    totp_secret = give_totp(personas.advocate_a)
    recovery = RecoveryCodes.activate(personas.advocate_a)
    recovery_seed = decrypt(recovery.instance.data["seed"])

    # The data is there and the portal reads it (so the scans below could find it).
    hits = decrypted_hits(CANARY_STRINGS)
    assert any(".CertificationRequest.narrative " in h for h in hits)
    for model in ("FamilyMember", "Message", "RequestEvent", "AgencyFormAnswers", "Attachment"):
        assert any(f"certifications.{model}." in h for h in hits), model
    assert stored_file_hits(CANARY_FILE_BYTES) == [attachment.file.name]
    with document.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    with photo.file.open("rb") as handle:
        assert handle.read().startswith(FILE_MAGIC["JPEG"])
    stored = Authenticator.objects.get(user=personas.advocate_a, type=Authenticator.Type.TOTP)
    assert decrypt(stored.data["secret"]) == totp_secret

    dump = _database_dump()
    assert request.reference.encode() in dump  # the dump is real: plain columns are in it
    secrets = [*CANARY_STRINGS, CANARY_BIRTH_DATE, totp_secret, recovery_seed]
    readable = [s for s in secrets if s.encode() in dump]
    assert readable == []

    files = _media_files(media_root)
    assert len(files) == 3  # the PDF attachment, the photo and the generated draft
    for path, content in files.items():
        assert content.startswith(b"gAAAAA"), path  # a Fernet token, nothing else
        assert CANARY_FILE_BYTES not in content
        for needle in CANARY_STRINGS:
            assert needle.encode() not in content
        for kind, magic in FILE_MAGIC.items():
            assert magic not in content, f"{path} holds a readable {kind}"


def test_a_stored_file_is_served_decrypted_at_its_real_size(personas, media_root):
    request, attachment, _ = seed_canary_request(personas)
    on_disk = (media_root / attachment.file.name).read_bytes()
    assert CANARY_FILE_BYTES not in on_disk and len(on_disk) > len(CANARY_FILE_BYTES)
    assert default_storage.size(attachment.file.name) == len(CANARY_FILE_BYTES)
    assert attachment.file.size == len(CANARY_FILE_BYTES)
    with default_storage.open(attachment.file.name) as handle:
        assert handle.read() == CANARY_FILE_BYTES
    # Reopening a closed file reads the stored file again, never the token as it is.
    handle.open()
    assert handle.read() == CANARY_FILE_BYTES
    handle.close()


def test_the_storage_refuses_to_open_a_file_for_writing(media_root):
    name = default_storage.save("attachments/x", ContentFile(b"plain"))
    for mode in ("wb", "ab", "r+b"):
        with pytest.raises(ValueError, match="save"):
            default_storage.open(name, mode)


def test_a_download_streams_the_decrypted_file_at_its_real_length(client, personas, media_root):
    from django.urls import reverse

    _, attachment, _ = seed_canary_request(personas)
    client.force_login(personas.advocate_a)
    response = client.get(reverse("certifications:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CANARY_FILE_BYTES
    assert int(response["Content-Length"]) == len(CANARY_FILE_BYTES)
