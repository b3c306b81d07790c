"""The demo shows mail people steer: two contact points' choices and one message to the core group,
which the first reminder pass sends to the core group in each recipient's language; seeding again
changes nothing, and a choice changed by hand is kept."""

from __future__ import annotations

import random

import pytest
from django.core import mail

from parties import demo as parties_demo
from parties.mailprefs import mail_preferences_save, preferences_of
from parties.models import User
from pragueprocess import demo_mail
from pragueprocess.models import AudienceMessage
from pragueprocess.reminders import reminders_run

pytestmark = pytest.mark.django_db


def test_demo_mail_choices_and_message_to_the_core_group_are_seeded_once(plan):
    parties_demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    assert demo_mail.seed() == {"messages to an audience": 1}
    cz, de = User.objects.get(username="ncp-cz"), User.objects.get(username="ncp-de")
    assert preferences_of(cz)["meeting_reminders"] == "digest"
    assert preferences_of(de)["meeting_reminders"] == "none"
    mail_preferences_save(user=cz, modes={"meeting_reminders": "immediate"})
    parties_demo.seed(rng=random.Random(1), scale=0, password="demo-password-123")
    assert demo_mail.seed() == {"messages to an audience": 0}
    assert preferences_of(cz)["meeting_reminders"] == "immediate"

    reminders_run()
    message = AudienceMessage.objects.get()
    sent = [m for m in mail.outbox if m.subject in (message.subject, message.subject_ru)]
    assert message.recipient_count == len(sent) > 0
    to = {address for m in sent for address in m.to}
    assert "ncp-cz@example.org" in to and "coregroup@example.org" in to and "ncp-al@example.org" not in to
