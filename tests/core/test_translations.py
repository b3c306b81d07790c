"""Content in two languages: the Russian loaded from the data file with its status and history, the
display tag that marks English standing in for a missing Russian, and the English original column."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation

from actions.models import Action, ActionItem, ActionPlan, FinancingSource, PriorityArea
from actions.plan_data import (
    DEFAULT_PLAN_FILE,
    PlanDataError,
    plan_load,
    read_plan_file,
    read_translation_file,
    translation_file_for,
)
from core.models import TranslationRevision, TranslationStatus
from core.translations import localized, translation_save
from parties.models import GeographicGroup, PartnerOrganisation, Party

RU_FILE = translation_file_for(DEFAULT_PLAN_FILE)
RU = json.loads(RU_FILE.read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db


def test_the_translation_file_covers_the_whole_plan(plan):
    """Every text of the plan file has its Russian: nothing is left to fall back on the English."""
    for model, fields in [
        (ActionPlan, ["process", "title", "adopted_at", "adopted_place", "conference_theme"]),
        (PriorityArea, ["title"]),
        (Action, ["text"]),
        (ActionItem, ["text"]),
        (FinancingSource, ["name"]),
        (GeographicGroup, ["name"]),
        (Party, ["name", "short_name"]),
        (PartnerOrganisation, ["name"]),
    ]:
        for field in fields:
            missing = model.objects.filter(**{f"{field}_ru__isnull": True}).exclude(**{f"{field}_en": ""})
            assert not missing.exists(), f"{model.__name__}.{field}: {list(missing)}"


def test_russian_texts_are_those_of_the_file_and_are_working_translations(plan):
    action = Action.objects.get(area__numeral="I", number=2)
    assert action.text_ru == RU["areas"]["I"]["actions"]["2"]["text"]
    assert action.text_en.startswith("To promote cooperation")
    item = ActionItem.objects.get(action=action, letter="a")
    assert item.text_ru == RU["areas"]["I"]["actions"]["2"]["items"]["a"]
    assert Party.objects.get(code="CZ").short_name_ru == RU["parties"]["CZ"]["short_name"]
    ct = ContentType.objects.get_for_model(Action)
    state = TranslationStatus.objects.get(content_type=ct, object_id=action.pk, field="text")
    assert state.status == TranslationStatus.Status.WORKING
    revision = state.revisions.get()
    assert (revision.text_ru, revision.text_en, revision.source) == (
        action.text_ru,
        action.text_en,
        RU_FILE.name,
    )
    assert revision.by is None


def test_reading_follows_the_language_and_lists_stay_one_query(plan, django_assert_num_queries):
    with translation.override("ru"), django_assert_num_queries(1):
        texts = [a.text for a in Action.objects.order_by("area__order", "number")]
    assert all(any("А" <= ch <= "я" for ch in t) for t in texts)
    with translation.override("en"), django_assert_num_queries(1):
        assert [a.text for a in Action.objects.order_by("area__order", "number")][0].startswith("To ")


def test_loading_again_writes_nothing_and_keeps_a_text_changed_in_the_portal(plan, secretariat):
    action = Action.objects.get(area__numeral="II", number=1)
    translation_save(
        action, "text", ru="Исправленный текст.", status=TranslationStatus.Status.OFFICIAL, by=secretariat
    )
    revisions = TranslationRevision.objects.count()
    data = read_plan_file(DEFAULT_PLAN_FILE)
    plan_load(data=data, translation_data=read_translation_file(RU_FILE), source=RU_FILE.name)
    assert TranslationRevision.objects.count() == revisions
    action.refresh_from_db()
    assert action.text_ru == "Исправленный текст."
    state = TranslationStatus.objects.get(
        content_type=ContentType.objects.get_for_model(Action), object_id=action.pk, field="text"
    )
    assert (state.status, state.updated_by) == (TranslationStatus.Status.OFFICIAL, secretariat)
    assert [r.text_ru for r in state.revisions.all()] == [
        "Исправленный текст.",
        RU["areas"]["II"]["actions"]["1"]["text"],
    ]


def test_a_changed_translation_file_updates_the_russian_with_a_new_revision(plan, tmp_path):
    changed = json.loads(json.dumps(RU))
    changed["areas"]["III"]["title"] = "Новое название"
    changed["status"] = "review"
    plan_file = tmp_path / "plan.json"
    shutil.copy(DEFAULT_PLAN_FILE, plan_file)
    translation_file_for(plan_file).write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    call_command("load_action_plan", file=str(plan_file), stdout=io.StringIO())
    area = PriorityArea.objects.get(numeral="III")
    assert area.title_ru == "Новое название"
    state = TranslationStatus.objects.get(
        content_type=ContentType.objects.get_for_model(PriorityArea), object_id=area.pk, field="title"
    )
    # The text already had its status row (working); the new revision records the text, the row keeps
    # its status until someone reviews it.
    assert state.revisions.count() == 2
    assert state.revisions.first().text_ru == "Новое название"


def test_a_translation_file_in_another_language_is_refused_and_nothing_changes(plan, tmp_path):
    bad = tmp_path / "plan.ru.json"
    bad.write_text(json.dumps({"language": "de"}), encoding="utf-8")
    with pytest.raises(PlanDataError, match="language"):
        read_translation_file(bad)
    bad.write_text(json.dumps({"language": "ru", "status": "perfect"}), encoding="utf-8")
    with pytest.raises(PlanDataError, match="status"):
        read_translation_file(bad)
    assert read_translation_file(tmp_path / "absent.ru.json") is None


def render(template: str, **context) -> str:
    return Template("{% load content %}" + template).render(Context(context))


def test_the_display_tag_marks_english_standing_in_for_russian(plan):
    action = Action.objects.get(area__numeral="I", number=1)
    with translation.override("ru"):
        html = render('{% tr a "text" %}', a=action)
        assert html == RU["areas"]["I"]["actions"]["1"]["text"]
        action.text_ru = None
        html = render('{% tr a "text" %}', a=action)
        assert html.startswith('<span lang="en" class="untranslated">To support')
        assert "untranslated-note" in html
        assert render('{% tr a "text" plain=True %}', a=action).startswith("To support")
    with translation.override("en"):
        assert "untranslated" not in render('{% tr a "text" chars=20 %}', a=action)
        assert localized(action, "text").lang == "en"


def test_the_content_filter_marks_frozen_labels(plan):
    with translation.override("ru"):
        assert render("{{ x|content }}", x={"text": "Чехия", "lang": "ru"}) == "Чехия"
        assert 'lang="en"' in render("{{ x|content }}", x={"text": "Czechia", "lang": "en"})
        assert render("{{ x|content }}", x="<b>") == "&lt;b&gt;"


def test_saving_under_a_russian_interface_keeps_the_original_column_english(plan):
    from django.db import connection

    party = Party.objects.get(code="CZ")
    with translation.override("ru"):
        party.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT short_name FROM parties_party WHERE id = %s", [party.pk])
        assert cursor.fetchone()[0] == party.short_name_en == "Czech Republic"


def test_inside_a_sentence_the_english_standing_in_is_marked_and_bare_in_titles(plan):
    party = Party.objects.get(code="CZ")
    party.short_name_ru = None
    sentence = (
        '{% load i18n %}{% blocktranslate with p=party|tr:"short_name" %}Of {{ p }}{% endblocktranslate %}'
    )
    title = '{% load i18n %}{% blocktranslate with p=party|tr_plain:"short_name" %}Of {{ p }}{% endblocktranslate %}'
    with translation.override("ru"):
        assert '<span lang="en" class="untranslated">Czech Republic</span>' in render(sentence, party=party)
        assert render(title, party=party) == "Of Czech Republic"
        party.short_name_ru = "Чехия"
        assert render(sentence, party=party) == "Of Чехия"
