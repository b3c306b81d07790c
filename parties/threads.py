"""Conversations on records: a thread of messages between a Party and the secretariat.

Every record with a conversation (an activity, a progress report) keeps its messages in the one
`Message` table, named by content type and id, so the apps above this one share one model, one
partial (templates/parties/_thread.html) and one mail. Who reads and writes a thread: the
secretariat, and the contact points of the record's Party (`thread.write`); others do not see it,
readers included, since a thread is the working exchange before a record is checked, like a draft.

Each message is mailed to the other side through the outbox, once per message and recipient (key
`thread:<message pk>:<recipient pk>`): the Party's message to the secretariat, the secretariat's to
the Party's contact points; never to its author.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.background import enqueue_on_commit
from core.mail import mail_render
from core.translations import option_text

from .models import Message, Party, User
from .notifications import notification_queue
from .permissions import can
from .tasks import send_due_notifications

TEXT_MAX = 5000


def thread_messages(record: Model) -> QuerySet[Message]:
    """The record's messages, oldest first, with their authors: one query however long the thread
    (an author's Party is joined too, read only to name an erased former contact point)."""
    return (
        Message.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
        .select_related("author__party")
        .order_by("created_at", "pk")
    )


def thread_delete(record: Model) -> int:
    """Delete the record's messages, with the record itself (a deleted draft): a generic link has no
    cascade of its own."""
    return thread_messages(record).delete()[0]


def thread_for(user, record: Model, party: Party | int, *, form=None) -> dict | None:
    """What the "Conversation" section shows to `user`: the messages and the form to add one; None
    when the user takes no part in the record's conversation."""
    if not can(user, "thread.write", party):
        return None
    from .forms import MessageForm

    return {"messages": list(thread_messages(record)), "form": form or MessageForm()}


def thread_recipients(*, party_id: int, author: User) -> QuerySet[User]:
    """The other side of the conversation: the secretariat when the Party wrote, the Party's active
    contact points when the secretariat did; never the author."""
    people = User.objects.filter(is_active=True).exclude(email="").exclude(pk=author.pk)
    if author.is_secretariat:
        people = people.filter(role=User.Role.CONTACT_POINT, party_id=party_id)
    else:
        people = people.filter(role=User.Role.SECRETARIAT)
    return people.order_by("pk")


@transaction.atomic
def message_post(
    *, user: User, record: Model, party: Party, text: str, url: str, about: Callable[[], str] | str
) -> Message:
    """Add `user`'s message to the record's thread and queue one e-mail to each person of the other
    side, in their language. The same text sent twice in a row by the same person (a second click,
    a replayed form) is the one message. `about` names the record in the mail (a function is called
    in each recipient's language); `url` is the record's page."""
    text = text.strip()
    record_type = ContentType.objects.get_for_model(record)
    last = (
        Message.objects.filter(content_type=record_type, object_id=record.pk)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is not None and last.author_id == user.pk and last.text == text:
        return last
    message = Message(content_type=record_type, object_id=record.pk, party=party, author=user, text=text)
    message.full_clean()
    message.save()
    now = timezone.now()
    link = settings.SITE_URL.rstrip("/") + url

    def context() -> dict:
        return {
            "author": user,
            "from_secretariat": user.is_secretariat,
            "party": option_text(party, "short_name"),
            "about": about() if callable(about) else about,
            "text": text,
            "link": link,
        }

    for recipient in thread_recipients(party_id=party.pk, author=user):
        language = recipient.preferred_language or "en"
        subject, body = mail_render("parties/email/thread_message", context, language=language)
        notification_queue(
            key=f"thread:{message.pk}:{recipient.pk}",
            kind="thread_message",
            to_email=recipient.email,
            subject=subject,
            body=body,
            due_at=now,
            recipient=recipient,
            language=language,
        )
    # a fast path only: the beat sweeps the outbox anyway
    enqueue_on_commit(send_due_notifications)
    return message
