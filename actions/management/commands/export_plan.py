from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from actions.models import ActionPlan
from actions.plan_data import plan_export


class Command(BaseCommand):
    help = "Print the plan as JSON (plan, areas, actions, items, Parties, financing sources)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="Slug of the plan; the latest by default.")

    def handle(self, *args, **options):
        plans = ActionPlan.objects.all()
        plan = plans.filter(slug=options["plan"]).first() if options["plan"] else plans.first()
        if plan is None:
            raise CommandError("No plan loaded: run `manage.py load_action_plan` first.")
        self.stdout.write(json.dumps(plan_export(plan=plan), ensure_ascii=False, indent=2))
