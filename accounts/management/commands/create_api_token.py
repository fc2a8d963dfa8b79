"""Issue a REST API token for a user and print its key (the only time it can be seen)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import issue_api_token
from audit.models import Source
from audit.services import Context


class Command(BaseCommand):
    help = "Create an API token for USERNAME named NAME and print its key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'bank-bri-sync'")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        token, raw = issue_api_token(
            user, name, Context(source=Source.SYSTEM, source_ref="create_api_token")
        )
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}…) for {username}: store the key now, "
            "it cannot be shown again."
        )
