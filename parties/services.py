"""Writing Parties' people: invitations, terms of office, contact details, core group, partners.

Every service is keyword-only and atomic, validates with full_clean(), and leaves history
(simple-history on terms, memberships and partners; the confirmation rows themselves).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.background import enqueue_on_commit
from core.concurrency import locked_for_edit
from core.mail import mail_render
from core.models import SecurityEvent
from core.security import log_event
from core.translations import translation_save

from .models import (
    ContactPointTerm,
    CoreGroupMembership,
    DetailsConfirmation,
    Invitation,
    Notification,
    PartnerOrganisation,
    Party,
    User,
    new_calendar_token,
)
from .notifications import notification_queue
from .tasks import send_due_notifications

INVITATION_VALID_FOR = timedelta(days=7)
DETAIL_FIELDS = ["first_name", "last_name", "title", "organisation", "email", "phone", "preferred_language"]
PARTNER_FIELDS = ["acronym", "name_en", "name_ru", "kind", "website", "is_active"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- invitations -------------------------------------------------------------------------------


def invitation_create(
    *,
    email: str,
    party: Party | None,
    kind: str,
    invited_by: User,
    first_name: str = "",
    last_name: str = "",
    partner_organisation: PartnerOrganisation | None = None,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite a person as primary or deputy contact point of a Party, or as the contact person of a
    partner organisation; returns the invitation and its raw token."""
    now = now or timezone.now()
    email = email.strip()
    existing = User.objects.filter(email__iexact=email, is_active=True).first()
    if existing is not None:
        open_term = existing.terms.filter(ended_on__isnull=True).select_related("party").first()
        if open_term is not None:
            message = _("%(name)s is already a current contact point of %(party)s.") % {
                "name": existing,
                "party": open_term.party,
            }
        else:
            message = _(
                "An active account (%(role)s) already uses this e-mail; change that account in the administration instead."
            ) % {"role": existing.get_role_display()}
        raise ValidationError({"email": message})
    with transaction.atomic():
        # A new invitation replaces any still-pending one for the same address.
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now, updated_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            email=email,
            party=party if partner_organisation is None else None,
            partner_organisation=partner_organisation,
            kind=kind,
            first_name=first_name,
            last_name=last_name,
            token_hash=_hash(token),
            expires_at=now + INVITATION_VALID_FOR,
            invited_by=invited_by,
        )
        invitation.full_clean()
        invitation.save()
        link = settings.SITE_URL.rstrip("/") + reverse("parties:invitation", args=[token])
        notification_queue(
            key=f"invitation:{invitation.pk}",
            kind="invitation",
            to_email=email,
            **_invitation_mail(invitation, link),
            due_at=now,
        )
        # a fast path only: the beat sweeps the outbox anyway, so a broker that is down costs a second
        enqueue_on_commit(send_due_notifications)
    return invitation, token


def _invitation_mail(invitation: Invitation, link: str) -> dict[str, str]:
    """In the language of the person's former account where there is one, else the portal's own:
    the invited person has no preference stored yet."""
    former = User.objects.filter(email__iexact=invitation.email).order_by("-pk").first()
    language = former.preferred_language if former else settings.LANGUAGE_CODE

    invited = invitation.party or invitation.partner_organisation

    def context() -> dict:  # read in the mail's language: the Party's name is content in two languages
        return {
            "kind": invitation.get_kind_display().lower(),
            "party": invited.name,
            "party_short": str(invited),
            "expires": invitation.expires_at.strftime("%Y-%m-%d %H:%M"),
            "link": link,
        }

    template = "parties/email/invitation" if invitation.party_id else "parties/email/partner_invitation"
    subject, body = mail_render(template, context, language=language)
    return {"subject": subject, "body": body, "language": language}


