from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every write to what the cached figures read (the dashboard's, the participation
        # matrix's activity counts) moves their generation on: see core/caching.py.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from actions.signals import plan_loaded

        from .criteria import on_plan_loaded

        # A plan file carries its review criteria, or the plan gets the defaults: evaluation/criteria.py.
        plan_loaded.connect(on_plan_loaded, dispatch_uid="evaluation-review-criteria")

        from actions.models import Activity, ActivityPartner, FinancingLine, Participation
        from core.caching import data_changed
        from meetings.models import Decision, Meeting
        from parties.models import GeographicGroup, Party

        for model in (
            Activity,
            ActivityPartner,
            FinancingLine,
            Participation,
            Meeting,
            Decision,
            Party,
            GeographicGroup,
        ):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")
        for through in (Activity.actions.through, Activity.other_parties.through):
            m2m_changed.connect(data_changed, sender=through, dispatch_uid=f"figures-m2m-{through.__name__}")
