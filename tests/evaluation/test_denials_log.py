"""Every 403 and every hiding 404 of the evaluation pages writes exactly one security log line."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from evaluation.models import ReportVersion
from tests.factories import ParticipationFactory, ProgressReportFactory, ReportingCycleFactory, action

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(plan, party_a, party_b):
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.1"))
    cycle = ReportingCycleFactory(plan=plan, year=2013, opens_on=dt.date(2013, 1, 15))
    ProgressReportFactory(cycle=cycle, party=party_a, state="draft")
    ProgressReportFactory(cycle=cycle, party=party_b, state="submitted")
    draft = ReportVersion.objects.create(
        plan=plan,
        kind="yearly",
        year=2013,
        start_year=2013,
        number=1,
        title="Monitoring report 2013",
        data={},
        html="<p>figures</p>",
        pdf=b"%PDF-1.7",
        xlsx=b"PK",
    )
    return {"draft_report": draft.pk}


def _lines(caplog) -> list[dict]:
    return [getattr(r, "security", {}) for r in caplog.records if r.name == "pragueprocess.security"]


def _get(client, url, caplog):
    caplog.clear()
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    return client.get(url)


@pytest.mark.parametrize("role", ["reader", "ncp_a", "anonymous"])
@pytest.mark.parametrize("suffix", ["/", ".pdf", ".xlsx"])
def test_an_unpublished_report_is_a_hiding_404_with_one_log_line(
    role, suffix, year, cast, client_for, caplog
):
    response = _get(client_for(cast[role]), f"/evaluation/reports/{year['draft_report']}{suffix}", caplog)
    assert response.status_code == 404
    lines = _lines(caplog)
    assert [line["event"] for line in lines] == ["cross_party_404"]
    assert lines[0]["capability"] == "report.compile"


@pytest.mark.parametrize(
    "url", ["/plans/2012-2016/evaluation/2013/cz/", "/plans/2012-2016/evaluation/2013/cz/edit/"]
)
def test_another_partys_draft_progress_report_is_a_hiding_404_with_one_log_line(
    url, year, ncp_b, party_a, client_for, caplog
):
    response = _get(client_for(ncp_b), url, caplog)
    assert response.status_code == 404
    lines = _lines(caplog)
    assert [(line["event"], line["user"], line["party"]) for line in lines] == [
        ("cross_party_404", ncp_b.username, party_a.pk)
    ]


def test_a_reader_opening_a_report_edit_form_is_a_403_with_one_log_line(year, reader, client_for, caplog):
    response = _get(client_for(reader), "/plans/2012-2016/evaluation/2013/de/edit/", caplog)
    assert response.status_code == 403
    assert [(line["event"], line["capability"]) for line in _lines(caplog)] == [
        ("forbidden_403", "progress.edit")
    ]


def test_a_submitted_report_refuses_edits_with_a_403_and_one_log_line(year, ncp_b, client_for, caplog):
    response = _get(client_for(ncp_b), "/plans/2012-2016/evaluation/2013/de/edit/", caplog)
    assert response.status_code == 403
    lines = _lines(caplog)
    assert [line["event"] for line in lines] == ["forbidden_403"]
    assert "has been submitted" in lines[0]["reason"]


def test_a_locked_year_refuses_a_save_with_a_403_and_one_log_line(year, ncp_a, client_for, caplog):
    from django.utils import timezone

    from evaluation.models import ReportingCycle

    ReportingCycle.objects.update(locked_at=timezone.now())
    client = client_for(ncp_a)
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    caplog.clear()
    response = client.post("/plans/2012-2016/evaluation/2013/cz/submit/", {"version": 1})
    assert response.status_code == 403
    lines = _lines(caplog)
    assert [line["event"] for line in lines] == ["forbidden_403"]
    assert "locked" in lines[0]["reason"]


def test_a_contact_point_compiling_a_report_is_a_403_with_one_log_line(year, ncp_a, client_for, caplog):
    client = client_for(ncp_a)
    caplog.set_level(logging.INFO, logger="pragueprocess.security")
    caplog.clear()
    response = client.post("/plans/2012-2016/evaluation/2013/compile/")
    assert response.status_code == 403
    assert [(line["event"], line["capability"]) for line in _lines(caplog)] == [
        ("forbidden_403", "report.compile")
    ]
