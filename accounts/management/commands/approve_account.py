"""Approve an account from the server: for the first statewide coordinator, whom no one in the
portal can approve (accounts/approvals.py, rule 3). Needs shell access, which the administrators
of the admin site do not have; audited as ACCOUNT_APPROVAL."""

from django.core.management.base import BaseCommand, CommandError

from accounts.approvals import approvers_of
from accounts.models import User
from accounts.services import account_approve_by_operator


class Command(BaseCommand):
    help = "Approve the account with this e-mail address (the first statewide coordinator)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--even-if-approvers-exist",
            action="store_true",
            help="Approve although someone in the portal could (normally they should).",
        )

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError("No account has this e-mail address.")
        if user.is_approved:
            self.stdout.write("The account is approved already.")
            return
        if approvers_of(user=user).exists() and not options["even_if_approvers_exist"]:
            raise CommandError(
                "Someone in the portal can approve this account: ask them (their "
                "'Approve accounts' page), or pass --even-if-approvers-exist."
            )
        account_approve_by_operator(user=user)
        self.stdout.write(f"Approved {user.email} as {user.get_role_display()}.")
