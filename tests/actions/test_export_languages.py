"""Exports take the reader's language: column headers and reference names (Party names, financing
sources, meeting titles) in Russian for a Russian reader and in English for an English one; the
iCal feed fetched by its token takes its owner's preferred language; a Russian export imports back."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar
from openpyxl import load_workbook

from actions.exports import COLUMNS
from actions.models import Activity, FinancingLine, FinancingSource
from meetings.models import Invitation
from tests.factories import ActivityFactory, MeetingFactory, ParticipationFactory, action

pytestmark = pytest.mark.django_db

EU_RU = "средства Европейского союза"
CZ_RU = "Чешская Республика"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def financed(party_a):
    activity = ActivityFactory(party=party_a, title="Border training", actions=[action("I.2")])
    eu = FinancingSource.objects.get(name_en="European Union funds")
    FinancingLine.objects.create(activity=activity, source=eu, amount=Decimal("1000"), currency="EUR")
    return activity


def test_the_activity_export_has_russian_headers_and_source_names_for_a_russian_reader(
    client_for, reader, financed
):
    client = client_for(reader)
    russian = _csv(client.get("/activities/export.csv", HTTP_ACCEPT_LANGUAGE="ru"))
    assert russian[0][:3] == ["идентификатор", "название", "Сторона"]
    row = dict(zip(COLUMNS, russian[1], strict=True))
    assert row["financing"] == f"{EU_RU} | 1000.00 | EUR"
    assert row["party"] == "CZ"  # a code, the same in both languages
    english = _csv(client.get("/activities/export.csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert english[0] == COLUMNS
    assert dict(zip(COLUMNS, english[1], strict=True))["financing"] == "European Union funds | 1000.00 | EUR"
    book = load_workbook(
        io.BytesIO(
            b"".join(client.get("/activities/export.xlsx", HTTP_ACCEPT_LANGUAGE="ru").streaming_content)
        )
    )
    sheet = book.worksheets[0]
    assert sheet.title == "мероприятия"
    assert [c.value for c in sheet[1]][:2] == ["идентификатор", "название"]
    assert EU_RU in sheet.cell(row=2, column=COLUMNS.index("financing") + 1).value


def test_a_russian_export_imports_back_in_english(client_for, secretariat, financed):
    client = client_for(secretariat)
    exported = b"".join(client.get("/activities/export.csv", HTTP_ACCEPT_LANGUAGE="ru").streaming_content)
    preview = client.post(
        "/activities/import/", {"file": SimpleUploadedFile("export.csv", exported)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "1 row is ready to import." in preview.content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    client.post("/activities/import/", {"token": token, "confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    copy = Activity.objects.exclude(pk=financed.pk).get()
    line = copy.financing_lines.get()
    assert (copy.title, line.source.name_en, line.amount) == ("Border training", "European Union funds", 1000)


def test_the_participation_export_names_parties_in_the_readers_language(client, party_a):
    ParticipationFactory(party=party_a, action=action("I.1"))
    russian = _csv(client.get("/plans/2012-2016/participation/export.csv", HTTP_ACCEPT_LANGUAGE="ru"))
    assert russian[0][:3] == ["код Стороны", "Сторона", "группа"]
    assert next(r for r in russian if r[0] == "CZ")[:2] == ["CZ", CZ_RU]
    english = _csv(client.get("/plans/2012-2016/participation/export.csv", HTTP_ACCEPT_LANGUAGE="en"))
    assert english[0][:3] == ["party_code", "party", "group"]
    assert next(r for r in english if r[0] == "CZ")[:2] == ["CZ", "the Czech Republic"]


def _summaries(content: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(content).walk("VEVENT")]


def test_the_calendar_feed_takes_its_owners_language_whatever_asks_for_it(client, ncp_a, party_a):
    translated = MeetingFactory(title_en="SOM in Prague", title_ru="СДЛ в Праге")
    untranslated = MeetingFactory(title_en="SOM in Kyiv")
    for m in (translated, untranslated):
        Invitation.objects.create(meeting=m, party=party_a)
    url = f"/meetings/feed/{ncp_a.calendar_token}.ics"
    assert sorted(_summaries(client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content)) == [
        "SOM in Kyiv",
        "SOM in Prague",
    ]
    ncp_a.preferred_language = "ru"
    ncp_a.save(update_fields=["preferred_language"])
    feed = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    assert sorted(_summaries(feed)) == ["SOM in Kyiv", "СДЛ в Праге"]  # no Russian title: the English
    assert str(Calendar.from_ical(feed)["X-WR-CALNAME"]) == "Совещания Пражского процесса"
