"""Restore a backup into an empty database and an empty media directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from uvisa_portal.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore BACKUP (a directory written by backup_create) into an EMPTY database and media "
        "directory. The same FIELD_ENCRYPTION_KEYS must be set for the restored portal to read it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path)
        parser.add_argument(
            "--database-url", required=True, help="The empty database to restore into."
        )
        parser.add_argument(
            "--media-root", required=True, type=Path, help="The empty media directory."
        )

    def handle(self, *args, **options) -> None:
        try:
            manifest = backup_restore(
                backup=options["backup"],
                database_url=options["database_url"],
                media_root=options["media_root"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = ", ".join(f"{value} {name}" for name, value in manifest["counts"].items())
        self.stdout.write(f"Restored the backup of {manifest['created_at']} ({counts}).")
        self.stdout.write(
            "Next: run `manage.py migrate` and `manage.py backup_check` with the restored "
            "DATABASE_URL and MEDIA_ROOT, then `manage.py purge_closed_requests`."
        )
