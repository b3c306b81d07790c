"""Writing the Parties' voluntary participation: declare (or change) and withdraw.

History: Participation has simple-history; the acting user is set on the instance so that a
service called outside a request still records who.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parties.models import Party, User
from parties.services import StaleEdit, record_fingerprint

from .models import Action, ActionItem, Participation

FINGERPRINT_FIELDS = ["role", "note", "since", "items"]


def participation_fingerprint(participation: Participation | None) -> str:
    """The version an edit form carries; empty when the Party does not take part yet."""
    return record_fingerprint(participation, FINGERPRINT_FIELDS) if participation else ""


@transaction.atomic
def participation_declare(
    *,
    party: Party,
    action: Action,
    role: str,
    items: list[ActionItem],
    note: str,
    by: User,
    fingerprint: str,
    since: date | None = None,
) -> tuple[Participation, bool]:
    """Declare that a Party takes part in an action, or change how; refuses a stale edit."""
    if any(item.action_id != action.pk for item in items):
        raise ValidationError({"items": _("Choose only items of action %(code)s.") % {"code": action.code}})
    current = Participation.objects.select_for_update().filter(party=party, action=action).first()
    if participation_fingerprint(current) != fingerprint:
        raise StaleEdit(current)
    created = current is None
    participation = current or Participation(party=party, action=action, since=since or timezone.localdate())
    if since:
        participation.since = since
    participation.role, participation.note, participation.declared_by = role, note, by
    participation.full_clean()
    participation._history_user = by
    participation.save()
    participation.items.set(items)
    return participation, created


@transaction.atomic
def participation_withdraw(*, party: Party, action: Action, by: User) -> bool:
    """Withdraw a Party from an action; false when it was not taking part (nothing changes twice)."""
    participation = Participation.objects.select_for_update().filter(party=party, action=action).first()
    if participation is None:
        return False
    participation._history_user = by
    participation.delete()
    return True
