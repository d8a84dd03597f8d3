"""Purge victim data of requests closed longer than RETENTION_DAYS_AFTER_CLOSE (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from certifications.services.retention import (
    certification_requests_due_for_purge,
    certification_requests_purge_due,
    decision_records_remove_expired,
)


class Command(BaseCommand):
    help = (
        "Purge victim data, attachments, messages and history of requests closed longer than "
        "RETENTION_DAYS_AFTER_CLOSE days; keeps non-identifying fields for the statistics and the "
        "agency's decision record, removed after CERTIFICATION_RECORD_RETENTION_YEARS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the requests due for purge."
        )

    def handle(self, *args, **options) -> None:
        days = settings.RETENTION_DAYS_AFTER_CLOSE
        if options["dry_run"]:
            count = certification_requests_due_for_purge().count()
            self.stdout.write(f"{count} request(s) closed more than {days} days ago are due.")
            return
        purged = certification_requests_purge_due()
        self.stdout.write(f"Purged {purged} request(s) closed more than {days} days ago.")
        removed = decision_records_remove_expired()
        years = settings.CERTIFICATION_RECORD_RETENTION_YEARS
        self.stdout.write(f"Removed {removed} decision record(s) kept more than {years} years.")
