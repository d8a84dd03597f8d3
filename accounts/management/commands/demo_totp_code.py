"""Print the current authenticator code of a demo account (DEBUG only; for `make run`)."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.management.commands.load_demo_accounts import DEMO_USERS, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current 6-digit sign-in code of a demo account (DEBUG only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo codes are for development only (DEBUG is off).")
        email = options["email"].strip().lower()
        if email not in {row[0] for row in DEMO_USERS}:
            raise CommandError(f"{email} is not a demo account.")
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(demo_totp_secret(email), counter)))
