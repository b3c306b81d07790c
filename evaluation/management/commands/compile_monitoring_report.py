from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actions.selectors import plan_current
from evaluation.models import ReportKind
from evaluation.services import report_request, report_request_run


class Command(BaseCommand):
    help = "Compile the yearly monitoring report (or a review with --kind) now, in this process."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--kind", choices=ReportKind.values, default=ReportKind.YEARLY)

    def handle(self, *args, year: int, kind: str, **options):
        plan = plan_current()
        if plan is None:
            raise CommandError("No plan is loaded: run load_action_plan first.")
        try:
            req, created = report_request(plan=plan, kind=kind, year=year, user=None, enqueue=False)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        # Runs here rather than on a worker; a request already running elsewhere is left to it.
        version = report_request_run(request_pk=req.pk)
        if version is None:
            raise CommandError(f"A compile of this report is already running (request {req.pk}).")
        self.stdout.write(
            f"Compiled {version.title}, version {version.number}: /evaluation/reports/{version.pk}/"
        )
