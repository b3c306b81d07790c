"""A plan's mandate and its prolongation: a recorded decision gives the same areas and actions more
years, and the reporting cycles go on for them (evaluation_setup opens one per new year)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import ActionPlan
from meetings.models import Meeting
from meetings.services import meetings_plan_unset_fill
from parties.models import User

from .models import MandateProlongation

LONGEST_PROLONGATION = 10  # years at once: a typing slip (2201) is refused beside the field


class ProlongationForm(forms.Form):
    end_year = forms.IntegerField(label=gettext_lazy("New last year of the mandate"))
    decided_on = forms.DateField(
        label=gettext_lazy("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    meeting = forms.ModelChoiceField(
        label=gettext_lazy("Decided at"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=gettext_lazy("The conference or meeting that decided it, if it is in the portal."),
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=250,
        help_text=gettext_lazy(
            "The declaration or decision as it is cited, e.g. the Bratislava Joint Declaration."
        ),
    )

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["end_year"].min_value = plan.end_year + 1
        self.fields["end_year"].widget.attrs.update(
            {"min": plan.end_year + 1, "max": plan.end_year + LONGEST_PROLONGATION}
        )
        self.fields["meeting"].queryset = Meeting.objects.filter(
            kind__in=[Meeting.Kind.MINISTERIAL, Meeting.Kind.SOM]
        ).order_by("-starts_at")

    def clean_end_year(self):
        end_year = self.cleaned_data["end_year"]
        if end_year <= self.plan.end_year:
            raise ValidationError(
                _("The mandate already runs to %(year)s: give a later year.") % {"year": self.plan.end_year}
            )
        if end_year > self.plan.end_year + LONGEST_PROLONGATION:
            raise ValidationError(
                _("A prolongation adds at most %(n)s years at once.") % {"n": LONGEST_PROLONGATION}
            )
        return end_year

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on < self.plan.adopted_on:
            raise ValidationError(_("The decision cannot precede the plan's adoption."))
        return decided_on


@transaction.atomic
def plan_prolong(
    *,
    plan: ActionPlan,
    end_year: int,
    decided_on: date,
    reference: str,
    meeting: Meeting | None = None,
    user: User | None = None,
) -> MandateProlongation:
    """Record the decision and move the plan's last year; open the cycles of the new years."""
    from .services import evaluation_setup

    locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if end_year <= locked.end_year:
        raise ValidationError(
            {
                "end_year": _("The mandate already runs to %(year)s: give a later year.")
                % {"year": locked.end_year}
            }
        )
    record = MandateProlongation(
        plan=locked,
        previous_end_year=locked.end_year,
        end_year=end_year,
        decided_on=decided_on,
        meeting=meeting,
        reference=reference,
        recorded_by=user,
    )
    record.full_clean()
    record.save()
    if locked.adopted_end_year is None:
        locked.adopted_end_year = locked.end_year
    locked.end_year = end_year
    locked.save(update_fields=["end_year", "adopted_end_year", "updated_at"])
    evaluation_setup(plan=locked)
    meetings_plan_unset_fill(first_year=record.previous_end_year + 1, last_year=end_year)
    plan.end_year, plan.adopted_end_year = locked.end_year, locked.adopted_end_year
    return record
