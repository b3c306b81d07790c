"""Forms only validate; the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import TranslationStatus
from core.translations import option_text

from .models import SCORE_CHOICES, ProgressEntry

TEXT_MAX = 5000


class ProgressReportForm(forms.Form):
    """One status and three texts per action the Party takes part in, and the version it was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, participations, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = []
        for p in participations:
            a = p.action
            e = entries.get(a.pk)
            code = a.code
            self.fields[f"status_{a.pk}"] = forms.ChoiceField(
                label=_("Action %(code)s: status") % {"code": code},
                choices=ProgressEntry.Status.choices,
                initial=e.status if e else ProgressEntry.Status.NOT_STARTED,
            )
            for name, label in (
                ("achieved", _("Action %(code)s: what was achieved")),
                ("difficulties", _("Action %(code)s: difficulties")),
                ("next_steps", _("Action %(code)s: next steps")),
            ):
                self.fields[f"{name}_{a.pk}"] = forms.CharField(
                    label=label % {"code": code},
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=getattr(e, name) if e else "",
                )
            self.actions.append(a)

    def action_fields(self):
        """(action, [bound fields]) for the template, one fieldset per action."""
        return [
            (a, [self[f"{n}_{a.pk}"] for n in ("status", "achieved", "difficulties", "next_steps")])
            for a in self.actions
        ]

    def entries(self):
        from .services import EntryData

        d = self.cleaned_data
        return [
            EntryData(
                action_id=a.pk,
                status=d[f"status_{a.pk}"],
                achieved=d[f"achieved_{a.pk}"].strip(),
                difficulties=d[f"difficulties_{a.pk}"].strip(),
                next_steps=d[f"next_steps_{a.pk}"].strip(),
            )
            for a in self.actions
        ]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReviewStepForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment to the Party"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionnaireForm(forms.Form):
    """A score (1-5) and a comment per criterion of the plan: fields `<code>_score`, `<code>_comment`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        for c in self.criteria:
            name = option_text(c, "name")
            given = scores.get(c.pk)
            self.fields[f"{c.code}_score"] = forms.TypedChoiceField(
                label=_("%(criterion)s: score (1 = poor, 5 = excellent)") % {"criterion": name},
                choices=[("", "–"), *SCORE_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=given.score if given else None,
            )
            self.fields[f"{c.code}_comment"] = forms.CharField(
                label=_("%(criterion)s: comment") % {"criterion": name},
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=given.comment if given else "",
            )

    def criterion_fields(self):
        """(criterion, score field, comment field) for the template, one fieldset per criterion."""
        return [(c, self[f"{c.code}_score"], self[f"{c.code}_comment"]) for c in self.criteria]

    def answers(self) -> dict[int, tuple[int | None, str]]:
        """{criterion id: (score, comment)} from the cleaned form."""
        d = self.cleaned_data
        return {
            c.pk: (d.get(f"{c.code}_score"), (d.get(f"{c.code}_comment") or "").strip())
            for c in self.criteria
        }


class CompileForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)


class ConclusionsForm(forms.Form):
    """The secretariat's conclusions and recommendations of a report: the English (the original, both
    required) and the Russian with its translation status, and the version it was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    conclusions_en = forms.CharField(
        label=_("Conclusions (English)"), max_length=TEXT_MAX * 4, widget=forms.Textarea(attrs={"rows": 6})
    )
    conclusions_ru = forms.CharField(
        label=_("Conclusions (Russian)"),
        required=False,
        max_length=TEXT_MAX * 4,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "ru"}),
    )
    recommendations_en = forms.CharField(
        label=_("Recommendations (English)"),
        max_length=TEXT_MAX * 4,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendations_ru = forms.CharField(
        label=_("Recommendations (Russian)"),
        required=False,
        max_length=TEXT_MAX * 4,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "ru"}),
    )
    status = forms.ChoiceField(
        label=_("Status of the Russian texts"),
        choices=TranslationStatus.Status.choices,
        initial=TranslationStatus.Status.WORKING,
    )

    def clean(self):
        cleaned = super().clean()
        official = cleaned.get("status") == TranslationStatus.Status.OFFICIAL
        for field in ("conclusions_ru", "recommendations_ru"):
            if official and not (cleaned.get(field) or "").strip():
                self.add_error(field, _("An official translation needs the Russian text."))
        return cleaned
