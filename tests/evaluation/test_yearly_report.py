"""The yearly report, on time and complete: compiled by schedule before its SOM (once per year and
cycle), naming the Parties that did not report, comparing with the year before, and carrying the
secretariat's conclusions and recommendations written in the portal."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.figures import (
    monitoring_figures,
    parties_not_reported,
    response_rates,
    year_comparison,
)
from evaluation.models import ReportConclusions, ReportRequest, ReportVersion, ScheduledCompile
from evaluation.services import _enqueue as REAL_ENQUEUE
from evaluation.services import (
    report_conclusions_save,
    report_request,
    report_request_run,
    yearly_reports_schedule,
)
from tests.conftest import point_celery_at
from tests.factories import ParticipationFactory, ProgressReportFactory, ReportingCycleFactory, action

SOM_2013 = dt.date(2013, 6, 15)  # the year2013 fixture's SOM
DUE = SOM_2013 - dt.timedelta(days=settings.YEARLY_REPORT_DAYS_BEFORE_SOM)

CONCLUSIONS = {
    "conclusions_en": "Most Parties reported.\nTraining grew.",
    "conclusions_ru": "Большинство Сторон представили отчеты.\nОбучение расширилось.",
    "recommendations_en": "Germany is invited to report before the SOM.",
    "recommendations_ru": "Германии предлагается представить отчет до СДЛ.",
}


def _compile(plan, year=2013) -> dict[str, ReportVersion]:
    req, _created = report_request(plan=plan, kind="yearly", year=year, user=None)
    english = report_request_run(request_pk=req.pk)
    return {"en": english, **{v.language: v for v in english.siblings()}}


# --- the scheduled compile ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_scheduled_compile_is_not_asked_for_before_its_day(plan, year2013):
    assert yearly_reports_schedule(today=DUE - dt.timedelta(days=1)) == []
    assert not ReportRequest.objects.exists() and not ScheduledCompile.objects.exists()


@pytest.mark.django_db
def test_the_scheduled_compile_is_not_asked_for_once_the_som_has_passed(plan, year2013):
    assert yearly_reports_schedule(today=SOM_2013 + dt.timedelta(days=1)) == []
    assert not ReportRequest.objects.exists()


@pytest.mark.django_db
def test_a_cycle_without_an_som_is_never_compiled_by_schedule(plan, year2013):
    ReportingCycleFactory(plan=plan, year=2014)  # no SOM in 2014
    yearly_reports_schedule(today=dt.date(2014, 12, 1))
    assert not ReportRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_compile_runs_once_per_year_and_cycle_under_two_beats_a_rerun_and_the_next_day(
    plan, year2013, _no_broker
):
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    errors, asked = [], []

    def beat():
        try:
            barrier.wait()
            asked.extend(yearly_reports_schedule(today=DUE))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(asked) == 1  # one beat claimed the cycle, the other asked for nothing
    req = ReportRequest.objects.get()
    assert (req.plan_id, req.kind, req.year, req.requested_by) == (plan.pk, "yearly", 2013, None)
    claim = ScheduledCompile.objects.get()
    assert (claim.cycle_id, claim.request_id, claim.due_on, claim.som_on) == (
        year2013["cycle"].pk,
        req.pk,
        DUE,
        SOM_2013,
    )
    assert _no_broker == [req.pk]  # enqueued once, after the commit

    assert yearly_reports_schedule(today=DUE) == []  # a rerun
    report_request_run(request_pk=req.pk)  # the worker compiles it: both languages
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]
    assert yearly_reports_schedule(today=DUE + dt.timedelta(days=1)) == []  # the next day
    assert yearly_reports_schedule(today=SOM_2013) == []  # the SOM's own day
    assert ReportRequest.objects.count() == 1 and ScheduledCompile.objects.count() == 1
    assert ReportVersion.objects.count() == 2


def _today_is(day: dt.date):
    """timezone.localdate() answering `day` for "today", and the real date of any value given."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    return localdate


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_beats_through_redis_and_a_real_worker_compile_the_report_once(
    plan, year2013, settings, monkeypatch
):
    from celery.contrib.testing.worker import start_worker
    from django.utils import timezone

    from evaluation import services
    from evaluation.tasks import yearly_reports_schedule as task
    from pragueprocess.celery import app

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    monkeypatch.setattr(services, "_enqueue", REAL_ENQUEUE)  # the conftest stubs it out
    monkeypatch.setattr(timezone, "localdate", _today_is(DUE))
    point_celery_at(settings.CELERY_BROKER_URL, purge=True)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        task.delay()
        task.delay()  # a second beat
        assert _wait(lambda: ReportVersion.objects.count() == 2, 90), "the scheduled compile never finished"
        task.delay()  # a rerun
        task.apply_async(countdown=0)
        time.sleep(3)
    assert ReportRequest.objects.count() == 1 and ScheduledCompile.objects.count() == 1
    assert ReportRequest.objects.get().state == "done"
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [(1, "en"), (1, "ru")]


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db
def test_the_beat_runs_the_schedule_and_the_task_can_run_twice(plan, year2013, settings, monkeypatch):
    from django.utils import timezone

    from evaluation.tasks import yearly_reports_schedule as task

    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-yearly-report"]
    assert entry["task"] == task.name == "evaluation.tasks.yearly_reports_schedule"
    monkeypatch.setattr(timezone, "localdate", _today_is(DUE))
    task.apply()
    task.apply()
    assert ReportRequest.objects.count() == 1 and ScheduledCompile.objects.count() == 1


