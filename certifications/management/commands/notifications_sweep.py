"""Run every notification sweep once, in this process (cron fallback, and operations)."""

from django.core.management.base import BaseCommand

from certifications.services import notifications as svc
from certifications.services import reminders


class Command(BaseCommand):
    help = "Escalate overdue requests, create digests and reminders, and send unsent e-mails."

    def handle(self, *args, **options) -> None:
        counts = {
            "escalated": reminders.requests_escalate_overdue(),
            "digests": reminders.agency_digests_create(),
            "info_reminders": reminders.info_reminders_create(),
            "expiry_reminders": reminders.expiry_reminders_create(),
            "training_reminders": reminders.training_lapse_reminders_create(),
        }
        result = svc.notifications_send_pending()
        counts["sent"] = result.sent
        counts["failed"] = result.failed
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
