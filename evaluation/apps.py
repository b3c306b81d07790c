from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from actions.models import Activity, ActivityPartner, FinancingLine, Participation
        from meetings.models import Decision, Meeting
        from parties.models import GeographicGroup, Party

        from .dashboard import dashboard_data_changed

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
            post_save.connect(
                dashboard_data_changed, sender=model, dispatch_uid=f"dashboard-save-{model.__name__}"
            )
            post_delete.connect(
                dashboard_data_changed, sender=model, dispatch_uid=f"dashboard-delete-{model.__name__}"
            )
        for through in (Activity.actions.through, Activity.other_parties.through):
            m2m_changed.connect(
                dashboard_data_changed, sender=through, dispatch_uid=f"dashboard-m2m-{through.__name__}"
            )
