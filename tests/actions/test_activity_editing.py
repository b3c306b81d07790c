"""Logging and editing activities: participation recorded, errors kept, lost_update, audit_history,
delete_semantics."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from actions.models import Activity, FinancingLine, FinancingSource, Participation
from actions.services import ActivityWrite, activity_update
from core.concurrency import StaleEdit
from tests.actions.activity_support import activity_post, edit_post, media_root  # noqa: F401
from tests.factories import ActivityFactory, ParticipationFactory, action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def _sources():
    return list(FinancingSource.objects.order_by("order"))


def test_contact_point_logs_an_activity_with_items_lines_and_partners(
    client_for, ncp_a, party_a, party_b, plan
):
    from parties.models import PartnerOrganisation

    i2b = action("I.2").items.get(letter="b")
    eu, national, _other = _sources()
    unhcr = PartnerOrganisation.objects.order_by("acronym").first()
    data = activity_post(
        title="Study visit of border guards",
        actions=[],
        items=[str(i2b.pk)],
        other_parties=[str(party_b.pk)],
        links="https://example.org/report\nhttps://example.org/photos",
        lines=[
            {"source": eu.pk, "amount": "12000.50", "currency": "EUR", "funder": "European Commission"},
            {"source": national.pk, "amount": "3000", "currency": "CZK"},
        ],
        partners=[{"organisation": unhcr.pk, "role": "implementing"}],
    )
    response = client_for(ncp_a).post("/activities/new/", data)
    assert response.status_code == 302
    activity = Activity.objects.get(title="Study visit of border guards")
    assert response["Location"] == f"/activities/{activity.pk}/"
    assert list(activity.actions.all()) == [action("I.2")]  # the item's action is recorded with it
    assert list(activity.items.all()) == [i2b]
    assert list(activity.other_parties.all()) == [party_b]
    lines = list(activity.financing_lines.order_by("pk").values_list("amount", "currency", "funder"))
    assert lines == [(Decimal("12000.50"), "EUR", "European Commission"), (Decimal("3000.00"), "CZK", "")]
    assert activity.partner_roles.get().role == "implementing"
    page = client_for(ncp_a).get(response["Location"]).content.decode()
    for text in ("Study visit of border guards", "I.2 b", "12000.50", "CZK", unhcr.acronym, "Germany"):
        assert text in page


def test_activity_under_an_action_not_joined_records_the_party_as_participant(client_for, ncp_a, party_a):
    ParticipationFactory(party=party_a, action=action("I.1"), role="lead")
    client = client_for(ncp_a)
    data = activity_post(actions=[str(action("I.1").pk), str(action("II.2").pk)], title="Two actions")
    response = client.post("/activities/new/", data)
    assert response.status_code == 302
    participation = Participation.objects.get(party=party_a, action=action("II.2"))
    assert participation.role == "participant" and participation.declared_by == ncp_a
    assert Participation.objects.get(party=party_a, action=action("I.1")).role == "lead"  # untouched
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("recorded as participant in action II.2" in n for n in notes)


def test_errors_are_shown_next_to_fields_with_the_data_kept(client_for, ncp_a):
    data = activity_post(
        title="Kept title",
        start_date="2014-05-01",
        end_date="2014-01-01",
        links="not a link",
        lines=[{"amount": "-5", "currency": "XXY"}],
    )
    response = client_for(ncp_a).post("/activities/new/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Kept title"' in body
    assert "The end date is before the start date." in body
    assert "not a web address" in body
    assert "Select a valid choice. XXY is not one of the available choices." in body
    assert "greater than or equal to 0" in body
    assert 'id="id_end_date_error"' in body
    assert not Activity.objects.filter(title="Kept title").exists()


def test_an_activity_needs_an_action_or_item(client_for, ncp_a):
    response = client_for(ncp_a).post("/activities/new/", activity_post(actions=[], title="Nowhere"))
    assert "Choose at least one action or item." in response.content.decode()


def test_currency_defaults_to_eur_on_the_form(client_for, ncp_a):
    body = client_for(ncp_a).get("/activities/new/").content.decode()
    assert '<option value="EUR" selected>EUR</option>' in body


def test_editing_other_fields_keeps_untouched_lines_and_partners(client_for, ncp_a, party_a):
    from parties.models import PartnerOrganisation

    client = client_for(ncp_a)
    unhcr = PartnerOrganisation.objects.get(acronym="UNHCR")
    client.post(
        "/activities/new/",
        activity_post(
            title="Keeps lines",
            lines=[{"amount": "100"}, {"amount": "200", "currency": "USD"}],
            partners=[{"organisation": unhcr.pk, "role": "funding"}],
        ),
    )
    activity = Activity.objects.get(title="Keeps lines")
    page = client.get(f"/activities/{activity.pk}/edit/").content.decode()
    assert 'name="financing-INITIAL_FORMS" value="2"' in page
    data = edit_post(activity, title="Keeps lines, renamed")
    row = activity.partner_roles.get()
    data.update({"partners-TOTAL_FORMS": "2", "partners-INITIAL_FORMS": "1", "partners-0-id": str(row.pk)})
    data.update({"partners-0-organisation": str(unhcr.pk), "partners-0-role": "funding"})
    data.update({"partners-1-organisation": "", "partners-1-role": "partner"})  # the blank extra row
    data.update({"financing-TOTAL_FORMS": "3", "financing-2-currency": "EUR"})  # the blank extra line
    assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Keeps lines, renamed"
    assert sorted(activity.financing_lines.values_list("currency", flat=True)) == ["EUR", "USD"]
    assert activity.partner_roles.count() == 1
    data = edit_post(activity, version=str(activity.version))
    data["financing-0-DELETE"] = "on"
    assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    assert list(activity.financing_lines.values_list("currency", flat=True)) == ["USD"]


def test_a_line_of_another_activity_cannot_be_named_in_the_form(client_for, ncp_a, party_a, party_b):
    """A line's hidden id must be one of the activity's own lines: naming another Party's line is
    refused next to the lines, and neither activity changes."""
    from tests.factories import FinancingLineFactory

    client = client_for(ncp_a)
    mine = ActivityFactory(party=party_a, actions=[action("I.1")])
    FinancingLineFactory(activity=mine, amount=Decimal("10"))
    theirs = ActivityFactory(party=party_b, actions=[action("I.1")])
    their_line = FinancingLineFactory(activity=theirs, amount=Decimal("99"))
    data = edit_post(mine, title="Renamed")
    data["financing-0-id"] = str(their_line.pk)
    data["financing-0-amount"] = "1"
    response = client.post(f"/activities/{mine.pk}/edit/", data)
    assert response.status_code == 200
    assert "This row is no longer one of the activity" in response.content.decode()
    mine.refresh_from_db()
    assert mine.title != "Renamed"
    assert list(mine.financing_lines.values_list("amount", flat=True)) == [Decimal("10.00")]
    assert list(theirs.financing_lines.values_list("amount", flat=True)) == [Decimal("99.00")]
    data["financing-0-id"] = "not-a-number"
    assert client.post(f"/activities/{mine.pk}/edit/", data).status_code == 200


# --- lost_update ---------------------------------------------------------------------------------


def test_lost_update_second_edit_from_the_same_version_gets_the_conflict(
    client_for, ncp_a, secretariat, party_a
):
    activity = ActivityFactory(
        party=party_a, title="Original", description="first text", actions=[action("I.2")]
    )
    first, second = client_for(ncp_a), client_for(secretariat)
    form_a = edit_post(activity, title="Edited by the contact point")
    form_b = edit_post(activity, title="Edited by the secretariat", description="other text")
    assert first.post(f"/activities/{activity.pk}/edit/", form_a).status_code == 302
    response = second.post(f"/activities/{activity.pk}/edit/", form_b)
    assert response.status_code == 409
    body = response.content.decode()
    assert f"Changed by {ncp_a}" in body
    assert "Edited by the contact point" in body and "Edited by the secretariat" in body  # both versions
    activity.refresh_from_db()
    assert activity.title == "Edited by the contact point"
    assert activity.description == "first text"
    assert activity.version == 2
    # the form now carries the saved version: saving again is a deliberate overwrite
    assert 'name="version" value="2"' in body


def test_lost_update_service_writes_nothing_when_stale(party_a, ncp_a):
    activity = ActivityFactory(party=party_a, title="Kept")
    FinancingLine.objects.create(activity=activity, source=_sources()[0], amount=10, currency="EUR")
    write = ActivityWrite(fields={"title": "Stale"}, actions=[action("II.1")], financing=[])
    with pytest.raises(StaleEdit):
        activity_update(activity=activity, user=ncp_a, expected_version=0, write=write)
    activity.refresh_from_db()
    assert activity.title == "Kept" and activity.financing_lines.count() == 1
    assert list(activity.actions.all()) == [action("I.1")]


def test_lost_update_missing_version_is_treated_as_stale(client_for, ncp_a, party_a):
    activity = ActivityFactory(party=party_a, title="Kept")
    data = edit_post(activity, title="No version")
    del data["version"]
    assert client_for(ncp_a).post(f"/activities/{activity.pk}/edit/", data).status_code == 409
    activity.refresh_from_db()
    assert activity.title == "Kept"


# --- audit_history -------------------------------------------------------------------------------


def test_audit_history_keeps_who_when_what_and_the_page_shows_it(client_for, ncp_a, secretariat, party_a):
    client = client_for(ncp_a)
    client.post("/activities/new/", activity_post(title="Audited", lines=[{"amount": "100"}]))
    activity = Activity.objects.get(title="Audited")
    assert activity.history.count() == 1
    created = activity.history.get()
    assert created.history_type == "+" and created.history_user == ncp_a
    data = edit_post(activity, title="Audited again", status="completed", actions=[str(action("II.2").pk)])
    data["financing-0-amount"] = "250"
    assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    activity.refresh_from_db()
    assert activity.history.count() == 2  # one entry per save, sets and lines included
    latest = activity.history.order_by("-history_id").first()
    assert latest.history_user == ncp_a and latest.version == 2
    assert "Financing" in latest.history_change_reason
    client_for(secretariat).post(f"/activities/{activity.pk}/delete/")
    body = client_for(secretariat).get(f"/activities/{activity.pk}/").content.decode()
    assert "History" in body
    for text in (
        "Audited",
        "Audited again",
        "Ongoing",
        "Completed",
        "I.2",
        "II.2",
        "archived",
        str(secretariat),
    ):
        assert text in body, text
    assert str(ncp_a) in body


def test_audit_history_of_financing_lines_is_kept(client_for, ncp_a, party_a):
    client = client_for(ncp_a)
    client.post("/activities/new/", activity_post(title="Lines", lines=[{"amount": "100"}]))
    line = FinancingLine.objects.get(activity__title="Lines")
    assert line.history.get().history_user == ncp_a


# --- delete_semantics ----------------------------------------------------------------------------


def test_delete_semantics_a_draft_is_deleted(client_for, ncp_a, party_a):
    draft = ActivityFactory(party=party_a, state="draft")
    response = client_for(ncp_a).post(f"/activities/{draft.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/activities/"
    assert not Activity.objects.filter(pk=draft.pk).exists()
    assert Activity.history.filter(id=draft.pk, history_type="-").exists()  # still in the history


def test_delete_semantics_submitted_is_archived_and_the_secretariat_restores_it(
    client_for, ncp_a, ncp_b, secretariat, reader, party_a
):
    activity = ActivityFactory(party=party_a, state="submitted", title="Kept for the record")
    assert client_for(ncp_a).post(f"/activities/{activity.pk}/delete/").status_code == 302
    activity.refresh_from_db()
    assert activity.state == "archived"
    # archived: out of the lists, hidden from other Parties and readers, restorable by the secretariat
    assert "Kept for the record" not in client_for(ncp_a).get("/activities/").content.decode()
    assert client_for(ncp_b).get(f"/activities/{activity.pk}/").status_code == 404
    assert client_for(reader).get(f"/activities/{activity.pk}/").status_code == 404
    assert client_for(ncp_a).get(f"/activities/{activity.pk}/edit/").status_code == 302
    assert client_for(ncp_a).post(f"/activities/{activity.pk}/restore/").status_code == 403
    listed = client_for(secretariat).get("/activities/", {"state": "archived"}).content.decode()
    assert "Kept for the record" in listed
    assert client_for(secretariat).post(f"/activities/{activity.pk}/restore/").status_code == 302
    activity.refresh_from_db()
    assert activity.state == "submitted"
    assert client_for(reader).get(f"/activities/{activity.pk}/").status_code == 200


def test_delete_semantics_deleting_twice_changes_nothing_twice(client_for, ncp_a, party_a):
    activity = ActivityFactory(party=party_a, state="submitted")
    client = client_for(ncp_a)
    client.post(f"/activities/{activity.pk}/delete/")
    activity.refresh_from_db()
    version = activity.version
    client.post(f"/activities/{activity.pk}/delete/")
    activity.refresh_from_db()
    assert activity.state == "archived" and activity.version == version


def test_delete_semantics_party_with_activities_cannot_be_deleted(party_a):
    from django.db.models import ProtectedError

    ActivityFactory(party=party_a)
    with pytest.raises(ProtectedError):
        party_a.delete()


def test_drafts_are_seen_only_by_their_party_and_the_secretariat(client_for, cast, party_a, ncp_a):
    ActivityFactory(party=party_a, state="draft", title="Secret draft")
    ActivityFactory(party=party_a, state="submitted", title="Public work")
    for role in ("ncp_a", "secretariat", "ncp_b", "reader", "coregroup"):
        client = client_for(cast[role])
        sees = role in ("ncp_a", "secretariat")
        for url in (
            "/activities/",
            "/activities/?q=draft or work",
            "/activities/export.csv",
            "/parties/cz/",
            "/plans/2012-2016/I/1/",
        ):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert (b"Secret draft" in body) is sees, (role, url)
            assert b"Public work" in body, (role, url)


def test_lost_update_conflict_shown_even_when_the_other_edit_removed_a_line(
    client_for, ncp_a, secretariat, party_a
):
    client = client_for(ncp_a)
    client.post(
        "/activities/new/", activity_post(title="Lines race", lines=[{"amount": "100"}, {"amount": "200"}])
    )
    activity = Activity.objects.get(title="Lines race")
    stale = edit_post(activity, title="Mine")
    removal = edit_post(activity)
    removal["financing-0-DELETE"] = "on"
    assert client_for(secretariat).post(f"/activities/{activity.pk}/edit/", removal).status_code == 302
    response = client.post(f"/activities/{activity.pk}/edit/", stale)
    assert response.status_code == 409
    activity.refresh_from_db()
    assert activity.title == "Lines race" and activity.financing_lines.count() == 1


def test_a_draft_records_no_participation_until_it_is_submitted(client_for, ncp_a, party_a):
    client = client_for(ncp_a)
    client.post(
        "/activities/new/", activity_post(title="Quiet draft", state="draft", actions=[str(action("V.3").pk)])
    )
    activity = Activity.objects.get(title="Quiet draft")
    assert not Participation.objects.filter(party=party_a, action=action("V.3")).exists()
    response = client.post(f"/activities/{activity.pk}/edit/", edit_post(activity, state="submitted"))
    assert response.status_code == 302
    assert Participation.objects.get(party=party_a, action=action("V.3")).role == "participant"
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("recorded as participant in action V.3" in n for n in notes)


def test_an_activity_without_history_rows_still_opens(client_for, ncp_a, party_a):
    """Activities written in bulk (bulk_create: demo data at scale, imports) have no history rows."""
    from actions.models import Activity
    from tests.factories import action

    activity = Activity.objects.bulk_create(
        [Activity(title="Bulk-written", party=party_a, state="submitted", plan=action("I.1").area.plan)]
    )[0]
    activity.actions.add(action("I.1"))
    Activity.history.filter(id=activity.pk).delete()
    response = client_for(ncp_a).get(f"/activities/{activity.pk}/")
    assert response.status_code == 200
    assert "Bulk-written" in response.content.decode()


def _save_queries(client, activity) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parties.models import PartnerOrganisation

    activity.refresh_from_db()
    data = edit_post(activity, title=activity.title + " (saved)")
    rows = list(activity.partner_roles.order_by("pk"))
    data.update({"partners-TOTAL_FORMS": str(len(rows)), "partners-INITIAL_FORMS": str(len(rows))})
    for n, row in enumerate(rows):
        data.update({f"partners-{n}-id": str(row.pk), f"partners-{n}-organisation": str(row.organisation_id)})
        data[f"partners-{n}-role"] = row.role
    assert PartnerOrganisation.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    return len(queries)


def test_query_budget_a_save_asks_as_much_with_one_line_as_with_six(client_for, ncp_a, party_a):
    """Each line and partner of a save is checked without a query of its own."""
    from parties.models import PartnerOrganisation
    from tests.factories import FinancingLineFactory

    client = client_for(ncp_a)
    organisations = list(PartnerOrganisation.objects.filter(is_active=True).order_by("pk")[:5])
    small, large = (ActivityFactory(party=party_a, actions=[action("I.1")]) for _ in range(2))
    FinancingLineFactory(activity=small)
    small.partner_roles.create(organisation=organisations[0], role="partner")
    for n in range(6):
        FinancingLineFactory(activity=large, amount=Decimal(100 + n))
    for organisation in organisations:
        large.partner_roles.create(organisation=organisation, role="partner")
    _save_queries(client, small)  # warm: the session is renewed on the first request
    assert _save_queries(client, small) == _save_queries(client, large)


def test_a_partner_listed_twice_in_one_role_is_refused_and_once_again_after_removal_is_not(
    client_for, ncp_a, party_a
):
    from parties.models import PartnerOrganisation

    unhcr = PartnerOrganisation.objects.get(acronym="UNHCR")
    client = client_for(ncp_a)
    twice = [{"organisation": unhcr.pk, "role": "funding"}, {"organisation": unhcr.pk, "role": "funding"}]
    response = client.post("/activities/new/", activity_post(title="Twice", partners=twice))
    assert response.status_code == 200
    assert "is listed twice in the same role" in response.content.decode()
    assert not Activity.objects.filter(title="Twice").exists()
    roles = [{"organisation": unhcr.pk, "role": "funding"}, {"organisation": unhcr.pk, "role": "partner"}]
    assert (
        client.post("/activities/new/", activity_post(title="Two roles", partners=roles)).status_code == 302
    )
    activity = Activity.objects.get(title="Two roles")
    assert activity.partner_roles.count() == 2
    # Removing a row and adding the same one again in the same save is one row, not a duplicate.
    data = edit_post(activity)
    rows = list(activity.partner_roles.order_by("pk"))
    data.update({"partners-TOTAL_FORMS": "3", "partners-INITIAL_FORMS": "2"})
    for n, row in enumerate(rows):
        data.update({f"partners-{n}-id": str(row.pk), f"partners-{n}-organisation": str(unhcr.pk)})
        data[f"partners-{n}-role"] = row.role
    data["partners-0-DELETE"] = "on"
    data.update({"partners-2-organisation": str(unhcr.pk), "partners-2-role": rows[0].role})
    assert client.post(f"/activities/{activity.pk}/edit/", data).status_code == 302
    assert sorted(activity.partner_roles.values_list("role", flat=True)) == ["funding", "partner"]


def test_a_line_or_partner_naming_an_unknown_or_retired_choice_is_refused_next_to_it(client_for, ncp_a):
    """The rows' sources and organisations are looked up in lists read once: what is not in them
    (a source that does not exist, an organisation no longer active, junk) is refused in its row."""
    from parties.models import PartnerOrganisation

    retired = PartnerOrganisation.objects.get(acronym="UNHCR")
    retired.is_active = False
    retired.save()
    client = client_for(ncp_a)
    for lines, partners in (
        ([{"source": 999_999}], []),
        ([{"source": "x"}], []),
        ([], [{"organisation": retired.pk, "role": "funding"}]),
        ([], [{"organisation": "1; DROP", "role": "funding"}]),
    ):
        response = client.post(
            "/activities/new/", activity_post(title="Unknown", lines=lines, partners=partners)
        )
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert 'class="field-error"' in response.content.decode()
    assert not Activity.objects.filter(title="Unknown").exists()
