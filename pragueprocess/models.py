from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Heartbeat(models.Model):
    """The last time a periodic task ran; one row per name."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("beat at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("heartbeat")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class AudienceMessage(TimeStampedModel):
    """A message the secretariat wrote, from the portal, to an audience: kept as the log of what went
    to whom (each recipient's mail is an outbox row under `audience:<pk>:<recipient>`).

    Kept here, on the top floor: a meeting's invitees and participants are an audience, and the
    outbox below (parties) must not know meetings."""

    class Audience(models.TextChoices):
        CONTACT_POINTS = "contact_points", _("All contact points")
        GROUP = "group", _("The contact points of a group of Parties")
        CORE_GROUP = "core_group", _("The core group")
        INVITEES = "invitees", _("The contact points of a meeting's invited Parties")
        PARTICIPANTS = "participants", _("A meeting's registered participants")

    # The preview's own number: pressing Send twice (or a reload) makes one message.
    token = models.UUIDField(_("token"), unique=True)
    author = models.ForeignKey(
        "parties.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    group = models.ForeignKey(
        "parties.GeographicGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    subject = models.CharField(_("subject (English)"), max_length=200)
    body = models.TextField(_("text (English)"))
    subject_ru = models.CharField(_("subject (Russian)"), max_length=200, blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    previewed_count = models.PositiveIntegerField(_("recipients at the preview"), default=0)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"))
    queued_at = models.DateTimeField(_("in the outbox at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("message to an audience")
        verbose_name_plural = _("messages to an audience")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience="group", group__isnull=False)
                | (~models.Q(audience="group") & models.Q(group__isnull=True)),
                name="pragueprocess_audiencemessage_group_for_group",
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=["invitees", "participants"], meeting__isnull=False)
                | (~models.Q(audience__in=["invitees", "participants"]) & models.Q(meeting__isnull=True)),
                name="pragueprocess_audiencemessage_meeting_for_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(subject_ru="", body_ru="")
                | (~models.Q(subject_ru="") & ~models.Q(body_ru="")),
                name="pragueprocess_audiencemessage_russian_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_audience_display()}, {self.sent_at:%Y-%m-%d})"

    @property
    def has_russian(self) -> bool:
        return bool(self.subject_ru and self.body_ru)
