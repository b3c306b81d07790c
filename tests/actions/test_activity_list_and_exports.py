"""The list: filters, search, sorting, pagination, active filters; the exports of exactly the filtered
list with formula cells escaped; query counts equal at 5 and at 50 activities (query_budget)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from actions.exports import COLUMNS
from actions.models import ActivityPartner, FinancingLine, FinancingSource
from core.downloads import csv_safe as cell_escape
from parties.models import PartnerOrganisation, Party
from tests.factories import ActivityFactory, action

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _rich(n: int, party: Party, *, start=dt.date(2013, 5, 1)):
    """n activities with every relation the list and the exports show."""
    source = FinancingSource.objects.order_by("order").first()
    partner = PartnerOrganisation.objects.order_by("acronym").first()
    other = Party.objects.get(code="AT")
    i2b = action("I.2").items.get(letter="b")
    for k in range(n):
        activity = ActivityFactory(party=party, title=f"Rich {k}", start_date=start, actions=[action("I.2")])
        activity.items.add(i2b)
        activity.other_parties.add(other)
        ActivityPartner.objects.create(activity=activity, organisation=partner, role="funding")
        FinancingLine.objects.create(activity=activity, source=source, amount=1000 + k, currency="EUR")


def test_list_filters_by_each_criterion(client_for, reader, party_a):
    party_b = Party.objects.get(code="KZ")  # another geographic group
    eu, national, _ = FinancingSource.objects.order_by("order")
    unhcr = PartnerOrganisation.objects.get(acronym="UNHCR")
    a = ActivityFactory(
        party=party_a,
        title="Border arrangement",
        kind="working_arrangement",
        status="completed",
        actions=[action("I.2")],
        start_date=dt.date(2012, 3, 1),
        end_date=dt.date(2012, 9, 1),
    )
    a.items.add(action("I.2").items.get(letter="b"))
    FinancingLine.objects.create(activity=a, source=eu, amount=5, currency="EUR")
    ActivityPartner.objects.create(activity=a, organisation=unhcr, role="partner")
    b = ActivityFactory(
        party=party_b,
        title="Judges training",
        kind="training",
        status="ongoing",
        actions=[action("VI.3")],
        start_date=dt.date(2015, 1, 1),
        end_date=None,
    )
    FinancingLine.objects.create(activity=b, source=national, amount=5, currency="EUR")
    client = client_for(reader)

    def titles(**params):
        body = client.get("/activities/", params).content.decode()
        return {t for t in ("Border arrangement", "Judges training") if t in body}

    assert titles() == {"Border arrangement", "Judges training"}
    assert titles(area=action("I.2").area.pk) == {"Border arrangement"}
    assert titles(action=action("VI.3").pk) == {"Judges training"}
    assert titles(item=action("I.2").items.get(letter="b").pk) == {"Border arrangement"}
    assert titles(party="KZ") == {"Judges training"}
    assert titles(group=party_a.group.code) == {"Border arrangement"}
    assert titles(kind="training") == {"Judges training"}
    assert titles(status="completed") == {"Border arrangement"}
    assert titles(year=2012) == {"Border arrangement"}
    assert titles(year=2016) == {"Judges training"}  # no end date: still running
    assert titles(year=2014) == set()
    assert titles(source=national.pk) == {"Judges training"}
    assert titles(partner="UNHCR") == {"Border arrangement"}
    assert titles(q="judges") == {"Judges training"}
    assert titles(q="arrangements") == {"Border arrangement"}  # full-text: stemmed
    b.outputs = "A handbook on non-refoulement"
    b.save()
    assert titles(q="handbook") == {"Judges training"}


def test_list_with_other_party_shows_joint_activities(client_for, reader, party_a, party_b):
    joint = ActivityFactory(party=party_a, title="Joint one")
    joint.other_parties.add(party_b)
    assert "Joint one" in client_for(reader).get("/activities/", {"party": "DE"}).content.decode()


def test_list_active_filters_are_shown_and_removable(client_for, reader, party_a):
    ActivityFactory(party=party_a, title="Listed")
    body = client_for(reader).get("/activities/", {"kind": "training", "party": "CZ"}).content.decode()
    assert "Kind: Training" in body and "Party: Czech Republic" in body
    assert 'href="?party=CZ"' in body  # removing the kind keeps the Party
    assert 'href="?kind=training"' in body


def test_list_sorting_is_allow_listed_and_pages(client_for, reader, party_a):
    for k in range(30):
        ActivityFactory(party=party_a, title=f"T{k:02d}")
    client = client_for(reader)
    body = client.get("/activities/", {"sort": "title"}).content.decode()
    assert body.index("T00") < body.index("T01") and "T29" not in body
    assert "Page 1 of 2" in body
    assert "T29" in client.get("/activities/", {"sort": "title", "page": 2}).content.decode()
    bad = client.get("/activities/", {"sort": "password"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert client.get("/activities/", {"page": "9999"}).status_code == 200
    assert client.get("/activities/", {"year": "nope", "party": "ZZ"}).status_code == 200


def test_exports_hold_exactly_the_filtered_list(client_for, reader, party_a, party_b):
    ActivityFactory(party=party_a, title="Czech training", kind="training")
    ActivityFactory(party=party_a, title="Czech study", kind="study")
    ActivityFactory(party=party_b, title="German training", kind="training")
    client = client_for(reader)
    rows = _csv(client.get("/activities/export.csv", {"kind": "training", "party": "CZ"}))
    assert [r["title"] for r in rows] == ["Czech training"]
    assert list(rows[0].keys()) == COLUMNS
    response = client.get("/activities/export.xlsx", {"kind": "training"})
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(values[0]) == COLUMNS
    assert sorted(v[1] for v in values[1:]) == ["Czech training", "German training"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_import_export_escapes_formula_cells(client_for, reader, party_a, prefix):
    ActivityFactory(party=party_a, title=f'{prefix}HYPERLINK("http://evil")', description="=1+2")
    rows = _csv(client_for(reader).get("/activities/export.csv"))
    assert rows[0]["title"] == f'\'{prefix}HYPERLINK("http://evil")'
    assert rows[0]["description"] == "'=1+2"
    response = client_for(reader).get("/activities/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet["B2"].data_type == "s" and str(sheet["B2"].value).startswith("'")


def test_cell_escape_leaves_ordinary_text_alone():
    assert cell_escape("Training 2013") == "Training 2013"
    assert cell_escape(None) == ""
    assert cell_escape("-5") == "'-5"


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/activities/",
        "/activities/export.csv",
        "/activities/export.xlsx",
        "/parties/cz/",
        "/plans/2012-2016/I/2/",
    ],
)
def test_query_budget_equal_at_5_and_50_activities(client_for, secretariat, party_a, url):
    client = client_for(secretariat)
    _rich(5, party_a)
    _count(client, url)  # warm: the cached reference lists are filled once
    small = _count(client, url)
    _rich(45, party_a)
    assert _count(client, url) == small


def test_query_budget_activity_page_equal_at_5_and_50_activities(client_for, secretariat, party_a):
    client = client_for(secretariat)
    _rich(5, party_a)
    first = party_a.activities.order_by("pk").first()
    client.get(f"/activities/{first.pk}/")  # warm: the process's first page reads the content types once
    small = _count(client, f"/activities/{first.pk}/")
    _rich(45, party_a)
    last = party_a.activities.order_by("pk").last()
    assert _count(client, f"/activities/{last.pk}/") == small


def test_state_filter_only_for_those_who_read_drafts(client_for, reader, ncp_a, party_a):
    assert 'name="state"' not in client_for(reader).get("/activities/").content.decode()
    assert 'name="state"' in client_for(ncp_a).get("/activities/").content.decode()
    ActivityFactory(party=party_a, state="archived", title="Archived one")
    # asking for archived rows without the filter on offer shows none of them
    assert (
        "Archived one" not in client_for(reader).get("/activities/", {"state": "archived"}).content.decode()
    )


def test_form_groups_checkboxes_in_fieldsets_with_legends(client_for, ncp_a):
    from actions.models import PriorityArea
    from parties.models import GeographicGroup

    body = client_for(ncp_a).get("/activities/new/").content.decode()
    assert body.count("<legend><h2>Actions and items") == 1
    # one fieldset per priority area of the plan, and per geographic group of the Parties
    assert body.count('<fieldset class="area-choices">') == PriorityArea.objects.count()
    assert body.count("data-party-group>") == GeographicGroup.objects.count()
    assert body.count("<legend><h2>Other participating Parties") == 1
    assert 'for=""' not in body


def test_links_other_than_web_addresses_are_not_made_clickable(client_for, reader, party_a):
    activity = ActivityFactory(party=party_a, links="javascript:alert(1)\nhttps://example.org/a")
    body = client_for(reader).get(f"/activities/{activity.pk}/").content.decode()
    assert 'href="javascript' not in body and 'href="https://example.org/a"' in body


def test_undated_activities_come_last_by_default(client_for, reader, party_a):
    ActivityFactory(party=party_a, title="Undated", start_date=None)
    ActivityFactory(party=party_a, title="Dated", start_date=dt.date(2012, 1, 1))
    body = client_for(reader).get("/activities/").content.decode()
    assert body.index("Dated") < body.index("Undated")


def test_search_falls_back_to_icontains_off_postgresql(client_for, reader, party_a, monkeypatch):
    from types import SimpleNamespace

    from actions import filters

    ActivityFactory(party=party_a, title="Reintegration of returnees", outputs="A vacancy database")
    monkeypatch.setattr(filters, "connection", SimpleNamespace(vendor="sqlite"))
    client = client_for(reader)
    assert "Reintegration of returnees" in client.get("/activities/", {"q": "vacancy data"}).content.decode()
    assert "Reintegration of returnees" not in client.get("/activities/", {"q": "refugee"}).content.decode()
