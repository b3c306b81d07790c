from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "parties"
    verbose_name = _("Parties")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from .two_factor import device_changed

        for model in (TOTPDevice, StaticDevice):
            post_save.connect(device_changed, sender=model, dispatch_uid=f"otp-cache-save-{model.__name__}")
            post_delete.connect(
                device_changed, sender=model, dispatch_uid=f"otp-cache-delete-{model.__name__}"
            )
