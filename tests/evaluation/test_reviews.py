"""Mid-term and final reviews: the questionnaire on the plan's criteria (the five of the 2012
evaluation for the first plan), frozen snapshots, what changed."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.models import Review, ReviewCriterion, ReviewResponse, ReviewScore
from evaluation.services import report_request, report_request_run
from tests.factories import ActivityFactory, ParticipationFactory, action

pytestmark = pytest.mark.django_db
OPEN_UNTIL = dt.date.today() + dt.timedelta(days=365)  # the questionnaires these tests answer are open

FIVE = ("relevance", "impact", "effectiveness", "efficiency", "coherence")
ALL5 = {f"{c}_score": "4" for c in FIVE}


def answers(response: ReviewResponse) -> dict[str, tuple[int | None, str]]:
    """{criterion code: (score, comment)} of a response."""
    return {s.criterion.code: (s.score, s.comment) for s in response.scores.select_related("criterion")}


def respond(review: Review, party, score: int, **fields) -> ReviewResponse:
    """A response with `score` and no comment on every criterion of the review's plan."""
    response = ReviewResponse.objects.create(review=review, party=party, **fields)
    ReviewScore.objects.bulk_create(
        ReviewScore(response=response, criterion=c, score=score)
        for c in ReviewCriterion.objects.filter(plan_id=review.plan_id)
    )
    return response


@pytest.fixture
def reviews(plan, party_a, party_b):
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.2"))
    mid = Review.objects.create(
        plan=plan,
        kind="midterm",
        start_year=2012,
        end_year=2014,
        opens_on=dt.date(2014, 6, 1),
        deadline=dt.date(2014, 9, 30),
        closes_on=OPEN_UNTIL,  # kept open for answers by the secretariat
    )
    final = Review.objects.create(
        plan=plan,
        kind="final",
        start_year=2012,
        end_year=2016,
        opens_on=dt.date(2016, 6, 1),
        deadline=dt.date(2016, 9, 30),
        closes_on=OPEN_UNTIL,
    )
    return mid, final


def test_contact_point_answers_and_submits_the_questionnaire(reviews, ncp_a, client_for):
    client = client_for(ncp_a)
    page = client.get("/plans/2012-2016/evaluation/reviews/midterm/cz/")
    assert b"External coherence: score" in page.content
    incomplete = client.post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/",
        {"version": 1, "relevance_score": "5", "submit": "1"},
    )
    assert incomplete.status_code == 400 and b"Give a score before submitting." in incomplete.content
    assert not ReviewResponse.objects.exists()  # all or nothing: the refused submit saved nothing
    out_of_range = client.post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/", {"version": 1, "relevance_score": "9"}
    )
    assert out_of_range.status_code == 400
    ok = client.post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/",
        {"version": 1, **ALL5, "impact_comment": "Visible.", "submit": "1"},
    )
    assert ok.status_code == 302
    response = ReviewResponse.objects.get()
    assert response.state == "submitted" and answers(response)["impact"] == (4, "Visible.")
    assert (
        client.post("/plans/2012-2016/evaluation/reviews/midterm/cz/", {"version": 2, **ALL5}).status_code
        == 403
    )


def test_final_review_shows_scores_and_what_changed_since_the_mid_term(plan, reviews, party_a, party_b):
    mid, final = reviews
    ActivityFactory(party=party_a, actions=[action("I.1")], start_date=dt.date(2013, 1, 1))
    respond(mid, party_a, 2, state="submitted")
    req, _ = report_request(plan=plan, kind="midterm", year=2014, user=None)
    midterm = report_request_run(request_pk=req.pk)
    assert midterm.data["questionnaire"]["rate"] == 50.0  # 1 of 2 Parties
    assert [c["key"] for c in midterm.data["questionnaire"]["criteria"]] == list(FIVE)
    assert midterm.data["questionnaire"]["criteria"][0] == {
        "key": "relevance",
        "name": {"text": "Relevance", "lang": "en"},  # the English version's label of the criterion
        "average": 2.0,
        "n": 1,
        "comments": [],
    }

    ActivityFactory(party=party_b, actions=[action("I.2")], start_date=dt.date(2015, 1, 1))
    respond(final, party_a, 4, state="submitted")
    respond(final, party_b, 5, state="submitted")
    req, _ = report_request(plan=plan, kind="final", year=2016, user=None)
    final_v = report_request_run(request_pk=req.pk)
    changes = {c["key"]: (c["before"], c["after"], c["delta"]) for c in final_v.data["changes"]}
    assert changes["actions_covered"] == (1, 2, 1)
    assert changes["activities_total"] == (1, 2, 1)
    assert changes["score_relevance"] == (2.0, 4.5, 2.5)
    assert final_v.data["newly_covered"] == ["I.2"]
    assert (
        "Changes"
        in __import__("openpyxl").load_workbook(__import__("io").BytesIO(bytes(final_v.xlsx))).sheetnames
    )
    assert "What changed since the mid-term review" in final_v.html

    # the mid-term snapshot is frozen: later data does not change it
    midterm.refresh_from_db()
    assert midterm.data["headline"]["actions_covered"] == 1


