from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Actions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The loaded plans, kept per process: plan_cache.py.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from core.models import TranslationRevision

        from . import plan_cache
        from .models import ActionPlan

        post_save.connect(plan_cache.plan_changed, sender=ActionPlan, dispatch_uid="plans-save")
        post_delete.connect(plan_cache.plan_changed, sender=ActionPlan, dispatch_uid="plans-delete")
        post_save.connect(plan_cache.plan_text_changed, sender=TranslationRevision, dispatch_uid="plans-text")
        post_migrate.connect(plan_cache.migrated, sender=self, dispatch_uid="plans-migrated")
