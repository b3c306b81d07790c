"""Who may do what: one table from role to capabilities, read through `can()`.

Each capability maps to a scope per role:
- ALL: on every Party's records;
- OWN: only on the records of the user's own Party (for a partner organisation's contact person:
  of its own organisation, asked with `partner=`);
- absent: not at all.
No view invents its own role check: it asks `can(user, capability, party)`.

The idiom, for views: `@capability_required("meeting.manage")` on a page, or an object helper
(`object_or_deny`, `visible_or_deny`, and each app's `<thing>_for(user, pk, capability)` built on
them) that returns the object or denies. A denial is 404 where the object must stay hidden, 403
where its existence is public, and every denial writes one line to the security log.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from core.security import log_denial

if TYPE_CHECKING:
    from .models import PartnerOrganisation, Party

M = TypeVar("M", bound=Model)


class Scope(Enum):
    OWN = "own"
    ALL = "all"


ALL, OWN = Scope.ALL, Scope.OWN

SECRETARIAT, CONTACT_POINT, CORE_GROUP, READER = "secretariat", "contact_point", "core_group", "reader"
# A partner organisation's contact person (UNHCR, Frontex, IOM, EUAA...): reads what a reader reads,
# and answers its own organisation's meeting invitations; the meetings' pages and their minutes it
# sees only for the meetings its organisation is invited to (meetings.selectors.meeting_seen_or_deny).
PARTNER = "partner"

# capability -> {role: scope}. Anonymous visitors have no capability here: what is public is
# public by its page, not by a row in this table.
CAPABILITIES: dict[str, dict[str, Scope]] = {
    # reading what is not public
    "member.view": {SECRETARIAT: ALL, CONTACT_POINT: ALL, CORE_GROUP: ALL, READER: ALL, PARTNER: ALL},
    "contacts.view": {SECRETARIAT: ALL, CONTACT_POINT: ALL, CORE_GROUP: ALL, READER: ALL, PARTNER: ALL},
    "dashboard.view": {SECRETARIAT: ALL, CONTACT_POINT: ALL, CORE_GROUP: ALL, READER: ALL, PARTNER: ALL},
    "draft.view": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # the Parties and their people
    "participation.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "contact_point.manage": {SECRETARIAT: ALL},
    "core_group.manage": {SECRETARIAT: ALL},
    "partner.manage": {SECRETARIAT: ALL},
    # one's own contact details (name, title, ministry, phone, language): self only; readers and
    # core group members read, the secretariat keeps their details in the administration
    "profile.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # one's own choice of optional mail (parties.mailprefs), for oneself only: those who get optional
    # mail (readers and the core group get only essential mail, and write nothing)
    "mail.preferences": {SECRETARIAT: ALL, CONTACT_POINT: ALL},
    # writing to an audience (a group of Parties, the core group, a meeting's people) from the portal
    "mail.audience": {SECRETARIAT: ALL},
    # activities
    "activity.create": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "activity.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "activity.delete": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "activity.restore": {SECRETARIAT: ALL},
    "activity.import": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # the secretariat's look at a submitted activity: checked, or returned with a comment
    "activity.review": {SECRETARIAT: ALL},
    # the site setting "readers see only checked activities"
    "activity.review.settings": {SECRETARIAT: ALL},
    # the conversation on a record (an activity, a progress report) between its Party and the
    # secretariat: who reads it is who writes it (parties/threads.py)
    "thread.write": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    # meetings
    "meeting.manage": {SECRETARIAT: ALL},
    "meeting.register": {SECRETARIAT: ALL, CONTACT_POINT: OWN, PARTNER: OWN},
    "meeting.participants.view": {SECRETARIAT: ALL, CORE_GROUP: ALL, CONTACT_POINT: OWN, PARTNER: OWN},
    # a meeting's documents and approved minutes: a partner's contact person, of the meetings its
    # organisation is invited to
    "meeting.documents.view": {
        SECRETARIAT: ALL,
        CONTACT_POINT: ALL,
        CORE_GROUP: ALL,
        READER: ALL,
        PARTNER: OWN,
    },
    # minutes: written and approved by the secretariat; a draft is read by the secretariat and the
    # core group (which prepares the SOMs), approved minutes by whoever sees the meeting's documents
    "minutes.draft.view": {SECRETARIAT: ALL, CORE_GROUP: ALL},
    # the core group's own meetings, in one's calendar feed
    "meeting.core_group.view": {SECRETARIAT: ALL, CORE_GROUP: ALL},
    "reminder.log.view": {SECRETARIAT: ALL},
    # a decision's status, by its owners: the object check (meetings.selectors.decision_for) asks
    # for an owner Party's contact point, a core group member for the core group's; the secretariat
    # always may
    "decision.update": {SECRETARIAT: ALL, CONTACT_POINT: OWN, CORE_GROUP: ALL},
    # evaluation
    "progress.edit": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "progress.review": {SECRETARIAT: ALL},
    "report.compile": {SECRETARIAT: ALL},
    "report.publish": {SECRETARIAT: ALL},
    "review.respond": {SECRETARIAT: ALL, CONTACT_POINT: OWN},
    "plan.prolong": {SECRETARIAT: ALL},
    # the site
    "admin.access": {SECRETARIAT: ALL},
    "two_factor.reset": {SECRETARIAT: ALL},
    "audit.view": {SECRETARIAT: ALL},
    # the Russian of the portal's content: its status page, lists and editor
    "translation.edit": {SECRETARIAT: ALL},
}


def role_of(user) -> str | None:
    """The role whose capabilities the user holds now. The secretariat holds none until its session
    is verified with a second factor (parties/two_factor.py)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    role = SECRETARIAT if user.is_superuser else user.role
    if role == SECRETARIAT:
        # OTPMiddleware gives a request's user is_verified(); a user loaded outside a request (a
        # task, a command) has none and is not held back: no request reaches it without the middleware.
        verified = getattr(user, "is_verified", None)
        if verified is not None and not verified():
            return None
    return role


