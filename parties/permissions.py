"""Who may do what: one table from role to capabilities, read through `can()`.

Each capability maps to a scope per role:
- ALL: on every Party's records;
- OWN: only on the records of the user's own Party;
- absent: not at all.
No view invents its own role check: it asks `can(user, capability, party)`.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

if TYPE_CHECKING:
    from .models import Party


class Scope(Enum):
    OWN = "own"
    ALL = "all"


ALL, OWN = Scope.ALL, Scope.OWN

SECRETARIAT, CONTACT_POINT, CORE_GROUP, READER = "secretariat", "contact_point", "core_group", "reader"

# capability -> {role: scope}. Anonymous visitors have no capability here: what is public is
# public by its page, not by a row in this table.
CAPABILITIES: dict[str, dict[str, Scope]] = {
    # reading what is not public
    "member.view": {SECRETARIAT: ALL, CONTACT_POINT: ALL, CORE_GROUP: ALL, READER: ALL},
    "contacts.view": {SECRETARIAT: ALL, CONTACT_POINT: ALL, CORE_GROUP: ALL, READER: ALL},
    "dashboard.view": {SECRETARIAT: ALL, CONTACT_POINT: ALL, CORE_GROUP: ALL, READER: ALL},
    "draft.view": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # the Parties and their people
    "participation.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "contact_point.manage": {SECRETARIAT: ALL},
    "core_group.manage": {SECRETARIAT: ALL},
    "partner.manage": {SECRETARIAT: ALL},
    # one's own contact details (name, title, ministry, phone, language): self only; readers and
    # core group members read, the secretariat keeps their details in the administration
    "profile.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # activities
    "activity.create": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "activity.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "activity.delete": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "activity.restore": {SECRETARIAT: ALL},
    "activity.import": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # meetings
    "meeting.manage": {SECRETARIAT: ALL},
    "meeting.register": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "meeting.participants.view": {SECRETARIAT: ALL, CORE_GROUP: ALL, CONTACT_POINT: OWN},
    "reminder.log.view": {SECRETARIAT: ALL},
    # evaluation
    "progress.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "progress.review": {SECRETARIAT: ALL},
    "report.compile": {SECRETARIAT: ALL},
    "report.publish": {SECRETARIAT: ALL},
    "review.respond": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # the site
    "admin.access": {SECRETARIAT: ALL},
}


def role_of(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return SECRETARIAT
    return user.role


def scope(user, capability: str) -> Scope | None:
    """The user's scope for a capability, or None. Unknown capabilities are a programming error."""
    table = CAPABILITIES[capability]
    role = role_of(user)
    return table.get(role) if role else None


def can(user, capability: str, party: Party | int | None = None) -> bool:
    """True when the user holds the capability, for that Party's records when one is given."""
    granted = scope(user, capability)
    if granted is ALL:
        return True
    if granted is OWN:
        if party is None:
            return user.party_id is not None
        party_id = party if isinstance(party, int) else party.pk
        return party_id == user.party_id
    return False


def require(user, capability: str, party: Party | int | None = None, *, visible: bool = True) -> None:
    """Raise 404 when the record is outside the user's sight, 403 when seen but not writable."""
    if can(user, capability, party):
        return
    import logging

    logging.getLogger("pragueprocess.security").info(
        "denied",
        extra={
            "security": {
                "event": "cross_party_404" if not visible else "forbidden_403",
                "user": getattr(user, "username", None),
                "capability": capability,
                "party": party if isinstance(party, int) else getattr(party, "pk", None),
            }
        },
    )
    if not visible:
        raise Http404
    raise PermissionDenied
