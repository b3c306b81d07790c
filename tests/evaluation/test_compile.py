"""Compiling reports: one version per request even when run twice at once or after a dead worker;
the PDF renders and the XLSX opens with the expected sheets."""

from __future__ import annotations

import io
import subprocess
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from evaluation.models import ReportRequest, ReportVersion
from evaluation.services import report_request, report_request_run


def _request(plan, user=None, kind="yearly", year=2013):
    req, _created = report_request(plan=plan, kind=kind, year=year, user=user)
    return req


@pytest.mark.django_db(transaction=True)
def test_compiling_twice_concurrently_gives_one_version(plan, year2013, secretariat):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def compile_once():
        try:
            barrier.wait(timeout=10)
            req = _request(plan, secretariat)
            results.append(report_request_run(request_pk=req.pk))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=compile_once) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert ReportRequest.objects.count() == 1
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]
    assert sum(1 for r in results if r is not None) == 1
    assert ReportRequest.objects.get().state == ReportRequest.State.DONE


@pytest.mark.django_db(transaction=True)
def test_the_same_request_delivered_twice_at_once_makes_one_version(plan, year2013):
    req = _request(plan)
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait(timeout=10)
            report_request_run(request_pk=req.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert ReportVersion.objects.filter(request=req).count() == 2  # one number, in English and Russian


@pytest.mark.django_db
def test_worker_crash_a_request_left_running_is_finished_by_the_next_sweep(plan, year2013):
    from evaluation.tasks import report_requests_sweep

    req = _request(plan)
    dead = timezone.now() - timedelta(minutes=30)
    ReportRequest.objects.filter(pk=req.pk).update(
        state="running", claimed_at=dead, heartbeat_at=dead, progress=45, attempts=1
    )
    report_requests_sweep()  # the worker that claimed it is dead: its heartbeat is stale
    req.refresh_from_db()
    assert req.state == "done" and req.progress == 100 and req.attempts == 2
    assert ReportVersion.objects.filter(request=req).count() == 2  # one number, in English and Russian
    report_requests_sweep()
    report_request_run(request_pk=req.pk)
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]


@pytest.mark.django_db
def test_worker_crash_a_live_run_is_not_taken_over(plan, year2013):
    req = _request(plan)
    now = timezone.now()
    ReportRequest.objects.filter(pk=req.pk).update(state="running", claimed_at=now, heartbeat_at=now)
    assert report_request_run(request_pk=req.pk) is None
    assert ReportVersion.objects.count() == 0


@pytest.mark.django_db
def test_worker_crash_after_the_version_was_saved_closes_the_request_without_a_second(plan, year2013):
    req = _request(plan)
    version = report_request_run(request_pk=req.pk)
    ReportRequest.objects.filter(pk=req.pk).update(
        state="running", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    again = report_request_run(request_pk=req.pk)
    assert again.pk == version.pk
    req.refresh_from_db()
    assert req.state == "done"
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]


@pytest.mark.django_db
def test_versions_are_numbered_and_keep_their_figures(plan, year2013):
    first = report_request_run(request_pk=_request(plan).pk)
    second = report_request_run(request_pk=_request(plan).pk)
    assert (first.number, second.number) == (1, 2)
    assert first.data["response_rate"]["rate"] == 50.0
    assert first.data["headline"]["activities_total"] == 3


@pytest.mark.django_db
def test_pdf_renders_with_the_title_and_xlsx_opens_with_the_expected_sheets(plan, year2013, tmp_path):
    from openpyxl import load_workbook

    version = report_request_run(request_pk=_request(plan).pk)
    pdf = bytes(version.pdf)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    assert "Prague Process Action Plan 2012-2016: monitoring report 2013" in words
    assert "Trained 40 officers" in words
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 0
    wb = load_workbook(io.BytesIO(bytes(version.xlsx)))
    assert wb.sheetnames == [
        "Summary",
        "Actions",
        "Activities",
        "Financing",
        "Progress",
        "Meetings",
        "Open decisions",
        "Response rate",
        "Not reported",
        "Year before",
        "Conclusions",
    ]
    financing = [tuple(r) for r in wb["Financing"].iter_rows(min_row=2, values_only=True)]
    assert (year2013["eu"].name, "EUR", 1300.0) in financing
    assert wb["Summary"]["A1"].value == "Figure"


@pytest.mark.django_db
def test_compile_command_makes_a_version(plan, year2013, capsys):
    call_command("compile_monitoring_report", "2013")
    assert "version 1" in capsys.readouterr().out
    assert ReportVersion.objects.get(language="en").kind == "yearly"


@pytest.mark.django_db
def test_compile_view_enqueues_after_commit_and_the_page_shows_a_progress_bar(
    plan, year2013, secretariat, client_for, _no_broker, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/plans/2012-2016/evaluation/2013/compile/")
    req = ReportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluation/compiles/{req.pk}/"
    assert _no_broker == [req.pk]
    ReportRequest.objects.filter(pk=req.pk).update(state="running", progress=40, heartbeat_at=timezone.now())
    page = client.get(response["Location"])
    assert b'<progress id="compile-progress" max="100" value="40">' in page.content
    assert b'http-equiv="refresh"' in page.content
    client.post("/plans/2012-2016/evaluation/2013/compile/")  # asked again while running: the same request
    assert ReportRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_version_is_immutable_once_compiled_only_its_publication_changes(plan, year2013, secretariat):
    from evaluation.services import report_publish

    version = report_request_run(request_pk=_request(plan).pk)
    version.html = "<p>rewritten</p>"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    report_publish(version=version, user=secretariat)
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.is_published and "rewritten" not in version.html
    assert version.history.count() == 2  # created, published


@pytest.mark.django_db(transaction=True)
def test_worker_crash_a_live_compile_keeps_its_heartbeat_so_the_sweep_leaves_it(plan, year2013, monkeypatch):
    """A long PDF rendering does not look like a dead worker: a thread keeps the heartbeat fresh."""
    import time

    from evaluation import rendering, services

    monkeypatch.setattr(services, "HEARTBEAT_SECONDS", 0.2)
    real_pdf = rendering.report_pdf
    seen = {}

    def slow_pdf(**kwargs):
        start = ReportRequest.objects.get().heartbeat_at
        time.sleep(1.0)
        seen["moved"] = ReportRequest.objects.get().heartbeat_at > start
        seen["resumable"] = services.report_requests_resume(now=timezone.now())
        return real_pdf(**kwargs)

    monkeypatch.setattr(rendering, "report_pdf", slow_pdf)
    report_request_run(request_pk=_request(plan).pk)
    assert seen == {"moved": True, "resumable": []}


@pytest.mark.django_db
def test_a_long_activity_list_is_cut_in_the_pdf_and_complete_in_the_xlsx(plan, year2013):
    import datetime as dt

    from openpyxl import load_workbook

    from tests.factories import ActivityFactory, action

    for _ in range(101):
        ActivityFactory(actions=[action("III.1")], start_date=dt.date(2013, 4, 1))
    version = report_request_run(request_pk=_request(plan).pk)
    assert "… and 1 more activity: the full list is in the XLSX." in version.html
    rows = load_workbook(io.BytesIO(bytes(version.xlsx)))["Activities"].iter_rows(min_row=2, values_only=True)
    assert sum(1 for r in rows if r[0] == "III.1") == 101
