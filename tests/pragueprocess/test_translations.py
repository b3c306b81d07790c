"""The secretariat's translation pages: status counts, lists, the editor with its history and stale
edits, marking many texts official, query counts that do not grow with the data, and Russian."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from core.models import TranslationRevision, TranslationStatus
from core.translations import kinds, translated_models
from parties.models import Party
from tests.factories import AgendaItemFactory, MeetingFactory, action

pytestmark = pytest.mark.django_db

OFFICIAL = TranslationStatus.Status.OFFICIAL


@pytest.fixture
def sec(client_for, secretariat):
    return client_for(secretariat)


def status_of(obj, field):
    return TranslationStatus.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, field=field
    ).first()


def edit_url(kind, obj):
    return f"/translations/{kind}/{obj.pk}/"


def form_data(response, **changes):
    """The editor's form as the page gives it, with `changes` ({"text-ru": ...}) applied."""
    data = {}
    for form in response.context["entries"]:
        f = form["form"]
        for name in f.fields:
            value = f[name].value()
            data[f.add_prefix(name)] = "" if value is None else value
    data.update({k.replace("__", "-"): v for k, v in changes.items()})
    return data


def count_cell(body: str, kind: str, column: str) -> int:
    """The number in the first table row of `kind`, column `column` of the status page."""
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', body, re.S).group(1)
    cell = re.search(rf'<td data-count="{column}">(.*?)</td>', row, re.S).group(1)
    return int(re.sub(r"<[^>]+>", "", cell))


def test_every_translated_model_is_a_kind_with_a_unique_slug():
    assert {k.model for k in kinds().values()} == set(translated_models())
    assert len({k.slug for k in kinds().values()}) == len(kinds())


def test_editing_a_russian_text_keeps_its_revision_and_status(sec, secretariat, plan):
    act = action("I.2")
    page = sec.get(edit_url("actions", act))
    assert page.status_code == 200
    assert act.text_en in page.content.decode()  # the English beside the Russian
    response = sec.post(edit_url("actions", act), form_data(page, text__ru="Новый текст действия"))
    assert response.status_code == 302
    act.refresh_from_db()
    assert act.text_ru == "Новый текст действия"
    state = status_of(act, "text")
    assert state.status == TranslationStatus.Status.WORKING and state.updated_by == secretariat
    newest = state.revisions.first()
    assert (newest.by, newest.text_ru, newest.text_en) == (secretariat, "Новый текст действия", act.text_en)
    history = sec.get(edit_url("actions", act)).content.decode()
    history = history.split('id="history-h"', 1)[1]
    assert "Новый текст действия" in history and ">sec<" in history
    assert history.count("<time") == state.revisions.count() >= 2  # the loader's and ours, newest first
    assert history.index("Новый текст действия") < history.index(state.revisions.last().text_ru)


def test_marking_official_without_changing_the_text_is_a_change_kept(sec, secretariat, plan):
    act = action("I.2")
    before = act.text_ru
    revisions = TranslationRevision.objects.filter(translation=status_of(act, "text")).count()
    page = sec.get(edit_url("actions", act))
    assert sec.post(edit_url("actions", act), form_data(page, text__status=OFFICIAL)).status_code == 302
    state = status_of(act, "text")
    assert state.status == OFFICIAL
    assert state.revisions.count() == revisions + 1
    newest = state.revisions.first()
    assert (newest.status, newest.text_ru, newest.by) == (OFFICIAL, before, secretariat)
    # saving again unchanged writes nothing
    again = sec.get(edit_url("actions", act))
    sec.post(edit_url("actions", act), form_data(again))
    assert state.revisions.count() == revisions + 1


def test_a_stale_edit_is_refused_with_409_and_the_other_persons_text_kept(client_for, secretariat, plan):
    from tests.factories import UserFactory

    other = UserFactory(username="sec2", role="secretariat")
    first, second = client_for(secretariat), client_for(other)
    act = action("II.1")
    opened_first = first.get(edit_url("actions", act))
    opened_second = second.get(edit_url("actions", act))
    assert second.post(edit_url("actions", act), form_data(opened_second, text__ru="Текст второго"))[
        "Location"
    ]
    response = first.post(edit_url("actions", act), form_data(opened_first, text__ru="Текст первого"))
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="conflict"' in body and "Текст второго" in body and "Текст первого" in body
    act.refresh_from_db()
    assert act.text_ru == "Текст второго"
    # the form now carries the current version: saving again overwrites deliberately
    again = first.post(edit_url("actions", act), form_data(response, text__ru="Текст первого"))
    assert again.status_code == 302
    act.refresh_from_db()
    assert act.text_ru == "Текст первого"


def test_a_text_too_long_for_its_column_is_answered_beside_the_field(sec, plan):
    party = Party.objects.get(code="CZ")
    page = sec.get(edit_url("parties", party))
    response = sec.post(edit_url("parties", party), form_data(page, short_name__ru="Я" * 81))
    assert response.status_code == 200
    errors = {e["field"]: e["form"].errors for e in response.context["entries"]}
    assert list(errors["short_name"]) == ["ru"], errors
    assert 'id="id_short_name-ru_error"' in response.content.decode()
    party.refresh_from_db()
    assert party.short_name_ru != "Я" * 81


