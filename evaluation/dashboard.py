"""The ministers' dashboard: headline figures and charts, aggregated in SQL.

Nine queries whatever the amount of data: actions, groups, Parties taking part, activities by year
and status, by action and year, by area and group, financing by source and currency, SOMs per
year, open decisions. Every figure follows the one definition in evaluation/figures.py, the same
the compiled report reads: an activity counts in every year it is under way, an SOM when it took
place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils.translation import gettext as _

from actions.models import Action, ActionPlan, Activity
from core.translations import current_language, localized, option_text
from parties.models import GeographicGroup

from . import charts
from .figures import (
    financing_by_source,
    open_decisions,
    per_year,
    period_activities,
    soms_held,
    taking_part,
)


def _plain(text: dict) -> str:
    """A label as plain text for a chart, where no markup can go: English that stands in is noted."""
    if text["lang"] != current_language() and text["text"]:
        return f"{text['text']} ({_('not yet translated')})"
    return text["text"]


@dataclass
class DashboardFilter:
    start_year: int
    end_year: int
    group: GeographicGroup | None = None

    def querystring(self) -> str:
        q = f"start={self.start_year}&end={self.end_year}"
        return q + (f"&group={self.group.code}" if self.group else "")


def dashboard_filter(plan: ActionPlan, params, groups: list[GeographicGroup]) -> DashboardFilter:
    """Read the period and group from the query string; anything invalid falls back to the plan's span."""

    def year(name: str, default: int) -> int:
        try:
            value = int(params.get(name, default))
        except (TypeError, ValueError):
            return default
        return min(max(value, plan.start_year), plan.end_year)

    start, end = year("start", plan.start_year), year("end", plan.end_year)
    if start > end:
        start, end = end, start
    by_code = {g.code: g for g in groups}
    return DashboardFilter(start_year=start, end_year=end, group=by_code.get(params.get("group", "")))