@pytest.mark.django_db
def test_a_compile_already_waiting_is_the_one_the_schedule_records(plan, year2013, secretariat):
    waiting, _created = report_request(plan=plan, kind="yearly", year=2013, user=secretariat)
    yearly_reports_schedule(today=DUE)
    assert ReportRequest.objects.get() == waiting
    assert ScheduledCompile.objects.get().request == waiting


# --- the Parties that did not report --------------------------------------------------------------


@pytest.mark.django_db
def test_the_parties_that_did_not_report_are_the_complement_of_the_response_rate(
    plan, year2013, party_a, party_b
):
    # 2013: CZ (submitted) and DE (a draft) are expected; AT submitted but takes part only from 2014.
    assert [p["code"] for p in parties_not_reported(plan, 2013)] == ["DE"]
    assert parties_not_reported(plan, 2013)[0]["name"] == "Germany"
    assert parties_not_reported(plan, 2013)[0]["name_ru"] == "Германия"
    # 2012: only CZ is expected and nobody reported
    assert [p["code"] for p in parties_not_reported(plan, 2012)] == ["CZ"]
    for year in (2012, 2013):
        rate = response_rates(plan, year, year)[0]
        assert rate["expected"] - rate["submitted"] == len(parties_not_reported(plan, year))


@pytest.mark.django_db
def test_an_accepted_report_counts_as_reported_and_a_returned_one_does_not(plan, year2013, party_b):
    from parties.models import Party

    year2013["cycle"].reports.filter(party=party_b).update(state="accepted")
    pl = Party.objects.get(code="PL")
    ParticipationFactory(party=pl, action=action("I.2"), since=dt.date(2013, 1, 1))
    ProgressReportFactory(cycle=year2013["cycle"], party=pl, state="returned")
    assert [p["code"] for p in parties_not_reported(plan, 2013)] == ["PL"]


# --- the comparison with the year before ---------------------------------------------------------


@pytest.mark.django_db
def test_the_comparison_puts_each_main_figure_beside_the_year_before(plan, year2013):
    c = year_comparison(plan, 2013)
    assert (c["year"], c["previous_year"]) == (2013, 2012)
    figures = {r["key"]: (r["before"], r["after"], r["delta"]) for r in c["figures"]}
    assert figures == {
        "parties_taking_part": (1, 2, 1),  # CZ; CZ and DE
        "parties_reporting": (0, 1, 1),
        "response_rate": (0.0, 50.0, 50.0),
        "activities_total": (2, 3, 1),  # the 2012 study and the II.1 activity; a1, a2, a3
        "actions_covered": (3, 2, -1),  # I.1, I.2, II.1; I.1, I.2
        "soms_held": (1, 1, 0),
    }
    areas = {a["numeral"]: (a["before"], a["after"], a["delta"]) for a in c["areas"]}
    assert areas["I"] == (1, 3, 2) and areas["II"] == (1, 0, -1) and areas["VI"] == (0, 0, 0)
    money = {(f["source"], f["currency"]): (f["before"], f["after"], f["delta"]) for f in c["financing"]}
    eu, national = year2013["eu"].name_en, year2013["national"].name_en
    assert money == {
        (eu, "EUR"): ("0.00", "1300.00", "1300.00"),
        (eu, "USD"): ("200.00", "200.00", "0.00"),
        (national, "EUR"): ("0.00", "500.00", "500.00"),
    }


