from __future__ import annotations

import random
import time
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions import demo as actions_demo
from actions.selectors import plan_current
from evaluation import demo as evaluation_demo
from meetings import demo as meetings_demo
from parties import demo as parties_demo
from pragueprocess import demo_mail, demo_scale

# HISTORY.md: the 3rd Ministerial Conference (Bratislava, 20 September 2016) reconfirmed the six
# areas of the Action Plan 2012-2016 for the next mandate, 2017-2021.
BRATISLAVA = {"adopted_end_year": 2016, "end_year": 2021, "decided_on": date(2016, 9, 20)}
BRATISLAVA_REFERENCE = "Bratislava Joint Declaration"


def _prolong_at_bratislava(plan) -> dict:
    """The demo plan's mandate prolonged as it really was, by the demo's Bratislava conference:
    the cycles of the new years open (evaluation.mandate.plan_prolong). Only for a plan adopted to
    2016 and not prolonged yet, so a second run, or another plan, is left as it is. After the
    progress reports are seeded, so that the demo's reports stay those of the years as adopted."""
    from evaluation.mandate import plan_prolong
    from evaluation.models import MandateProlongation
    from meetings.models import Meeting

    adopted_end = plan.adopted_end_year or plan.end_year
    if adopted_end != BRATISLAVA["adopted_end_year"] or plan.is_prolonged:
        return {"prolongations": 0}
    if MandateProlongation.objects.filter(plan=plan).exists():
        return {"prolongations": 0}
    meeting = Meeting.objects.filter(title_en=meetings_demo.BRATISLAVA_TITLE).first()
    plan_prolong(
        plan=plan,
        end_year=BRATISLAVA["end_year"],
        decided_on=BRATISLAVA["decided_on"],
        reference=BRATISLAVA_REFERENCE,
        meeting=meeting,
    )
    # The demo's meetings of the new years (seeded before the plan ran to them) now fall in the plan:
    # plan_prolong attaches them.
    return {"prolongations": 1}


class Command(BaseCommand):
    help = "Create the demo accounts and a small, believable set of demo records (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=0.1,
            help="Thousands of activities (default 0.1 = about 100); from 1 up, bulk inserts (pragueprocess/demo_scale.py).",
        )
        parser.add_argument(
            "--seed", type=int, default=2012, help="Random seed, for the same data every time."
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG=False.")
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not list the accounts.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo refuses to run with DEBUG=False: pass --force to seed a real database."
            )
        plan = plan_current()
        if plan is None:
            call_command("load_action_plan", stdout=self.stdout)
            plan = plan_current()
        rng = random.Random(options["seed"])
        scale = options["scale"]
        started = time.monotonic()
        with transaction.atomic():
            accounts = parties_demo.seed(rng=rng, scale=scale)
            if scale >= 1:
                # Thousands of activities: bulk inserts, one seeder for every app's rows.
                counts = demo_scale.seed(rng=rng, scale=scale, plan=plan)
            else:
                counts = actions_demo.seed(rng=rng, scale=scale, plan=plan)
                counts.update(meetings_demo.seed(rng=rng, scale=scale, plan=plan))
                counts.update(evaluation_demo.seed(rng=rng, scale=scale, plan=plan))
                counts.update(_prolong_at_bratislava(plan))
                counts.update(demo_mail.seed())
            counts.update(actions_demo.seed_reviews(rng=rng))
        if scale >= 1:
            self.stdout.write(
                f"Seeded scale {scale:g} (seed {options['seed']}) in {time.monotonic() - started:.1f} s."
            )
        self.stdout.write("Demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + " created.")
        if not options["quiet_accounts"]:
            self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
            for username, description in accounts[:5]:
                self.stdout.write(f"  {username:<14} {description}")
            contact_points = sum(1 for username, _ in accounts if username.startswith("ncp-"))
            self.stdout.write(
                f"  ... and ncp-<code> for every Party ({contact_points} contact points, e.g. ncp-cz)."
            )
            partners = len(accounts) - 3 - contact_points
            self.stdout.write(
                f"  ... and one contact person per partner organisation ({partners}, e.g. unhcr, frontex)."
            )
        self._second_factor()

    def _second_factor(self) -> None:
        """The demo secretariat's second factor: a known key, for the demo only (DEBUG=True)."""
        from parties import two_factor
        from parties.models import User

        secretariat = User.objects.filter(username="secretariat").first()
        if secretariat is None:
            return
        if not settings.DEBUG:
            self.stdout.write("The secretariat sets up its own second factor at its first sign-in.")
            return
        device = two_factor.demo_device(user=secretariat, secret_hex=two_factor.demo_secret_hex())
        self.stdout.write(
            "The secretariat signs in with a second factor: add the key "
            f"{two_factor.base32_secret(device)} to an authenticator app, or run `make totp` for the current code."
        )
