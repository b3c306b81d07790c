"""A compile makes the report in English and in Russian from the same frozen figures: the same
number, the same numbers, the labels of each language (English standing in, marked, where the
Russian is missing), a PDF whose Cyrillic survives `pdftotext`, an XLSX with headers in its language;
the pages link each version to the other and publishing publishes both."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
from django.conf import settings

from evaluation.models import ReportVersion
from evaluation.services import report_publish, report_request, report_request_run

pytestmark = pytest.mark.django_db

RU_FILE = settings.BASE_DIR / "actions" / "data" / "prague-process-action-plan-2012-2016.ru.json"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture
def ru_plan():
    return json.loads(RU_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def compiled(plan, year2013, secretariat):
    req, _created = report_request(plan=plan, kind="yearly", year=2013, user=secretariat)
    english = report_request_run(request_pk=req.pk)
    versions = {v.language: v for v in ReportVersion.objects.filter(request=req)}
    assert english.pk == versions["en"].pk
    return versions


def _numbers(value):
    """The figures with every label blanked: what must not differ between the languages."""
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"text", "lang"}:
            return "<label>"
        skip = {"language", "status_labels", "kind_labels"}
        return {k: _numbers(v) for k, v in value.items() if k not in skip}
    return value


def _words(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def _action(data, code):
    return next(a for area in data["areas"] for a in area["actions"] if a["code"] == code)


def test_one_request_makes_an_english_and_a_russian_version_with_the_same_number(compiled):
    assert set(compiled) == {"en", "ru"}
    en, ru = compiled["en"], compiled["ru"]
    assert en.number == ru.number == 1
    assert en.request_id == ru.request_id
    assert en.data["language"] == "en" and ru.data["language"] == "ru"
    assert en.title == "Prague Process Action Plan 2012-2016: monitoring report 2013"
    assert ru.title == "Пражский процесс. План действий 2012–2016: доклад о мониторинге за 2013 год"


def test_both_versions_are_rendered_from_the_same_figures(compiled, ru_plan):
    en, ru = compiled["en"].data, compiled["ru"].data
    assert _numbers(en) == _numbers(ru)
    assert en["headline"]["activities_total"] == ru["headline"]["activities_total"] == 3
    assert en["financing"][0]["total"] == ru["financing"][0]["total"]
    # each language's labels, read from the two columns of the same rows
    assert en["areas"][0]["title"] == {"text": "Preventing and fighting illegal migration", "lang": "en"}
    assert ru["areas"][0]["title"] == {"text": ru_plan["areas"]["I"]["title"], "lang": "ru"}
    cz_ru = ru_plan["parties"]["CZ"]["short_name"]
    assert {"text": cz_ru, "lang": "ru"} in [p["name"] for p in _action(ru, "I.1")["parties"]]
    assert {"text": "Czech Republic", "lang": "en"} in [p["name"] for p in _action(en, "I.1")["parties"]]
    eu_ru = ru_plan["financing_sources"]["European Union funds"]
    assert {"text": eu_ru, "lang": "ru"} in [r["source"] for r in ru["financing"]]
    assert ru["status_labels"]["ongoing"] != en["status_labels"]["ongoing"]
    # a meeting title with no Russian: the English stands in, marked as English
    assert ru["meetings"][0]["title"] == {"text": "SOM 2013", "lang": "en"}


def test_the_html_of_each_version_has_its_language_and_marks_english_standing_in(compiled, ru_plan):
    en, ru = compiled["en"].html, compiled["ru"].html
    assert '<div class="report-body" lang="en">' in en
    assert '<div class="report-body" lang="ru">' in ru
    assert ru_plan["areas"]["I"]["title"] in ru and ru_plan["areas"]["I"]["title"] not in en
    assert "Preventing and fighting illegal migration" in en
    assert '<span lang="en" class="untranslated">SOM 2013</span>' in ru
    assert 'class="untranslated"' not in en


def test_the_russian_pdf_has_the_cyrillic_words_of_the_plan_and_the_english_pdf_the_english(
    compiled, ru_plan, tmp_path
):
    ru = _words(bytes(compiled["ru"].pdf), tmp_path, "ru.pdf")
    en = _words(bytes(compiled["en"].pdf), tmp_path, "en.pdf")
    area_ru = ru_plan["areas"]["I"]["title"]
    assert area_ru in ru
    assert ru_plan["areas"]["II"]["title"] in ru
    assert ru_plan["parties"]["CZ"]["short_name"] in ru
    assert ru_plan["areas"]["I"]["actions"]["1"]["text"][:60] in ru
    assert "Preventing and fighting illegal migration" in en
    assert "Czech Republic" in en
    assert not CYRILLIC.search(en)
    # the Russian PDF's letters are real characters, not boxes: the title round-trips
    assert " ".join(compiled["ru"].title.split()) in ru


def test_the_xlsx_of_each_version_has_headers_and_names_in_its_language(compiled, ru_plan):
    from openpyxl import load_workbook

    en = load_workbook(io.BytesIO(bytes(compiled["en"].xlsx)))
    ru = load_workbook(io.BytesIO(bytes(compiled["ru"].xlsx)))
    assert en.sheetnames[0] == "Summary" and en["Summary"]["A1"].value == "Figure"
    assert ru.sheetnames == ["Резюме", "Действия", "Мероприятия", "Финансирование", "Ход выполнения"] + [
        "Совещания",
        "Невыполненные решения",
        "Доля ответов",
        "Не представили отчет",
        "Предыдущий год",
        "Выводы",
    ]
    assert ru["Резюме"]["A1"].value == "Показатель"
    en_money = [tuple(r) for r in en["Financing"].iter_rows(min_row=2, values_only=True)]
    ru_money = [tuple(r) for r in ru["Финансирование"].iter_rows(min_row=2, values_only=True)]
    eu_ru = ru_plan["financing_sources"]["European Union funds"]
    assert ("European Union funds", "EUR", 1300.0) in en_money
    assert (eu_ru, "EUR", 1300.0) in ru_money
    assert [r[1:] for r in en_money] == [r[1:] for r in ru_money]
    parties = {r[2] for r in ru["Мероприятия"].iter_rows(min_row=2, values_only=True)}
    assert ru_plan["parties"]["CZ"]["short_name"] in parties


def test_a_second_compile_numbers_both_languages_2(plan, year2013):
    for _ in range(2):
        req, _created = report_request(plan=plan, kind="yearly", year=2013, user=None)
        report_request_run(request_pk=req.pk)
    assert sorted(ReportVersion.objects.values_list("number", "language")) == [
        (1, "en"),
        (1, "ru"),
        (2, "en"),
        (2, "ru"),
    ]


def test_publishing_publishes_both_languages_of_the_number(compiled, secretariat):
    report_publish(version=compiled["ru"], user=secretariat)
    assert set(ReportVersion.objects.values_list("language", "state")) == {
        ("en", "published"),
        ("ru", "published"),
    }


def test_lists_link_each_reader_to_their_language_and_the_page_to_the_other(compiled, secretariat, client):
    report_publish(version=compiled["en"], user=secretariat)
    en, ru = compiled["en"], compiled["ru"]
    russian = client.get("/plans/2012-2016/evaluation/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'href="/evaluation/reports/{ru.pk}/" hreflang="ru" lang="ru">{ru.title}</a>' in russian
    assert f'<a href="/evaluation/reports/{en.pk}/" hreflang="en" lang="en">English version</a>' in russian
    english = client.get("/plans/2012-2016/evaluation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/evaluation/reports/{en.pk}/" hreflang="en" lang="en">{en.title}</a>' in english
    assert f'<a href="/evaluation/reports/{ru.pk}/" hreflang="ru" lang="ru">Русская версия</a>' in english
    page = client.get(f"/evaluation/reports/{ru.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<div class="report-body" lang="ru">' in page
    assert f'<a href="/evaluation/reports/{en.pk}/" hreflang="en" lang="en">English version</a>' in page
    pdf = client.get(f"/evaluation/reports/{ru.pk}.pdf")
    assert pdf.status_code == 200 and bytes(pdf.content) == bytes(ru.pdf)
    assert "v1-ru.pdf" in pdf["Content-Disposition"]


def test_the_request_page_opens_the_readers_language_and_links_the_other(compiled, secretariat, client_for):
    en, ru = compiled["en"], compiled["ru"]
    client = client_for(secretariat)
    page = client.get(f"/evaluation/compiles/{en.request_id}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'<a class="button" href="/evaluation/reports/{ru.pk}/" hreflang="ru">' in page
    assert f'href="/evaluation/reports/{en.pk}/" hreflang="en" lang="en">English version</a>' in page


def test_the_version_list_is_one_query_whatever_the_number_of_versions(
    plan, year2013, reader, client_for, django_assert_max_num_queries, secretariat
):
    from evaluation.selectors import versions_visible

    for _ in range(3):
        req, _created = report_request(plan=plan, kind="yearly", year=2013, user=None)
        report_publish(version=report_request_run(request_pk=req.pk), user=secretariat)
    with django_assert_max_num_queries(1):
        rows = [(v.number, v.language, v.other_language) for v in versions_visible(reader, language="ru")]
    assert rows == [(3, "ru", "en"), (2, "ru", "en"), (1, "ru", "en")]