def dashboard_figures(
    plan: ActionPlan, f: DashboardFilter, groups: list[GeographicGroup], *, now: datetime | None = None
) -> dict:
    years = list(range(f.start_year, f.end_year + 1))
    actions = list(
        Action.objects.filter(area__plan=plan).select_related("area").order_by("area__order", "number")
    )
    activities = period_activities(f.start_year, f.end_year, plan=plan, group=f.group)
    parties_taking_part = taking_part(plan, f.end_year, f.group).values("party").distinct().count()

    statuses = list(Activity.Status.choices)
    counts = per_year(years)
    rows = {r["status"]: r for r in activities.values("status").annotate(**counts).order_by()}
    by_year_status = {(y, k): r[f"y{y}"] for k, r in rows.items() for y in years}
    by_status = [
        {"key": k, "label": str(label), "n": rows[k]["total"] if k in rows else 0} for k, label in statuses
    ]
    by_action = {
        r["actions__id"]: r
        for r in activities.filter(actions__area__plan=plan)
        .values("actions__id")
        .annotate(**counts)
        .order_by()
    }
    by_action_year = {(a, y): r[f"y{y}"] for a, r in by_action.items() for y in years}
    covered = set(by_action)
    by_area_group = {
        (r["actions__area__numeral"], r["party__group_id"]): r["n"]
        for r in activities.filter(actions__area__plan=plan)
        .values("actions__area__numeral", "party__group_id")
        .annotate(n=Count("pk", distinct=True))  # an activity under two actions of one area once
        .order_by()
    }
    financing = financing_by_source(activities)
    soms = soms_held(f.start_year, f.end_year, now=now)
    decisions_open = open_decisions(f.end_year)

    year_labels = [str(y) for y in years]
    action_codes = [a.code for a in actions]
    areas = list(dict.fromkeys(a.area.numeral for a in actions))
    # labels in the reader's language (figures are cached per language); charts take plain text
    area_titles = {a.area.numeral: localized(a.area, "title").as_label() for a in actions}
    heat_actions = {(a.code, str(y)): by_action_year.get((a.pk, y), 0) for a in actions for y in years}
    shown_groups = [f.group] if f.group else groups
    group_names = [option_text(g, "name") for g in shown_groups]
    heat_groups = {(n, g.pk): by_area_group.get((n, g.pk), 0) for n in areas for g in shown_groups}
    status_series = [(str(label), [by_year_status.get((y, k), 0) for y in years]) for k, label in statuses]
    # the currency with the most money first; currencies are never added together
    currencies = sorted(
        dict.fromkeys(r["currency"] for r in financing),
        key=lambda cur: -sum(r["total"] for r in financing if r["currency"] == cur),
    )
    money_charts = [
        {
            "currency": cur,
            "rows": [r for r in financing if r["currency"] == cur],
            "svg": charts.hbars(
                f"fin-{cur}",
                [
                    (_plain(r["label"]), float(r["total"]), f"{r['total']:,.0f} {cur}")
                    for r in financing
                    if r["currency"] == cur
                ],
                _("Financing mobilised by source, in %(cur)s") % {"cur": cur},
                _("Sum of the financing lines of the activities shown, per source, in %(cur)s only.")
                % {"cur": cur},
            ),
        }
        for cur in currencies
    ]
    period = f"{f.start_year}–{f.end_year}"
    money_totals = [(cur, sum(r["total"] for r in financing if r["currency"] == cur)) for cur in currencies]
    return {
        "headline": {
            "parties_taking_part": parties_taking_part,
            "actions_covered": len(covered),
            "actions_total": len(actions),
            "activities_total": sum(s["n"] for s in by_status),
            "soms_held": sum(soms.values()),
            "soms_expected": len(years),
            "open_decisions": decisions_open,
        },
        "by_status": by_status,
        "years": years,
        "actions": actions,
        "areas": areas,
        "groups": shown_groups,
        "heat_actions": [(code, [heat_actions[(code, y)] for y in year_labels]) for code in action_codes],
        "heat_groups": [(n, area_titles[n], [heat_groups[(n, g.pk)] for g in shown_groups]) for n in areas],
        "status_series": status_series,
        "year_status_rows": [(y, [by_year_status.get((y, k), 0) for k, _l in statuses]) for y in years],
        "statuses": [str(label) for _k, label in statuses],
        "soms": [(y, soms.get(y, 0)) for y in years],
        "money_charts": money_charts,
        "money_totals": money_totals,
        "svg_heat_actions": charts.heatmap(
            "heat-actions",
            action_codes,
            year_labels,
            heat_actions,
            _("Activities per action and year, %(period)s") % {"period": period},
            _("Number of submitted activities under way each year under each of the plan's actions."),
        ),
        "svg_heat_groups": charts.heatmap(
            "heat-groups",
            areas,
            group_names,
            {
                (n, name): heat_groups[(n, g.pk)]
                for n in areas
                for g, name in zip(shown_groups, group_names, strict=True)
            },
            _("Activities per priority area and geographic group, %(period)s") % {"period": period},
            _(
                "Number of submitted activities per priority area, by the geographic group of the reporting Party."
            ),
        ),
        "svg_year_status": charts.stacked_bars(
            "year-status",
            year_labels,
            status_series,
            _("Activities per year by status, %(period)s") % {"period": period},
            _(
                "Submitted activities under way each year, stacked by status; an activity spanning "
                "several years counts in each. The total is above each bar."
            ),
        ),
    }


def dashboard_figures_cached(plan: ActionPlan, f: DashboardFilter, groups: list[GeographicGroup]) -> dict:
    """The figures, cached per period, group and language (see core/caching.py)."""
    from django.utils.translation import get_language

    from core.caching import cached

    parts = (
        "dashboard",
        plan.pk,
        plan.slug,
        f.start_year,
        f.end_year,
        f.group.pk if f.group else "all",
        get_language(),
    )
    return cached(parts, lambda: dashboard_figures(plan, f, groups))
