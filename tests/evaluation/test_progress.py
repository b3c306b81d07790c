"""A Party's progress report: edit with a version, submit, return, accept, lock; deadline from the SOM."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.models import ProgressReport
from tests.factories import ParticipationFactory, ReportingCycleFactory, action, som_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(plan, party_a, party_b):
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_a, action=action("II.2"))
    return ReportingCycleFactory(plan=plan, year=2013)


def _form(version=1, status="in_progress", achieved="Trained 40 officers"):
    i1, ii2 = action("I.1").pk, action("II.2").pk
    return {
        "version": version,
        f"status_{i1}": status,
        f"achieved_{i1}": achieved,
        f"difficulties_{i1}": "",
        f"next_steps_{i1}": "More trainings",
        f"status_{ii2}": "not_started",
    }


def test_contact_point_writes_submits_and_the_secretariat_returns_then_accepts(
    cycle, ncp_a, secretariat, client_for
):
    som_on(dt.date(2013, 6, 15))
    ncp = client_for(ncp_a)
    page = ncp.get("/plans/2012-2016/evaluation/2013/cz/edit/")
    assert page.status_code == 200 and b"Action I.1: status" in page.content
    assert ncp.post("/plans/2012-2016/evaluation/2013/cz/edit/", _form()).status_code == 302
    report = ProgressReport.objects.get()
    assert report.state == "draft" and report.version == 2
    assert report.entries.get(action=action("I.1")).achieved == "Trained 40 officers"
    assert ncp.post("/plans/2012-2016/evaluation/2013/cz/submit/", {"version": 2}).status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.submitted_by == ncp_a
    assert ncp.get("/plans/2012-2016/evaluation/2013/cz/edit/").status_code == 403  # submitted: no more edits

    sec = client_for(secretariat)
    sec.post(
        "/plans/2012-2016/evaluation/2013/cz/return/",
        {"version": report.version, "comment": "Add the numbers for II.2"},
    )
    report.refresh_from_db()
    assert report.state == "returned" and report.review_comment == "Add the numbers for II.2"
    assert b"Add the numbers for II.2" in ncp.get("/plans/2012-2016/evaluation/2013/cz/").content
    assert (
        ncp.post("/plans/2012-2016/evaluation/2013/cz/edit/", _form(version=report.version)).status_code
        == 302
    )
    report.refresh_from_db()
    ncp.post("/plans/2012-2016/evaluation/2013/cz/submit/", {"version": report.version})
    report.refresh_from_db()
    sec.post("/plans/2012-2016/evaluation/2013/cz/accept/", {"version": report.version})
    report.refresh_from_db()
    assert report.state == "accepted"
    states = [h.state for h in report.history.order_by("history_date")]
    assert states[-1] == "accepted" and "returned" in states and "submitted" in states


def test_return_without_a_comment_is_refused(cycle, party_a, secretariat, client_for):
    report = ProgressReport.objects.create(cycle=cycle, party=party_a, state="submitted")
    response = client_for(secretariat).post(
        "/plans/2012-2016/evaluation/2013/cz/return/", {"comment": " "}, follow=True
    )
    assert b"Say what the Party should change." in response.content
    report.refresh_from_db()
    assert report.state == "submitted"


def test_lost_update_a_stale_save_shows_a_conflict_and_overwrites_nothing(
    cycle, ncp_a, secretariat, client_for
):
    ncp = client_for(ncp_a)
    ncp.post("/plans/2012-2016/evaluation/2013/cz/edit/", _form(achieved="First text"))  # version 1 -> 2
    client_for(secretariat).post(
        "/plans/2012-2016/evaluation/2013/cz/edit/", _form(version=2, achieved="Secretariat's text")
    )
    stale = ncp.post("/plans/2012-2016/evaluation/2013/cz/edit/", _form(version=2, achieved="Stale text"))
    assert stale.status_code == 409
    assert b"Changed by" in stale.content and b"Your changes are not saved" in stale.content
    assert b"Stale text" in stale.content  # the user's text is kept in the form
    entry = ProgressReport.objects.get().entries.get(action=action("I.1"))
    assert entry.achieved == "Secretariat's text"


def test_bad_input_gets_a_message_next_to_the_field_never_a_500(cycle, ncp_a, client_for):
    data = _form()
    data[f"status_{action('I.1').pk}"] = "finished-ish"
    data["version"] = "abc"
    response = client_for(ncp_a).post("/plans/2012-2016/evaluation/2013/cz/edit/", data)
    assert response.status_code == 400
    assert b"field-error" in response.content
    assert not ProgressReport.objects.exists()


def test_submitting_twice_changes_nothing_twice(cycle, ncp_a, client_for):
    ncp = client_for(ncp_a)
    ncp.post("/plans/2012-2016/evaluation/2013/cz/edit/", _form())
    ncp.post("/plans/2012-2016/evaluation/2013/cz/submit/", {"version": 2})
    report = ProgressReport.objects.get()
    first = (report.state, report.version, report.submitted_at)
    response = ncp.post("/plans/2012-2016/evaluation/2013/cz/submit/", {"version": 2}, follow=True)
    assert b"is Submitted: that step is not possible" in response.content
    report.refresh_from_db()
    assert (report.state, report.version, report.submitted_at) == first


def test_the_year_locks_only_after_its_som_and_then_nothing_changes(cycle, ncp_a, secretariat, client_for):
    sec = client_for(secretariat)
    som_on(dt.date(2013, 6, 15))  # the SOM of 2013 has taken place
    client_for(ncp_a).post("/plans/2012-2016/evaluation/2013/cz/edit/", _form())
    sec.post("/plans/2012-2016/evaluation/2013/lock/")
    cycle.refresh_from_db()
    assert cycle.is_locked and cycle.locked_by == secretariat
    assert (
        client_for(ncp_a).post("/plans/2012-2016/evaluation/2013/cz/edit/", _form(version=2)).status_code
        == 403
    )
    assert sec.get("/plans/2012-2016/evaluation/2013/cz/edit/").status_code == 403


def test_the_year_cannot_be_locked_before_its_som(cycle, secretariat, client_for):
    response = client_for(secretariat).post(
        "/plans/2012-2016/evaluation/2013/lock/", follow=True
    )  # no SOM in 2013 yet
    assert b"only after its Senior Officials" in response.content
    cycle.refresh_from_db()
    assert not cycle.is_locked


def test_deadline_is_weeks_before_the_som_and_moves_with_it(cycle, secretariat, client_for):
    sec = client_for(secretariat)
    page = sec.get("/plans/2012-2016/evaluation/2013/")
    assert b"Meeting is scheduled for this year, so the deadline is not set yet" in page.content
    som = som_on(dt.date(2013, 6, 15))
    assert b"4 May 2013" in sec.get("/plans/2012-2016/evaluation/2013/").content  # 6 weeks before 15 June
    som.starts_at += dt.timedelta(days=14)
    som.ends_at += dt.timedelta(days=14)
    som.save()
    assert b"18 May 2013" in sec.get("/plans/2012-2016/evaluation/2013/").content


def test_the_year_page_shows_who_submitted_who_is_late_and_who_has_nothing(
    cycle, party_a, party_b, reader, client_for
):
    som_on(dt.date(2013, 6, 15))
    ParticipationFactory(party=party_b, action=action("I.1"))
    ProgressReport.objects.create(cycle=cycle, party=party_a, state="submitted")
    from evaluation.selectors import cycle_get, cycle_party_status

    rows = {r.party.code: r.category for r in cycle_party_status(cycle_get(2013))}
    assert rows["CZ"] == "submitted" and rows["DE"] == "late" and rows["AT"] == "nothing"
    page = client_for(reader).get("/plans/2012-2016/evaluation/2013/")
    assert page.status_code == 200 and b"Late" in page.content and b"Nothing to report" in page.content


def test_the_report_lists_the_partys_activities_of_the_year_beside_it(cycle, party_a, ncp_a, client_for):
    from tests.factories import ActivityFactory

    ActivityFactory(party=party_a, title="Border guard training 2013", start_date=dt.date(2013, 2, 1))
    ActivityFactory(
        party=party_a, title="Old study", start_date=dt.date(2011, 2, 1), end_date=dt.date(2011, 3, 1)
    )
    ActivityFactory(party=party_a, title="Draft idea", state="draft", start_date=dt.date(2013, 2, 1))
    page = client_for(ncp_a).get("/plans/2012-2016/evaluation/2013/cz/edit/").content
    assert b"Border guard training 2013" in page
    assert b"Old study" not in page and b"Draft idea" not in page


def test_party_page_lists_its_progress_reports_to_members(cycle, party_a, reader, ncp_a, client_for):
    ProgressReport.objects.create(cycle=cycle, party=party_a, state="draft")
    assert b"Progress reports" in client_for(ncp_a).get("/parties/cz/").content
    assert b"Progress reports" not in client_for(reader).get("/parties/cz/").content  # a draft
    assert b"Progress reports" not in client_for(None).get("/parties/cz/").content


def test_the_secretariat_opens_every_cycle_and_both_reviews_once(plan, secretariat, client_for):
    from evaluation.models import ReportingCycle, Review

    client = client_for(secretariat)
    client.post("/plans/2012-2016/evaluation/setup/")
    client.post("/plans/2012-2016/evaluation/setup/")
    assert list(ReportingCycle.objects.values_list("year", flat=True)) == [2012, 2013, 2014, 2015, 2016]
    assert sorted(Review.objects.values_list("kind", "start_year", "end_year")) == [
        ("final", 2012, 2016),
        ("midterm", 2012, 2014),
    ]


def test_a_contact_point_cannot_write_before_the_cycle_opens(plan, party_a, ncp_a, client_for):
    ParticipationFactory(party=party_a, action=action("I.1"))
    ReportingCycleFactory(plan=plan, year=2016, opens_on=dt.date(2099, 1, 1))
    assert client_for(ncp_a).get("/plans/2012-2016/evaluation/2016/cz/edit/").status_code == 403


def test_an_edit_in_the_admin_makes_an_open_progress_form_stale(
    cycle, ncp_a, secretariat, client_for, admin_form_data
):
    import re

    ncp = client_for(ncp_a)
    ncp.post("/plans/2012-2016/evaluation/2013/cz/edit/", _form(achieved="First text"))  # version 1 -> 2
    report = ProgressReport.objects.get()
    opened = ncp.get("/plans/2012-2016/evaluation/2013/cz/edit/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', opened).group(1)
    assert version == str(report.version)

    sec = client_for(secretariat)
    url = f"/admin/evaluation/progressreport/{report.pk}/change/"
    data = admin_form_data(sec.get(url))
    data["review_comment"] = "Checked in the administration"
    saved = sec.post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    report.refresh_from_db()
    assert report.review_comment == "Checked in the administration" and report.version == int(version) + 1

    stale = ncp.post(
        "/plans/2012-2016/evaluation/2013/cz/edit/",
        _form(version=version, achieved="Text from the open form"),
    )
    assert stale.status_code == 409
    assert b"Text from the open form" in stale.content  # the person's input is kept
    assert b'id="conflict"' in stale.content and b"First text" in stale.content  # beside the saved text
    report.refresh_from_db()
    assert report.review_comment == "Checked in the administration"
    assert report.entries.get(action=action("I.1")).achieved == "First text"
