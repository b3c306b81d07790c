"""The secretariat writes to an audience: the preview counts and lists the recipients; Send records one
message (twice is once); each recipient gets one mail through the outbox, in their language where
the secretariat wrote both, else in English with a note in Russian; bad input is shown on the form."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Invitation
from parties.models import CoreGroupMembership, Notification, Party
from pragueprocess.audience import audience_message_send, audience_queue, audience_recipients
from pragueprocess.models import AudienceMessage
from pragueprocess.reminders import reminders_run
from tests.factories import DelegateFactory, MeetingFactory, UserFactory
from tests.mailbackends import outbox_to

pytestmark = pytest.mark.django_db

TEXT = {"subject": "Questionnaire 2013", "body": "Dear colleagues,\nthe questionnaire is open."}
RUSSIAN = {"subject_ru": "Анкета 2013", "body_ru": "Уважаемые коллеги,\nанкета открыта."}


@pytest.fixture
def people(ncp_a, ncp_b, coregroup):
    albania = Party.objects.get(code="AL")
    ncp_al = UserFactory(username="ncp-al", role="contact_point", party=albania, preferred_language="ru")
    UserFactory(username="gone-al", role="contact_point", party=albania, is_active=False)
    UserFactory(username="no-mail", role="contact_point", party=albania, email="")
    return {"al": ncp_al, "albania": albania}


def _emails(recipients) -> set[str]:
    return {r.email for r in recipients}


def test_each_audience_is_who_it_says(people, ncp_a, ncp_b, coregroup, party_a, party_b):
    everyone = audience_recipients(audience="contact_points")
    assert _emails(everyone) == {ncp_a.email, ncp_b.email, people["al"].email}
    eu = audience_recipients(audience="group", group=party_a.group)
    assert _emails(eu) == {ncp_a.email, ncp_b.email}
    balkans = audience_recipients(audience="group", group=people["albania"].group)
    assert _emails(balkans) == {people["al"].email}
    CoreGroupMembership.objects.create(
        party=party_a, started_on=date(2012, 11, 20), decided_on=date(2012, 11, 20), decision_reference="SOM"
    )
    assert _emails(audience_recipients(audience="core_group")) == {ncp_a.email, coregroup.email}
    meeting = MeetingFactory()
    Invitation.objects.create(meeting=meeting, party=party_a)
    de = Invitation.objects.create(meeting=meeting, party=party_b, answered_by=ncp_b)
    delegate = DelegateFactory(invitation=de, email="delegate@example.org")
    DelegateFactory(invitation=de, email="DELEGATE@example.org")  # the same address, once
    assert _emails(audience_recipients(audience="invitees", meeting=meeting)) == {ncp_a.email, ncp_b.email}
    participants = audience_recipients(audience="participants", meeting=meeting)
    assert [r.email for r in participants] == [delegate.email]


def _post(client, step, **data):
    return client.post("/mail/audience/new/", {"step": step, **data})


def test_preview_shows_the_count_and_every_recipient_then_send_queues_once_per_recipient(
    people, ncp_a, ncp_b, secretariat, client_for, party_a
):
    client = client_for(secretariat)
    data = {"audience": "group", "group": party_a.group.pk, **TEXT}
    preview = _post(client, "preview", **data)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 recipients" in page and ncp_a.email in page and ncp_b.email in page
    assert people["al"].email not in page
    assert not AudienceMessage.objects.exists() and not Notification.objects.exists()
    # The preview's form carries what was written, hidden, and a token: Send posts exactly that.
    found = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
    hidden = {name: html.unescape(value) for name, value in found}
    assert hidden["group"] == str(party_a.group.pk) and hidden["subject"] == TEXT["subject"]
    assert re.fullmatch(r"[0-9a-f-]{36}", hidden["token"])
    hidden.pop("csrfmiddlewaretoken", None)
    assert hidden["body"] == TEXT["body"]

    sent = _post(client, "send", **hidden)
    again = _post(client, "send", **hidden)  # a double click, a reload
    message = AudienceMessage.objects.get()
    assert sent.status_code == again.status_code == 302
    assert sent["Location"] == f"/mail/audience/{message.pk}/"
    assert (message.author, message.audience, message.group, message.previewed_count) == (
        secretariat, "group", party_a.group, 2
    )  # fmt: skip

    for _ in range(2):  # two beats
        reminders_run()
    audience_queue(message.pk)  # a retry of the fast path
    assert len(outbox_to(ncp_a.email)) == 1 and len(outbox_to(ncp_b.email)) == 1 and len(mail.outbox) == 2
    message.refresh_from_db()
    assert message.recipient_count == 2 and message.queued_at is not None
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {f"audience:{message.pk}:user:{ncp_a.pk}", f"audience:{message.pk}:user:{ncp_b.pk}"}
    first = outbox_to(ncp_a.email)[0]
    assert first.subject == "Questionnaire 2013" and "the questionnaire is open." in first.body
    assert first.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in first.extra_headers  # from the secretariat: essential


def test_each_recipient_reads_their_language_where_both_are_written(people, ncp_a, secretariat):
    message, _ = audience_message_send(
        token=uuid.uuid4(), author=secretariat, audience="contact_points", **TEXT, **RUSSIAN
    )
    reminders_run()
    russian = outbox_to(people["al"].email)[0]
    english = outbox_to(ncp_a.email)[0]
    assert russian.subject == "Анкета 2013" and "анкета открыта." in russian.body
    assert "Секретариат Пражского процесса" in russian.body
    assert english.subject == "Questionnaire 2013" and "анкета" not in english.body
    assert Notification.objects.get(recipient=people["al"]).language == "ru"


def test_a_russian_reader_of_an_english_only_message_is_told_so_in_russian(people, secretariat):
    audience_message_send(
        token=uuid.uuid4(), author=secretariat, audience="group", group=people["albania"].group, **TEXT
    )
    reminders_run()
    (received,) = outbox_to(people["al"].email)
    assert received.subject == "Questionnaire 2013"
    assert "Секретариат написал это сообщение только на английском языке." in received.body


def test_sending_the_same_preview_twice_makes_one_message(secretariat, ncp_a):
    token = uuid.uuid4()
    first, created = audience_message_send(token=token, author=secretariat, audience="contact_points", **TEXT)
    second, created_again = audience_message_send(
        token=token, author=secretariat, audience="contact_points", **TEXT
    )
    assert created and not created_again and first.pk == second.pk
    assert AudienceMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"audience": "group"}, "group", "Choose the group of Parties to write to."),
        ({"audience": "participants"}, "meeting", "Choose the meeting whose people you write to."),
        ({"audience": "contact_points", "subject_ru": "Тема"}, "body_ru", "Write the Russian text too"),
        ({"audience": "contact_points", "body_ru": "Текст"}, "subject_ru", "Write the Russian subject too"),
        ({"audience": "contact_points", "subject": ""}, "subject", "This field is required."),
        ({"audience": "everybody"}, "audience", "Select a valid choice."),
        ({"audience": "group", "group": "999999"}, "group", "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_sends_nothing(secretariat, client_for, data, field, error):
    response = _post(client_for(secretariat), "send", **{**TEXT, **data, "token": str(uuid.uuid4())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and error in page and f'id="id_{field}_error"' in page
    assert not AudienceMessage.objects.exists()


def test_a_tampered_token_shows_the_form_again_and_sends_nothing(secretariat, client_for, ncp_a):
    response = _post(client_for(secretariat), "send", audience="contact_points", **TEXT, token="not-a-uuid")
    assert response.status_code == 200 and not AudienceMessage.objects.exists()


def test_change_the_message_goes_back_to_the_form_with_what_was_written(secretariat, client_for):
    response = _post(client_for(secretariat), "edit", audience="contact_points", **TEXT)
    page = response.content.decode()
    assert response.status_code == 200 and 'value="Questionnaire 2013"' in page and 'value="preview"' in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_message_pages_cost_the_same_queries_with_more_messages_and_recipients(
    secretariat, client_for, people, party_a
):
    client = client_for(secretariat)

    def send(n):
        made = []
        for _ in range(n):
            m, _ = audience_message_send(
                token=uuid.uuid4(), author=secretariat, audience="contact_points", **TEXT
            )
            made.append(m)
        reminders_run()
        return made

    first = send(1)[0]
    few = (_queries(client, "/mail/audience/"), _queries(client, f"/mail/audience/{first.pk}/"))
    for i in range(12):
        UserFactory(username=f"ncp-more-{i}", role="contact_point", party=party_a)
    latest = send(15)[-1]
    many = (_queries(client, "/mail/audience/"), _queries(client, f"/mail/audience/{latest.pk}/"))
    assert few == many
    page = client.get("/mail/audience/").content.decode()
    assert "Questionnaire 2013" in page and "15" in page


def test_preview_costs_the_same_queries_for_a_larger_audience(secretariat, client_for, people, party_a):
    client = client_for(secretariat)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = _post(client, "preview", audience="contact_points", **TEXT)
            assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(20):
        UserFactory(username=f"ncp-extra-{i}", role="contact_point", party=party_a)
    assert count() == few
