"""The activity form's page: the error summary, files kept across an error, the two buttons, a
line added without JavaScript, and a query count that does not grow with the plan or the Parties."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionItem, Activity, Participation, PriorityArea
from core.uploads import pending_keep
from parties.models import GeographicGroup, Party
from tests.actions.activity_support import PDF, activity_post
from tests.factories import action

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _summary(body: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', body, re.S)
    assert found, "no error summary"
    return found.group(1)


def test_the_error_summary_links_to_each_field_in_error_by_its_id(client_for, ncp_a):
    data = activity_post(title="", actions=[], lines=[{"amount": "-5"}])
    body = client_for(ncp_a).post("/activities/new/", data).content.decode()
    summary = _summary(body)
    assert "There is a problem" in summary
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["id_title", "id_actions_0", "id_financing-0-amount"]
    for target in links:
        assert f'id="{target}"' in body  # each link leads to an element of the page
    assert "autofocus data-error-summary" in body
    assert 'name="title" autofocus' not in body  # the summary takes the focus, not the title


def test_the_error_summary_is_not_shown_on_a_fresh_form(client_for, ncp_a):
    body = client_for(ncp_a).get("/activities/new/").content.decode()
    assert "error-summary" not in body and "There is a problem" not in body


@pytest.mark.parametrize(
    ("who", "url", "data"),
    [
        ("ncp_a", "/plans/2012-2016/participation/cz/", {"action": "", "role": "", "version": ""}),
        ("secretariat", "/meetings/new/", {"title_en": ""}),
    ],
)
def test_other_forms_show_the_same_error_summary(request, client_for, who, url, data):
    body = client_for(request.getfixturevalue(who)).post(url, data).content.decode()
    summary = _summary(body)
    assert "There is a problem" in summary
    for target in re.findall(r'<a href="#([^"]+)">', summary):
        assert f'id="{target}"' in body


def test_a_file_survives_a_validation_error_and_is_saved_on_the_corrected_post(client_for, ncp_a, media):
    client = client_for(ncp_a)
    data = activity_post(title="")
    data["documents"] = SimpleUploadedFile("agenda.pdf", PDF, content_type="application/pdf")
    body = client.post("/activities/new/", data).content.decode()
    assert "File agenda.pdf kept; choose another to replace it." in body
    token = re.search(r'name="pending_documents" value="([^"]+)"', body).group(1)
    assert list((media / "pending").iterdir())

    corrected = activity_post(title="With its agenda", pending_documents=token)
    response = client.post("/activities/new/", corrected)
    assert response.status_code == 302
    activity = Activity.objects.get(title="With its agenda")
    document = activity.documents.get()
    assert document.original_name == "agenda.pdf" and document.content_type == "application/pdf"
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    assert not list((media / "pending").iterdir())  # the kept copy is gone once saved


def test_a_file_chosen_again_replaces_the_kept_one(client_for, ncp_a, media):
    kept = pending_keep(SimpleUploadedFile("old.pdf", PDF), user_id=ncp_a.pk, content_type="application/pdf")
    data = activity_post(title="Replaced", pending_documents=kept["token"])
    data["documents"] = SimpleUploadedFile("new.pdf", PDF, content_type="application/pdf")
    assert client_for(ncp_a).post("/activities/new/", data).status_code == 302
    assert [d.original_name for d in Activity.objects.get(title="Replaced").documents.all()] == ["new.pdf"]


@pytest.mark.parametrize("tamper", ["other user", "edited", "junk"])
def test_a_kept_file_opens_only_for_its_own_user_with_its_signature_intact(
    client_for, ncp_a, ncp_b, media, tamper
):
    kept = pending_keep(
        SimpleUploadedFile("secret.pdf", PDF), user_id=ncp_b.pk, content_type="application/pdf"
    )
    token = {
        "other user": kept["token"],  # ncp_b's file, posted by ncp_a
        "edited": kept["token"][:-3] + ("abc" if not kept["token"].endswith("abc") else "xyz"),
        "junk": "pending/../../settings.py",
    }[tamper]
    response = client_for(ncp_a).post(
        "/activities/new/", activity_post(title="Borrowed", pending_documents=token)
    )
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()
    assert not Activity.objects.filter(title="Borrowed").exists()


def test_save_draft_keeps_it_private_and_submit_records_participation(client_for, ncp_a, party_a):
    client = client_for(ncp_a)
    draft_action, submit_action = action("V.3"), action("V.4")
    assert not Participation.objects.filter(party=party_a, action__in=[draft_action, submit_action]).exists()

    client.post(
        "/activities/new/", activity_post(title="A draft", actions=[str(draft_action.pk)], state="draft")
    )
    client.post("/activities/new/", activity_post(title="Submitted", actions=[str(submit_action.pk)]))
    assert Activity.objects.get(title="A draft").state == Activity.State.DRAFT
    assert Activity.objects.get(title="Submitted").state == Activity.State.SUBMITTED
    joined = set(Participation.objects.filter(party=party_a).values_list("action__pk", flat=True))
    assert submit_action.pk in joined and draft_action.pk not in joined

    # A draft is submitted later from its edit page; once submitted, "Save" keeps it so.
    draft = Activity.objects.get(title="A draft")
    body = client.get(f"/activities/{draft.pk}/edit/").content.decode()
    assert 'value="draft"' in body and 'value="submit"' in body
    submitted = Activity.objects.get(title="Submitted")
    body = client.get(f"/activities/{submitted.pk}/edit/").content.decode()
    assert 'name="action" value="draft"' not in body and 'name="action" value="submit"' in body


def test_the_buttons_say_what_each_state_means(client_for, ncp_a):
    body = client_for(ncp_a).get("/activities/new/").content.decode()
    assert 'name="state"' not in body  # no drop-down: the buttons decide
    assert "Only the reporting Party's national contact points and the secretariat see a draft" in body
    assert "Every signed-in member of the portal sees a submitted activity" in body


def test_add_a_line_without_javascript_shows_one_more_line_keeps_the_input_and_saves_nothing(
    client_for, ncp_a
):
    data = activity_post(title="Half typed", lines=[{"amount": "100"}], add_line="financing")
    data["other_parties"] = [str(Party.objects.get(code="MD").pk)]
    response = client_for(ncp_a).post("/activities/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert not Activity.objects.filter(title="Half typed").exists()
    assert "There is a problem" not in body and "field-error" not in body
    assert 'name="financing-TOTAL_FORMS" value="2"' in body
    assert 'id="id_financing-1-amount"' in body and 'id="id_financing-2-amount"' not in body
    assert 'value="Half typed"' in body and 'value="100"' in body
    moldova = re.search(
        rf'<input type="checkbox" name="other_parties" value="{data["other_parties"][0]}"[^>]*>', body
    )
    assert "checked" in moldova.group(0)


def test_the_form_groups_actions_under_their_areas_with_their_items_and_parties_under_their_groups(
    client_for, ncp_a
):
    body = client_for(ncp_a).get("/activities/new/").content.decode()
    for area in PriorityArea.objects.order_by("order"):
        assert f"Priority area {area.numeral}: {area.title}" in body
    i2 = action("I.2")
    # the items of I.2 are nested under it, before the next action
    start = body.index(f'name="actions" value="{i2.pk}"')
    end = body.index(f'name="actions" value="{action("I.3").pk}"')
    for item in i2.items.all():
        assert start < body.index(f'name="items" value="{item.pk}"') < end
    assert f"Full text of action {i2.code}" in body and i2.text in body
    for group in GeographicGroup.objects.all():
        assert f"<legend>{group.name}</legend>" in body
    assert f'name="other_parties" value="{ncp_a.party_id}"' not in body  # not one's own Party


def test_the_form_page_query_count_does_not_grow_with_actions_items_and_parties(
    client_for, ncp_a, plan, django_assert_num_queries
):
    from django.core.cache import cache

    client = client_for(ncp_a)
    client.get("/activities/new/")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/activities/new/").status_code == 200
    area = PriorityArea.objects.create(plan=plan, numeral="VII", title="More", order=7)
    group = GeographicGroup.objects.create(code="more", name="More Parties", order=99)
    for n in range(1, 11):
        added = Action.objects.create(area=area, number=n, text=f"Action {n}")
        ActionItem.objects.create(action=added, letter="a", text="an item")
        Party.objects.create(
            name=f"Party {n}", short_name=f"Party {n}", code=f"Q{n % 10}", group=group, order=100 + n
        )
    cache.clear()
    with django_assert_num_queries(len(few)):
        body = client.get("/activities/new/").content.decode()
    assert "Priority area VII: More" in body and "Party 10" in body