@pytest.mark.django_db
def test_the_comparison_reads_the_headline_definitions(plan, year2013):
    """One definition per figure: the year's side of the comparison is the report's headline."""
    for year in (2012, 2013):
        data = monitoring_figures(plan=plan, start_year=year, end_year=year)
        after = {r["key"]: r["after"] for r in year_comparison(plan, year)["figures"]}
        if year == 2012:
            assert after == {}  # the plan's first year: nothing compared
            continue
        h = data["headline"]
        assert after["parties_taking_part"] == h["parties_taking_part"]
        assert after["activities_total"] == h["activities_total"]
        assert after["actions_covered"] == h["actions_covered"]
        assert after["soms_held"] == h["soms_held"]
        assert after["parties_reporting"] == data["response_rate"]["submitted"]


@pytest.mark.django_db
def test_the_plans_first_year_says_there_is_no_year_before(plan, year2013, client_for, secretariat):
    c = year_comparison(plan, plan.start_year)
    assert c["previous_year"] is None and c["figures"] == [] and c["financing"] == []
    versions = _compile(plan, year=plan.start_year)
    assert "There is no previous year to compare with: 2012 is the plan's first year." in versions["en"].html
    assert "Предыдущего года для сравнения нет: 2012 — первый год плана." in versions["ru"].html


# --- the compiled report ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_compiled_report_names_the_parties_that_did_not_report_and_compares_in_both_languages(
    plan, year2013
):
    versions = _compile(plan)
    en, ru = versions["en"], versions["ru"]
    assert [p["code"] for p in en.data["not_reported"]] == ["DE"]
    assert en.data["comparison"]["previous_year"] == 2012
    assert "Parties that did not report for 2013" in en.html
    assert "<li>Germany</li>" in en.html
    assert "Compared with the year before" in en.html
    assert "<caption>Main figures: 2012 and 2013</caption>" in en.html
    assert '<th scope="row">Parties that reported</th><td>0</td><td>1</td><td>+1</td>' in en.html
    assert "<td>3</td><td>2</td><td>-1</td>" in en.html  # actions covered went down
    assert "Стороны, не представившие отчет за 2013 год" in ru.html
    assert "<li>Германия</li>" in ru.html
    assert "Сравнение с предыдущим годом" in ru.html
    assert "Стороны, представившие отчет" in ru.html
    assert "<td>0,0</td><td>50,0</td><td>+50,0</td>" in ru.html  # the rate as Russian writes numbers
    assert "<td>0.0</td><td>50.0</td><td>+50.0</td>" in en.html
    assert "Изменение к предыдущему году" in ru.html
    assert "1,300.00" in en.html and "+1,300.00" in en.html


@pytest.mark.django_db
def test_the_xlsx_carries_the_parties_that_did_not_report_the_year_before_and_the_conclusions(
    plan, year2013, secretariat
):
    from openpyxl import load_workbook

    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=CONCLUSIONS, status="working"
    )
    versions = _compile(plan)
    book = load_workbook(io.BytesIO(bytes(versions["en"].xlsx)))
    assert [tuple(r) for r in book["Not reported"].iter_rows(values_only=True)] == [
        ("Code", "Party"),
        ("DE", "Germany"),
    ]
    rows = list(book["Year before"].iter_rows(values_only=True))
    assert rows[0] == ("Figure", "Priority area", "2012", "2013", "Change from the year before")
    assert ("Parties that reported", None, 0, 1, 1) in rows
    assert ("Financing: " + year2013["eu"].name_en + " (EUR)", None, 0, 1300, 1300) in rows
    assert list(book["Conclusions"].iter_rows(values_only=True))[1] == (
        CONCLUSIONS["conclusions_en"],
        CONCLUSIONS["recommendations_en"],
    )
    russian = load_workbook(io.BytesIO(bytes(versions["ru"].xlsx)))
    assert {"Не представили отчет", "Предыдущий год", "Выводы"} <= set(russian.sheetnames)
    assert list(russian["Не представили отчет"].iter_rows(values_only=True))[1] == ("DE", "Германия")
    assert list(russian["Выводы"].iter_rows(values_only=True))[1] == (
        CONCLUSIONS["conclusions_ru"],
        CONCLUSIONS["recommendations_ru"],
    )


