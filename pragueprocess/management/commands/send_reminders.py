from __future__ import annotations

from django.core.management.base import BaseCommand

from pragueprocess.reminders import reminders_run


class Command(BaseCommand):
    help = "One reminder pass by hand: queue every app's due reminders and send the outbox (idempotent)."

    def handle(self, *args, **options):
        result = reminders_run()
        self.stdout.write(
            f"Sent {result.sent}, to retry {result.retried}, failed {result.failed}, "
            f"held for the weekly digest {result.held}, not sent by choice {result.skipped}."
        )