def test_a_missing_text_cannot_be_marked_official(sec, plan):
    meeting = MeetingFactory(title="Senior Officials' Meeting in Prague")
    page = sec.get(edit_url("meetings", meeting))
    response = sec.post(edit_url("meetings", meeting), form_data(page, title__status=OFFICIAL))
    assert response.status_code == 200 and response.context["entries"][0]["form"].errors["status"]
    assert status_of(meeting, "title") is None


def test_status_page_counts_change_when_a_text_is_removed_or_marked(sec, plan):
    body = sec.get("/translations/").content.decode()
    texts = count_cell(body, "actions", "texts")
    assert texts == Action.objects.filter(area__plan=plan).count()
    missing, working = count_cell(body, "actions", "missing"), count_cell(body, "actions", "working")
    official = count_cell(body, "actions", "official")
    # the loader's Russian are working translations
    assert working == texts - missing and official == 0

    act = action("I.2")
    page = sec.get(edit_url("actions", act))
    sec.post(edit_url("actions", act), form_data(page, text__ru=""))  # the Russian removed: missing
    act2 = action("I.3")
    page = sec.get(edit_url("actions", act2))
    sec.post(edit_url("actions", act2), form_data(page, text__status=OFFICIAL))
    act3 = action("II.1")
    page = sec.get(edit_url("actions", act3))
    sec.post(edit_url("actions", act3), form_data(page, text__status=TranslationStatus.Status.REVIEW))

    body = sec.get("/translations/").content.decode()
    assert count_cell(body, "actions", "missing") == missing + 1
    assert count_cell(body, "actions", "official") == 1
    assert count_cell(body, "actions", "review") == 1
    assert count_cell(body, "actions", "working") == working - 3
    # each count opens its list, filtered
    assert f'href="/translations/actions/?plan={plan.slug}&amp;state=review"' in body


def test_list_filters_by_state_and_marks_many_official(sec, secretariat, plan):
    acts = [action("I.2"), action("I.3")]
    listed = sec.get("/translations/actions/?state=unreviewed")
    assert listed.status_code == 200
    keys = [f"{a.pk}:text" for a in acts]
    body = listed.content.decode()
    assert all(f'value="{k}"' in body for k in keys)
    response = sec.post("/translations/actions/official/", {"text": keys, "next": "/translations/actions/"})
    assert response.status_code == 302
    for a in acts:
        state = status_of(a, "text")
        assert state.status == OFFICIAL and state.updated_by == secretariat
        assert state.revisions.filter(status=OFFICIAL).count() == 1
    official = sec.get("/translations/actions/?state=official").context["rows"]
    assert {r["obj"].pk for r in official} == {a.pk for a in acts}
    # marking again changes nothing and keeps no second revision
    sec.post("/translations/actions/official/", {"text": keys})
    assert TranslationRevision.objects.filter(status=OFFICIAL).count() == 2


def test_a_missing_text_is_listed_as_missing_and_not_offered_for_marking(sec, plan):
    meeting = MeetingFactory(title="Expert meeting on return")
    response = sec.get("/translations/meetings/?state=missing")
    rows = response.context["rows"]
    assert [r["obj"].pk for r in rows] == [meeting.pk]
    assert f'value="{meeting.pk}:title"' not in response.content.decode()
    sec.post("/translations/meetings/official/", {"text": [f"{meeting.pk}:title"]})
    assert status_of(meeting, "title") is None


def test_a_malformed_filter_lists_nothing(sec, plan):
    response = sec.get("/translations/actions/?state=everything")
    assert response.status_code == 200 and response.context["rows"] == []


def _more_content(n: int) -> None:
    from core.translations import translation_save

    for i in range(n):
        meeting = MeetingFactory()
        for _ in range(3):
            item = AgendaItemFactory(meeting=meeting)
        translation_save(meeting, "title", ru=f"Заседание {i}", status=OFFICIAL)
        translation_save(item, "title", ru=f"Пункт {i}", status=TranslationStatus.Status.REVIEW)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        "/translations/",
        "/translations/agenda/?state=all",
        "/translations/meetings/?state=unreviewed",
        "/translations/actions/?state=all",
    ],
)
def test_query_counts_do_not_grow_with_the_data(sec, plan, url):
    _more_content(3)
    few = _queries(sec, url)
    _more_content(60)  # more than a page of agenda items and meetings
    assert _queries(sec, url) == few


def test_editor_query_count_does_not_grow_with_the_history(sec, plan, secretariat):
    from core.translations import translation_save

    act = action("I.2")
    few = _queries(sec, edit_url("actions", act))
    for i in range(20):
        translation_save(act, "text", ru=f"Версия {i}", by=secretariat)
    assert _queries(sec, edit_url("actions", act)) == few


def test_the_editor_in_russian_is_translated(sec, plan):
    act = action("I.2")
    body = sec.get(edit_url("actions", act), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in body
    for english in ("History", "Save", "Status", "Working translation", "in Russian"):
        assert f">{english}<" not in body and f"{english}</" not in body, english
    assert "История" in body and "Сохранить" in body and "Текст на русском языке" in body
    assert ">Английский<" in body and "Рабочий перевод" in body
    status_page = sec.get("/translations/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Тексты действий" in status_page


def test_unknown_kind_or_record_is_404(sec, plan):
    assert sec.get("/translations/nonsense/").status_code == 404
    assert sec.get("/translations/actions/999999/").status_code == 404


def test_nav_links_the_secretariat_to_translations(sec, client_for, reader, plan):
    assert 'href="/translations/"' in sec.get("/").content.decode()
    assert 'href="/translations/"' not in client_for(reader).get("/").content.decode()