@pytest.mark.django_db
def test_the_pdf_shows_the_new_sections_in_both_languages(plan, year2013, secretariat, tmp_path):
    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=CONCLUSIONS, status="working"
    )
    versions = _compile(plan)
    expected = {
        "en": (
            "Parties that did not report for 2013",
            "Compared with the year before",
            "Most Parties reported.",
        ),
        "ru": ("Стороны, не представившие отчет за 2013 год", "Сравнение с предыдущим годом", "Германии"),
    }
    for lang, words in expected.items():
        path = tmp_path / f"{lang}.pdf"
        path.write_bytes(bytes(versions[lang].pdf))
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        text = " ".join(out.split())
        for w in words:
            assert w in text, (lang, w)


# --- conclusions and recommendations ------------------------------------------------------------


@pytest.mark.django_db
def test_a_compile_made_before_the_conclusions_were_written_shows_none(plan, year2013, secretariat):
    before = _compile(plan)
    assert before["en"].data["conclusions"] is None
    assert "had not written its conclusions and recommendations" in before["en"].html
    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=CONCLUSIONS, status="official"
    )
    after = _compile(plan)
    assert after["en"].number == 2
    assert "Most Parties reported.<br>Training grew." in after["en"].html
    assert "Germany is invited to report before the SOM." in after["en"].html
    assert "Большинство Сторон представили отчеты.<br>Обучение расширилось." in after["ru"].html
    assert "Германии предлагается представить отчет до СДЛ." in after["ru"].html
    assert "Most Parties reported." not in after["ru"].html
    # version 1 is as it was compiled
    assert ReportVersion.objects.get(pk=before["en"].pk).data["conclusions"] is None


@pytest.mark.django_db
def test_conclusions_without_russian_are_shown_marked_in_the_russian_report(plan, year2013, secretariat):
    english_only = {"conclusions_en": "Most Parties reported.", "recommendations_en": "Report on time."}
    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=english_only, status="working"
    )
    ru = _compile(plan)["ru"]
    assert '<span lang="en" class="untranslated">Most Parties reported.</span>' in ru.html
    assert "(еще не переведено)" in ru.html or "не переведено" in ru.html


@pytest.mark.django_db
def test_conclusions_keep_their_translation_status_and_revisions(plan, secretariat):
    from core.translations import status_of

    saved = report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=CONCLUSIONS, status="review"
    )
    assert saved.conclusions_en == CONCLUSIONS["conclusions_en"] and saved.version == 2
    assert status_of(saved, "conclusions").status == "review"
    assert status_of(saved, "recommendations").revisions.get().text_ru == CONCLUSIONS["recommendations_ru"]
    changed = {**CONCLUSIONS, "conclusions_en": "Rewritten."}
    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=2, data=changed, status="official"
    )
    state = status_of(saved, "conclusions")
    assert state.status == "official"
    assert [r.text_en for r in state.revisions.order_by("at", "pk")] == [
        CONCLUSIONS["conclusions_en"],
        "Rewritten.",
    ]
    assert ReportConclusions.objects.get().conclusions == "Rewritten."  # the original column is English


def _page(client, pk, **kwargs):
    return client.get(f"/evaluation/reports/{pk}/", **kwargs)


@pytest.mark.django_db
def test_the_secretariat_writes_the_conclusions_on_the_reports_page(plan, year2013, secretariat, client_for):
    en = _compile(plan)["en"]
    client = client_for(secretariat)
    page = _page(client, en.pk).content.decode()
    assert '<h2 id="conclusions-h">Conclusions and recommendations of the secretariat</h2>' in page
    assert "No conclusions and recommendations have been written yet." in page
    assert "Publish this version without conclusions and recommendations (in every language)" in page
    assert '<label for="id_conclusions_ru"' in page and 'lang="ru"' in page
    response = client.post(
        f"/evaluation/reports/{en.pk}/conclusions/", {"version": 1, "status": "working", **CONCLUSIONS}
    )
    assert response.status_code == 302 and response["Location"] == f"/evaluation/reports/{en.pk}/"
    page = _page(client, en.pk).content.decode()
    assert "This version was compiled before the conclusions and recommendations were written" in page
    assert 'action="/plans/2012-2016/evaluation/2013/compile/"' in page
    again = _compile(plan)["en"]
    page = _page(client, again.pk).content.decode()
    assert "This version holds the conclusions and recommendations as they are saved." in page
    assert "Publish this version (in every language)" in page
    # written again after that compile: the page says the version is older than the text
    client.post(
        f"/evaluation/reports/{en.pk}/conclusions/",
        {"version": 2, "status": "working", **CONCLUSIONS, "conclusions_en": "Changed."},
    )
    assert "were changed after this version was compiled" in _page(client, again.pk).content.decode()