def invitation_state(invitation: Invitation, *, now: datetime | None = None) -> str:
    """'valid', 'used', 'revoked' or 'expired'."""
    now = now or timezone.now()
    if invitation.accepted_at:
        return "used"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "valid"


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("party", "partner_organisation", "user")
        .filter(token_hash=_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    password: str,
    first_name: str,
    last_name: str,
    now: datetime | None = None,
) -> User:
    """Accept an invitation once: create (or reactivate) the account and open the term."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = invitation_state(invitation, now=now)
    if state != "valid":
        raise ValidationError(_("This invitation link can no longer be used (%(state)s).") % {"state": state})
    user = User.objects.filter(email__iexact=invitation.email, is_active=False).order_by("-pk").first()
    if user is None:
        username = invitation.email.lower()[:150]
        if User.objects.filter(username=username).exists():
            username = f"{username[:140]}-{invitation.pk}"
        user = User(username=username, email=invitation.email)
    user.first_name, user.last_name = first_name, last_name
    if invitation.partner_organisation_id is not None:  # a partner organisation's contact person
        user.role, user.party = User.Role.PARTNER, None
    else:
        user.role, user.party = User.Role.CONTACT_POINT, invitation.party
    user.partner_organisation, user.is_active = invitation.partner_organisation, True
    # Exactly the invited role and nothing else: an earlier account with this address (a former
    # secretariat member, say) comes back without its old flags, groups and permissions.
    user.is_superuser = user.is_staff = False
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user._history_user = invitation.invited_by
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _second_factor_forget(user)
    invitation.accepted_at, invitation.user = now, user
    invitation.save(update_fields=["accepted_at", "user", "updated_at"])
    if invitation.party_id is None:
        return user  # no term of office: a partner's person is no contact point
    term = ContactPointTerm(user=user, party=invitation.party, kind=invitation.kind, started_on=now.date())
    term.full_clean()
    term.save()
    DetailsConfirmation.objects.get_or_create(user=user, year=now.year, defaults={"confirmed_at": now})
    return user


def _second_factor_forget(user: User) -> None:
    """A reactivated account starts without the devices of its earlier life (they may be anyone's now)."""
    from .two_factor import StaticDevice, TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- terms of office ---------------------------------------------------------------------------


@transaction.atomic
def term_end(*, term: ContactPointTerm, ended_on: date, by: User) -> User | None:
    """End a term: the account can no longer sign in, its records stay; returns the successor."""
    term = ContactPointTerm.objects.select_for_update().select_related("user", "party").get(pk=term.pk)
    if term.ended_on is not None:
        raise ValidationError(_("This term has already ended."))
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("A term cannot be ended in the future.")})
    term.ended_on, term.ended_by = ended_on, by
    term.full_clean()
    term.save()
    user = term.user
    user.is_active = False
    user._history_user = by
    user.save(update_fields=["is_active"])
    Notification.objects.filter(
        recipient=user, status__in=[Notification.Status.PENDING, Notification.Status.HELD]
    ).update(status=Notification.Status.CANCELLED, updated_at=timezone.now())
    remaining = list(
        ContactPointTerm.objects.filter(party=term.party, ended_on__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("-kind", "started_on", "pk")  # "primary" before "deputy", then the longest serving
    )
    successor = None
    if remaining:
        successor_term = remaining[0]
        if successor_term.kind != ContactPointTerm.Kind.PRIMARY:
            successor_term.kind = ContactPointTerm.Kind.PRIMARY
            successor_term.save()
        successor = successor_term.user
    return successor


def term_open(*, user: User, party: Party, kind: str, started_on: date) -> ContactPointTerm:
    """Open a term for an existing account (the demo, the admin)."""
    term = ContactPointTerm(user=user, party=party, kind=kind, started_on=started_on)
    term.full_clean()
    term.save()
    return term


# --- contact details and the yearly confirmation -----------------------------------------------


@transaction.atomic
def contact_details_update(*, user: User, data: dict, version: int | None) -> User:
    """Save one's own details, unless they changed since the form was opened (StaleEdit)."""
    current = locked_for_edit(User, user.pk, version)
    old_email = current.email
    for name in DETAIL_FIELDS:
        setattr(current, name, data[name])
    current.full_clean(exclude=["password"])
    current._history_user = user
    current.save(update_fields=[*DETAIL_FIELDS, "version"])
    now = timezone.now()
    if old_email and old_email.lower() != current.email.lower():
        _email_changed_notice(user=current, old_email=old_email, now=now)
    DetailsConfirmation.objects.get_or_create(user=current, year=now.year, defaults={"confirmed_at": now})
    return current


def _email_changed_notice(*, user: User, old_email: str, now: datetime) -> None:
    """Tell the old address that the account's address changed (a takeover shows at once)."""
    context = {"user": user, "new_email": user.email, "when": now, "site": settings.SITE_URL.rstrip("/")}
    subject, body = mail_render(
        "parties/email/email_changed", context, language=user.preferred_language or "en"
    )
    notification_queue(
        key=f"email-changed:{user.pk}:{user.version}",
        kind="email_changed",
        to_email=old_email,
        subject=subject,
        body=body,
        due_at=now,
        language=user.preferred_language or "en",
    )
    log_event("email_changed", username=user.get_username(), old=old_email, new=user.email)
    enqueue_on_commit(send_due_notifications)


@transaction.atomic
def contact_point_erase(*, user: User, by: User) -> User:
    """Erase a former contact point's personal data on their request: name, e-mail, phone, title,
    ministry, user name and password, in their history too, and in the mail sent to them. What they
    recorded stays, attributed to "a former contact point of <Party>"."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or user.terms.filter(ended_on__isnull=True).exists():
        raise ValidationError(
            _("End this person's term first: only a former contact point's data is erased.")
        )
    if user.erased_at is not None:
        return user
    old_username = user.username
    blank = {"first_name": "", "last_name": "", "email": "", "phone": "", "title": "", "organisation": ""}
    for name, value in blank.items():
        setattr(user, name, value)
    user.username = f"former-{user.pk}"
    user.set_unusable_password()
    user.calendar_token = new_calendar_token()
    user.erased_at = timezone.now()
    user.skip_history_when_saving = True  # the history is blanked below, not added to
    user.save()
    del user.skip_history_when_saving
    User.history.filter(id=user.pk).update(username=user.username, **blank)
    Notification.objects.filter(recipient=user).update(to_email="", body="", attachment_content="")
    Invitation.objects.filter(user=user).update(email="")
    SecurityEvent.objects.filter(username=old_username).update(username=user.username)
    from .two_factor import StaticDevice, TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log_event("personal_data_erased", username=by.get_username(), target=user.pk)
    return user


def details_confirm(
    *, user: User, year: int, now: datetime | None = None
) -> tuple[DetailsConfirmation, bool]:
    """Record that a person confirmed their details for a year; a second call changes nothing."""
    now = now or timezone.now()
    return DetailsConfirmation.objects.get_or_create(user=user, year=year, defaults={"confirmed_at": now})


# --- core group --------------------------------------------------------------------------------


@transaction.atomic
def core_group_membership_add(
    *, party: Party, started_on: date, decided_on: date, decision_reference: str
) -> CoreGroupMembership:
    """Seat a Party in the core group from a decision."""
    if CoreGroupMembership.objects.filter(party=party, ended_on__isnull=True).exists():
        raise ValidationError(
            {"party": _("%(party)s is already a member of the core group.") % {"party": party}}
        )
    membership = CoreGroupMembership(
        party=party, started_on=started_on, decided_on=decided_on, decision_reference=decision_reference
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def core_group_membership_end(*, membership: CoreGroupMembership, ended_on: date) -> CoreGroupMembership:
    """End a Party's seat in the core group."""
    membership = CoreGroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save()
    return membership


# --- partner organisations ---------------------------------------------------------------------


@transaction.atomic
def partner_save(
    *, data: dict, partner: PartnerOrganisation | None = None, version: int | None = None, by=None
) -> PartnerOrganisation:
    """Create a partner organisation, or update one unless it changed since the form was opened
    (StaleEdit)."""
    if partner is None:
        partner = PartnerOrganisation()
    else:
        partner = locked_for_edit(PartnerOrganisation, partner.pk, version)
    russian_before = partner.name_ru
    for name in PARTNER_FIELDS:
        setattr(partner, name, data[name])
    partner.full_clean()
    partner.save()
    if (data["name_ru"] or None) != (russian_before or None):
        # the Russian name keeps its translation status and history
        translation_save(partner, "name", ru=data["name_ru"], by=by)
    return partner
