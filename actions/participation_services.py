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

from core.concurrency import StaleEdit, locked_for_edit, parse_version
from parties.models import Party, User

from .models import Action, ActionItem, Participation


def _locked(party: Party, action: Action, version) -> Participation | None:
    """The Party's declaration for the action, locked, compared with the version the form was
    opened at and moved on; None when there is none and the form was blank. StaleEdit otherwise."""
    found = Participation.objects.select_for_update().filter(party=party, action=action).first()
    if found is not None:
        return locked_for_edit(Participation, found.pk, version)
    if parse_version(version) not in (None, 0):
        # Opened on a declaration that has been withdrawn since: nothing to compare with but a blank one.
        raise StaleEdit(Participation(party=party, action=action, version=0))
    return None


@transaction.atomic
def participation_declare(
    *,
    party: Party,
    action: Action,
    role: str,
    items: list[ActionItem],
    note: str,
    by: User,
    version: int | None,
    since: date | None = None,
) -> tuple[Participation, bool]:
    """Declare that a Party takes part in an action, or change how; refuses a stale edit."""
    if any(item.action_id != action.pk for item in items):
        raise ValidationError({"items": _("Choose only items of action %(code)s.") % {"code": action.code}})
    current = _locked(party, action, version)
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
def participation_withdraw(*, party: Party, action: Action, by: User, version: int | None = None) -> bool:
    """Withdraw a Party from an action; false when it was not taking part (nothing changes twice).
    StaleEdit when `version` is given and the declaration changed since the page showed it."""
    participation = Participation.objects.select_for_update().filter(party=party, action=action).first()
    if participation is None:
        return False
    if version is not None:
        participation = locked_for_edit(Participation, participation.pk, version)
    participation._history_user = by
    participation.delete()
    return True
