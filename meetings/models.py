"""Senior Officials' Meetings, expert and core group meetings, Ministerial Conferences, and their decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import Action
from parties.models import Party, TimeStampedModel


def default_reminder_offsets() -> list[int]:
    return [30, 7, 1]


class Meeting(TimeStampedModel):
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
    actions = models.ManyToManyField(Action, blank=True, related_name="meetings", verbose_name=_("actions"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    reminder_offsets = models.JSONField(_("reminder offsets (days)"), default=default_reminder_offsets)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[actions])

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


class Decision(TimeStampedModel):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class FollowUp(models.TextChoices):
        PARTY = "party", _("A Party")
        CORE_GROUP = "core_group", _("The core group")
        SECRETARIAT = "secretariat", _("The secretariat")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField(_("text"))
    actions = models.ManyToManyField(Action, blank=True, related_name="decisions", verbose_name=_("actions"))
    follow_up = models.CharField(
        _("follow-up by"), max_length=20, choices=FollowUp.choices, default=FollowUp.SECRETARIAT
    )
    follow_up_party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_to_follow",
        verbose_name=_("follow-up Party"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("decision or recommendation")
        verbose_name_plural = _("decisions and recommendations")

    def __str__(self) -> str:
        return self.text[:80]