@pytest.mark.django_db
def test_bad_input_gets_a_message_next_to_the_field_and_saves_nothing(
    plan, year2013, secretariat, client_for
):
    en = _compile(plan)["en"]
    client = client_for(secretariat)
    url = f"/evaluation/reports/{en.pk}/conclusions/"
    response = client.post(url, {"version": 1, "status": "working", "conclusions_en": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "There is a problem" in page
        and 'id="id_conclusions_en_error"' in page
        or "This field is required." in page
    )
    response = client.post(
        url, {"version": 1, "status": "official", "conclusions_en": "A", "recommendations_en": "B"}
    )
    assert response.status_code == 400
    assert "An official translation needs the Russian text." in response.content.decode()
    response = client.post(url, {"version": "x", "status": "nonsense"})
    assert response.status_code == 400
    assert not ReportConclusions.objects.exists()


@pytest.mark.django_db
def test_two_people_writing_the_conclusions_do_not_overwrite_each_other(
    plan, year2013, secretariat, client_for
):
    en = _compile(plan)["en"]
    client = client_for(secretariat)
    url = f"/evaluation/reports/{en.pk}/conclusions/"
    first = client.post(url, {"version": 1, "status": "working", **CONCLUSIONS})
    assert first.status_code == 302
    late = client.post(url, {"version": 1, "status": "working", **CONCLUSIONS, "conclusions_en": "Mine."})
    assert late.status_code == 409
    page = late.content.decode()
    assert "This record was changed while you were editing it" in page
    assert "Mine." in page  # the person's input is kept
    assert ReportConclusions.objects.get().conclusions_en == CONCLUSIONS["conclusions_en"]
    # saving again from the conflict screen (its version) overwrites deliberately
    assert 'name="version" value="2"' in page
    assert (
        client.post(
            url, {"version": 2, "status": "working", **CONCLUSIONS, "conclusions_en": "Mine."}
        ).status_code
        == 302
    )
    assert ReportConclusions.objects.get().conclusions_en == "Mine."


@pytest.mark.django_db
def test_reviews_have_no_conclusions_form(plan, year2013, secretariat, client_for):
    common = {
        "plan": plan,
        "year": 2014,
        "start_year": 2012,
        "title": "Mid-term",
        "data": {},
        "html": "<p>x</p>",
    }
    mid = ReportVersion.objects.create(kind="midterm", number=1, pdf=b"%PDF", xlsx=b"PK", **common)
    client = client_for(secretariat)
    assert "conclusions-h" not in _page(client, mid.pk).content.decode()
    response = client.post(f"/evaluation/reports/{mid.pk}/conclusions/", {"version": 1, **CONCLUSIONS})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_report_page_is_russian_for_a_russian_reader(plan, year2013, secretariat, client_for):
    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=CONCLUSIONS, status="official"
    )
    ru = _compile(plan)["ru"]
    page = _page(client_for(secretariat), ru.pk, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Выводы и рекомендации секретариата" in page
    assert "Эта версия содержит выводы и рекомендации в сохраненном виде." in page
    assert "Германии предлагается представить отчет до СДЛ." in page
    assert "Most Parties reported." not in page.split('id="conclusions-h"')[0]


@pytest.mark.django_db
def test_the_report_page_queries_stay_flat(plan, year2013, secretariat, client_for, party_b):
    from parties.models import Party

    client = client_for(secretariat)
    small = _compile(plan)["en"]
    _page(client, small.pk)
    with CaptureQueriesContext(connection) as few:
        assert _page(client, small.pk).status_code == 200
    # more Parties that did not report, more versions, the conclusions written
    for code in ("PL", "SK", "HU", "AT", "FR", "IT"):
        ParticipationFactory(
            party=Party.objects.get(code=code), action=action("I.2"), since=dt.date(2012, 1, 1)
        )
    report_conclusions_save(
        plan=plan, kind="yearly", year=2013, user=secretariat, version=1, data=CONCLUSIONS, status="working"
    )
    for _ in range(3):
        big = _compile(plan)["en"]
    assert len(big.data["not_reported"]) == 6  # DE and five of them (AT reported)
    with CaptureQueriesContext(connection) as many:
        assert _page(client, big.pk).status_code == 200
    assert len(many) <= len(few) + 1  # the saved conclusions' translation status: one query more
    with CaptureQueriesContext(connection) as russian:
        assert _page(client, big.pk, HTTP_ACCEPT_LANGUAGE="ru").status_code == 200
    assert len(russian) == len(many)
