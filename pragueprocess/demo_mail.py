"""The demo's mail from the secretariat: one message to the core group in English and Russian, so
that /mail/audience/ shows a logged message and `make run` sends it (to the console) on the first
minute's beat. Idempotent: found by a fixed token."""

from __future__ import annotations

import uuid

from django.utils import timezone

from parties.models import User

from .models import AudienceMessage

CORE_GROUP_NOTE = uuid.uuid5(uuid.NAMESPACE_URL, "pragueprocess-demo:audience:core-group")


def seed() -> dict:
    author = User.objects.filter(username="secretariat").first()
    if author is None:
        return {}
    _message, made = AudienceMessage.objects.get_or_create(
        token=CORE_GROUP_NOTE,
        defaults={
            "author": author,
            "audience": AudienceMessage.Audience.CORE_GROUP,
            "subject": "Core group: the draft agenda of the next Senior Officials' Meeting",
            "body": "Dear colleagues,\n\nthe draft agenda of the next Senior Officials' Meeting is on the "
            "meeting's page. Please send us your comments within two weeks.\n\nThe secretariat",
            "subject_ru": "Основная группа: проект повестки следующего заседания СДЛ",
            "body_ru": "Уважаемые коллеги,\n\nпроект повестки следующего заседания старших должностных лиц "
            "размещён на странице встречи. Просим прислать замечания в течение двух недель.\n\nСекретариат",
            "sent_at": timezone.now(),
        },
    )
    return {"messages to an audience": int(made)}
