"""The one stale-edit mechanism on activities and participation: the administration, archiving,
restoring and withdrawing all move the version on, so a form opened before them is refused."""

from __future__ import annotations

import pytest

from actions.models import Activity, Participation
from tests.actions.activity_support import edit_post
from tests.factories import ActivityFactory, ParticipationFactory, action

pytestmark = pytest.mark.django_db


def _posted(form) -> dict:
    """What the browser posts from a bound-less Django form as the page rendered it."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)
    return data


def _admin_post(client, url: str, **changes) -> dict:
    """The admin change form's values (with its inlines' management forms), `changes` applied."""
    page = client.get(url)
    assert page.status_code == 200
    data = _posted(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(_posted(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(_posted(form))
    data.update(changes)
    data["_save"] = "Save"
    return data


def test_an_admin_edit_makes_an_open_activity_form_stale(client_for, ncp_a, secretariat, party_a):
    activity = ActivityFactory(party=party_a, title="Original", actions=[action("I.2")])
    opened = edit_post(activity, title="Mine")  # the form the contact point has open
    admin = client_for(secretariat)
    url = f"/admin/actions/activity/{activity.pk}/change/"
    assert admin.post(url, _admin_post(admin, url, title="The secretariat's")).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "The secretariat's" and activity.version == int(opened["version"]) + 1
    response = client_for(ncp_a).post(f"/activities/{activity.pk}/edit/", opened)
    assert response.status_code == 409
    assert "Mine" in response.content.decode()  # the person's input is kept
    activity.refresh_from_db()
    assert activity.title == "The secretariat's"


def test_an_admin_edit_from_an_older_version_is_refused(client_for, secretariat, party_a, ncp_a):
    activity = ActivityFactory(party=party_a, title="Original", actions=[action("I.2")])
    admin = client_for(secretariat)
    url = f"/admin/actions/activity/{activity.pk}/change/"
    stale = _admin_post(admin, url, title="From the admin")
    assert (
        client_for(ncp_a)
        .post(f"/activities/{activity.pk}/edit/", edit_post(activity, title="Portal"))
        .status_code
        == 302
    )
    admin.post(url, stale)
    activity.refresh_from_db()
    assert activity.title == "Portal" and activity.version == 2


def test_archiving_and_restoring_make_an_open_edit_form_stale(client_for, ncp_a, secretariat, party_a):
    activity = ActivityFactory(party=party_a, state=Activity.State.SUBMITTED, actions=[action("I.2")])
    opened = edit_post(activity, title="Edited while archived")
    client = client_for(ncp_a)
    assert client.post(f"/activities/{activity.pk}/delete/").status_code == 302
    assert client_for(secretariat).post(f"/activities/{activity.pk}/restore/").status_code == 302
    activity.refresh_from_db()
    assert activity.state == Activity.State.SUBMITTED and activity.version == 3
    assert client.post(f"/activities/{activity.pk}/edit/", opened).status_code == 409
    activity.refresh_from_db()
    assert activity.title != "Edited while archived"


def test_archiving_from_a_page_opened_before_an_edit_does_nothing(client_for, ncp_a, secretariat, party_a):
    activity = ActivityFactory(party=party_a, state=Activity.State.SUBMITTED, actions=[action("I.2")])
    page = client_for(ncp_a).get(f"/activities/{activity.pk}/").content.decode()
    assert 'name="version" value="1"' in page
    edit = edit_post(activity, title="Changed meanwhile")
    assert client_for(secretariat).post(f"/activities/{activity.pk}/edit/", edit).status_code == 302
    response = client_for(ncp_a).post(f"/activities/{activity.pk}/delete/", {"version": "1"}, follow=True)
    assert "changed after you opened it" in response.content.decode()
    activity.refresh_from_db()
    assert activity.state == Activity.State.SUBMITTED and activity.version == 2


def test_an_admin_edit_makes_an_open_participation_form_stale(client_for, ncp_a, secretariat, party_a):
    participation = ParticipationFactory(party=party_a, action=action("III.2"), role="participant")
    c = client_for(ncp_a)
    page = c.get("/plans/2012-2016/participation/cz/", {"action": action("III.2").pk}).content.decode()
    assert f'name="version" value="{participation.version}"' in page
    admin = client_for(secretariat)
    url = f"/admin/actions/participation/{participation.pk}/change/"
    assert admin.post(url, _admin_post(admin, url, note="The secretariat's note")).status_code == 302
    participation.refresh_from_db()
    assert participation.version == 2
    mine = {"action": action("III.2").pk, "role": "lead", "note": "My note", "version": "1"}
    response = c.post("/plans/2012-2016/participation/cz/", mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "nothing was overwritten" in body and "My note" in body and 'name="version" value="2"' in body
    participation.refresh_from_db()
    assert (participation.role, participation.note) == ("participant", "The secretariat's note")
    # saving again from the conflict screen is a deliberate overwrite
    assert c.post("/plans/2012-2016/participation/cz/", {**mine, "version": "2"}).status_code == 302
    participation.refresh_from_db()
    assert (participation.role, participation.version) == ("lead", 3)


def test_withdrawing_from_a_page_opened_before_a_change_withdraws_nothing(client_for, ncp_a, party_a):
    participation = ParticipationFactory(party=party_a, action=action("I.2"), role="participant")
    c = client_for(ncp_a)
    page = c.get("/plans/2012-2016/participation/cz/").content.decode()
    assert f'name="version" value="{participation.version}"' in page
    change = {"action": action("I.2").pk, "role": "lead", "note": "", "version": str(participation.version)}
    assert c.post("/plans/2012-2016/participation/cz/", change).status_code == 302
    response = c.post(
        "/plans/2012-2016/participation/cz/withdraw/",
        {"action": action("I.2").pk, "version": "1"},
        follow=True,
    )
    assert "nothing was withdrawn" in response.content.decode()
    assert Participation.objects.get(party=party_a, action=action("I.2")).role == "lead"
    assert (
        c.post(
            "/plans/2012-2016/participation/cz/withdraw/", {"action": action("I.2").pk, "version": "2"}
        ).status_code
        == 302
    )
    assert not Participation.objects.filter(party=party_a).exists()


def test_changing_a_declaration_withdrawn_meanwhile_is_a_conflict_then_a_new_declaration(
    client_for, ncp_a, party_a
):
    participation = ParticipationFactory(party=party_a, action=action("II.2"), role="participant")
    c = client_for(ncp_a)
    mine = {
        "action": action("II.2").pk,
        "role": "lead",
        "note": "Still ours",
        "version": str(participation.version),
    }
    assert (
        c.post("/plans/2012-2016/participation/cz/withdraw/", {"action": action("II.2").pk}).status_code
        == 302
    )
    response = c.post("/plans/2012-2016/participation/cz/", mine)
    assert response.status_code == 409
    assert 'name="version" value="0"' in response.content.decode()
    assert not Participation.objects.filter(party=party_a).exists()
    assert c.post("/plans/2012-2016/participation/cz/", {**mine, "version": "0"}).status_code == 302
    assert Participation.objects.get(party=party_a, action=action("II.2")).role == "lead"
