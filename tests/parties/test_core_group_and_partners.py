"""The core group (memberships, balance, history) and the partner organisations directory."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from parties.models import CoreGroupMembership, PartnerOrganisation, Party
from tests.factories import CoreGroupMembershipFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db


def _seat(code, start=dt.date(2012, 1, 1), end=None):
    return CoreGroupMembershipFactory(party=Party.objects.get(code=code), started_on=start, ended_on=end)


def test_core_group_page_shows_members_and_geographic_balance(client, plan):
    for code in ("EU", "CZ", "RS", "MD"):
        _seat(code)
    _seat("SK", end=dt.date(2013, 12, 31))
    body = client.get("/parties/core-group/").content.decode()
    assert "4 members on" in body and "Slovakia" not in body.split("Geographical balance")[0]
    assert "Groups with no member:" in body
    for empty in ("Central Asia", "Schengen-associated States", "Russian Federation and Turkey"):
        assert empty in body.split("Groups with no member:")[1]
    assert "(none)" in body  # in words, not only by colour


def test_core_group_history_lists_every_year_and_membership(client, plan):
    _seat("SK", dt.date(2012, 1, 1), dt.date(2013, 12, 31))
    _seat("SE", dt.date(2014, 1, 1))
    body = client.get("/parties/core-group/history/").content.decode()
    assert '<th scope="row">2012</th>' in body and '<th scope="row">2014</th>' in body
    assert "Slovakia" in body and "Sweden" in body


def test_secretariat_adds_and_ends_a_membership_with_its_decision(client_for, secretariat, plan):
    c = client_for(secretariat)
    pl = Party.objects.get(code="PL")
    data = {
        "party": pl.pk,
        "started_on": "2012-01-01",
        "decided_on": "2011-11-04",
        "decision_reference": "Poznan SOM",
    }
    assert c.post("/parties/core-group/new/", data).status_code == 302
    again = c.post("/parties/core-group/new/", data)
    assert again.status_code == 200 and "already a member of the core group" in again.content.decode()
    m = CoreGroupMembership.objects.get(party=pl)
    assert m.decision_reference == "Poznan SOM" and m.history.count() == 1
    assert c.post(f"/parties/core-group/{m.pk}/end/", {"ended_on": "2011-01-01"}).status_code == 200
    assert c.post(f"/parties/core-group/{m.pk}/end/", {"ended_on": "2015-12-31"}).status_code == 302
    m.refresh_from_db()
    assert m.ended_on == dt.date(2015, 12, 31) and m.history.count() == 2


def test_core_group_form_refuses_a_decision_after_the_start(client_for, secretariat, plan):
    data = {"party": Party.objects.get(code="PL").pk, "started_on": "2012-01-01", "decided_on": "2012-05-01",
            "decision_reference": "x"}  # fmt: skip
    response = client_for(secretariat).post("/parties/core-group/new/", data)
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()


def test_partner_directory_by_kind_and_secretariat_edits_with_a_version(
    client_for, client, secretariat, plan
):
    partner = PartnerOrganisationFactory(acronym="ZZNGO", name="Some NGO", kind="ngo")
    body = client.get("/parties/partners/").content.decode()
    assert "Non-governmental organisation" in body and "ZZNGO" in body and "Edit" not in body
    c = client_for(secretariat)
    data = {"acronym": "ZZNGO", "name_en": "Renamed NGO", "kind": "ngo", "website": "", "is_active": "on",
            "version": partner.version}  # fmt: skip
    PartnerOrganisation.objects.filter(pk=partner.pk).update(
        name="Changed meanwhile", version=F("version") + 1
    )
    stale = c.post(f"/parties/partners/{partner.pk}/edit/", data)
    assert stale.status_code == 409 and "nothing was overwritten" in stale.content.decode()
    partner.refresh_from_db()
    assert partner.name == "Changed meanwhile"
    data["version"] = partner.version
    assert c.post(f"/parties/partners/{partner.pk}/edit/", data).status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Renamed NGO" and partner.history.first().history_user == secretariat


def test_partner_form_bad_input_is_a_message_not_a_500(client_for, secretariat, plan):
    response = client_for(secretariat).post(
        "/parties/partners/new/",
        {"acronym": "", "name_en": "x" * 500, "kind": "spaceship", "website": "not a url"},
    )
    assert response.status_code == 200 and response.content.decode().count('class="field-error"') >= 3


@pytest.mark.parametrize(
    "url", ["/parties/core-group/", "/parties/core-group/history/", "/parties/partners/"]
)
def test_core_group_and_partner_pages_query_count_does_not_grow(client, plan, url, django_assert_num_queries):
    parties = list(Party.objects.order_by("order"))
    for p in parties[:2]:
        CoreGroupMembershipFactory(party=p)
    PartnerOrganisationFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for p in parties[2:30]:
        CoreGroupMembershipFactory(party=p, started_on=dt.date(2013, 1, 1))
    for _ in range(20):
        PartnerOrganisationFactory()
    with django_assert_num_queries(len(few)):
        client.get(url)
