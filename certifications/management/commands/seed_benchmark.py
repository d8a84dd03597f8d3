"""`manage.py seed_benchmark`: the statewide-scale data set for `make bench` (see bench/seed.py).

Idempotent: a second run finds the bench data and leaves it alone; `--reset` regenerates it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import seed as bench_seed
from certifications.models import CertificationRequest


class Command(BaseCommand):
    help = (
        "Generate the benchmark data set (1,000 agencies, 5,000 contacts, 200 organizations, "
        "2,000 advocates, 200,000 requests with events, messages and attachments' metadata)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full size (e.g. 0.01)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the bench data first and regenerate."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (repeatable).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though the database holds requests that are not bench data.",
        )

    def handle(self, *args, scale: float, reset: bool, seed: int, force: bool, **options) -> None:
        if scale <= 0 or scale > 10:
            raise CommandError("--scale must be greater than 0 and at most 10.")
        real = CertificationRequest.objects.exclude(
            organization__name__startswith=bench_seed.PREFIX
        )
        # Fictional rows must never be mixed into a database that holds real victims' requests.
        if not force and real.exists():
            raise CommandError(
                "This database holds requests that are not bench data; use a dedicated database "
                "(make bench creates uvisa_bench) or pass --force."
            )
        if bench_seed.bench_data_exists():
            if not reset:
                count = CertificationRequest.objects.filter(
                    organization__name__startswith=bench_seed.PREFIX
                ).count()
                self.stdout.write(
                    f"Bench data already present ({count:,} requests); nothing to do. "
                    "Use --reset to regenerate."
                )
                return
            self.stdout.write("Deleting the existing bench data...")
            bench_seed.reset()
        result = bench_seed.seed(scale=scale, seed_value=seed, progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Done in {result.seconds:.1f} s."))
