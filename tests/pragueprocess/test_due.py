"""What is due: each role's next steps on the page it lands on after signing in, each line linking to
where the step is done, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation.models import ReportRequest, ReportVersion, Review, ReviewResponse
from meetings.models import Decision, Invitation, Meeting, Minutes
from parties.models import Invitation as AccountInvitation
from parties.models import Notification, Party
from pragueprocess.due import due_for
from tests.factories import (
    DecisionFactory,
    InvitationFactory,
    MeetingFactory,
    ParticipationFactory,
    ProgressReportFactory,
    ReportingCycleFactory,
    action,
    som_on,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2014, 3, 10, 12, 0, tzinfo=UTC)  # the 2014 cycle open, its SOM in October


def kinds(lines):
    return [d.kind for d in lines]


@pytest.fixture
def year2014(plan, party_a, party_b):
    """The 2014 cycle (opens 15 January), its SOM on 28 October 2014 (deadline 16 September), both
    Parties taking part in I.1."""
    ParticipationFactory(party=party_a, action=action("I.1"))
    ParticipationFactory(party=party_b, action=action("I.1"))
    cycle = ReportingCycleFactory(year=2014)
    som_on(dt.date(2014, 10, 28), title="Senior Officials' Meeting in Berlin")
    return cycle


def test_a_contact_point_sees_the_years_report_with_its_deadline_and_reaches_the_form(
    year2014, ncp_a, client_for
):
    lines = due_for(ncp_a, now=NOW)
    progress = [d for d in lines if d.kind == "progress"]
    assert len(progress) == 1
    assert progress[0].when == dt.date(2014, 9, 16) and not progress[0].late
    assert progress[0].url == "/plans/2012-2016/evaluation/2014/cz/edit/"
    # the link opens the form in one click
    assert client_for(ncp_a).get(progress[0].url).status_code == 200


def test_a_report_sent_is_no_longer_due_and_a_late_one_says_so(year2014, ncp_a, party_a):
    late = due_for(ncp_a, now=dt.datetime(2014, 9, 20, tzinfo=UTC))
    assert [d.late for d in late if d.kind == "progress"] == [True]
    ProgressReportFactory(cycle=year2014, party=party_a, state="submitted")
    assert "progress" not in kinds(due_for(ncp_a, now=NOW))


def test_a_returned_report_comes_back(year2014, ncp_a, party_a):
    ProgressReportFactory(cycle=year2014, party=party_a, state="returned")
    (line,) = [d for d in due_for(ncp_a, now=NOW) if d.kind == "progress"]
    assert line.extra["returned"] is True


def test_a_party_taking_part_in_nothing_has_no_report_due(plan, ncp_a):
    ReportingCycleFactory(year=2014)
    assert "progress" not in kinds(due_for(ncp_a, now=NOW))


def test_open_registrations_of_its_own_party_only(plan, ncp_a, party_a, party_b):
    soon = MeetingFactory(
        starts_at=NOW + dt.timedelta(days=40), registration_deadline=NOW + dt.timedelta(days=20)
    )
    closed = MeetingFactory(
        starts_at=NOW + dt.timedelta(days=40), registration_deadline=NOW - dt.timedelta(days=1)
    )
    answered = MeetingFactory(starts_at=NOW + dt.timedelta(days=50))
    others = MeetingFactory(starts_at=NOW + dt.timedelta(days=60))
    InvitationFactory(meeting=soon, party=party_a)
    InvitationFactory(meeting=closed, party=party_a)
    InvitationFactory(meeting=answered, party=party_a, answer=Invitation.Answer.DECLINED)
    InvitationFactory(meeting=others, party=party_b)
    lines = [d for d in due_for(ncp_a, now=NOW) if d.kind == "registration"]
    assert [d.obj for d in lines] == [soon]
    assert lines[0].url == f"/meetings/{soon.pk}/register/cz/"
    assert lines[0].when == soon.registration_deadline


def test_an_open_questionnaire_until_it_is_submitted(plan, ncp_a, party_a):
    review = Review.objects.create(
        plan=plan,
        kind=Review.Kind.MIDTERM,
        start_year=2012,
        end_year=2014,
        opens_on=dt.date(2014, 3, 1),
        deadline=dt.date(2014, 4, 30),
    )
    (line,) = [d for d in due_for(ncp_a, now=NOW) if d.kind == "questionnaire"]
    assert line.url == "/plans/2012-2016/evaluation/reviews/midterm/cz/"
    ReviewResponse.objects.create(review=review, party=party_a, state=ReviewResponse.State.SUBMITTED)
    assert "questionnaire" not in kinds(due_for(ncp_a, now=NOW))


def test_decisions_its_party_owns_while_they_are_open(plan, ncp_a, party_a, party_b):
    mine = DecisionFactory(owner_parties=[party_a, party_b], due_on=dt.date(2014, 3, 1))
    DecisionFactory(owner_parties=[party_b])
    DecisionFactory(owner_parties=[party_a], status=Decision.Status.DONE)
    DecisionFactory(owner_secretariat=True)
    lines = [d for d in due_for(ncp_a, now=NOW) if d.kind == "decision"]
    assert [d.obj for d in lines] == [mine]
    assert lines[0].late  # due on 1 March, it is 10 March
    assert lines[0].url == f"/meetings/{mine.meeting_id}/decisions/{mine.pk}/"
    assert lines[0].extra == {"owner": "party"}


def test_the_secretariat_and_the_core_group_see_the_decisions_they_own(
    plan, secretariat, coregroup, reader, party_a
):
    ours = DecisionFactory(owner_secretariat=True, due_on=dt.date(2014, 4, 1))
    core = DecisionFactory(owner_core_group=True, owner_parties=[party_a])
    DecisionFactory(owner_secretariat=True, status=Decision.Status.DROPPED)
    lines = [d for d in due_for(secretariat, now=NOW) if d.kind == "decision"]
    assert [(d.obj, d.extra["owner"], d.late) for d in lines] == [(ours, "secretariat", False)]
    lines = [d for d in due_for(coregroup, now=NOW) if d.kind == "decision"]
    assert [(d.obj, d.extra["owner"]) for d in lines] == [(core, "core_group")]
    assert not [d for d in due_for(reader, now=NOW) if d.kind == "decision"]


def test_details_to_confirm_until_confirmed(plan, ncp_a, client_for):
    assert "confirm_details" in kinds(due_for(ncp_a, now=NOW))
    page = client_for(ncp_a).get("/parties/cz/").content.decode()
    assert "Confirm your contact details for this year." in page
    assert 'href="/parties/my-details/"' in page


def test_the_secretariat_sees_late_parties_meetings_without_minutes_closing_registrations(
    year2014, secretariat, party_a
):
    now = dt.datetime(2014, 9, 20, tzinfo=UTC)  # after the 16 September deadline
    ProgressReportFactory(cycle=year2014, party=party_a, state="submitted")
    held = MeetingFactory(
        kind=Meeting.Kind.EXPERT, starts_at=now - dt.timedelta(days=10), status=Meeting.Status.HELD
    )
    written = MeetingFactory(starts_at=now - dt.timedelta(days=20))
    Minutes.objects.create(meeting=written, text_en="Minutes written.")  # a draft: written
    closing = MeetingFactory(
        starts_at=now + dt.timedelta(days=30), registration_deadline=now + dt.timedelta(days=5)
    )
    InvitationFactory(meeting=closing, party=party_a)
    lines = due_for(secretariat, now=now)
    (late,) = [d for d in lines if d.kind == "late_parties"]
    assert late.count == 1 and late.url == "/plans/2012-2016/evaluation/2014/"  # Germany; Czechia sent
    assert [d.obj for d in lines if d.kind == "minutes"] == [held]
    (reg,) = [d for d in lines if d.kind == "registration_closing"]
    assert reg.obj == closing and reg.count == 1


def test_the_secretariat_sees_compiles_invitations_and_failed_mail(plan, secretariat, party_a):
    now = timezone.now()
    running = ReportRequest.objects.create(plan=plan, year=2014, start_year=2014, state="running")
    failed = ReportRequest.objects.create(
        plan=plan, year=2013, start_year=2013, state="failed", finished_at=now, error="boom"
    )
    AccountInvitation.objects.create(
        email="new@example.org",
        party=party_a,
        token_hash="x" * 64,
        expires_at=now + dt.timedelta(days=3),
        invited_by=secretariat,
    )
    Notification.objects.create(
        key="k1",
        kind="meeting.reminder",
        to_email="a@example.org",
        subject="s",
        body="b",
        status="failed",
        due_at=now,
    )
    lines = due_for(secretariat, now=now)
    assert [d.obj for d in lines if d.kind == "compile_running"] == [running]
    assert [d.obj for d in lines if d.kind == "compile_failed"] == [failed]
    (inv,) = [d for d in lines if d.kind == "invitations"]
    assert inv.count == 1 and inv.url == "/parties/contact-points/invite/"
    (mail,) = [d for d in lines if d.kind == "failed_mail"]
    assert mail.count == 1 and mail.url == "/meetings/reminders/?status=failed"


def test_a_reader_sees_the_next_som_and_the_latest_published_report(plan, reader, client_for):
    now = timezone.now()
    som = MeetingFactory(title="Senior Officials' Meeting in Budapest", starts_at=now + dt.timedelta(days=30))
    MeetingFactory(kind=Meeting.Kind.EXPERT, starts_at=now + dt.timedelta(days=5))
    common = {"plan": plan, "year": 2014, "start_year": 2014, "number": 1, "data": {}, "html": "", "pdf": b""}
    en = ReportVersion.objects.create(
        **common, xlsx=b"", title="Monitoring report 2014", state="published", published_at=now
    )
    ru = ReportVersion.objects.create(
        **common,
        xlsx=b"",
        language="ru",
        title="Доклад о мониторинге за 2014 год",
        state="published",
        published_at=now,
    )
    lines = due_for(reader, now=now)
    assert [(d.kind, d.obj) for d in lines] == [("next_som", som), ("latest_report", en)]
    page = client_for(reader).get("/").content.decode()
    assert "Next Senior Officials' Meeting: Senior Officials&#x27; Meeting in Budapest" in page
    assert f'href="/evaluation/reports/{en.pk}/"' in page
    russian = client_for(reader)
    assert russian.post("/i18n/setlang/", {"language": "ru", "next": "/"}).status_code == 302
    assert f'href="/evaluation/reports/{ru.pk}/"' in russian.get("/").content.decode()


def test_a_visitor_has_nothing_due(client, plan):
    assert "due-h" not in client.get("/").content.decode()


def _grow(n: int, party: Party):
    """n more of everything that makes a line, for the query counts at two sizes."""
    now = timezone.now()
    for i in range(n):
        meeting = MeetingFactory(
            starts_at=now + dt.timedelta(days=20 + i), registration_deadline=now + dt.timedelta(days=2 + i)
        )
        InvitationFactory(meeting=meeting, party=party)
        DecisionFactory(meeting=meeting, owner_parties=[party], owner_secretariat=True, owner_core_group=True)
        MeetingFactory(starts_at=now - dt.timedelta(days=3 + i), status=Meeting.Status.HELD)
        Notification.objects.create(
            key=f"grow-{n}-{i}",
            kind="x",
            to_email="a@example.org",
            subject="s",
            body="b",
            status="failed",
            due_at=now,
        )


@pytest.mark.parametrize("who", ["ncp_a", "secretariat", "reader", "coregroup"])
def test_the_landing_page_asks_the_same_number_of_queries_with_more_due(who, request, plan, client_for):
    user = request.getfixturevalue(who)
    party = Party.objects.get(code="CZ")
    plan.end_year = timezone.localdate().year + 1  # a prolonged mandate: this year's cycle is open
    plan.save()
    ParticipationFactory(party=party, action=action("I.1"))
    ReportingCycleFactory(year=timezone.localdate().year, opens_on=dt.date(timezone.localdate().year, 1, 1))
    som_on(timezone.localdate() + dt.timedelta(days=60))
    url = "/parties/cz/" if who == "ncp_a" else "/"
    client = client_for(user)
    counts = []
    for n in (1, 6):
        _grow(n, party)
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_lines_are_russian_on_a_russian_page(year2014, ncp_a, client_for, party_a):
    meeting = MeetingFactory(
        title_en="Expert meeting in Tbilisi",
        title_ru="Совещание экспертов в Тбилиси",
        starts_at=timezone.now() + dt.timedelta(days=30),
    )
    InvitationFactory(meeting=meeting, party=party_a)
    client = client_for(ncp_a)
    assert client.post("/i18n/setlang/", {"language": "ru", "next": "/"}).status_code == 302
    page = client.get("/parties/cz/").content.decode()
    assert "Что необходимо сделать" in page
    assert "Зарегистрируйте делегатов своей Стороны на мероприятие «Совещание экспертов в Тбилиси»" in page
    assert "Подтвердите свои контактные данные" in page
