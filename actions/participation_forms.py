"""Declaring a Party's participation in an action: validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.translations import option_text
from parties.models import GeographicGroup

from .models import Action, ActionItem, ActionPlan, Participation


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        text = option_text(obj, "text")
        text = text if len(text) <= 90 else text[:88] + "…"
        return f"{obj.code} – {text}"


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ActionItem) -> str:
        text = option_text(obj, "text")
        text = text if len(text) <= 80 else text[:78] + "…"
        return f"{obj.action.code} {obj.letter}) {text}"


class ParticipationForm(forms.Form):
    action = ActionChoiceField(label=_("Action"), queryset=Action.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Participation.Role.choices, widget=forms.RadioSelect)
    items = ItemChoiceField(
        label=_("Lettered items (only for actions that have them)"),
        queryset=ActionItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since = forms.DateField(
        label=_("Taking part since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today (or, when changing, to keep the date)."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    # The version of the Party's declaration the form was opened at; blank for a new one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = (
            Action.objects.filter(area__plan=plan).select_related("area").order_by("area__order", "number")
        )
        self.fields["items"].queryset = (
            ActionItem.objects.filter(action__area__plan=plan)
            .select_related("action__area")
            .order_by("action__area__order", "action__number", "letter")
        )

    def clean(self):
        data = super().clean()
        action, items = data.get("action"), data.get("items") or []
        if action is not None and any(item.action_id != action.pk for item in items):
            self.add_error("items", _("Choose only items of action %(code)s.") % {"code": action.code})
        return data


class MatrixFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Geographic group"),
        queryset=GeographicGroup.objects.order_by("order"),
        to_field_name="code",
        required=False,
        empty_label=_("All groups"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].label_from_instance = lambda g: option_text(g, "name")
