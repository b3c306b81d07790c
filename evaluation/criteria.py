"""The criteria a plan's reviews are answered on: data of each plan (ReviewCriterion), never constants.

Where they come from. A plan data file may carry

    "review_criteria": [{"code": "relevance", "name": "Relevance", "name_ru": "Релевантность",
                         "description": "...", "description_ru": "..."}, ...]

(checked by actions.plan_data.validate_plan_data); without it the plan is judged on the five
criteria of the 2012 evaluation (models.DEFAULT_CRITERIA). actions cannot import evaluation, so
`plan_load` sends `actions.signals.plan_loaded` inside its transaction and `on_plan_loaded` below
writes the rows: all or nothing with the rest of the file.

Loading again changes nothing: criteria are matched on (plan, code); the English is the file's; a
Russian text a person has changed in the portal is kept (core.translations.translations_load). A
criterion left out of the file is deleted while no response scores it; once one does, the load is
refused. A file without the list gives the defaults to a plan that has no criteria and leaves the
criteria of a plan that has some as they are.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import translation

from actions.models import ActionPlan
from actions.plan_data import PlanDataError
from core.models import TranslationStatus
from core.translations import translations_load

from .models import DEFAULT_CRITERIA, ReviewCriterion


def plan_criteria(plan: ActionPlan | int) -> list[ReviewCriterion]:
    """The plan's criteria in their order: one query."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    return list(ReviewCriterion.objects.filter(plan_id=plan_id).order_by("order", "pk"))


def criteria_load(plan: ActionPlan, entries, *, source: str = "") -> int:
    """Make the plan's criteria those of `entries` (dicts as in a plan file), in their order;
    returns how many rows were created, changed or deleted (0 when it is already so)."""
    changed = 0
    existing = {
        c.code: c for c in ReviewCriterion.objects.filter(plan=plan).annotate(answers=Count("scores"))
    }
    kept, russian = set(), []
    with translation.override("en"):
        for order, entry in enumerate(entries, 1):
            code = entry["code"]
            values = {
                "name": entry["name"].strip(),
                "description": (entry.get("description") or "").strip(),
                "order": order,
            }
            criterion = existing.get(code)
            if criterion is None:
                criterion = ReviewCriterion.objects.create(plan=plan, code=code, **values)
                changed += 1
            else:
                diff = [k for k, v in values.items() if getattr(criterion, k) != v]
                if diff:
                    for key in diff:
                        setattr(criterion, key, values[key])
                    criterion.save()
                    changed += 1
            kept.add(code)
            russian += [
                (criterion, "name", entry.get("name_ru")),
                (criterion, "description", entry.get("description_ru")),
            ]
    dropped = [c for code, c in existing.items() if code not in kept]
    answered = [c.code for c in dropped if c.answers]
    if answered:
        raise PlanDataError(
            f"review criteria: {', '.join(answered)} already scored in a review; it cannot be left out"
        )
    if dropped:
        ReviewCriterion.objects.filter(pk__in=[c.pk for c in dropped]).delete()
        changed += len(dropped)
    changed += translations_load(russian, status=TranslationStatus.Status.WORKING, source=source)
    return changed


def on_plan_loaded(sender, *, plan: ActionPlan, data: dict, source: str = "", **kwargs) -> None:
    """The receiver of actions.signals.plan_loaded (connected in apps.py)."""
    entries = data.get("review_criteria")
    if entries is None:
        if ReviewCriterion.objects.filter(plan=plan).exists():
            return
        entries = DEFAULT_CRITERIA
    criteria_load(plan, entries, source=source)
