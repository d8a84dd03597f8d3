"""Deploy checks of the portal's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def check_field_encryption_keys(app_configs, **kwargs) -> list[Error]:
    """Production needs its own encryption keys (CJIS 5.10.1.2): the development key is derived
    from SECRET_KEY and is not a key management scheme."""
    if not settings.FIELD_ENCRYPTION_KEYS:
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS is not set: victim data, TOTP secrets and stored files "
                "cannot be encrypted at rest.",
                hint="Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys, comma-separated, "
                "newest first (see .env.example for how to make one).",
                id="uvisa_portal.E001",
            )
        ]
    from .crypto import key_ring

    key_ring.cache_clear()
    try:
        key_ring()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="uvisa_portal.E002")]
    return []
