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

from evaluation.models import ProgressReport, ReportRequest, ReportVersion, Review
from tests.factories import ParticipationFactory, ProgressReportFactory, ReportingCycleFactory, action, som_on

pytestmark = pytest.mark.django_db
OPEN_UNTIL = dt.date.today() + dt.timedelta(days=365)  # the questionnaires these tests answer are open

ROLES = ["ncp_a", "ncp_b", "secretariat", "reader", "coregroup", "anonymous"]
LOGIN = 302


def row(sec, own, other, reader, anon=LOGIN, core=None):
    """Expected statuses: secretariat, ncp_a (own Party A), ncp_b (the other Party), reader, anonymous."""
    core = reader if core is None else core
    return {
        "secretariat": sec,
        "ncp_a": own,
        "ncp_b": other,
        "reader": reader,
        "coregroup": core,
        "anonymous": anon,
    }


# (case, url name, method, kwargs key, data, expected per role). Party A (CZ) has a DRAFT report,
# Party B (DE) a SUBMITTED one; "pub" is a published version, "draft" an unpublished one.
MATRIX = [
    ("cycles", "cycles", "get", {}, row(200, 200, 200, 200, anon=200)),
    ("cycles-post", "cycles", "post", {}, row(405, 405, 405, 405, anon=405)),
    ("setup", "setup", "post", {}, row(302, 403, 403, 403)),
    ("setup-get", "setup", "get", {}, row(405, 405, 405, 405, anon=405)),
    ("dashboard", "dashboard", "get", {}, row(200, 200, 200, 200)),
    ("dashboard-print", "dashboard-print", "get", {}, row(200, 200, 200, 200)),
    ("dashboard-pdf", "dashboard-pdf", "get", {}, row(200, 200, 200, 200)),
    ("report-published", "report", "get", {"pk": "pub"}, row(200, 200, 200, 200, anon=200)),
    ("report-draft", "report", "get", {"pk": "draft"}, row(200, 404, 404, 404, anon=404)),
    ("report-pdf-published", "report-pdf", "get", {"pk": "pub"}, row(200, 200, 200, 200, anon=200)),
    ("report-pdf-draft", "report-pdf", "get", {"pk": "draft"}, row(200, 404, 404, 404, anon=404)),
    ("report-xlsx-published", "report-xlsx", "get", {"pk": "pub"}, row(200, 200, 200, 200, anon=200)),
    ("report-xlsx-draft", "report-xlsx", "get", {"pk": "draft"}, row(200, 404, 404, 404, anon=404)),
    ("report-publish", "report-publish", "post", {"pk": "draft"}, row(302, 404, 404, 404)),
    ("report-publish-get", "report-publish", "get", {"pk": "draft"}, row(405, 405, 405, 405, anon=405)),
    ("request", "request", "get", {"pk": "req"}, row(200, 404, 404, 404)),
    ("review", "review", "get", {"kind": "midterm"}, row(200, 200, 200, 200)),
    ("review-compile", "review-compile", "post", {"kind": "midterm"}, row(302, 403, 403, 403)),
    ("review-compile-get", "review-compile", "get", {"kind": "midterm"}, row(405, 405, 405, 405, anon=405)),
    (
        "review-respond-own",
        "review-respond",
        "get",
        {"kind": "midterm", "code": "cz"},
        row(200, 200, 404, 404),
    ),
    (
        "review-respond-post",
        "review-respond",
        "post",
        {"kind": "midterm", "code": "cz"},
        row(302, 302, 404, 404),
    ),
    ("cycle", "cycle", "get", {"year": 2013}, row(200, 200, 200, 200)),
    ("cycle-lock", "cycle-lock", "post", {"year": 2013}, row(302, 403, 403, 403)),
    ("cycle-lock-get", "cycle-lock", "get", {"year": 2013}, row(405, 405, 405, 405, anon=405)),
    ("compile", "compile", "post", {"year": 2013}, row(302, 403, 403, 403)),
    ("compile-get", "compile", "get", {"year": 2013}, row(405, 405, 405, 405, anon=405)),
    ("progress-draft", "progress", "get", {"year": 2013, "code": "cz"}, row(200, 200, 404, 404)),
    ("progress-submitted", "progress", "get", {"year": 2013, "code": "de"}, row(200, 200, 200, 200)),
    ("progress-post", "progress", "post", {"year": 2013, "code": "cz"}, row(405, 405, 405, 405, anon=405)),
    ("edit-draft", "progress-edit", "get", {"year": 2013, "code": "cz"}, row(200, 200, 404, 404)),
    ("edit-draft-post", "progress-edit", "post", {"year": 2013, "code": "cz"}, row(302, 302, 404, 404)),
    ("edit-submitted", "progress-edit", "get", {"year": 2013, "code": "de"}, row(403, 403, 403, 403)),
    ("submit", "progress-submit", "post", {"year": 2013, "code": "cz"}, row(302, 302, 404, 404)),
    ("submit-get", "progress-submit", "get", {"year": 2013, "code": "cz"}, row(405, 405, 405, 405, anon=405)),
    ("return", "progress-return", "post", {"year": 2013, "code": "de"}, row(302, 403, 403, 403)),
    ("return-draft", "progress-return", "post", {"year": 2013, "code": "cz"}, row(302, 403, 404, 404)),
    ("return-get", "progress-return", "get", {"year": 2013, "code": "de"}, row(405, 405, 405, 405, anon=405)),
    ("accept", "progress-accept", "post", {"year": 2013, "code": "de"}, row(302, 403, 403, 403)),
    ("accept-get", "progress-accept", "get", {"year": 2013, "code": "de"}, row(405, 405, 405, 405, anon=405)),
]


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
        "kind": "yearly",
        "year": 2013,
        "start_year": 2013,
        "title": "Monitoring report 2013",
        "data": {},
        "html": "<p>figures</p>",
    }
    pub = ReportVersion.objects.create(number=1, state="published", pdf=b"%PDF-1.7", xlsx=b"PK", **common)
    draft = ReportVersion.objects.create(number=2, pdf=b"%PDF-1.7", xlsx=b"PK", **common)
    req = ReportRequest.objects.create(kind="yearly", year=2013, start_year=2013, state="done", progress=100)
    return {"pub": pub.pk, "draft": draft.pk, "req": req.pk, "reports": (a, b)}


