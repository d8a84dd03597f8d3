"""Declare the task queue once, before the web server, worker and beat start together.

With the embedded SQLite broker (kombu's SQLAlchemy transport) the first process to declare a
queue inserts its row; two processes starting at the same moment can both try, and the loser
stops with a UNIQUE-constraint error. Declaring it here first makes `make run` start cleanly.
Harmless to repeat, and with Redis it only checks the connection.
"""

from django.core.management.base import BaseCommand

from uvisa_portal.celery import app


class Command(BaseCommand):
    help = "Declare the Celery task queue on the broker (idempotent)."

    def handle(self, *args, **options) -> None:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=3)
            for queue in app.amqp.queues.values():
                queue(conn.default_channel).declare()
        self.stdout.write("Broker ready: " + ", ".join(sorted(app.amqp.queues)))
