"""Read back what the database and media directory hold (run it on a restored copy)."""

import json

from django.core.management.base import BaseCommand, CommandError

from uvisa_portal.backups import backup_check


class Command(BaseCommand):
    help = (
        "Count requests and audit entries and read every attachment back against its SHA-256; "
        "fails when a file is missing or damaged. --json prints the ids (no victim data)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        report = backup_check()
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            self.stdout.write(
                f"{len(report['requests'])} request(s), {report['attachments']} attachment(s), "
                f"{len(report['audit_entries'])} audit entr(ies)."
            )
        if report["attachments_damaged"] or report["documents_missing"]:
            raise CommandError(
                f"{len(report['attachments_damaged'])} attachment(s) missing or damaged, "
                f"{len(report['documents_missing'])} document(s) missing."
            )
