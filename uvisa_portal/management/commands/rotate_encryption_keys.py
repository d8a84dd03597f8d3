"""Re-encrypt every encrypted field, TOTP secret and stored file with the newest key.

Put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run this, then
remove the old keys. Safe to run again: values already under the newest key are skipped.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import AuditAction
from accounts.services import audit_log
from uvisa_portal.crypto import DecryptionError
from uvisa_portal.rotation import encryption_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field, TOTP secret and stored file with the first key of "
        "FIELD_ENCRYPTION_KEYS."
    )

    def handle(self, *args, **options) -> None:
        try:
            counts = encryption_keys_rotate()
        except DecryptionError as exc:
            audit_log(action=AuditAction.KEY_ROTATION, outcome="failed", detail=str(exc))
            raise CommandError(str(exc)) from exc
        # Counts only: no value, no file name (they are random, but still no need).
        audit_log(action=AuditAction.KEY_ROTATION, outcome="ok", detail=counts.summary())
        self.stdout.write(counts.summary())
