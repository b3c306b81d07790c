"""The report's figures against a small hand-built year whose answers are known."""

from __future__ import annotations

import pytest

from evaluation.figures import monitoring_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(plan, year2013):
    return monitoring_figures(plan=plan, start_year=2013, end_year=2013)


def _action(figures, code):
    return next(a for area in figures["areas"] for a in area["actions"] if a["code"] == code)


def test_counts_only_submitted_activities_overlapping_the_year(figures, year2013):
    assert figures["headline"]["activities_total"] == 3
    assert figures["activities_by_status"] == {"ongoing": 1, "completed": 1, "planned": 1}
    assert figures["activities_by_kind"] == {"training": 2, "study": 1}
    i1 = _action(figures, "I.1")
    assert i1["activity_count"] == 2
    assert i1["by_status"] == {"ongoing": 1, "completed": 1}
    _a1, a2, a3 = year2013["activities"]
    assert [a["title"] for a in _action(figures, "I.2")["activities"]] == [a2.title, a3.title]
    assert _action(figures, "I.2")["activity_count"] == 2


def test_financing_is_summed_per_source_and_currency_never_across(figures, year2013):
    eu, national = year2013["eu"].name, year2013["national"].name
    assert sorted((r["source"], r["currency"], r["total"]) for r in figures["financing"]) == sorted(
        [(eu, "EUR", "1300.00"), (eu, "USD", "200.00"), (national, "EUR", "500.00")]
    )
    assert figures["financing_by_currency"] == [
        {"currency": "EUR", "total": "1800.00"},
        {"currency": "USD", "total": "200.00"},
    ]
    i2 = {(r["source"], r["currency"]): r["total"] for r in _action(figures, "I.2")["financing"]}
    assert i2 == {(eu, "EUR"): "300.00", (eu, "USD"): "200.00"}


def test_covered_and_untouched_actions(figures):
    assert figures["covered_actions"] == ["I.1", "I.2"]
    assert len(figures["untouched_actions"]) == 20
    assert {"I.3", "II.1", "II.2"} <= set(figures["untouched_actions"])
    assert figures["headline"]["actions_covered"] == 2
    assert figures["headline"]["actions_total"] == 22


def test_response_rate_counts_submitted_reports_of_expected_parties(figures):
    # expected in 2013: CZ and DE (AT joins in 2014); CZ submitted, DE is a draft, AT does not count
    assert figures["response_rate"] == {"expected": 2, "submitted": 1, "rate": 50.0}
    assert figures["headline"]["parties_taking_part"] == 2


def test_participants_statements_meetings_and_decisions(figures):
    i1 = _action(figures, "I.1")
    assert {(p["code"], p["role"]) for p in i1["parties"]} == {("CZ", "lead"), ("DE", "participant")}
    assert [(s["party_code"], s["status"], s["achieved"]) for s in i1["statements"]] == [
        ("CZ", "in_progress", "Trained 40 officers")
    ]
    assert [m["title"] for m in figures["meetings"]] == ["SOM 2013"]
    assert [d["text"] for d in figures["meetings"][0]["decisions"]] == ["Set up a working group on I.1"]
    assert figures["headline"]["soms_held"] == 1
    assert figures["headline"]["open_decisions"] == 1
