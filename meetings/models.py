"""Senior Officials' Meetings, expert and core group meetings, Ministerial Conferences, and their decisions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import Action, ActionPlan
from core.models import EnglishOriginal, TimeStampedModel, Versioned
from parties.models import PartnerOrganisation, Party


def default_reminder_offsets() -> list[int]:
    return [30, 7, 1]


class Meeting(EnglishOriginal, Versioned, TimeStampedModel):
    class InviteMode(models.TextChoices):
        ALL = "all", _("All Parties")
        SELECTION = "selection", _("A selection of Parties")
        CORE_GROUP = "core_group", _("The core group")

    class Kind(models.TextChoices):
        SOM = "som", _("Senior Officials' Meeting")
        EXPERT = "expert", _("Expert meeting")
        CORE_GROUP = "core_group", _("Core group meeting")
        MINISTERIAL = "ministerial", _("Ministerial Conference")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SOM)
    title = models.CharField(_("title"), max_length=250)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    host = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("host"),
    )
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    # The plan in force at the start (actions.selectors.plan_in_force), set by the services whenever
    # the start is; none for a meeting outside every plan's years.
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="meetings",
        verbose_name=_("plan"),
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="meetings", verbose_name=_("actions"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    reminder_offsets = models.JSONField(_("reminder offsets (days)"), default=default_reminder_offsets)
    invite_mode = models.CharField(
        _("who is invited"), max_length=20, choices=InviteMode.choices, default=InviteMode.ALL
    )
    partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="meetings", verbose_name=_("partner organisations")
    )
    # When the current date and time were set: reminders due before it are not sent (a meeting
    # scheduled 10 days ahead gets no "30 days before" reminder).
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    # RFC 5545 SEQUENCE: raised at every reschedule so calendar clients replace the event.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[actions], excluded_fields=["title_en", "title_ru"])

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["kind", "starts_at"], name="meetings_meeting_kind_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="meetings_meeting_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def starts_local(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def ends_local(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def venue(self) -> str:
        return ", ".join(part for part in (self.address, self.city, self.country) if part)


class Decision(EnglishOriginal, Versioned, TimeStampedModel):
    """A decision or recommendation of a meeting, owned by one or more Parties, the secretariat
    and/or the core group, who report its status (each change kept as a `DecisionUpdate`)."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)
    CLOSED_STATUSES = (Status.DONE, Status.DROPPED)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField(_("text"))
    actions = models.ManyToManyField(Action, blank=True, related_name="decisions", verbose_name=_("actions"))
    owner_parties = models.ManyToManyField(
        Party, blank=True, related_name="decisions_owned", verbose_name=_("owner Parties")
    )
    owner_secretariat = models.BooleanField(_("owned by the secretariat"), default=False)
    owner_core_group = models.BooleanField(_("owned by the core group"), default=False)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords(excluded_fields=["text_en", "text_ru"])

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("decision or recommendation")
        verbose_name_plural = _("decisions and recommendations")

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("meetings:decision", args=[self.meeting_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DecisionUpdate(TimeStampedModel):
    """One status report on a decision by one of its owners: who, when, from and to, and a note."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="updates", verbose_name=_("decision")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=Decision.Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Decision.Status.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["decision", "-created_at", "-pk"]
        verbose_name = _("decision update")
        verbose_name_plural = _("decision updates")

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.from_status} → {self.to_status}"


class AgendaItem(EnglishOriginal, TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=250)
    time = models.TimeField(_("time (local)"), null=True, blank=True)
    actions = models.ManyToManyField(
        Action, blank=True, related_name="agenda_items", verbose_name=_("actions")
    )
    history = HistoricalRecords(excluded_fields=["title_en", "title_ru"])

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class Invitation(Versioned, TimeStampedModel):
    """One invited Party or partner organisation and its answer: registered delegates, declined, or
    not answered yet. Exactly one of `party` and `partner` is set."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Not answered")
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Declined")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("Party"),
    )
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("partner organisation"),
    )
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "party__order", "partner__acronym"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "party"], name="meetings_invitation_unique_party"),
            models.UniqueConstraint(fields=["meeting", "partner"], name="meetings_invitation_unique_partner"),
            models.CheckConstraint(
                condition=(models.Q(party__isnull=False) & models.Q(partner__isnull=True))
                | (models.Q(party__isnull=True) & models.Q(partner__isnull=False)),
                name="meetings_invitation_party_or_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.invitee}"

    @property
    def invitee(self) -> Party | PartnerOrganisation:
        """The invited Party or partner organisation (loaded with the invitation where listed)."""
        return self.party if self.party_id is not None else self.partner


class Delegate(TimeStampedModel):
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="delegates", verbose_name=_("invitation")
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["invitation", "pk"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")

    def __str__(self) -> str:
        return self.name


def document_upload_to(instance, filename: str) -> str:
    """A generated name: the uploaded file's own name is never used on disk."""
    import uuid

    return f"meetings/{uuid.uuid4().hex}"


class Document(TimeStampedModel):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        MINUTES = "minutes", _("Minutes")
        PRESENTATION = "presentation", _("Presentation")
        CONCLUSIONS = "conclusions", _("Conclusions")

    class Language(models.TextChoices):
        EN = "en", _("English")
        RU = "ru", _("Russian")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="documents", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.EN)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "kind", "language", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Minutes(EnglishOriginal, Versioned, TimeStampedModel):
    """The minutes of one meeting: a draft the secretariat writes, approved later (usually at the
    next meeting). The text is content in English and Russian (meetings/translation.py); every save
    of it keeps a numbered `MinutesRevision` with both languages (django-simple-history would not see
    the Russian column, which django-modeltranslation adds after the history model is made)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    text = models.TextField(_("minutes"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_approved",
        verbose_name=_("approved at the meeting"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The revision approved: the mail to the participants is keyed on it, so approving the same
    # text again sends nothing twice, and a corrected text approved anew reaches them again.
    approved_revision = models.PositiveIntegerField(_("approved revision"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="approved")
                | (models.Q(approved_on__isnull=False) & models.Q(approved_revision__isnull=False)),
                name="meetings_minutes_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} ({self.get_state_display()})"

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED


class MinutesRevision(models.Model):
    """One saved text of the minutes, in both languages: who, when, and its number."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("minutes")
    )
    number = models.PositiveIntegerField(_("revision"))
    text_en = models.TextField(_("English"), blank=True)
    text_ru = models.TextField(_("Russian"), blank=True)
    saved_at = models.DateTimeField(_("saved at"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        ordering = ["minutes", "-number"]
        verbose_name = _("revision of the minutes")
        verbose_name_plural = _("revisions of the minutes")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "number"], name="meetings_minutesrevision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes.meeting_id} #{self.number}"
