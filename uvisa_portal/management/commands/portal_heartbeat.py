"""Send the heartbeat task through the broker and wait until a worker has run it.

`make run` starts this beside the web server, worker and beat, so the run log shows a line
proving that a task sent by Django was executed by the worker.
"""

import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from uvisa_portal.tasks import heartbeat


class Command(BaseCommand):
    help = "Send a heartbeat task and wait for a worker to execute it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=90.0)
        parser.add_argument(
            "--stay", action="store_true", help="Keep running afterwards (for the Procfile)."
        )

    def handle(self, *args, **options) -> None:
        token = uuid.uuid4().hex[:8]
        started = time.monotonic()
        result = heartbeat.delay(token)
        try:
            reply = result.get(timeout=options["timeout"])
        except Exception as exc:
            raise CommandError(
                f"No worker executed the heartbeat within {options['timeout']:.0f}s ({exc!r})."
            ) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Worker executed heartbeat task {reply['token']} in {elapsed:.1f}s "
            f"(database reachable from the worker: {reply['db']})."
        )
        while options["stay"]:
            time.sleep(3600)
