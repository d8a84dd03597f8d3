"""Key rotation: everything encrypted at rest re-encrypted with the newest key of the ring.

The procedure (README, "Encryption at rest"): put a new key in front of FIELD_ENCRYPTION_KEYS,
run `manage.py rotate_encryption_keys`, then remove the old key (NIST SP 800-57 part 1, 5.3:
a key's period of use ends; CJIS 5.10.1.2). Values already under the newest key are left
alone, so the command can be run again, or resumed after an interruption, at no harm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto
from .fields import ENCRYPTED_FIELD_TYPES

BATCH_SIZE = 500
# What allauth encrypts in an authenticator's data (through the MFA adapter).
AUTHENTICATOR_SECRET_KEYS = ("secret", "seed", "migrated_codes")
# Files stored before the portal encrypted files (counted apart from the rotated ones).
PLAIN_FILES = "plain files"


@dataclass
class RotationCounts:
    """How many values were re-encrypted, and how many already used the newest key."""

    rotated: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, *, rotated: int, current: int) -> None:
        self.rotated[kind] = self.rotated.get(kind, 0) + rotated
        self.current[kind] = self.current.get(kind, 0) + current

    def summary(self) -> str:
        parts = []
        for kind in sorted(self.rotated):
            if kind == PLAIN_FILES:
                parts.append(f"{kind}: {self.rotated[kind]} encrypted")
            else:
                parts.append(
                    f"{kind}: {self.rotated[kind]} re-encrypted, "
                    f"{self.current[kind]} already current"
                )
        return "; ".join(parts)


def _rotated(token: str) -> str | None:
    """`token` under the newest key, or None when it already is."""
    raw = token.encode("ascii")
    if crypto.is_current(raw):
        return None
    return crypto.rotate(raw).decode("ascii")


def encrypted_fields() -> dict[type[models.Model], list[models.Field]]:
    """Every concrete encrypted field of every installed model (later ones included)."""
    found = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)]
        if fields:
            found[model] = fields
    return found


def _rotate_model(model: type[models.Model], fields: list[models.Field], counts: RotationCounts):
    # The stored tokens, read as plain text (the fields themselves would decrypt them).
    raw = {f"raw_{f.attname}": Cast(f.attname, output_field=models.TextField()) for f in fields}
    kind = model._meta.label_lower
    last_pk = None
    while True:
        rows = model._base_manager.order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.annotate(**raw).values("pk", *raw)[:BATCH_SIZE])
        if not batch:
            return
        last_pk = batch[-1]["pk"]
        changed, rotated, current = [], 0, 0
        for row in batch:
            obj, dirty = model(pk=row["pk"]), False
            for f in fields:
                token = row[f"raw_{f.attname}"]
                new = _rotated(token) if token else None
                # A value written as it is, bypassing the field's own encryption.
                value = token if new is None else new
                setattr(obj, f.attname, models.Value(value, output_field=models.TextField()))
                if token and new is None:
                    current += 1
                elif new is not None:
                    rotated += 1
                    dirty = True
            if dirty:
                changed.append(obj)
        if changed:
            with transaction.atomic():
                model._base_manager.bulk_update(changed, [f.attname for f in fields])
        counts.add(kind, rotated=rotated, current=current)


def _rotate_authenticators(counts: RotationCounts) -> None:
    from allauth.mfa.models import Authenticator

    rotated = current = 0
    # Read whole before writing (no cursor open over the rows updated): one row per enrolled
    # user and factor.
    for authenticator in list(Authenticator.objects.order_by("pk")):
        data = dict(authenticator.data or {})
        for key in AUTHENTICATOR_SECRET_KEYS:
            value = data.get(key)
            values = value if isinstance(value, list) else [value]
            new_values = []
            for item in values:
                new = _rotated(item) if isinstance(item, str) and item else None
                if new is None:
                    current += bool(isinstance(item, str) and item)
                    new_values.append(item)
                else:
                    rotated += 1
                    new_values.append(new)
            if key in data:
                data[key] = new_values if isinstance(value, list) else new_values[0]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
    counts.add("mfa secrets", rotated=rotated, current=current)


def _rotate_files(counts: RotationCounts) -> None:
    """Every stored file under the newest key. A file that is not a token at all was stored
    before the portal encrypted files (an installation upgraded in place): it is encrypted
    now, so the first run after the upgrade leaves no plain file behind."""
    rotated = current = plain = 0
    storage = default_storage
    for name in storage.stored_names():
        token = storage.read_raw(name)
        if not token.startswith(crypto.FERNET_PREFIX_BYTES):
            storage.replace_raw(name, crypto.encrypt_bytes(token))
            plain += 1
        elif crypto.is_current(token):
            current += 1
        else:
            storage.replace_raw(name, crypto.rotate(token))
            rotated += 1
    counts.add("files", rotated=rotated, current=current)
    counts.add(PLAIN_FILES, rotated=plain, current=0)


def encryption_keys_rotate() -> RotationCounts:
    """Re-encrypt with the newest key, in batches:

    1. every encrypted field of every model;
    2. the TOTP secrets and recovery-code seeds of every authenticator;
    3. every file of the default storage (plain files of an upgraded installation encrypted).

    Raises crypto.DecryptionError if a value opens with no key of the ring (a key removed
    too early): nothing is silently skipped.
    """
    counts = RotationCounts()
    for model, fields in encrypted_fields().items():
        _rotate_model(model, fields, counts)
    _rotate_authenticators(counts)
    _rotate_files(counts)
    return counts
