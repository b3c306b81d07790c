from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "pragueprocess"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from core.choices import reference_changed, reference_models
        from core.security import connect_signals

        from .middleware import session_started

        connect_signals()
        user_logged_in.connect(session_started, dispatch_uid="session-started")
        for label in reference_models():
            model = apps.get_model(label)
            post_save.connect(reference_changed, sender=model, dispatch_uid=f"choices-save-{label}")
            post_delete.connect(reference_changed, sender=model, dispatch_uid=f"choices-delete-{label}")
