"""authz_matrix: every evaluation URL x every role x own/other Party -> the expected status.

Drafts of a Party's progress report are seen by that Party and the secretariat only; published
reports are public; readers read everything published and the dashboard; writes per role;
anonymous visitors are sent to sign in; GET on a writing URL is 405. The test fails when a URL
pattern of the app is missing from the matrix.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import get_resolver

from actions.models import ActionPlan
from evaluation.models import (
    MandateProlongation,
    ProgressReport,
    ReportConclusions,
    ReportingCycle,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewResponse,
)
from parties.models import Message
from tests.factories import ParticipationFactory, ProgressReportFactory, ReportingCycleFactory, action, som_on
from tests.matrix import LOGIN, Matrix, Row, everyone, expect, members
from tests.test_permission_coverage import _url_names

pytestmark = pytest.mark.django_db
OPEN_UNTIL = dt.date.today() + dt.timedelta(days=365)  # the questionnaires these tests answer are open

NOT_ALLOWED = everyone(405)
SECRETARIAT_WRITES = expect(LOGIN, 403, 403, 403, 403, 302)
DRAFT_REPORT = expect(404, 404, 404, 404, 404, 200)  # an unpublished version: the secretariat only
OWN_DRAFT = expect(LOGIN, 404, 404, 200, 404, 200)  # Party A's draft: its contact point and the secretariat
OWN_DRAFT_WRITES = expect(LOGIN, 404, 404, 302, 404, 302)


def _data(name: str, world) -> dict:
    if name == "evaluation:progress-edit":
        return {
            "version": 1,
            f"status_{action('I.1').pk}": "in_progress",
            f"achieved_{action('I.1').pk}": "x",
        }
    if name == "evaluation:progress-submit":
        return {"version": 1}
    if name == "evaluation:progress-message":
        return {"text": "A question on the report."}
    if name == "evaluation:progress-return":
        return {"comment": "Please add the figures."}
    if name == "evaluation:review-respond":
        return {"version": 1, "relevance_score": "4"}
    if name == "evaluation:report-conclusions":
        return {
            "version": 1,
            "status": "working",
            "conclusions_en": "Most Parties reported.",
            "recommendations_en": "Report on time.",
        }
    if name == "evaluation:mandate":
        return {"end_year": "2021", "decided_on": "2016-09-20", "reference": "Bratislava Joint Declaration"}
    return {}


def page(name, method, url, expected, case=""):
    """A row whose POST body is the form the page sends (nothing for most)."""
    return Row(name, method, url, expected, data=lambda user, world: _data(name, world), case=case)


def _evaluation_unchanged(world):
    """What a refused request must leave as it was: cycles, progress reports, reports, responses."""
    return (
        list(ReportingCycle.objects.order_by("pk").values_list("pk", "locked_at")),
        list(ProgressReport.objects.order_by("pk").values_list("pk", "state", "version")),
        list(ReportVersion.objects.order_by("pk").values_list("pk", "state")),
        list(ReportRequest.objects.order_by("pk").values_list("pk", "state")),
        list(ReviewResponse.objects.order_by("pk").values_list("pk", "state", "version")),
        list(ActionPlan.objects.values_list("pk", "end_year")),
        MandateProlongation.objects.count(),
        Message.objects.count(),
        list(ReportConclusions.objects.values_list("pk", "version")),
    )


def _party_b_report(world):
    return ProgressReport.objects.filter(pk=world["reports"][1].pk).values("state", "version").get()


def _to_the_current_plan(response, role, world):
    assert response["Location"].startswith("/plans/2012-2016/evaluation/"), response["Location"]


# The addresses without a plan are the current plan's: a GET is redirected there, whoever asks.
CURRENT_PLAN_ADDRESSES = [
    Row(name, "get", url, everyone(302), case="current-plan", then=_to_the_current_plan)
    for name, url in (
        ("evaluation:cycles", "/evaluation/"),
        ("evaluation:setup", "/evaluation/setup/"),
        ("evaluation:mandate", "/evaluation/mandate/"),
        ("evaluation:dashboard", "/evaluation/dashboard/"),
        ("evaluation:dashboard-print", "/evaluation/dashboard/print/"),
        ("evaluation:dashboard-pdf", "/evaluation/dashboard.pdf"),
        ("evaluation:ministers", "/evaluation/ministers/"),
        ("evaluation:review", "/evaluation/reviews/midterm/"),
        ("evaluation:review-compile", "/evaluation/reviews/midterm/compile/"),
        ("evaluation:review-respond", "/evaluation/reviews/midterm/cz/"),
        ("evaluation:cycle", "/evaluation/2013/"),
        ("evaluation:cycle-lock", "/evaluation/2013/lock/"),
        ("evaluation:compile", "/evaluation/2013/compile/"),
        ("evaluation:progress", "/evaluation/2013/cz/"),
        ("evaluation:progress-edit", "/evaluation/2013/cz/edit/"),
        ("evaluation:progress-submit", "/evaluation/2013/cz/submit/"),
        ("evaluation:progress-return", "/evaluation/2013/de/return/"),
        ("evaluation:progress-accept", "/evaluation/2013/de/accept/"),
        ("evaluation:progress-message", "/evaluation/2013/cz/messages/"),
    )
]

# Party A (CZ) has a DRAFT report, Party B (DE) a SUBMITTED one; {pub} is a published report
# version, {draft} an unpublished one, {req} a compile request.
MATRIX = Matrix(
    rows=[
        *CURRENT_PLAN_ADDRESSES,
        # a form of the current plan's address still acts on the current plan
        page("evaluation:setup", "post", "/evaluation/setup/", SECRETARIAT_WRITES, "current-plan"),
        page("evaluation:cycles", "get", "/plans/2012-2016/evaluation/", everyone(200)),
        page("evaluation:cycles", "post", "/plans/2012-2016/evaluation/", NOT_ALLOWED),
        page("evaluation:setup", "post", "/plans/2012-2016/evaluation/setup/", SECRETARIAT_WRITES),
        page("evaluation:setup", "get", "/plans/2012-2016/evaluation/setup/", NOT_ALLOWED),
        page("evaluation:mandate", "get", "/plans/2012-2016/evaluation/mandate/", members(200)),
        page("evaluation:mandate", "post", "/plans/2012-2016/evaluation/mandate/", SECRETARIAT_WRITES),
        page("evaluation:dashboard", "get", "/plans/2012-2016/evaluation/dashboard/", members(200)),
        page(
            "evaluation:dashboard-print", "get", "/plans/2012-2016/evaluation/dashboard/print/", members(200)
        ),
        page("evaluation:dashboard-pdf", "get", "/plans/2012-2016/evaluation/dashboard.pdf", members(200)),
        page("evaluation:ministers", "get", "/plans/2012-2016/evaluation/ministers/", members(200)),
        page("evaluation:ministers", "post", "/plans/2012-2016/evaluation/ministers/", NOT_ALLOWED),
        page("evaluation:report", "get", "/evaluation/reports/{pub}/", everyone(200), "published"),
        page("evaluation:report", "get", "/evaluation/reports/{draft}/", DRAFT_REPORT, "draft"),
        page("evaluation:report-pdf", "get", "/evaluation/reports/{pub}.pdf", everyone(200), "published"),
        page("evaluation:report-pdf", "get", "/evaluation/reports/{draft}.pdf", DRAFT_REPORT, "draft"),
        page("evaluation:report-xlsx", "get", "/evaluation/reports/{pub}.xlsx", everyone(200), "published"),
        page("evaluation:report-xlsx", "get", "/evaluation/reports/{draft}.xlsx", DRAFT_REPORT, "draft"),
        page(
            "evaluation:report-publish",
            "post",
            "/evaluation/reports/{draft}/publish/",
            expect(LOGIN, 404, 404, 404, 404, 302),
        ),
        page("evaluation:report-publish", "get", "/evaluation/reports/{draft}/publish/", NOT_ALLOWED),
        # the conclusions of a draft's report: the secretariat only (a draft is hidden from the others)
        page(
            "evaluation:report-conclusions",
            "post",
            "/evaluation/reports/{draft}/conclusions/",
            expect(LOGIN, 404, 404, 404, 404, 302),
            "draft",
        ),
        # ... and of a published one: everyone reads it, only the secretariat writes
        page(
            "evaluation:report-conclusions",
            "post",
            "/evaluation/reports/{pub}/conclusions/",
            SECRETARIAT_WRITES,
            "published",
        ),
        page("evaluation:report-conclusions", "get", "/evaluation/reports/{draft}/conclusions/", NOT_ALLOWED),
        page(
            "evaluation:request", "get", "/evaluation/compiles/{req}/", expect(LOGIN, 404, 404, 404, 404, 200)
        ),
        page("evaluation:review", "get", "/plans/2012-2016/evaluation/reviews/midterm/", members(200)),
        page(
            "evaluation:review-compile",
            "post",
            "/plans/2012-2016/evaluation/reviews/midterm/compile/",
            SECRETARIAT_WRITES,
        ),
        page(
            "evaluation:review-compile",
            "get",
            "/plans/2012-2016/evaluation/reviews/midterm/compile/",
            NOT_ALLOWED,
        ),
        page(
            "evaluation:review-respond", "get", "/plans/2012-2016/evaluation/reviews/midterm/cz/", OWN_DRAFT
        ),
        page(
            "evaluation:review-respond",
            "post",
            "/plans/2012-2016/evaluation/reviews/midterm/cz/",
            OWN_DRAFT_WRITES,
        ),
        page("evaluation:cycle", "get", "/plans/2012-2016/evaluation/2013/", members(200)),
        page("evaluation:cycle-lock", "post", "/plans/2012-2016/evaluation/2013/lock/", SECRETARIAT_WRITES),
        page("evaluation:cycle-lock", "get", "/plans/2012-2016/evaluation/2013/lock/", NOT_ALLOWED),
        page("evaluation:compile", "post", "/plans/2012-2016/evaluation/2013/compile/", SECRETARIAT_WRITES),
        page("evaluation:compile", "get", "/plans/2012-2016/evaluation/2013/compile/", NOT_ALLOWED),
        page("evaluation:progress", "get", "/plans/2012-2016/evaluation/2013/cz/", OWN_DRAFT, "own-draft"),
        page(
            "evaluation:progress",
            "get",
            "/plans/2012-2016/evaluation/2013/de/",
            members(200),
            "other-submitted",
        ),
        page("evaluation:progress", "post", "/plans/2012-2016/evaluation/2013/cz/", NOT_ALLOWED),
        page(
            "evaluation:progress-edit",
            "get",
            "/plans/2012-2016/evaluation/2013/cz/edit/",
            OWN_DRAFT,
            "own-draft",
        ),
        page(
            "evaluation:progress-edit",
            "post",
            "/plans/2012-2016/evaluation/2013/cz/edit/",
            OWN_DRAFT_WRITES,
            "own-draft",
        ),
        page(
            "evaluation:progress-edit",
            "get",
            "/plans/2012-2016/evaluation/2013/de/edit/",
            members(403),
            "other-submitted",
        ),
        page(
            "evaluation:progress-submit",
            "post",
            "/plans/2012-2016/evaluation/2013/cz/submit/",
            OWN_DRAFT_WRITES,
        ),
        page("evaluation:progress-submit", "get", "/plans/2012-2016/evaluation/2013/cz/submit/", NOT_ALLOWED),
        page(
            "evaluation:progress-return",
            "post",
            "/plans/2012-2016/evaluation/2013/de/return/",
            SECRETARIAT_WRITES,
            "other-submitted",
        ),
        page(
            "evaluation:progress-return",
            "post",
            "/plans/2012-2016/evaluation/2013/cz/return/",
            expect(LOGIN, 404, 404, 403, 404, 302),
            "own-draft",
        ),
        page("evaluation:progress-return", "get", "/plans/2012-2016/evaluation/2013/de/return/", NOT_ALLOWED),
        page(
            "evaluation:progress-accept",
            "post",
            "/plans/2012-2016/evaluation/2013/de/accept/",
            SECRETARIAT_WRITES,
        ),
        page("evaluation:progress-accept", "get", "/plans/2012-2016/evaluation/2013/de/accept/", NOT_ALLOWED),
        # a report's conversation: its Party's contact points and the secretariat
        page(
            "evaluation:progress-message",
            "post",
            "/plans/2012-2016/evaluation/2013/cz/messages/",
            OWN_DRAFT_WRITES,
            "own-draft",
        ),
        page(
            "evaluation:progress-message",
            "post",
            "/plans/2012-2016/evaluation/2013/de/messages/",
            expect(LOGIN, 403, 403, 403, 302, 302),
            "other-submitted",
        ),
        page(
            "evaluation:progress-message", "get", "/plans/2012-2016/evaluation/2013/de/messages/", NOT_ALLOWED
        ),
    ],
    refused_keeps=_evaluation_unchanged,
    denials_logged=True,
    # Party B's submitted report is untouched by everyone who may not write it.
    keeps=_party_b_report,
    keepers=("anonymous", "reader", "coregroup", "ncp_a"),
)


@pytest.fixture
def world(plan, party_a, party_b, secretariat):
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.1"))
    som_on(dt.date(2013, 6, 15), title="SOM 2013")
    cycle = ReportingCycleFactory(plan=plan, year=2013)
    a = ProgressReportFactory(cycle=cycle, party=party_a, state="draft")
    b = ProgressReportFactory(cycle=cycle, party=party_b, state="submitted")
    Review.objects.create(
        plan=plan,
        kind="midterm",
        start_year=2012,
        end_year=2014,
        opens_on=dt.date(2014, 6, 1),
        deadline=dt.date(2014, 9, 30),
        closes_on=OPEN_UNTIL,  # kept open for answers by the secretariat
    )
    common = {
        "plan": plan,
        "kind": "yearly",
        "year": 2013,
        "start_year": 2013,
        "title": "Monitoring report 2013",
        "data": {},
        "html": "<p>figures</p>",
    }
    pub = ReportVersion.objects.create(number=1, state="published", pdf=b"%PDF-1.7", xlsx=b"PK", **common)
    draft = ReportVersion.objects.create(number=2, pdf=b"%PDF-1.7", xlsx=b"PK", **common)
    req = ReportRequest.objects.create(
        plan=plan, kind="yearly", year=2013, start_year=2013, state="done", progress=100
    )
    return {"pub": pub.pk, "draft": draft.pk, "req": req.pk, "reports": (a, b)}


@MATRIX.parametrize
def test_authz_matrix(row, role, world, cast, client_for):
    MATRIX.check(row, role, world, cast, client_for)


def test_matrix_covers_every_url_pattern():
    resolver = get_resolver()
    patterns = resolver.namespace_dict["evaluation"][1].url_patterns
    names = _url_names(patterns, "evaluation:")  # the plan's pages and the reports sit in includes
    assert names == MATRIX.names()


def test_contact_point_posting_another_partys_code_changes_nothing(world, ncp_a, party_b, client_for):
    """mass_assignment: a contact point cannot write Party B's report by naming it in the URL."""
    b = world["reports"][1]
    response = client_for(ncp_a).post(
        f"/plans/2012-2016/evaluation/2013/{party_b.code.lower()}/edit/",
        _data("evaluation:progress-edit", world),
    )
    assert response.status_code == 403
    b.refresh_from_db()
    assert b.state == "submitted" and b.version == 1 and not b.entries.exists()
