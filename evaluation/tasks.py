"""Celery tasks: thin wrappers over services; each can run twice without doing its work twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="evaluation.tasks.report_compile",
    ignore_result=True,
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1700,
)
def report_compile(request_pk: int) -> None:
    """Compile one requested report (one version per request, however often this runs)."""
    from .services import report_request_run

    report_request_run(request_pk=request_pk)


@shared_task(
    name="evaluation.tasks.report_requests_sweep", ignore_result=True, time_limit=1800, soft_time_limit=1700
)
def report_requests_sweep() -> None:
    """From beat: run requests still waiting (the broker was down) or left running by a dead worker."""
    from .services import report_request_run, report_requests_resume

    for pk in report_requests_resume():
        report_request_run(request_pk=pk)


@shared_task(
    name="evaluation.tasks.yearly_reports_schedule", ignore_result=True, time_limit=300, soft_time_limit=270
)
def yearly_reports_schedule() -> None:
    """From beat, every hour: ask for the yearly reports that are due (once per cycle, ever)."""
    from .services import yearly_reports_schedule as run

    run()
