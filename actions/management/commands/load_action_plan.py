from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from actions.plan_data import (
    DEFAULT_PLAN_FILE,
    PlanDataError,
    plan_load,
    read_plan_file,
    read_translation_file,
    translation_file_for,
)


class Command(BaseCommand):
    help = "Load (or update in place) the Action Plan, its Parties and financing sources from a data file."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_PLAN_FILE), help="Path to the plan JSON file.")

    def handle(self, *args, **options):
        try:
            data = read_plan_file(options["file"])
            ru_path = translation_file_for(options["file"])
            result = plan_load(
                data=data, translation_data=read_translation_file(ru_path), source=ru_path.name
            )
        except PlanDataError as exc:
            raise CommandError(f"Plan not loaded, nothing changed: {exc}") from exc
        self.stdout.write(
            f"Plan loaded: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
