"""Meeting mail in each recipient's language, content included: a Russian contact point's
invitation and reminder carry the meeting's Russian title (and its calendar entry too), an English
one the English title; a meeting with no Russian title is named in English in the Russian mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from pragueprocess.reminders import reminders_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def languages(ncp_a, ncp_b):
    ncp_a.preferred_language = "ru"
    ncp_a.save(update_fields=["preferred_language"])
    ncp_b.preferred_language = "en"
    ncp_b.save(update_fields=["preferred_language"])
    return ncp_a, ncp_b


def _mail_to(user, word: str):
    return [m for m in mail.outbox if m.to == [user.email] and word in m.subject]


def _ics_summary(message) -> str:
    name, content, _mimetype = message.attachments[0]
    assert name == "meeting.ics"
    return str(next(iter(Calendar.from_ical(content).walk("VEVENT")))["SUMMARY"])


def test_the_reminder_has_the_meetings_title_in_each_recipients_language(invited_meeting, languages):
    russian, english = languages
    invited_meeting.title_en, invited_meeting.title_ru = "SOM in Prague", "СДЛ в Праге"
    invited_meeting.save(update_fields=["title_en", "title_ru"])
    reminders_run(now=invited_meeting.starts_at - timedelta(days=7))
    ru = _mail_to(russian, "СДЛ в Праге")
    en = _mail_to(english, "SOM in Prague")
    assert ru and en
    assert all("SOM in Prague" not in m.subject + m.body for m in ru)
    assert all("СДЛ в Праге" not in m.subject + m.body for m in en)
    assert sorted(m.subject for m in ru) == [
        "Напоминание: «СДЛ в Праге» через 7 дней",
        "Приглашение: СДЛ в Праге",
    ]
    assert sorted(m.subject for m in en) == ["Invitation: SOM in Prague", "Reminder: SOM in Prague in 7 days"]
    assert {_ics_summary(m) for m in ru} == {"СДЛ в Праге"}
    assert {_ics_summary(m) for m in en} == {"SOM in Prague"}


def test_a_meeting_without_a_russian_title_is_named_in_english_in_russian_mail(invited_meeting, languages):
    russian, _english = languages
    invited_meeting.title_en, invited_meeting.title_ru = "SOM in Kyiv", None
    invited_meeting.save(update_fields=["title_en", "title_ru"])
    reminders_run(now=invited_meeting.starts_at - timedelta(days=7))
    ru = _mail_to(russian, "SOM in Kyiv")
    assert ru
    assert all(any("а" <= ch <= "я" for ch in m.subject.lower()) for m in ru)  # the interface stays Russian
