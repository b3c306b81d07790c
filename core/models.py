"""Abstract models every app builds on. They have no tables of their own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A record edited by several people: every write through `core.concurrency.locked_for_edit`
    (forms, state changes, the admin's `VersionedAdmin`) compares the version the editor opened and
    moves it on by one, so an edit made from an older version is refused instead of saved over."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class SecurityEvent(models.Model):
    """One line of the security log, kept for the audit page (core.security.log_event writes both)."""

    at = models.DateTimeField(_("at"), db_index=True)
    event = models.CharField(_("event"), max_length=40, db_index=True)
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.event} {self.username}"


class TranslationStatus(Versioned, TimeStampedModel):
    """How far one translated text can be trusted: the Russian text of one field of one record.

    English is the plan's own text; the Russian beside it is official (adopted or checked by the
    secretariat), a working translation, or waiting for review. A text without a row is a working
    translation if it has Russian, missing if it has none (core.translations reads both)."""

    class Status(models.TextChoices):
        OFFICIAL = "official", _("Official")
        WORKING = "working", _("Working translation")
        REVIEW = "review", _("Needs review")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind of content")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    field = models.CharField(_("field"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WORKING)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        verbose_name = _("translation status")
        verbose_name_plural = _("translation statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="core_translationstatus_one_per_text"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "status"], name="core_translation_kind_status")]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}.{self.field} ({self.status})"


class TranslationRevision(models.Model):
    """One change of a translated text: both languages and the status as they were saved."""

    translation = models.ForeignKey(
        TranslationStatus, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("text")
    )
    at = models.DateTimeField(_("at"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text_en = models.TextField(_("English"), blank=True)
    text_ru = models.TextField(_("Russian"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TranslationStatus.Status.choices)
    source = models.CharField(_("source"), max_length=120, blank=True, help_text=_("A data file, or empty"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("translation revision")
        verbose_name_plural = _("translation revisions")

    def __str__(self) -> str:
        return f"{self.translation} @ {self.at:%Y-%m-%d %H:%M}"


class EnglishOriginal(models.Model):
    """For a model with translated fields (core/translations.py): the original column of each keeps
    the English text whatever the language of the request that saves it, so its history, the admin
    and any raw read of the table stay in one language; the Russian lives in `<field>_ru`."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from django.utils import translation

        with translation.override("en"):
            super().save(*args, **kwargs)
