"""Scheduling, editing with a version, registration, participants, documents, minutes, decisions."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings.models import Decision, Delegate, Document, Invitation, Meeting
from pragueprocess.reminders import reminders_run
from tests.factories import DecisionFactory, DelegateFactory, MeetingFactory

FORM = {
    "kind": "som",
    "title_en": "SOM in Warsaw",
    "timezone": "Europe/Warsaw",
    "starts_local": "2031-05-12T09:30",
    "ends_local": "2031-05-13T17:00",
    "deadline_local": "2031-04-30T18:00",
    "city": "Warsaw",
    "country": "Poland",
    "offsets": "30, 7, 1",
    "status": "planned",
}


def delegates_post(*people):
    data = {
        "delegates-TOTAL_FORMS": str(max(len(people), 1)),
        "delegates-INITIAL_FORMS": "0",
        "delegates-MIN_NUM_FORMS": "0",
        "delegates-MAX_NUM_FORMS": "20",
    }
    for i, (name, function, email) in enumerate(people):
        data.update(
            {f"delegates-{i}-name": name, f"delegates-{i}-function": function, f"delegates-{i}-email": email}
        )
    return data


@pytest.mark.django_db
def test_times_are_entered_in_the_meetings_zone_and_stored_in_utc(client_for, secretariat):
    response = client_for(secretariat).post("/meetings/new/", FORM)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="SOM in Warsaw")
    assert meeting.starts_at == datetime(2031, 5, 12, 7, 30, tzinfo=UTC)  # CEST = UTC+2
    assert meeting.registration_deadline == datetime(2031, 4, 30, 16, 0, tzinfo=UTC)
    assert meeting.invite_mode == "all" and meeting.invitations.count() == 52
    assert meeting.history.count() == 1 and meeting.created_by == secretariat
    page = client_for(secretariat).get(f"/meetings/{meeting.pk}/")
    assert b"09:30" in page.content


@pytest.mark.django_db
def test_a_time_the_clocks_skip_is_refused_next_to_the_field(client_for, secretariat):
    data = {**FORM, "starts_local": "2031-03-30T02:30"}  # Warsaw springs forward at 02:00
    response = client_for(secretariat).post("/meetings/new/", data)
    assert response.status_code == 200
    assert "does not exist" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_bad_input_gets_messages_not_a_500(client_for, secretariat):
    data = {**FORM, "ends_local": "2031-05-11T09:00", "offsets": "soon", "timezone": "Mars/Base"}
    response = client_for(secretariat).post("/meetings/new/", data)
    assert response.status_code == 200
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_lost_update_a_stale_save_shows_a_conflict_and_overwrites_nothing(client_for, secretariat, plan):
    meeting = MeetingFactory(title="Original", timezone="Europe/Warsaw")
    client = client_for(secretariat)
    form = client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    stale = {**FORM, "title_en": "Mine", "version": form.initial["version"]}
    fresh = {**FORM, "title_en": "Theirs", "version": form.initial["version"]}
    assert client.post(f"/meetings/{meeting.pk}/edit/", fresh).status_code == 302
    response = client.post(f"/meetings/{meeting.pk}/edit/", stale)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Changed by" in text and "Theirs" in text and "Mine" in text
    meeting.refresh_from_db()
    assert meeting.title == "Theirs" and meeting.version == 2
    # A post without its version is treated as stale too.
    no_version = {**FORM, "title_en": "Blind"}
    assert client.post(f"/meetings/{meeting.pk}/edit/", no_version).status_code == 409
    meeting.refresh_from_db()
    assert meeting.title == "Theirs"


@pytest.mark.django_db
def test_contact_point_registers_changes_and_declines(client_for, invited_meeting, ncp_a, secretariat):
    client = client_for(ncp_a)
    url = f"/meetings/{invited_meeting.pk}/register/cz/"
    assert client.post(url, delegates_post(("Jana Novak", "Director", "jana@example.cz"))).status_code == 302
    inv = Invitation.objects.get(meeting=invited_meeting, party__code="CZ")
    assert inv.answer == "registered" and inv.answered_by == ncp_a
    client.post(
        url,
        delegates_post(("Jana Novak", "Director", "jana@example.cz"), ("Petr Dvorak", "", "petr@example.cz")),
    )
    assert list(inv.delegates.values_list("name", flat=True)) == ["Jana Novak", "Petr Dvorak"]
    client.post(url, {**delegates_post(), "decline": "1"})
    inv.refresh_from_db()
    assert inv.answer == "declined" and not inv.delegates.exists()
    assert inv.history.count() >= 3
    # audit_history: who changed it, and what it was before.
    assert inv.history.first().history_user == ncp_a
    assert "registered" in inv.history.values_list("answer", flat=True)
    assert Delegate.history.filter(name="Jana Novak", history_type="-").exists()


@pytest.mark.django_db
def test_registration_closes_at_the_deadline_for_contact_points(client_for, invited_meeting, ncp_a):
    invited_meeting.registration_deadline = timezone.now() - timedelta(hours=1)
    invited_meeting.save()
    url = f"/meetings/{invited_meeting.pk}/register/cz/"
    assert client_for(ncp_a).post(url, delegates_post(("Late", "", "late@example.cz"))).status_code == 403
    assert not Delegate.objects.exists()


@pytest.mark.django_db
def test_participants_list_and_csv_escape_formulas(client_for, invited_meeting, secretariat):
    cz = invited_meeting.invitations.get(party__code="CZ")
    DelegateFactory(invitation=cz, name='=HYPERLINK("http://x")', function="+1", email="a@example.org")
    DelegateFactory(invitation=cz, name="@SUM(A1)", function="-2", email="b@example.org")
    Invitation.objects.filter(meeting=invited_meeting, party__code="DE").update(answer="declined")
    client = client_for(secretariat)
    page = client.get(f"/meetings/{invited_meeting.pk}/participants/").content.decode()
    assert "1 registered, 1 declined, 0 not answered" in page
    response = client.get(f"/meetings/{invited_meeting.pk}/participants.csv")
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff")  # a BOM: spreadsheet programs read the file as UTF-8
    rows = list(csv.reader(io.StringIO(body)))
    cells = [c for row in rows[1:] for c in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells and "'+1" in cells and "'-2" in cells
    assert not any(c[:1] in "=+-@" and c for c in cells)


def pdf_upload(name="minutes.pdf", size=None):
    content = b"%PDF-1.4\n" + b"0" * (size or 100)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.django_db
def test_upload_content_is_checked_not_the_name(client_for, invited_meeting, secretariat):
    client = client_for(secretariat)
    url = f"/meetings/{invited_meeting.pk}/documents/new/"
    fake = SimpleUploadedFile(
        "minutes.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    response = client.post(url, {"title": "Minutes", "kind": "minutes", "language": "en", "file": fake})
    assert response.status_code == 200 and "Upload a PDF" in response.content.decode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("conclusions.exe", buf.getvalue(), content_type="application/x-msdownload")
    response = client.post(
        url, {"title": "Conclusions", "kind": "conclusions", "language": "ru", "file": docx}
    )
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.content_type.endswith("wordprocessingml.document") and doc.filename == "conclusions.docx"
    assert "conclusions" not in doc.file.name  # stored under a generated name


@pytest.mark.django_db
def test_upload_limits_size_cap(client_for, invited_meeting, secretariat, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/documents/new/",
        {"title": "Big", "kind": "presentation", "language": "en", "file": pdf_upload(size=2000)},
    )
    assert response.status_code == 200 and "too large" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_documents_are_served_as_attachments_to_members_only(
    client_for, client, invited_meeting, secretariat, reader
):
    client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/documents/new/",
        {"title": "Minutes 2013", "kind": "minutes", "language": "en", "file": pdf_upload()},
    )
    doc = Document.objects.get()
    url = f"/meetings/{invited_meeting.pk}/documents/{doc.pk}/"
    response = client_for(reader).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="minutes-2013.pdf"')
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_minutes_document_stops_the_minutes_reminders(client_for, invited_meeting, secretariat):
    meeting = invited_meeting
    reminders_run(now=meeting.ends_at + timedelta(days=3, minutes=1))
    assert len([m for m in mail.outbox if "Minutes missing" in m.subject]) == 1
    client_for(secretariat).post(
        f"/meetings/{meeting.pk}/documents/new/",
        {"title": "Minutes", "kind": "minutes", "language": "en", "file": pdf_upload()},
    )
    reminders_run(now=meeting.ends_at + timedelta(days=7, minutes=1))
    assert len([m for m in mail.outbox if "Minutes missing" in m.subject]) == 1


@pytest.mark.django_db
def test_agenda_items_are_ordered_and_printable(client_for, client, invited_meeting, secretariat):
    data = {
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "60",
    }
    data.update({"items-0-order": "2", "items-0-title_en": "Monitoring of actions", "items-0-time": "11:00"})
    data.update({"items-1-order": "1", "items-1-title_en": "Opening", "items-1-time": "09:30"})
    response = client_for(secretariat).post(f"/meetings/{invited_meeting.pk}/agenda/edit/", data)
    assert response.status_code == 302, response.context["formset"].errors
    page = client.get(f"/meetings/{invited_meeting.pk}/agenda/").content.decode()
    assert page.index("Opening") < page.index("Monitoring of actions")
    assert "09:30" in page


@pytest.mark.django_db
def test_invitations_a_selection_and_partners(client_for, invited_meeting, secretariat, party_a):
    from parties.models import PartnerOrganisation

    unhcr, _ = PartnerOrganisation.objects.get_or_create(
        acronym="UNHCR", defaults={"name": "UN Refugee Agency"}
    )
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/invitations/",
        {"invite_mode": "selection", "parties": [party_a.pk], "partners": [unhcr.pk]},
    )
    assert response.status_code == 302
    assert list(invited_meeting.invitations.values_list("party__code", flat=True)) == ["CZ", None]
    assert list(invited_meeting.partners.all()) == [unhcr]
    assert invited_meeting.invitations.get(party=None).partner == unhcr  # invited to answer too
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/invitations/", {"invite_mode": "selection"}
    )
    assert response.status_code == 200 and "Choose at least one Party" in response.content.decode()


@pytest.mark.django_db
def test_the_invitations_form_chooses_parties_by_group_with_the_invited_ticked(
    client_for, invited_meeting, secretariat, party_a
):
    import re

    from parties.models import Party

    page = client_for(secretariat).get(f"/meetings/{invited_meeting.pk}/invitations/").content.decode()
    assert "data-party-picker" in page and "js/party-picker.js" in page
    picker = page[page.index("data-party-picker") :]
    groups = re.findall(
        r'<fieldset class="party-group[^"]*" data-party-group>\s*<legend>([^<]+)</legend>', picker
    )
    expected = [g.name for g in {p.group: None for p in Party.objects.order_by("group__order", "order")}]
    assert groups and set(groups) <= set(expected)
    invited = set(invited_meeting.invitations.values_list("party_id", flat=True))
    ticked = {int(v) for v in re.findall(r'name="parties" value="(\d+)"[^>]*checked', picker)}
    assert ticked == invited
    assert len(re.findall(r'name="parties" value="', picker)) == Party.objects.count()
    # a selection without any Party: the summary links to the first box, the message is beside the boxes
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/invitations/", {"invite_mode": "selection"}
    )
    body = response.content.decode()
    assert 'href="#id_parties_0"' in body and 'id="id_parties_error"' in body


@pytest.mark.django_db
def test_open_decisions_of_earlier_meetings_come_back_on_the_next_som(client, plan, party_a):
    earlier = MeetingFactory(
        title="SOM 2012",
        starts_at=timezone.now() - timedelta(days=300),
        ends_at=timezone.now() - timedelta(days=299),
    )
    DecisionFactory(
        meeting=earlier,
        text="Map the readmission agreements",
        status=Decision.Status.OPEN,
        owner_parties=[party_a],
    )
    DecisionFactory(meeting=earlier, text="Closed already", status=Decision.Status.DONE)
    nxt = MeetingFactory(title="SOM 2013")
    page = client.get(f"/meetings/{nxt.pk}/").content.decode()
    assert "Open decisions from earlier meetings" in page
    assert "Map the readmission agreements" in page and "Closed already" not in page


@pytest.mark.django_db
def test_decision_needs_an_owner(client_for, invited_meeting, secretariat, party_a, party_b):
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/decisions/new/",
        {"kind": "decision", "text_en": "Do it", "status": "open"},
    )
    assert response.status_code == 200 and "Name who follows the decision up" in response.content.decode()
    body = response.content.decode()  # the Party picker, by group, and the error summary pointing at it
    assert "data-party-picker" in body and 'id="id_owner_parties_error"' in body
    assert 'href="#id_owner_parties_0"' in body and 'name="owner_parties" value="' in body
    response = client_for(secretariat).post(
        f"/meetings/{invited_meeting.pk}/decisions/new/",
        {
            "kind": "recommendation",
            "text_en": "Do it",
            "text_ru": "Сделать это",
            "owner_parties": [str(party_a.pk), str(party_b.pk)],
            "owner_core_group": "on",
            "status": "open",
            "due_on": "2031-01-01",
        },
    )
    assert response.status_code == 302 and invited_meeting.decisions.count() == 1
    decision = invited_meeting.decisions.get()
    assert set(decision.owner_parties.all()) == {party_a, party_b}
    assert decision.owner_core_group and not decision.owner_secretariat
    assert (decision.text_en, decision.text_ru) == ("Do it", "Сделать это")


@pytest.mark.django_db
def test_cadence_warns_about_a_year_without_an_som(client, plan):
    MeetingFactory(
        title="SOM Budapest",
        starts_at=datetime(2013, 6, 10, 8, tzinfo=UTC),
        ends_at=datetime(2013, 6, 10, 16, tzinfo=UTC),
        status="held",
    )
    page = client.get("/meetings/").content.decode()
    assert "SOM Budapest" in page
    assert page.count("Warning:") == 4  # 2012, 2014, 2015, 2016


@pytest.mark.django_db
def test_list_filters_by_kind_and_year(client, plan):
    MeetingFactory(
        title="Expert 2014",
        kind="expert",
        starts_at=datetime(2014, 3, 1, 8, tzinfo=UTC),
        ends_at=datetime(2014, 3, 1, 16, tzinfo=UTC),
    )
    MeetingFactory(
        title="SOM 2014",
        starts_at=datetime(2014, 9, 1, 8, tzinfo=UTC),
        ends_at=datetime(2014, 9, 1, 16, tzinfo=UTC),
    )
    page = client.get("/meetings/?kind=expert&year=2014").content.decode()
    assert "Expert 2014" in page and "SOM 2014</a></th>" not in page


@pytest.mark.django_db
def test_party_page_and_home_show_meetings(client, invited_meeting):
    title = html.escape(invited_meeting.title)
    assert title in client.get("/parties/cz/").content.decode()
    assert title in client.get("/").content.decode()


@pytest.mark.django_db
def test_reschedule_page_moves_the_meeting_and_checks_its_version(client_for, invited_meeting, secretariat):
    url = f"/meetings/{invited_meeting.pk}/reschedule/"
    client = client_for(secretariat)
    data = {
        "starts_local": "2031-09-01T10:00",
        "ends_local": "2031-09-01T16:00",
        "version": invited_meeting.version,
    }
    assert client.post(url, data).status_code == 302
    invited_meeting.refresh_from_db()
    assert invited_meeting.starts_at == datetime(2031, 9, 1, 8, 0, tzinfo=UTC)  # Prague, CEST
    stale = {**data, "starts_local": "2031-10-01T10:00", "ends_local": "2031-10-01T16:00"}
    assert client.post(url, stale).status_code == 409  # stale version
    invited_meeting.refresh_from_db()
    assert invited_meeting.starts_at == datetime(2031, 9, 1, 8, 0, tzinfo=UTC)


def test_an_som_page_shows_the_oldest_open_decisions_and_counts_the_rest(client_for, secretariat, plan):
    import datetime as dt

    from django.utils import timezone

    from meetings.selectors import OPEN_DECISIONS_SHOWN
    from tests.factories import DecisionFactory, MeetingFactory

    earlier = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=400))
    for _ in range(OPEN_DECISIONS_SHOWN + 3):
        DecisionFactory(meeting=earlier)
    som = MeetingFactory()
    response = client_for(secretariat).get(f"/meetings/{som.pk}/")
    assert len(response.context["open_decisions"]) == OPEN_DECISIONS_SHOWN
    assert response.context["open_decisions_more"] == 3
    assert "and 3 more open decisions" in response.content.decode()
