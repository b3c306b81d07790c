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
