"""Activities written through the API: the JSON's values go the import's way (actions.imports) into
the page's own form and formsets, so that a client meets the same rules and messages as a person."""

from __future__ import annotations

from datetime import date

from actions.imports import ImportRow, activity_validate, plan_lookups
from actions.models import Activity
from actions.selectors import plan_current, plan_in_force


def _plan_for(values: dict):
    """A new activity's plan: the one in force at its start date, else the current one."""
    try:
        day = date.fromisoformat(str(values.get("start_date") or "").strip())
    except ValueError:
        return plan_current()
    return plan_in_force(day) or plan_current()


def activity_row(*, user, values: dict, instance: Activity | None = None) -> ImportRow:
    row = ImportRow(number=0, values={})
    row.plan = instance.plan if instance is not None else _plan_for(values)
    return activity_validate(row, user=user, values=values, lookups=plan_lookups(row.plan), instance=instance)


def values_of(activity: Activity) -> dict:
    """An activity's current values in the same structured form (what a PATCH starts from)."""
    return {
        "title": activity.title,
        "party": activity.party.code,
        "kind": activity.kind,
        "status": activity.status,
        "state": activity.state,
        "actions": [a.code for a in activity.actions.select_related("area")],
        "items": [f"{i.action.code} {i.letter}" for i in activity.items.select_related("action__area")],
        "other_parties": [p.code for p in activity.other_parties.all()],
        "start_date": activity.start_date.isoformat() if activity.start_date else "",
        "end_date": activity.end_date.isoformat() if activity.end_date else "",
        "description": activity.description,
        "outputs": activity.outputs,
        "links": activity.links,
        "financing": [
            (n, str(line.source.order), str(line.amount), line.currency, line.funder)
            for n, line in enumerate(
                activity.financing_lines.select_related("source").order_by("pk"), start=1
            )
        ],
        "partners": [
            (p.organisation.acronym, p.role) for p in activity.partner_roles.select_related("organisation")
        ],
    }
