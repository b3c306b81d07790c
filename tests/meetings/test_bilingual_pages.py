"""The meeting and agenda forms edit the title in both languages side by side, whatever the language
of the interface: English into the English column, Russian into the Russian one (empty = missing)."""

from __future__ import annotations

import pytest

from core.models import TranslationRevision, TranslationStatus
from meetings.models import AgendaItem, Meeting
from tests.meetings.test_views import FORM

pytestmark = pytest.mark.django_db


def russian(client):
    assert client.post("/i18n/setlang/", {"language": "ru", "next": "/"}).status_code == 302
    return client


def test_meeting_form_in_russian_saves_each_language_in_its_column(client_for, secretariat):
    client = russian(client_for(secretariat))
    form_page = client.get("/meetings/new/").content.decode()
    assert 'name="title_en"' in form_page and 'name="title_ru"' in form_page
    assert "Название (на английском языке)" in form_page
    data = {**FORM, "title_en": "SOM in Warsaw", "title_ru": "СДЛ в Варшаве"}
    assert client.post("/meetings/new/", data).status_code == 302
    meeting = Meeting.objects.get(title_en="SOM in Warsaw")
    assert meeting.title_ru == "СДЛ в Варшаве"
    from django.contrib.contenttypes.models import ContentType

    state = TranslationStatus.objects.get(
        content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk, field="title"
    )
    assert state.status == "working" and state.updated_by == secretariat
    assert TranslationRevision.objects.filter(translation=state, text_ru="СДЛ в Варшаве").exists()

    # an edit with the Russian emptied stores it as missing, never the English in its place
    edit = {**FORM, "title_en": "SOM in Warsaw, 2013", "title_ru": "", "version": meeting.version}
    assert client.post(f"/meetings/{meeting.pk}/edit/", edit).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.title_ru) == ("SOM in Warsaw, 2013", None)


def test_a_russian_only_title_is_refused_beside_the_english_field(client_for, secretariat):
    client = russian(client_for(secretariat))
    response = client.post("/meetings/new/", {**FORM, "title_en": "", "title_ru": "СДЛ в Варшаве"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["title_en"]
    assert "Введите название на английском языке" in response.content.decode()
    assert not Meeting.objects.filter(title_ru="СДЛ в Варшаве").exists()


def test_agenda_items_are_edited_in_both_languages(client_for, secretariat):
    client = client_for(secretariat)
    assert client.post("/meetings/new/", {**FORM, "title_en": "SOM in Warsaw"}).status_code == 302
    meeting = Meeting.objects.get(title_en="SOM in Warsaw")
    russian(client)
    url = f"/meetings/{meeting.pk}/agenda/edit/"
    data = {"items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0"}
    data["items-MAX_NUM_FORMS"] = "60"
    data.update({"items-0-order": "1", "items-0-title_en": "Opening", "items-0-title_ru": "Открытие"})
    data.update({"items-1-order": "2", "items-1-title_en": "", "items-1-title_ru": "Только по-русски"})
    refused = client.post(url, data)
    assert refused.status_code == 200 and not AgendaItem.objects.exists()
    data["items-1-title_en"] = "Monitoring"
    data["items-1-title_ru"] = ""
    assert client.post(url, data).status_code == 302
    items = {i.title_en: i.title_ru for i in AgendaItem.objects.filter(meeting=meeting)}
    assert items == {"Opening": "Открытие", "Monitoring": None}
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Открытие" in body and '<span lang="en" class="untranslated">Monitoring</span>' in body


def test_demo_meetings_have_russian_titles(plan):
    import random

    from meetings import demo
    from parties import demo as parties_demo

    parties_demo.seed(rng=random.Random(1), scale=0, password="x")
    demo.seed(rng=random.Random(1), scale=0.1, plan=plan)
    assert not Meeting.objects.filter(title_ru__isnull=True).exists()
    nxt = Meeting.objects.get(title_en="Senior Officials' Meeting (next)")
    assert nxt.title_ru == "Заседание старших должностных лиц (следующее)"
    assert nxt.agenda_items.filter(title_ru__isnull=False).count() == 3