def test_review_reminders_go_to_parties_that_have_not_answered(reviews, ncp_a, ncp_b):
    from django.core import mail

    from pragueprocess.reminders import reminders_run

    mid, _final = reviews
    respond(mid, ncp_a.party, 3, state="submitted")
    now = dt.datetime(2014, 9, 23, 8, tzinfo=dt.UTC)  # one week before the deadline
    reminders_run(now=now)
    reminders_run(now=now)
    assert [m.to for m in mail.outbox] == [[ncp_b.email]]


def test_a_stale_questionnaire_save_shows_a_conflict_and_overwrites_nothing(
    reviews, ncp_a, secretariat, client_for
):
    client_for(ncp_a).post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/", {"version": 1, "relevance_comment": "Ours"}
    )
    client_for(secretariat).post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/", {"version": 2, "relevance_comment": "Secretariat"}
    )
    stale = client_for(ncp_a).post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/", {"version": 2, "relevance_comment": "Stale"}
    )
    assert stale.status_code == 409 and b"Your changes are not saved" in stale.content
    assert answers(ReviewResponse.objects.get())["relevance"] == (None, "Secretariat")


def test_an_edit_in_the_admin_makes_an_open_questionnaire_stale(
    reviews, ncp_a, secretariat, client_for, admin_form_data
):
    client_for(ncp_a).post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/", {"version": 1, "relevance_comment": "Ours"}
    )
    response = ReviewResponse.objects.get()
    sec = client_for(secretariat)
    url = f"/admin/evaluation/reviewresponse/{response.pk}/change/"
    page = sec.get(url)
    data = admin_form_data(page)
    (inline,) = page.context["inline_admin_formsets"]
    (impact,) = [f for f in inline.formset.forms if f.instance.criterion.code == "impact"]
    data[impact.add_prefix("comment")] = "Corrected in the administration"
    assert sec.post(url, data).status_code == 302
    stale = client_for(ncp_a).post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/",
        {"version": 2, "relevance_comment": "From the open form"},
    )
    assert stale.status_code == 409 and b"From the open form" in stale.content
    assert (answers(response)["relevance"][1], answers(response)["impact"][1]) == (
        "Ours",
        "Corrected in the administration",
    )


@pytest.mark.parametrize(
    ("opens", "closes", "window"),
    [(+10, +40, "not_open"), (-40, -10, "closed"), (-10, +10, "open")],
)
def test_a_questionnaire_is_read_only_outside_its_dates(reviews, ncp_a, client_for, opens, closes, window):
    mid, _final = reviews
    today = dt.date.today()
    mid.opens_on, mid.deadline = today + dt.timedelta(days=opens), today + dt.timedelta(days=closes)
    mid.closes_on = mid.deadline
    mid.save()
    assert mid.window(today) == window
    client = client_for(ncp_a)
    page = client.get("/plans/2012-2016/evaluation/reviews/midterm/cz/").content.decode()
    response = client.post(
        "/plans/2012-2016/evaluation/reviews/midterm/cz/", {**ALL5, "version": "1", "save": "1"}
    )
    if window == "open":
        assert response.status_code == 302
        assert answers(ReviewResponse.objects.get(review=mid))["relevance"] == (4, "")
    else:
        assert response.status_code == 403 and 'name="save"' not in page  # shown, not editable
        assert not ReviewScore.objects.filter(response__review=mid, score__isnull=False).exists()
        expected = "opens on" if window == "not_open" else "the answers are read-only"
        assert expected in page


def test_the_closing_day_is_four_weeks_after_the_deadline_unless_set(reviews):
    mid, _final = reviews
    mid.closes_on = None
    assert mid.closing_day == dt.date(2014, 10, 28)
