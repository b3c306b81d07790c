"""The compiled report's "Decisions still open": each open decision with its text, meeting, owners,
due date and status, in the language of each version (English marked where there is no Russian)."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.figures import open_decisions_listed
from evaluation.models import ReportVersion
from evaluation.services import report_request, report_request_run
from meetings.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(year2013, party_a, party_b):
    d = Decision.objects.get(text_en="Set up a working group on I.1")
    d.text_ru = "Создать рабочую группу по действию I.1"
    d.due_on = dt.date(2014, 3, 1)
    d.status = Decision.Status.IN_PROGRESS
    d.owner_core_group = True
    d.save()
    d.owner_parties.set([party_a, party_b])
    return d


def test_the_list_names_every_open_decision_with_its_owners(owned, django_assert_num_queries):
    with django_assert_num_queries(2):
        (row,) = open_decisions_listed(2013)
    assert row["text"] == "Set up a working group on I.1"
    assert row["text_ru"] == "Создать рабочую группу по действию I.1"
    assert row["meeting"] == "SOM 2013" and row["meeting_date"] == "2013-06-15"
    assert [o["name"] for o in row["owners"]] == ["Czech Republic", "Germany"]
    assert (row["secretariat"], row["core_group"], row["due_on"], row["status"]) == (
        False,
        True,
        "2014-03-01",
        "in_progress",
    )
    assert open_decisions_listed(2012) == []  # the meeting of 2013 is after the period


def test_each_version_of_the_compiled_report_lists_them_in_its_language(owned, plan, secretariat):
    req, _ = report_request(plan=plan, kind="yearly", year=2013, user=secretariat)
    report_request_run(request_pk=req.pk)
    versions = {v.language: v for v in ReportVersion.objects.filter(request=req)}
    en = versions["en"].html.split('id="r-open-decisions"', 1)[1]
    ru = versions["ru"].html.split('id="r-open-decisions"', 1)[1]
    assert "Decisions still open" in en and "Set up a working group on I.1" in en
    assert "the core group" in en and "2014-03-01" in en and "In progress" in en
    assert "Создать рабочую группу по действию I.1" in ru and "Set up a working group" not in ru
    assert "основная группа" in ru and "Выполняется" in ru
    assert "Old decision" not in en  # done


def test_a_decision_without_russian_is_marked_in_the_russian_version(year2013, plan, secretariat):
    req, _ = report_request(plan=plan, kind="yearly", year=2013, user=secretariat)
    report_request_run(request_pk=req.pk)
    ru = ReportVersion.objects.get(request=req, language="ru").html.split('id="r-open-decisions"', 1)[1]
    assert '<span lang="en" class="untranslated">Set up a working group on I.1</span>' in ru
