"""csv_import: preview first, then all rows or none; each error names its row and column; rows for
another Party are refused for a contact point; the same form validates rows as the page."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from actions import imports
from actions.exports import COLUMNS
from actions.models import Activity, FinancingLine
from tests.actions.activity_support import media_root  # noqa: F401
from tests.factories import ActivityFactory, action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

GOOD = [
    {
        "title": "Awareness campaign in Moldova",
        "party": "CZ",
        "kind": "awareness_campaign",
        "status": "completed",
        "state": "submitted",
        "actions": "I.1",
        "items": "",
        "start_date": "2013-02-01",
        "end_date": "2013-08-31",
        "other_parties": "MD; AT",
        "partners": "IOM: implementing",
        "financing": "European Union funds | 25000 | EUR | European Commission\nnational funds of the Parties | 5000.50 | CZK",
        "links": "https://example.org/campaign",
        "outputs": "'=Posters in 12 towns",
    },
    {
        "title": "Working arrangement with border police",
        "party": "cz",
        "kind": "working_arrangement",
        "status": "ongoing",
        "items": "I.2 b",
        "start_date": "2014-01-15",
    },
]


def _csv_file(rows: list[dict], name="activities.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def _upload(client, upload):
    return client.post("/activities/import/", {"file": upload})


def _confirm(client, preview):
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    return client.post("/activities/import/", {"token": token, "confirm": "1"})


def test_csv_import_preview_first_then_all_rows(client_for, ncp_a, party_a):
    from parties.models import PartnerOrganisation

    PartnerOrganisation.objects.get_or_create(
        acronym="IOM", defaults={"name": "International Organization for Migration"}
    )
    client = client_for(ncp_a)
    preview = _upload(client, _csv_file(GOOD))
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "2 rows are ready to import." in body
    assert Activity.objects.count() == 0  # nothing written by the preview
    response = _confirm(client, preview)
    assert response.status_code == 302
    campaign = Activity.objects.get(title="Awareness campaign in Moldova")
    assert campaign.party == party_a and campaign.created_by == ncp_a
    assert sorted(p.code for p in campaign.other_parties.all()) == ["AT", "MD"]
    assert campaign.outputs == "=Posters in 12 towns"  # the export's escape is undone
    assert campaign.partner_roles.get().role == "implementing"
    lines = sorted(campaign.financing_lines.values_list("currency", "funder"))
    assert lines == [("CZK", ""), ("EUR", "European Commission")]
    arrangement = Activity.objects.get(title="Working arrangement with border police")
    assert [a.code for a in arrangement.actions.all()] == ["I.2"]
    assert arrangement.state == "draft"  # the default when the column is empty
    # the same token cannot be used twice
    again = client.post("/activities/import/", {"token": "x", "confirm": "1"})
    assert again.status_code == 302 and Activity.objects.count() == 2


def test_csv_import_errors_name_row_and_column_and_nothing_is_written(client_for, secretariat):
    rows = [
        GOOD[1],
        {**GOOD[1], "title": "", "party": "CZ"},
        {**GOOD[1], "title": "Bad action", "actions": "I.9", "items": ""},
        {**GOOD[1], "title": "Bad dates", "start_date": "2014-05-01", "end_date": "2013-01-01"},
        {**GOOD[1], "title": "Bad money", "financing": "European Union funds | lots | EUR"},
        {**GOOD[1], "title": "Bad currency", "financing": "European Union funds | 10 | EURO"},
        {**GOOD[1], "title": "Bad party", "party": "ZZ"},
        {**GOOD[1], "title": "Bad kind", "kind": "party"},
    ]
    client = client_for(secretariat)
    response = _upload(client, _csv_file(rows))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in body and 'name="confirm"' not in body
    for expected in (
        "Row 3, column title: This field is required.",
        "Row 4, column actions: unknown code “I.9”",
        "Row 5, column end_date: The end date is before the start date.",
        "Row 6, column financing: line 1, amount: Enter a number.",
        "Row 7, column financing: line 1, currency: Select a valid choice.",
        "Row 8, column party: unknown Party code “ZZ”",
        "Row 9, column kind: Select a valid choice.",
    ):
        assert expected in body, expected
    assert "Row 2," not in body
    assert Activity.objects.count() == 0


def test_csv_import_rows_for_another_party_are_refused_for_a_contact_point(client_for, ncp_a):
    rows = [GOOD[1], {**GOOD[1], "title": "For Germany", "party": "DE"}]
    body = _upload(client_for(ncp_a), _csv_file(rows)).content.decode()
    assert "Row 3, column party: a contact point imports only its own Party&#x27;s activities" in body
    assert Activity.objects.count() == 0


def test_csv_import_all_or_nothing_when_a_write_fails(client_for, secretariat, monkeypatch):
    client = client_for(secretariat)
    preview = _upload(client, _csv_file([GOOD[1], {**GOOD[1], "title": "Second"}]))
    real = imports.activity_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(imports, "activity_create", failing)
    with pytest.raises(RuntimeError):
        _confirm(client, preview)
    assert Activity.objects.count() == 0 and FinancingLine.objects.count() == 0


def test_csv_import_round_trip_of_an_export(client_for, secretariat, party_a):
    original = ActivityFactory(
        party=party_a, title="Exported", description="Line one\nline two", actions=[action("V.2")]
    )
    client = client_for(secretariat)
    exported = b"".join(client.get("/activities/export.csv").streaming_content)
    preview = _upload(client, SimpleUploadedFile("export.csv", exported))
    assert "1 row is ready to import." in preview.content.decode()
    _confirm(client, preview)
    copy = Activity.objects.exclude(pk=original.pk).get()
    assert (copy.title, copy.description, copy.party, list(copy.actions.all())) == (
        "Exported",
        "Line one\nline two",
        party_a,
        [action("V.2")],
    )


def test_csv_import_reads_xlsx_too(client_for, secretariat):
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "party", "actions", "start_date"])
    sheet.append(["From a workbook", "DE", "VI.3", "2015-03-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(secretariat)
    preview = _upload(client, SimpleUploadedFile("a.xlsx", buffer.getvalue()))
    assert "1 row is ready to import." in preview.content.decode()
    _confirm(client, preview)
    assert Activity.objects.get().party.code == "DE"


@pytest.mark.parametrize(
    "content,message",
    [
        (b"name,colour\nx,y\n", "missing: title"),
        (b"title,secret_column\nx,y\n", "Unknown columns: secret_column"),
        (b"title\n", "no rows"),
        (b"\xff\xfe\x00garbage", "neither UTF-8 CSV nor XLSX"),
        (b"PK\x03\x04broken", "not an XLSX workbook"),
    ],
)
def test_csv_import_unreadable_files_get_a_message(client_for, ncp_a, content, message):
    response = _upload(client_for(ncp_a), SimpleUploadedFile("f.csv", content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Activity.objects.count() == 0


def test_csv_import_confirming_twice_imports_once(client_for, secretariat):
    client = client_for(secretariat)
    preview = _upload(client, _csv_file([GOOD[1]]))
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    first = client.post("/activities/import/", {"token": token, "confirm": "1"})
    second = client.post("/activities/import/", {"token": token, "confirm": "1"})
    assert first.status_code == second.status_code == 302
    assert Activity.objects.count() == 1


def test_csv_import_token_of_another_session_is_refused(client_for, secretariat, ncp_a):
    preview = _upload(client_for(secretariat), _csv_file([GOOD[1]]))
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview.content.decode()).group(1)
    client_for(ncp_a).post("/activities/import/", {"token": token, "confirm": "1"})
    assert Activity.objects.count() == 0


def test_csv_import_financing_errors_name_the_line_within_the_cell(client_for, secretariat):
    cell = "European Union funds | 10 | EUR\nno pipes here\nMoon money | 5 | EUR\nEuropean Union funds | -3 | EUR"
    body = _upload(client_for(secretariat), _csv_file([{**GOOD[1], "financing": cell}])).content.decode()
    assert "Row 2, column financing: line 2: expected" in body
    assert "Row 2, column financing: line 3: unknown source “Moon money”" in body
    assert "Row 2, column financing: line 4, amount:" in body
    assert "line 3, source" not in body and "dict_items" not in body


def test_csv_import_preview_waits_in_the_default_storage_and_is_claimed_once(
    client_for, secretariat, settings
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from actions.activity_views import IMPORT_SESSION_KEY

    # Any storage backend will do (an object store in production): here one that never touches the disk.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client = client_for(secretariat)
    preview = _upload(client, _csv_file([GOOD[1]]))
    pending = client.session[IMPORT_SESSION_KEY]
    assert default_storage.exists(pending["name"]) and pending["name"].startswith("imports/")
    content = default_storage.open(pending["name"]).read()
    assert _confirm(client, preview).status_code == 302
    assert Activity.objects.count() == 1 and not default_storage.exists(pending["name"])
    # A replay of the same confirmation (its session and file as they were) imports nothing more.
    session = client.session
    session[IMPORT_SESSION_KEY] = pending
    session.save()
    default_storage.save(pending["name"], ContentFile(content))
    replay = client.post("/activities/import/", {"token": pending["token"], "confirm": "1"}, follow=True)
    assert "expired or was already done" in replay.content.decode()
    assert Activity.objects.count() == 1


def test_csv_import_names_financing_sources_in_either_language(client_for, ncp_a):
    """A ministry working in Russian writes the plan's source names in Russian; both are understood."""
    row = {
        **GOOD[0],
        "financing": "средства Европейского союза | 1000 | EUR\n  NATIONAL funds of the Parties | 20 | EUR",
    }
    client = client_for(ncp_a)
    preview = _upload(client, _csv_file([row]))
    assert "1 row is ready to import." in preview.content.decode()
    _confirm(client, preview)
    names = sorted(FinancingLine.objects.values_list("source__name_en", flat=True))
    assert names == ["European Union funds", "national funds of the Parties"]
