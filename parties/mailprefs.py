"""Each person's choice, per optional category of mail (parties.mailkinds): immediately, in a weekly
digest, or not at all. The outbox reads it when a mail is due (parties.notifications), so a choice
made after a mail was queued still counts.

The one-click unsubscribe of RFC 8058: every optional mail to a person carries
`List-Unsubscribe: <SITE_URL/mail/unsubscribe/<token>/>`, the token signed (django.core.signing) over
the person and the category, so that the link needs no sign-in; a POST to it sets that category to
"not at all".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from .mailkinds import CATEGORIES, optional_categories
from .models import MailPreference, User

UNSUBSCRIBE_SALT = "parties.mail-unsubscribe"
Mode = MailPreference.Mode


def unsubscribe_token(*, user_pk: int, category: str) -> str:
    return signing.dumps({"u": user_pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user pk, optional category) from a signed link, or None when tampered with or unknown.
    No expiry: a mail in someone's inbox keeps a working link."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_pk, category = int(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    found = CATEGORIES.get(category)
    if found is None or found.essential:
        return None
    return user_pk, category


def unsubscribe_url(*, user_pk: int, category: str) -> str:
    token = unsubscribe_token(user_pk=user_pk, category=category)
    return settings.SITE_URL.rstrip("/") + reverse("mail:unsubscribe", args=[token])


def modes_for(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """{(user id, category): mode} for the rows that exist (one query); a missing pair is immediate."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return {}
    rows = MailPreference.objects.filter(user_id__in=ids).values_list("user_id", "category", "mode")
    return {(user_id, category): mode for user_id, category, mode in rows}


def preferences_of(user: User) -> dict[str, str]:
    """{optional category: mode} for one person, every optional category present."""
    stored = {category: mode for (_u, category), mode in modes_for([user.pk]).items()}
    return {c.code: stored.get(c.code, Mode.IMMEDIATE) for c in optional_categories()}


@transaction.atomic
def mail_preferences_save(*, user: User, modes: dict[str, str]) -> int:
    """Store one's choices for the optional categories given; returns how many changed. Only one's
    own choices, and each save says the whole choice: the last one wins, as a person changing their
    mind expects (no version check between one's own tabs)."""
    current = preferences_of(user)
    changed = 0
    for category, mode in modes.items():
        if category not in current or mode not in Mode.values or current[category] == mode:
            continue
        MailPreference.objects.update_or_create(user=user, category=category, defaults={"mode": mode})
        changed += 1
    return changed


def mail_unsubscribe(*, user: User, category: str) -> bool:
    """The one-click unsubscribe: that category not at all. True when it changed; twice is once."""
    return mail_preferences_save(user=user, modes={category: Mode.NONE}) == 1
