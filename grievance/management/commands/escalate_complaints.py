"""Run periodically (cron / systemd timer): escalate overdue complaints one level up."""

from django.core.management.base import BaseCommand

from grievance.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate complaints, usul and sanggah past their service-level time."

    def handle(self, *args, **options):
        moved = escalate_overdue()
        self.stdout.write(f"{moved} escalated")
