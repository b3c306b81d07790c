"""Review criteria are data of each plan: the first plan is judged on the five criteria of the 2012
evaluation, a successor plan on those its file names; the questionnaire, the compiled review and the
translation pages read the plan's own."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionPlan
from actions.plan_data import DEFAULT_PLAN_FILE, PlanDataError, plan_load, read_plan_file, validate_plan_data
from core.models import TranslationRevision
from core.translations import translation_save
from evaluation.criteria import criteria_load, plan_criteria
from evaluation.models import Review, ReviewCriterion, ReviewResponse, ReviewScore
from evaluation.services import evaluation_setup, report_request, report_request_run
from tests.actions.test_plan_names import SUCCESSOR, load
from tests.factories import ParticipationFactory

pytestmark = pytest.mark.django_db

FIVE = ["relevance", "impact", "effectiveness", "efficiency", "coherence"]
FOUR = ["relevance", "effectiveness", "partnership", "sustainability"]
OPEN_UNTIL = dt.date.today() + dt.timedelta(days=365)
QUESTIONNAIRE = "/plans/2023-2027/evaluation/reviews/midterm/cz/"


def criteria_rows(plan) -> list[tuple]:
    return list(
        ReviewCriterion.objects.filter(plan=plan)
        .order_by("order")
        .values_list("pk", "code", "name_en", "name_ru", "description_en", "order", "updated_at")
    )


@pytest.fixture
def successor(plan, party_a):
    """The successor plan loaded beside the first, its reviews set up, its mid-term open for answers;
    CZ takes part in one of its actions."""
    load(SUCCESSOR)
    successor = ActionPlan.objects.get(slug="prague-process-2023-2027")
    evaluation_setup(plan=successor)
    Review.objects.filter(plan=successor).update(closes_on=OPEN_UNTIL)
    first_action = successor.areas.order_by("order").first().actions.order_by("number").first()
    ParticipationFactory(party=party_a, action=first_action, since=dt.date(2023, 1, 1))
    return successor


def test_the_first_plan_is_judged_on_the_five_criteria_of_2012_in_both_languages(plan):
    criteria = plan_criteria(plan)
    assert [c.code for c in criteria] == FIVE
    assert [(c.name_en, c.name_ru) for c in criteria] == [
        ("Relevance", "Релевантность"),
        ("Impact", "Воздействие"),
        ("Effectiveness", "Результативность"),
        ("Efficiency", "Эффективность"),
        ("External coherence", "Внешняя согласованность"),
    ]


def test_a_successor_plan_gets_the_criteria_of_its_file_and_the_first_keeps_its_five(plan, successor):
    assert [c.code for c in plan_criteria(successor)] == FOUR
    renamed = ReviewCriterion.objects.get(plan=successor, code="effectiveness")
    assert (renamed.name_en, renamed.name_ru) == ("Effectiveness and results", "Результативность и итоги")
    assert [c.code for c in plan_criteria(plan)] == FIVE
    assert ReviewCriterion.objects.get(plan=plan, code="effectiveness").name_en == "Effectiveness"
    load(DEFAULT_PLAN_FILE)  # the first plan's file names no criteria: its five stay as they are
    assert [c.code for c in plan_criteria(plan)] == FIVE


def test_loading_the_plans_again_changes_nothing(plan, successor):
    before = (criteria_rows(plan), criteria_rows(successor), TranslationRevision.objects.count())
    load(SUCCESSOR)
    load(DEFAULT_PLAN_FILE)
    assert (criteria_rows(plan), criteria_rows(successor), TranslationRevision.objects.count()) == before
    assert criteria_load(successor, read_plan_file(SUCCESSOR)["review_criteria"]) == 0


def test_a_russian_name_changed_in_the_portal_is_kept_when_the_file_is_loaded_again(successor, secretariat):
    criterion = ReviewCriterion.objects.get(plan=successor, code="sustainability")
    translation_save(criterion, "name", ru="Устойчивость результатов", by=secretariat)
    load(SUCCESSOR)
    criterion.refresh_from_db()
    assert criterion.name_ru == "Устойчивость результатов"


def test_the_successor_questionnaire_asks_its_four_criteria(successor, ncp_a, client_for):
    client = client_for(ncp_a)
    page = client.get(QUESTIONNAIRE)
    assert page.status_code == 200
    body = page.content.decode()
    assert sorted(n for n in page.context["form"].fields if n.endswith("_score")) == sorted(
        f"{c}_score" for c in FOUR
    )
    assert "Partnership and ownership: score" in body and "Effectiveness and results: score" in body
    assert "External coherence" not in body and "impact_score" not in body
    assert "How far the Parties shaped and led the actions" in body  # the criterion's description
    russian = client.get(QUESTIONNAIRE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Партнёрство и причастность" in russian

    incomplete = client.post(QUESTIONNAIRE, {"version": 1, "relevance_score": "5", "submit": "1"})
    assert incomplete.status_code == 400
    assert set(incomplete.context["form"].errors) == {f"{c}_score" for c in FOUR[1:]}
    posted = {f"{c}_score": str(n) for n, c in enumerate(FOUR, 2)}
    ok = client.post(
        QUESTIONNAIRE,
        {"version": 1, **posted, "impact_score": "1", "partnership_comment": "Ours.", "submit": "1"},
    )
    assert ok.status_code == 302
    response = ReviewResponse.objects.get(review__plan=successor)
    assert response.state == "submitted"
    assert {s.criterion.code: (s.score, s.comment) for s in response.scores.select_related("criterion")} == {
        "relevance": (2, ""),
        "effectiveness": (3, ""),
        "partnership": (4, "Ours."),
        "sustainability": (5, ""),
    }
    # the scores keep their own history
    assert ReviewScore.history.filter(response_id=response.pk).count() == 4


def test_the_successor_review_report_shows_its_four_criteria(successor, party_a, ncp_a, client_for):
    from openpyxl import load_workbook

    client = client_for(ncp_a)
    posted = {f"{c}_score": "4" for c in FOUR}
    assert client.post(QUESTIONNAIRE, {"version": 1, **posted, "submit": "1"}).status_code == 302
    review = Review.objects.get(plan=successor, kind="midterm")
    req, _ = report_request(plan=successor, kind="midterm", year=review.end_year, user=None)
    version = report_request_run(request_pk=req.pk)
    criteria = version.data["questionnaire"]["criteria"]
    assert [c["key"] for c in criteria] == FOUR
    assert [c["average"] for c in criteria] == [4.0] * 4
    assert "Partnership and ownership" in version.html and "External coherence" not in version.html
    sheet = load_workbook(io.BytesIO(bytes(version.xlsx)))["Scores"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Relevance",
        "Effectiveness and results",
        "Partnership and ownership",
        "Sustainability",
    ]
    russian = version.siblings().get(language="ru")
    assert "Партнёрство и причастность" in russian.html


def test_a_criterion_already_scored_cannot_be_left_out_of_the_file(successor, ncp_a, client_for):
    client_for(ncp_a).post(QUESTIONNAIRE, {"version": 1, "sustainability_score": "3"})
    data = read_plan_file(SUCCESSOR)
    before = criteria_rows(successor)
    data["review_criteria"] = [c for c in data["review_criteria"] if c["code"] != "sustainability"]
    with pytest.raises(PlanDataError, match="sustainability"):
        plan_load(data=data)
    assert criteria_rows(successor) == before  # all or nothing


def test_a_criterion_nobody_scored_goes_when_the_file_leaves_it_out(successor):
    data = read_plan_file(SUCCESSOR)
    data["review_criteria"] = [c for c in data["review_criteria"] if c["code"] != "sustainability"]
    plan_load(data=data)
    assert [c.code for c in plan_criteria(successor)] == FOUR[:3]


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], "at least one criterion"),
        ([{"code": "Relevance", "name": "Relevance"}], "small letters"),
        ([{"code": "a", "name": "A"}, {"code": "a", "name": "B"}], "duplicate code"),
        ([{"code": "a"}], "missing 'name'"),
        ([{"code": "a", "name": "A", "name_ru": 3}], "'name_ru' must be a text"),
        ("relevance", "must be a list"),
    ],
)
def test_a_broken_criteria_list_is_refused_naming_the_entry(criteria, message):
    data = copy.deepcopy(read_plan_file(SUCCESSOR))
    data["review_criteria"] = criteria
    with pytest.raises(PlanDataError, match=re.escape(message)):
        validate_plan_data(data)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_budget_questionnaire_and_review_pages_do_not_grow_with_the_criteria(
    successor, ncp_a, secretariat, client_for
):
    ncp = client_for(ncp_a)
    ncp.post(QUESTIONNAIRE, {"version": 1, "relevance_score": "3"})
    sec = client_for(secretariat)
    urls = [QUESTIONNAIRE, "/plans/2023-2027/evaluation/reviews/midterm/"]
    few = [_queries(ncp, urls[0]), _queries(sec, urls[1])]
    for n in range(3):
        ReviewCriterion.objects.create(plan=successor, code=f"extra_{n}", name=f"Extra {n}", order=10 + n)
    ncp.post(QUESTIONNAIRE, {"version": 2, **{f"extra_{n}_score": "2" for n in range(3)}})
    assert ReviewScore.objects.filter(response__review__plan=successor).count() == 7
    assert [_queries(ncp, urls[0]), _queries(sec, urls[1])] == few


def test_the_criteria_are_a_kind_on_the_translation_pages(successor, secretariat, client_for):
    sec = client_for(secretariat)
    body = sec.get("/translations/").content.decode()
    assert 'data-kind="review-criteria"' in body
    listed = sec.get("/translations/review-criteria/?state=all&plan=prague-process-2023-2027")
    assert listed.status_code == 200
    assert "Partnership and ownership" in listed.content.decode()
