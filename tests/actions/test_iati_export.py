"""The IATI 2.03 export: valid against the official activity schema (from pyIATI), one activity per
submitted activity, the codes mapped as actions/iati.py documents, no draft, flat queries."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from actions.models import Activity, ActivityPartner
from parties.models import PartnerOrganisation
from tests.factories import ActivityFactory, FinancingLineFactory, action

pytestmark = pytest.mark.django_db


def _schema() -> etree.XMLSchema:
    """The official 2.03 activities schema as pyIATI ships it (its package is not imported: only
    its files are read)."""
    spec = importlib.util.find_spec("iati")
    assert spec is not None, "pyIATI is installed by make install (pip install --no-deps pyIATI)"
    folder = Path(spec.submodule_search_locations[0]) / "resources" / "standard" / "2-03" / "schemas"
    return etree.XMLSchema(etree.parse(str(folder / "iati-activities-schema.xsd")))


def _export(client, query: str = "") -> bytes:
    response = client.get(f"/activities/export.iati.xml{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


@pytest.fixture
def activities(plan, party_a, party_b):
    iom = PartnerOrganisation.objects.get_or_create(
        acronym="IOM",
        defaults={"name": "International Organization for Migration", "kind": "international_organisation"},
    )[0]
    full = ActivityFactory(
        party=party_a,
        title="Training of border guards <in Brno> & Prague",
        description="Two weeks on document fraud.",
        outputs="120 officers trained.",
        status=Activity.Status.COMPLETED,
        actions=[action("I.2"), action("III.1")],
        end_date=__import__("datetime").date(2013, 6, 30),
    )
    full.items.add(action("I.2").items.order_by("letter").first())
    full.other_parties.add(party_b)
    ActivityPartner.objects.create(activity=full, organisation=iom, role="funding")
    FinancingLineFactory(activity=full, amount=Decimal("25000.50"), currency="EUR")
    FinancingLineFactory(activity=full, amount=Decimal("1000"), currency="USD")
    bare = ActivityFactory(
        party=party_b,
        title="Planned study",
        status=Activity.Status.PLANNED,
        start_date=None,
        actions=[action("II.1")],
    )
    draft = ActivityFactory(
        party=party_a, title="A draft", state=Activity.State.DRAFT, actions=[action("I.2")]
    )
    return {"full": full, "bare": bare, "draft": draft}


def test_the_export_is_valid_iati_2_03(activities, client_for, reader):
    xml = _export(client_for(reader))
    document = etree.fromstring(xml)
    schema = _schema()
    assert schema.validate(document), schema.error_log
    assert document.get("version") == "2.03"


def test_codes_and_values(activities, client_for, reader, settings):
    document = etree.fromstring(_export(client_for(reader)))
    records = {a.findtext("title/narrative"): a for a in document.findall("iati-activity")}
    assert set(records) == {"Training of border guards <in Brno> & Prague", "Planned study"}  # no draft
    full = records["Training of border guards <in Brno> & Prague"]
    pk = activities["full"].pk
    assert full.findtext("iati-identifier") == f"{settings.IATI_REPORTING_ORG_REF}-{pk}"
    assert full.find("reporting-org").get("ref") == settings.IATI_REPORTING_ORG_REF
    assert full.find("activity-status").get("code") == "4"  # completed: closed
    roles = [(o.get("role"), o.findtext("narrative")) for o in full.findall("participating-org")]
    assert ("2", activities["full"].party.name_en) in roles  # the Party is accountable
    assert ("4", activities["full"].other_parties.get().name_en) in roles
    assert ("1", "IOM: International Organization for Migration") in roles  # funding partner
    dates = {d.get("type"): d.get("iso-date") for d in full.findall("activity-date")}
    assert dates == {"2": "2013-03-01", "4": "2013-06-30"}
    tags = {t.get("code"): t for t in full.findall("tag")}
    assert set(tags) >= {"I.2", "III.1"} and any(" " in code for code in tags)  # actions and an item
    assert tags["I.2"].get("vocabulary") == "99"
    assert tags["I.2"].get("vocabulary-uri").endswith("/plans/2012-2016/")
    languages = [
        n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in tags["I.2"].findall("narrative")
    ]
    assert languages == [None, "ru"]  # the action's text in English and in Russian
    budgets = sorted((b.find("value").get("currency"), b.findtext("value")) for b in full.findall("budget"))
    assert budgets == [("EUR", "25000.50"), ("USD", "1000.00")]
    bare = records["Planned study"]
    assert bare.find("activity-status").get("code") == "1"
    assert [d.get("type") for d in bare.findall("activity-date")] == ["1"]  # its record's day, planned


def test_filters_as_the_list_and_members_only(activities, client, client_for, reader):
    document = etree.fromstring(_export(client_for(reader), "?status=planned"))
    assert [a.findtext("title/narrative") for a in document.findall("iati-activity")] == ["Planned study"]
    assert client.get("/activities/export.iati.xml").status_code == 302  # sign in first


def test_queries_flat(activities, client_for, reader, party_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(reader)
    _export(client)
    with CaptureQueriesContext(connection) as small:
        _export(client)
    for n in range(15):
        a = ActivityFactory(party=party_a, title=f"More {n}", actions=[action("I.2"), action("II.1")])
        FinancingLineFactory(activity=a)
    with django_assert_max_num_queries(len(small)):
        _export(client)