def _data(name: str, world) -> dict:
    if name == "progress-edit":
        return {
            "version": 1,
            f"status_{action('I.1').pk}": "in_progress",
            f"achieved_{action('I.1').pk}": "x",
        }
    if name == "progress-submit":
        return {"version": 1}
    if name == "progress-return":
        return {"comment": "Please add the figures."}
    if name == "review-respond":
        return {"version": 1, "relevance_score": "4"}
    return {}


CASES = [
    (case, name, method, kwargs, role, expected[role])
    for case, name, method, kwargs, expected in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(
    ("case", "name", "method", "kwargs", "role", "expected"), CASES, ids=[f"{c[0]}-{c[4]}" for c in CASES]
)
def test_authz_matrix(case, name, method, kwargs, role, expected, cast, client_for, world):
    from django.urls import reverse

    kwargs = {k: world.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    url = reverse(f"evaluation:{name}", kwargs=kwargs)
    client = client_for(cast[role])
    before_b = ProgressReport.objects.filter(pk=world["reports"][1].pk).values("state", "version").get()
    response = getattr(client, method)(url, _data(name, world))
    assert response.status_code == expected, (case, role, response.status_code)
    if expected == LOGIN and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if role in ("ncp_a", "reader", "coregroup", "anonymous"):  # Party B's submitted report is untouched
        assert (
            ProgressReport.objects.filter(pk=world["reports"][1].pk).values("state", "version").get()
            == before_b
        )


def test_matrix_covers_every_url_pattern():
    resolver = get_resolver()
    patterns = resolver.namespace_dict["evaluation"][1].url_patterns
    names = {p.name for p in patterns}
    assert names == {name for _case, name, *_rest in MATRIX}


def test_contact_point_posting_another_partys_code_changes_nothing(world, ncp_a, party_b, client_for):
    """mass_assignment: a contact point cannot write Party B's report by naming it in the URL."""
    b = world["reports"][1]
    response = client_for(ncp_a).post(
        f"/evaluation/2013/{party_b.code.lower()}/edit/", _data("progress-edit", world)
    )
    assert response.status_code == 403
    b.refresh_from_db()
    assert b.state == "submitted" and b.version == 1 and not b.entries.exists()