def scope(user, capability: str) -> Scope | None:
    """The user's scope for a capability, or None. Unknown capabilities are a programming error."""
    table = CAPABILITIES[capability]
    role = role_of(user)
    return table.get(role) if role else None


def can(
    user,
    capability: str,
    party: Party | int | None = None,
    *,
    partner: PartnerOrganisation | int | None = None,
) -> bool:
    """True when the user holds the capability, for that Party's records when one is given, or for
    that partner organisation's (`partner=`)."""
    granted = scope(user, capability)
    if granted is ALL:
        return True
    if granted is OWN:
        if partner is not None:
            partner_id = partner if isinstance(partner, int) else partner.pk
            return partner_id == user.partner_organisation_id
        if party is None:
            return user.party_id is not None or user.partner_organisation_id is not None
        party_id = party if isinstance(party, int) else party.pk
        return party_id == user.party_id
    return False


class Hidden(Http404):
    """A hiding 404 from the authorization idiom: already written to the security log."""

    logged = True


class Forbidden(PermissionDenied):
    """A 403 from the authorization idiom: already written to the security log."""

    logged = True


def _party_id(party: Party | int | None) -> int | None:
    return party if isinstance(party, int) or party is None else party.pk


def deny(user, capability: str, party: Party | int | None = None, *, visible: bool = True, reason: str = ""):
    """Log the denial, then raise it: 404 where the record must stay hidden, 403 where it is seen."""
    log_denial(user=user, capability=capability, party_id=_party_id(party), visible=visible, reason=reason)
    if not visible:
        raise Hidden
    raise Forbidden(reason) if reason else Forbidden


def require(
    user,
    capability: str,
    party: Party | int | None = None,
    *,
    visible: bool = True,
    partner: PartnerOrganisation | None = None,
) -> None:
    """Raise 404 when the record is outside the user's sight, 403 when seen but not writable."""
    if not can(user, capability, party, partner=partner):
        deny(user, capability, party, visible=visible)


def capability_required(capability: str, *, visible: bool = True):
    """View decorator: anonymous visitors are sent to sign in; a signed-in person without the
    capability (for any Party) is denied, logged."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            require(request.user, capability, visible=visible)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def object_or_deny(
    user,
    capability: str,
    queryset: QuerySet[M],
    *,
    party_of: Callable[[M], Party | int | None] = lambda obj: getattr(obj, "party_id", None),
    visible: bool | Callable[[M], bool] = True,
    **lookup,
) -> M:
    """The object of `queryset` found by `lookup` when the user holds `capability` for its Party.

    404 (not logged) when no such object exists; otherwise a denial through `deny()`: hidden (404)
    when `visible` is false or says so for this object, forbidden (403) when it is seen."""
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    party = party_of(obj)
    if not can(user, capability, party):
        deny(user, capability, party, visible=visible(obj) if callable(visible) else visible)
    return obj


def visible_or_deny(user, capability: str, visible_qs: QuerySet[M], all_qs: QuerySet[M], **lookup) -> M:
    """The object from what the user may see; when it exists but is outside their sight, a hiding
    404 that is logged (one more query, on the failing path only)."""
    try:
        return visible_qs.get(**lookup)
    except visible_qs.model.DoesNotExist:
        pass
    hidden = all_qs.filter(**lookup).values_list("pk", flat=True).first()
    if hidden is None:
        raise Http404
    deny(user, capability, visible=False, reason=f"{all_qs.model._meta.label} {hidden}")


def can_as_owner(user, capability: str, *, party_ids, core_group: bool = False) -> bool:
    """For a record owned by Parties and/or the core group (a meeting's decision): true for the
    secretariat always, for a core group member when the core group owns it, for a contact point
    when its own Party is one of `party_ids` (and the role holds `capability` at all)."""
    role = role_of(user)
    if role is None or scope(user, capability) is None:
        return False
    if role == SECRETARIAT:
        return True
    if role == CORE_GROUP:
        return core_group
    return any(can(user, capability, party_id) for party_id in party_ids)
