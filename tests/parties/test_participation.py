"""Voluntary participation: declare, change, withdraw, history; the matrix, its CSV and its query count."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import ActionItem, Participation
from parties.models import Party
from tests.factories import ParticipationFactory, action

pytestmark = pytest.mark.django_db


def _declare(client, code="cz", act="III.2", role="participant", items=(), note="", version=""):
    return client.post(
        f"/plans/2012-2016/participation/{code}/",
        {
            "action": action(act).pk,
            "role": role,
            "items": [i.pk for i in items],
            "note": note,
            "version": version,
        },
    )


def test_contact_point_declares_changes_and_withdraws_with_history(client_for, ncp_a, party_a, reader):
    c = client_for(ncp_a)
    items = list(ActionItem.objects.filter(action=action("I.2"), letter__in=["a", "c"]))
    assert _declare(c, act="I.2", role="lead", items=items, note="With Frontex").status_code == 302
    p = Participation.objects.get(party=party_a, action=action("I.2"))
    assert (p.role, p.note, p.declared_by, sorted(i.letter for i in p.items.all())) == (
        "lead",
        "With Frontex",
        ncp_a,
        ["a", "c"],
    )

    assert _declare(c, act="I.2", role="participant", version=p.version).status_code == 302
    p.refresh_from_db()
    assert p.role == "participant" and not p.items.exists()

    assert (
        c.post("/plans/2012-2016/participation/cz/withdraw/", {"action": action("I.2").pk}).status_code == 302
    )
    assert not Participation.objects.filter(party=party_a).exists()
    again = c.post("/plans/2012-2016/participation/cz/withdraw/", {"action": action("I.2").pk}, follow=True)
    assert "was not taking part" in again.content.decode()

    history = list(Participation.history.filter(party_id=party_a.pk).order_by("history_date"))
    # the item changes are recorded as changes of their own (simple-history's m2m tracking)
    assert history[0].history_type == "+" and history[-1].history_type == "-" and len(history) >= 3
    assert all(h.history_user == ncp_a for h in history)
    page = client_for(reader).get("/plans/2012-2016/participation/cz/").content.decode()
    assert page.count(str(ncp_a)) >= 3 and "withdrew" in page and "declared" in page


def test_items_of_another_action_are_refused_next_to_the_field(client_for, ncp_a, party_a):
    wrong = list(ActionItem.objects.filter(action=action("VI.2")))
    response = _declare(client_for(ncp_a), act="I.2", items=wrong)
    assert response.status_code == 200 and "Choose only items of action I.2." in response.content.decode()
    assert not Participation.objects.exists()


def test_declaring_twice_from_a_blank_form_is_a_conflict_not_an_overwrite(
    client_for, ncp_a, party_a, secretariat
):
    ParticipationFactory(party=party_a, action=action("III.2"), role="lead", declared_by=secretariat)
    response = _declare(client_for(ncp_a), role="participant")
    assert response.status_code == 409 and "nothing was overwritten" in response.content.decode()
    assert Participation.objects.get(party=party_a, action=action("III.2")).role == "lead"


def test_mass_assignment_party_field_is_ignored(client_for, ncp_b, party_a, party_b):
    client_for(ncp_b).post(
        "/plans/2012-2016/participation/de/",
        {"action": action("III.2").pk, "role": "lead", "party": party_a.pk, "version": ""},
    )
    assert list(Participation.objects.values_list("party__code", flat=True)) == ["DE"]


def test_contact_point_cannot_change_another_partys_row(client_for, ncp_b, party_a):
    ParticipationFactory(party=party_a, action=action("I.1"))
    c = client_for(ncp_b)
    assert _declare(c, code="cz").status_code == 403
    assert (
        c.post("/plans/2012-2016/participation/cz/withdraw/", {"action": action("I.1").pk}).status_code == 403
    )
    page = c.get("/plans/2012-2016/participation/cz/").content.decode()
    assert "Save participation" not in page and "Withdraw" not in page
    assert list(Participation.objects.values_list("party__code", "action__number")) == [("CZ", 1)]


def test_matrix_counts_untouched_actions_and_group_filter(client, plan, party_a, party_b):
    ParticipationFactory(party=party_a, action=action("I.2"), role="lead")
    ParticipationFactory(party=party_b, action=action("I.2"))
    ParticipationFactory(party=party_b, action=action("VI.3"))
    body = client.get("/plans/2012-2016/participation/").content.decode()
    assert "52 Parties shown; 3 declarations." in body
    assert "20 actions no Party has joined:" in body  # stands out in words, not only in colour
    assert 'abbr title="lead">L</abbr>' in body and 'abbr title="participant">P</abbr>' in body
    assert body.count('<th scope="rowgroup"') == 7 and "<caption>" in body
    eu_only = client.get("/plans/2012-2016/participation/", {"group": "central-asia"}).content.decode()
    assert "5 Parties shown; 0 declarations." in eu_only and "22 actions no Party has joined" in eu_only


def test_matrix_csv_matches_the_declarations_and_escapes_cells(client, plan, party_a):
    ParticipationFactory(party=party_a, action=action("III.2"), role="lead")
    response = client.get("/plans/2012-2016/participation/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="participation.csv"'
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header = lines[0]
    assert header[:3] == ["party_code", "party", "group"] and len(header) == 3 + 22 + 1
    cz = next(line for line in lines if line[0] == "CZ")
    assert cz[header.index("III.2")] == "lead" and cz[-1] == "1"
    assert len(lines) == 1 + 52 + 1


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        "/plans/2012-2016/participation/",
        "/plans/2012-2016/participation/export.csv",
        "/parties/cz/",
        "/plans/2012-2016/participation/cz/",
    ],
)
def test_matrix_query_count_is_the_same_with_2_and_52_parties_taking_part(
    client, plan, url, django_assert_num_queries
):
    parties = list(Party.objects.order_by("order"))
    codes = ["I.1", "I.2", "II.2", "III.2", "VI.2"]
    for party in Party.objects.filter(code__in=["CZ", "DE"]):
        ParticipationFactory(party=party, action=action("I.2"))
    few = _count(client, url)
    for i, party in enumerate(parties):
        for code in codes[: 1 + i % len(codes)]:
            p, _ = Participation.objects.get_or_create(
                party=party, action=action(code), defaults={"since": "2012-01-01", "role": "participant"}
            )
            p.items.set(ActionItem.objects.filter(action=p.action)[:1])
    assert Participation.objects.values("party").distinct().count() == 52
    with django_assert_num_queries(few):
        client.get(url)


def test_party_page_shows_commitments_and_due_confirmation_to_its_own_contact_point(
    client_for, ncp_a, party_a, client
):
    ParticipationFactory(party=party_a, action=action("III.2"), role="lead")
    own = client_for(ncp_a).get("/parties/cz/").content.decode()
    assert "What your Party committed to" in own and "III.2" in own and "Lead" in own
    assert "Confirm your contact details for this year." in own
    assert "Declare, change or withdraw participation" in own
    public = client.get("/parties/cz/").content.decode()
    assert "Actions it takes part in" in public and "What is due" not in public
    assert "Declare, change or withdraw" not in public


def test_participation_since_can_be_given_and_is_kept_when_changed(client_for, ncp_a, party_a):
    import datetime as dt

    c = client_for(ncp_a)
    data = {"action": action("II.2").pk, "role": "participant", "since": "2012-05-01", "version": ""}
    assert c.post("/plans/2012-2016/participation/cz/", data).status_code == 302
    p = Participation.objects.get(party=party_a, action=action("II.2"))
    assert p.since == dt.date(2012, 5, 1)
    form_page = c.get("/plans/2012-2016/participation/cz/", {"action": action("II.2").pk}).content.decode()
    assert 'value="2012-05-01"' in form_page and f'name="version" value="{p.version}"' in form_page
    change = {
        "action": action("II.2").pk,
        "role": "lead",
        "since": "",
        "version": p.version,
    }
    assert c.post("/plans/2012-2016/participation/cz/", change).status_code == 302
    p.refresh_from_db()
    assert (p.role, p.since) == ("lead", dt.date(2012, 5, 1))
