"""Parties, their geographic groups, partner organisations and the people who sign in."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import EnglishOriginal, TimeStampedModel, Versioned


class GeographicGroup(EnglishOriginal, TimeStampedModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("geographic group")
        verbose_name_plural = _("geographic groups")

    def __str__(self) -> str:
        return self.name


class PartyQuerySet(models.QuerySet):
    def by_code(self, code: str) -> Party:
        return self.get(code=code.upper())


class Party(EnglishOriginal, TimeStampedModel):
    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name as the plan writes it"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=80)
    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2; XK, EU"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STATE)
    group = models.ForeignKey(
        GeographicGroup, on_delete=models.PROTECT, related_name="parties", verbose_name=_("group")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["order", "short_name"]
        verbose_name = _("Party")
        verbose_name_plural = _("Parties")
        constraints = [
            models.CheckConstraint(condition=models.Q(code=Upper("code")), name="parties_party_code_upper"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("parties:detail", args=[self.code.lower()])


class PartnerOrganisation(EnglishOriginal, Versioned, TimeStampedModel):
    class Kind(models.TextChoices):
        INTERNATIONAL = "international_organisation", _("International organisation")
        EU_AGENCY = "eu_agency", _("EU agency")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["name_en", "name_ru"])

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.acronym


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class User(Versioned, AbstractUser):
    """A person who signs in. A contact point belongs to exactly one Party, a partner organisation's
    contact person to exactly one partner organisation."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        CONTACT_POINT = "contact_point", _("National contact point")
        CORE_GROUP = "core_group", _("Core group member")
        READER = "reader", _("Reader (minister or senior official)")
        PARTNER = "partner", _("Contact person of a partner organisation")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("Party")
    )
    # A partner organisation's contact person (role "partner") answers its organisation's meeting
    # invitations and registers its delegates, and nothing else of anybody's.
    partner_organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("partner organisation"),
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    organisation = models.CharField(_("ministry or agency"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("en", "English"), ("ru", "Русский")], default="en"
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, default=new_calendar_token, unique=True
    )
    # Set when the secretariat erased a former contact point's personal data on request: their
    # records stay, attributed to "a former contact point of <Party>".
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    objects = UserManager()
    # Who changed a person's details, role, Party or active state, and when. Sign-ins and password
    # changes are not details: they leave no entry (see save()).
    history = HistoricalRecords(excluded_fields=["password", "last_login", "calendar_token"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="contact_point") | models.Q(party__isnull=False),
                name="parties_user_contact_point_has_party",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="partner") | models.Q(partner_organisation__isnull=False),
                name="parties_user_partner_has_organisation",
                violation_error_message=_("Choose the partner organisation of its contact person."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        if self.erased_at is not None:  # reads the Party (a query) only for the rare erased person
            if self.party_id is None:
                return str(_("a former member of the portal"))
            return str(_("a former contact point of %(party)s") % {"party": self.party.short_name})
        return super().get_full_name()

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    @property
    def is_secretariat(self) -> bool:
        return self.role == self.Role.SECRETARIAT or self.is_superuser


class Notification(TimeStampedModel):
    """One e-mail to one recipient: the outbox row is the truth for due mail.

    `key` names the reason ("meeting:12:reminder:7d:user:5") and is unique, so the same reminder
    can be queued any number of times and exists once. A sender claims a row with a conditional
    update and sends only when it won the claim.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        # the recipient's mail preferences (parties.mailprefs): not sent at all, or kept for the
        # weekly digest, then gathered into one
        SKIPPED = "skipped", _("Not sent (the recipient's choice)")
        HELD = "held", _("Held for the weekly digest")
        DIGESTED = "digested", _("Sent in a weekly digest")

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    recipient = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="en")
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"))
    attachment_name = models.CharField(_("attachment name"), max_length=120, blank=True)
    attachment_mimetype = models.CharField(_("attachment type"), max_length=80, blank=True)
    attachment_content = models.TextField(_("attachment"), blank=True)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Why a row was not sent as itself: skipped by a preference, or gathered into which digest.
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested",
        verbose_name=_("sent in the digest"),
    )
    # Where the mail's matter is in the portal: the weekly digest links each item to it.
    link = models.CharField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "due_at"], name="parties_notification_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class MailPreference(TimeStampedModel):
    """How one person gets one optional category of mail (parties.mailkinds). No row: immediately."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DIGEST = "digest", _("In a weekly digest")
        NONE = "none", _("Not at all")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="mail_preferences", verbose_name=_("person")
    )
    # A code of parties.mailkinds.CATEGORIES; no choices here, so that a new category needs no migration.
    category = models.CharField(_("kind of mail"), max_length=40)
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        ordering = ["user", "category"]
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="parties_mailpreference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.category} {self.mode}"


