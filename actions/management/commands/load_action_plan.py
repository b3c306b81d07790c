from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from actions.plan_data import DEFAULT_PLAN_FILE, PlanDataError, plan_load, read_plan_file


class Command(BaseCommand):
    help = "Load (or update in place) the Action Plan, its Parties and financing sources from a data file."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_PLAN_FILE), help="Path to the plan JSON file.")

    def handle(self, *args, **options):
        try:
            data = read_plan_file(options["file"])
            result = plan_load(data=data)
        except PlanDataError as exc:
            raise CommandError(f"Plan not loaded, nothing changed: {exc}") from exc
        self.stdout.write(
            f"Plan loaded: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
