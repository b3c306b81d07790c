"""The evaluation journey in a real browser: a contact point submits, the secretariat compiles
(watching the progress bar) and publishes, a visitor reads the report, a reader opens the dashboard."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in


def _world(plan):
    from evaluation.models import ReportingCycle
    from parties.models import Party
    from tests.factories import ActivityFactory, FinancingLineFactory, ParticipationFactory, action, som_on

    cz, de = Party.objects.get(code="CZ"), Party.objects.get(code="DE")
    ParticipationFactory(party=cz, action=action("I.1"), role="lead")
    ParticipationFactory(party=cz, action=action("IV.2"))
    ParticipationFactory(party=de, action=action("I.1"))
    a = ActivityFactory(
        party=cz,
        actions=[action("I.1")],
        title="Training of border guards in Brno",
        start_date=dt.date(2013, 3, 4),
    )
    FinancingLineFactory(activity=a)
    som_on(dt.date(2013, 6, 15), title="Senior Officials' Meeting 2013")
    ReportingCycle.objects.create(plan=plan, year=2013, opens_on=dt.date(2013, 1, 15))


def test_ncp_submits_secretariat_compiles_and_publishes_visitor_reads_reader_sees_dashboard(
    page, browser, live_server, e2e_plan, monkeypatch
):
    from evaluation.models import ReportRequest
    from evaluation.services import report_request_run

    monkeypatch.setattr("evaluation.services._enqueue", lambda pk: None)  # the test plays the worker
    _world(e2e_plan)

    # the contact point of Czechia writes and submits the 2013 report
    sign_in(page, "ncp-cz")
    page.goto("/plans/2012-2016/evaluation/2013/cz/")
    assert page.get_by_role("heading", level=1).inner_text() == "Progress report of Czech Republic, 2013"
    i1 = page.locator("article", has=page.get_by_role("heading", name=re.compile("Action I.1")))
    assert "Training of border guards in Brno" in i1.inner_text()  # the year's activities beside the action
    page.get_by_role("link", name="Write the report").click()
    page.get_by_label("Action I.1: status").select_option("in_progress")
    page.get_by_label("Action I.1: what was achieved").fill("Two trainings for 40 border guards.")
    page.get_by_label("Action IV.2: status").select_option("not_started")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url("**/evaluation/2013/cz/")
    assert "Progress report saved." in page.inner_text("main")
    page.get_by_role("button", name="Submit to the secretariat").click()
    assert "submitted to the secretariat" in page.inner_text("main")
    page.get_by_role("button", name="Sign out").click()

    # the secretariat compiles the 2013 report and watches the progress bar
    sign_in(page, "secretariat")
    page.goto("/plans/2012-2016/evaluation/2013/")
    assert "Submitted" in page.get_by_role("row", name=re.compile("Czech Republic")).inner_text()
    page.get_by_role("button", name="Compile the 2013 report").click()
    page.wait_for_url(re.compile(r"/evaluation/compiles/\d+/$"))
    bar = page.locator("progress#compile-progress")
    assert bar.get_attribute("value") == "0"
    req = ReportRequest.objects.get()
    ReportRequest.objects.filter(pk=req.pk).update(state="running", progress=40, step="activities")
    expect(page.locator("progress#compile-progress")).to_have_attribute(
        "value", "40", timeout=10_000
    )  # reloaded
    ReportRequest.objects.filter(pk=req.pk).update(
        state="pending"
    )  # as if the worker died and it was handed back
    report_request_run(request_pk=req.pk)
    page.get_by_role("link", name="Open version 1").click(timeout=10_000)  # the page refreshed itself
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Prague Process Action Plan 2012-2016: monitoring report 2013"
    )
    assert "Two trainings for 40 border guards." in page.inner_text("main")
    page.get_by_role("button", name="Publish this version").click()
    assert "Published" in page.inner_text("main")
    report_url = page.url

    # an anonymous visitor opens the published report and its PDF
    visitor = browser.new_context(base_url=live_server.url)
    anon = visitor.new_page()
    anon.goto(report_url)
    assert (
        anon.get_by_role("heading", level=1).inner_text()
        == "Prague Process Action Plan 2012-2016: monitoring report 2013"
    )
    pdf = anon.request.get(report_url.rstrip("/") + ".pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    visitor.close()

    # a reader opens the dashboard
    reading = browser.new_context(base_url=live_server.url)
    rp = reading.new_page()
    sign_in(rp, "reader")
    rp.goto("/plans/2012-2016/evaluation/dashboard/")
    assert rp.get_by_role("heading", level=1).inner_text() == "The Action Plan at a glance"
    assert rp.locator("figure svg[role=img]").count() >= 4
    rp.get_by_label("From year").select_option("2013")
    rp.get_by_label("To year").select_option("2013")
    rp.get_by_role("button", name="Show").click()
    assert "Period 2013–2013" in rp.inner_text("main")
    reading.close()
