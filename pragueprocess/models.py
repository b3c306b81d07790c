from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic task ran; one row per name."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("beat at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("heartbeat")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
