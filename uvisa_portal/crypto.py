"""Encryption at rest: the key ring and authenticated encryption of bytes and text.

The keys come from the environment only (`FIELD_ENCRYPTION_KEYS`, comma-separated Fernet keys,
newest first), never from the database, so a dump of the database, or a copy of the media
directory, holds nothing readable without the server's environment (CJIS 5.10.1.2 "encryption
for information at rest"; OWASP ASVS 6.1.1 and 6.2.1: regulated private data encrypted at rest
with a vetted authenticated scheme). Fernet is AES-128-CBC with HMAC-SHA256 from `cryptography`;
MultiFernet decrypts with any key of the ring and encrypts with the first, which is what makes
rotation possible (`manage.py rotate_encryption_keys`).

With DEBUG on and no key set, a development key is derived from SECRET_KEY, so `make run`
works out of the box; it protects nothing (SECRET_KEY of a development checkout is public) and
the deploy check refuses it (`uvisa_portal.checks`).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

# Every Fernet token starts with the version byte 0x80, "gAAAAA" once base64-encoded.
FERNET_PREFIX = "gAAAAA"
FERNET_PREFIX_BYTES = FERNET_PREFIX.encode()


class DecryptionError(Exception):
    """A value or file that none of the configured keys opens: a missing or wrong key in
    FIELD_ENCRYPTION_KEYS, or data that was changed. Raised instead of returning garbage."""


def development_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY (HKDF-SHA256, RFC 5869), for DEBUG only."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"uvisa-portal development key"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


def configured_keys() -> list[bytes]:
    """The ring's keys, newest first: FIELD_ENCRYPTION_KEYS, or the development key when
    DEBUG is on and none is set. Raises ImproperlyConfigured otherwise."""
    keys = [k.strip().encode() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()]
    if keys:
        return keys
    if settings.FIELD_ENCRYPTION_DEV_KEY_ALLOWED:
        return [development_key(settings.SECRET_KEY)]
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be set when DEBUG is off: one or more Fernet keys, "
        "comma-separated, newest first (see .env.example)."
    )


@functools.cache
def key_ring() -> MultiFernet:
    """The MultiFernet of the configured keys (built once per process)."""
    try:
        return MultiFernet([Fernet(key) for key in configured_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe "
            "base64-encoded bytes, as `Fernet.generate_key()` makes)."
        ) from exc


@functools.cache
def primary_key() -> Fernet:
    """The newest key alone: what everything is encrypted with."""
    return Fernet(configured_keys()[0])


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    # Tests swap the ring with override_settings; a cached ring would outlive the change.
    if setting in {"FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_DEV_KEY_ALLOWED", "SECRET_KEY"}:
        key_ring.cache_clear()
        primary_key.cache_clear()


def encrypt_bytes(data: bytes) -> bytes:
    return key_ring().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return key_ring().decrypt(token)
    except InvalidToken:
        raise DecryptionError(
            "Stored data could not be decrypted with any key in FIELD_ENCRYPTION_KEYS: a key "
            "is missing from the ring, or the data was altered."
        ) from None


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


def is_current(token: bytes) -> bool:
    """Whether `token` is already encrypted with the newest key (rotation skips it)."""
    try:
        primary_key().decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate(token: bytes) -> bytes:
    """`token` re-encrypted with the newest key (MultiFernet.rotate)."""
    try:
        return key_ring().rotate(token)
    except InvalidToken:
        raise DecryptionError(
            "A stored value could not be re-encrypted: no key in FIELD_ENCRYPTION_KEYS opens it."
        ) from None


def opens(token: str | bytes) -> bool:
    """Whether `token` is a value the ring decrypts (data migrations use it to skip values
    that are already encrypted)."""
    raw = token.encode("ascii", "replace") if isinstance(token, str) else token
    if not raw.startswith(FERNET_PREFIX_BYTES):
        return False
    try:
        key_ring().decrypt(raw)
    except InvalidToken:
        return False
    return True
