"""Run periodically: open payment-verification flags become complaints (once each)."""

from django.core.management.base import BaseCommand

from audit.models import Source
from audit.services import Context
from grievance.services import take_over_verification_flags


class Command(BaseCommand):
    help = "Turn open payment-verification flags into complaints."

    def handle(self, *args, **options):
        n = take_over_verification_flags(Context(source=Source.BATCH,
                                                 reason="verification flags"))
        self.stdout.write(f"{n} flags taken over")