class ContactPointTerm(TimeStampedModel):
    """One person's term of office as primary or deputy contact point of one Party.

    Ending a term deactivates the account but keeps the user row, so everything the person
    recorded keeps their name.
    """

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary contact point")
        DEPUTY = "deputy", _("Deputy contact point")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="terms", verbose_name=_("person"))
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="terms", verbose_name=_("Party"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRIMARY)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ended by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["party__order", "-kind", "-started_on"]  # primary before deputy
        verbose_name = _("contact point term")
        verbose_name_plural = _("contact point terms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="parties_contactpointterm_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_on__isnull=True),
                name="parties_contactpointterm_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.party} ({self.get_kind_display()})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Invitation(TimeStampedModel):
    """A one-time, expiring link by which a person becomes a contact point of a Party (or the contact
    person of a partner organisation) and sets a password. Exactly one of the two is named.

    Only the SHA-256 of the token is kept here; the link itself goes out once by e-mail.
    """

    email = models.EmailField(_("e-mail"))
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("Party"),
    )
    partner_organisation = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_invitations",
        verbose_name=_("partner organisation"),
    )
    kind = models.CharField(
        _("as"), max_length=20, choices=ContactPointTerm.Kind.choices, default=ContactPointTerm.Kind.PRIMARY
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("account"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(party__isnull=False) & models.Q(partner_organisation__isnull=True))
                | (models.Q(party__isnull=True) & models.Q(partner_organisation__isnull=False)),
                name="parties_invitation_party_or_partner",
            ),
        ]

    def __str__(self) -> str:
        if self.party_id is None:
            return f"{self.email} → {self.partner_organisation}"
        return f"{self.email} → {self.party} ({self.get_kind_display()})"


class DetailsConfirmation(TimeStampedModel):
    """A contact point confirmed their details for one year (the yearly check)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="confirmations")
    year = models.PositiveSmallIntegerField(_("year"))
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        ordering = ["-year", "user"]
        verbose_name = _("confirmation of details")
        verbose_name_plural = _("confirmations of details")
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="parties_detailsconfirmation_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.year}"


class CoreGroupMembership(TimeStampedModel):
    """A Party's seat in the core group, from the decision of a Senior Officials' Meeting.

    The decision is a date and a reference here; the meeting's own decision record can point at
    this membership from the meetings app (links run upward only).
    """

    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="core_group_memberships", verbose_name=_("Party")
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"))
    decision_reference = models.CharField(
        _("decision"),
        max_length=250,
        help_text=_("For example: Senior Officials' Meeting, Prague, conclusions §4"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "party__order"]
        verbose_name = _("core group membership")
        verbose_name_plural = _("core group memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="parties_coregroupmembership_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["party"],
                condition=models.Q(ended_on__isnull=True),
                name="parties_coregroupmembership_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} ({self.started_on:%Y}–{self.ended_on:%Y})" if self.ended_on else f"{self.party}"


class Message(TimeStampedModel):
    """One message of the conversation on a record (an activity, a progress report) between its
    Party and the secretariat. The record is named by its content type and id, so that every app
    above this one keeps its threads in this one table (parties/threads.py reads and writes it)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("kind of record"),
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="messages", verbose_name=_("Party")
    )
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="messages", verbose_name=_("author")
    )
    text = models.TextField(_("message"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="parties_message_thread"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="parties_message_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} #{self.pk}"


class ApiToken(TimeStampedModel):
    """A personal token for the API (`Authorization: Bearer pp_...`): it acts with exactly its
    person's role and Party. Only its SHA-256 is stored; the token itself is shown once, when it is
    made. Revoked tokens stay, so that the audit trail can still name them."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(
        _("name"), max_length=80, help_text=_("What it is for, e.g. “Ministry project database”.")
    )
    prefix = models.CharField(_("begins with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
