from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ParticipationFactory, action

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/plans/2012-2016/",
        "/plans/2012-2016/I/2/",
        "/plans/2012-2016/vi/3/",
        "/parties/",
        "/parties/cz/",
        "/parties/XK/",
    ],
)
def test_anonymous_visitor_reads_public_pages(client, plan, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<main id="main"' in body and 'class="skip-link"' in body


def test_plan_page_shows_areas_actions_and_items_verbatim(client, plan):
    body = client.get("/plans/2012-2016/").content.decode()
    assert body.count('class="action"') == 22
    assert "Strengthening capacities in the area of asylum and international protection" in body
    assert "strengthening reception capacities for people in need of international protection," in body
    assert body.index("<h1") < body.index("<h2") < body.index("<h3")


def test_action_page_lists_items_and_parties(client, plan, party_a, party_b):
    ParticipationFactory(party=party_a, action=action("I.2"), role="lead")
    ParticipationFactory(party=party_b, action=action("I.2"))
    body = client.get("/plans/2012-2016/I/2/").content.decode()
    assert "the exchange of best practices on implementation of international standards" in body
    assert "Czech Republic" in body and "Germany" in body


def test_unknown_action_and_party_are_404(client, plan):
    assert client.get("/plans/2012-2016/VII/1/").status_code == 404
    assert client.get("/plans/2012-2016/I/9/").status_code == 404
    assert client.get("/parties/zz/").status_code == 404


def test_party_directory_groups_and_filters(client, plan):
    body = client.get("/parties/").content.decode()
    for group in ("EU Member States", "Western Balkans", "Eastern Partnership", "Central Asia"):
        assert group in body
    assert "52 Parties" in body
    filtered = client.get("/parties/", {"group": "central-asia"}).content.decode()
    assert "5 Parties" in filtered and "Kazakhstan" in filtered and "Germany" not in filtered
    searched = client.get("/parties/", {"q": "moldova"}).content.decode()
    assert "1 Party" in searched and "Moldova" in searched


def test_party_page_shows_the_name_as_the_plan_writes_it(client, plan):
    body = client.get("/parties/mk/").content.decode()
    assert "the former Yugoslav Republic of Macedonia" in body


def test_contact_details_only_for_signed_in_members(client, client_for, ncp_a, reader):
    ncp_a.phone = "+420 123 456 789"
    ncp_a.save()
    assert "+420 123 456 789" not in client.get("/parties/cz/").content.decode()
    assert "+420 123 456 789" in client_for(reader).get("/parties/cz/").content.decode()


def test_plan_page_query_count_does_not_grow_with_participations(
    client, plan, django_assert_num_queries, party_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/plans/2012-2016/")
    from parties.models import Party

    for i, party in enumerate(Party.objects.all()[:40]):
        ParticipationFactory(party=party, action=action(["I.1", "II.2", "VI.3"][i % 3]))
    with django_assert_num_queries(len(few)):
        client.get("/plans/2012-2016/")


def test_language_switcher_serves_russian_page_language(client, plan):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/plans/2012-2016/"})
    assert response.status_code == 302
    assert '<html lang="ru">' in client.get("/plans/2012-2016/").content.decode()
