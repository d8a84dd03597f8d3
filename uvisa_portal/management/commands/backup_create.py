"""Write a backup (database dump plus media files, as stored) and delete expired ones."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uvisa_portal.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup into BACKUP_DIR (the database and the media files, encrypted as "
        "stored; no key is written) and delete backups older than BACKUP_RETENTION_DAYS."
    )

    def handle(self, *args, **options) -> None:
        try:
            result = backup_create()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {result.path}")
        days = settings.BACKUP_RETENTION_DAYS
        self.stdout.write(f"Deleted {len(result.pruned)} backup(s) older than {days} days.")
