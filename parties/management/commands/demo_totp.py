from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parties import two_factor
from parties.models import User


class Command(BaseCommand):
    help = "The demo's current second-factor code for an account (DEBUG=True only)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="secretariat")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp is for the demo only (DEBUG=True).")
        user = User.objects.filter(username=username).first()
        device = two_factor.totp_device(user) if user else None
        if device is None:
            raise CommandError(f"{username} has no second factor: run seed_demo first.")
        self.stdout.write(two_factor.current_code(device))
