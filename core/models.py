"""Abstract models every app builds on. They have no tables of their own."""

from __future__ import annotations

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
