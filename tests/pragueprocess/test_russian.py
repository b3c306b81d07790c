"""The portal in Russian: the pages switch language, and the catalogue is complete and compiled.

The catalogue tests read locale/ru/LC_MESSAGES/django.po with a small parser of their own, so they need
no gettext tools; when msgfmt is installed, its own check runs as well.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import ActivityFactory, MeetingFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|%%|\{\w*\}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


# --- a tiny .po parser -------------------------------------------------------------------------


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (list of forms), flags, line."""
    entries: list[dict] = []
    current: dict | None = None
    key: tuple | None = None

    def finish():
        if current is not None and "msgid" in current:
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and "msgid" in current and key and key[0] == "msgstr":
                finish()
                current, key = None, None
            if current is None:
                current = {"flags": set(), "msgstr": {}, "line": number}
            if line.startswith("#,"):
                current["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert current is not None and key is not None, f"stray string at line {number}"
            if key[0] == "msgstr":
                current["msgstr"][key[1]] += _unquote(line)
            else:
                current[key[0]] += _unquote(line)
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgctxt", "msgid") and (current is None or (key and key[0] == "msgstr")):
            finish()
            current = {"flags": set(), "msgstr": {}, "line": number}
        assert current is not None, f"unexpected {word!r} at line {number}"
        match = re.fullmatch(r"msgstr\[(\d)\]", word)
        if match:
            key = ("msgstr", int(match.group(1)))
            current["msgstr"][key[1]] = _unquote(rest)
        elif word == "msgstr":
            key = ("msgstr", 0)
            current["msgstr"][0] = _unquote(rest)
        elif word in ("msgctxt", "msgid", "msgid_plural"):
            key = (word,)
            current[word] = _unquote(rest)
        else:
            raise AssertionError(f"unknown keyword {word!r} at line {number}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue():
    entries = parse_po(PO_FILE)
    header = [e for e in entries if e["msgid"] == ""]
    assert len(header) == 1
    return header[0], [e for e in entries if e["msgid"] != ""]


# --- the catalogue -------------------------------------------------------------------------------


def test_header_declares_russian_and_its_three_plural_forms(catalogue):
    header, _ = catalogue
    text = header["msgstr"][0]
    assert "Language: ru\n" in text
    assert "Content-Type: text/plain; charset=UTF-8" in text
    assert "nplurals=3;" in text
    assert "fuzzy" not in header["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    assert len(entries) > 1000  # the whole interface, not a sample
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == []
    untranslated = []
    for entry in entries:
        forms = entry["msgstr"]
        expected = 3 if "msgid_plural" in entry else 1
        if sorted(forms) != list(range(expected)) or not all(forms.values()):
            untranslated.append(entry["msgid"])
    assert untranslated == []


def test_translations_are_russian_and_keep_placeholders_and_line_breaks(catalogue):
    _, entries = catalogue
    problems = []
    for entry in entries:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        allowed = set(PLACEHOLDER.findall(sources[0])) | set(PLACEHOLDER.findall(sources[1]))
        for index, text in entry["msgstr"].items():
            source = sources[min(index, 1)]
            found = set(PLACEHOLDER.findall(text))
            if "msgid_plural" in entry:
                # a singular form may spell the number out, but never invents a placeholder
                if not found <= allowed or (index > 0 and found != set(PLACEHOLDER.findall(source))):
                    problems.append((entry["line"], "placeholders", text))
            elif found != set(PLACEHOLDER.findall(source)):
                problems.append((entry["line"], "placeholders", text))
            if source.endswith("\n") != text.endswith("\n"):
                problems.append((entry["line"], "line break", text))
            has_letters = re.search(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", source))
            kept_verbatim = source in {"English", "HTML", "PDF", "XLSX", "CSV", "vCard", "API"}
            if has_letters and not kept_verbatim and not CYRILLIC.search(text):
                problems.append((entry["line"], "not Russian", text))
    assert problems == []


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The committed .mo is what Django reads: it must hold every translation of the .po."""
    _, entries = catalogue
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            got = [compiled.ngettext(msgid, entry["msgid_plural"], n) for n in (1, 3, 5)]
            want = [entry["msgstr"][0], entry["msgstr"][1], entry["msgstr"][2]]
        else:
            got, want = [compiled.gettext(msgid)], [entry["msgstr"][0]]
        if got != want:
            stale.append(entry["msgid"])
    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools are not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "out.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr
    assert re.match(r"\d+ translated messages\.$", result.stderr.strip())


def test_russian_plural_forms_follow_the_number(settings):
    from django.utils import translation

    with translation.override("ru"):
        text = {
            n: translation.ngettext("%(counter)s Party", "%(counter)s Parties", n) % {"counter": n}
            for n in (1, 3, 5, 21, 22, 25, 11)
        }
    assert text == {
        1: "1 Сторона",
        3: "3 Стороны",
        5: "5 Сторон",
        21: "21 Сторона",
        22: "22 Стороны",
        25: "25 Сторон",
        11: "11 Сторон",
    }


# --- the pages -----------------------------------------------------------------------------------

ENGLISH_CHROME = ["Skip to main content", "Action Plan portal", "Sign out", "The plan</a>"]


def _russian(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    return client


def _body(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Language"] == "ru"
    return response.content.decode()


@pytest.mark.django_db
def test_language_switch_turns_public_pages_russian(client, plan):
    _russian(client)
    home = _body(client, "/")
    assert '<html lang="ru"' in home
    assert "Перейти к основному содержанию" in home
    assert "Портал Плана действий Пражского процесса" in home
    assert "Краткий обзор плана" in home
    assert "Войти" in home
    for english in ["Skip to main content", "The plan at a glance", "Action Plan portal", ">Sign in<"]:
        assert english not in home

    plan_page = _body(client, "/plans/2012-2016/")
    assert "Приоритетные области" in plan_page
    assert "Пражский процесс" in plan_page
    assert "Priority areas" not in plan_page
    # the plan's own text is shown in its Russian translation
    assert "Укрепление потенциала в области убежища и международной защиты" in plan_page
    assert "Strengthening capacities in the area of asylum and international protection" not in plan_page

    parties = _body(client, "/parties/")
    assert "Стороны Пражского процесса по географическим группам" in parties
    assert "Фильтр Сторон" in parties
    assert "52 Стороны" in parties
    for english in ["The Parties of the Prague Process", "Filter Parties", "52 Parties"]:
        assert english not in parties

    sign_in = _body(client, "/accounts/login/")
    assert "<h1>Войти</h1>" in sign_in
    assert "Забыли пароль?" in sign_in
    assert "Пароль" in sign_in
    for english in ["<h1>Sign in</h1>", "Forgotten your password?", ">Password<"]:
        assert english not in sign_in


@pytest.mark.django_db
def test_accept_language_header_alone_turns_the_page_russian(client, plan):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Перейти к основному содержанию" in body and "Skip to main content" not in body


@pytest.mark.django_db
def test_contact_point_sees_activities_and_meetings_in_russian(client_for, ncp_a):
    ActivityFactory(party=ncp_a.party)
    MeetingFactory()
    client = _russian(client_for(ncp_a))

    activities = _body(client, "/activities/")
    assert "<h1>Мероприятия</h1>" in activities
    assert "Зарегистрировать мероприятие" in activities
    assert "Фильтр мероприятий" in activities
    assert "Экспорт в CSV" in activities
    assert "Выйти" in activities and "Мои данные" in activities
    for english in [*ENGLISH_CHROME, "Log an activity", "Filter activities", "Export CSV", "My details"]:
        assert english not in activities

    meetings = _body(client, "/meetings/")
    assert "<h1>Совещания</h1>" in meetings
    assert "Предстоящие совещания" in meetings
    assert "Совещание старших должностных лиц" in meetings
    for english in [*ENGLISH_CHROME, "Upcoming meetings", "Past meetings", "Filter meetings"]:
        assert english not in meetings


@pytest.mark.django_db
def test_english_stays_the_default(client, plan):
    body = client.get("/").content.decode()
    assert "Skip to main content" in body and "Перейти к основному содержанию" not in body
