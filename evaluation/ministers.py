"""The ministers' view of the mid-term and final questions: per priority area and action, who
committed, who reported activities, the activities by status, the financing and the Parties' own
statements; the review questionnaire's results on the plan's criteria; the change between the
mid-term and the final snapshot; and a map of the Parties.

Every number comes from the one definition of each figure (evaluation/figures.py): the figures of
a review's period are `monitoring_figures` for that period, the same the compiled review report
freezes, with the statements of accepted progress reports only; the change is `figures_changes`,
as the final review report computes it, against the published mid-term snapshot when there is one
(the figures as the ministers were given them) and otherwise against the mid-term period's figures
as recorded today. The query count is fixed: at most two periods' figures, the reviews, the
snapshot and the Parties.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from actions.models import ActionItem, ActionPlan, Activity
from core.translations import current_language, label
from parties.models import Party

from . import maps
from .figures import figures_changes, figures_in, monitoring_figures, newly_covered, plan_party_names
from .models import ProgressEntry, ProgressReport, ReportKind, ReportVersion, Review

MEASURES = ("participation", "activities")


def review_periods(plan: ActionPlan) -> dict[str, dict]:
    """{kind: {"kind", "start_year", "end_year", "exists"}} for the mid-term and the final review;
    a plan without its reviews set up is read over its whole span for both."""
    reviews = {r.kind: r for r in Review.objects.filter(plan=plan)}
    out = {}
    for kind in (Review.Kind.MIDTERM, Review.Kind.FINAL):
        r = reviews.get(kind)
        out[kind] = {
            "kind": kind,
            "start_year": r.start_year if r else plan.start_year,
            "end_year": r.end_year if r else plan.end_year,
            "exists": r is not None,
        }
    return out


def _period_figures(plan: ActionPlan, period: dict) -> dict:
    return monitoring_figures(
        plan=plan,
        start_year=period["start_year"],
        end_year=period["end_year"],
        with_reviews=period["kind"] if period["exists"] else None,
        statement_states=(ProgressReport.State.ACCEPTED,),
    )


def _midterm_snapshot(plan: ActionPlan) -> ReportVersion | None:
    """The latest published mid-term snapshot's figures (its English version, as the final review
    report reads it)."""
    return (
        ReportVersion.objects.filter(
            plan=plan,
            kind=ReportKind.MIDTERM,
            language=ReportVersion.Language.EN,
            state=ReportVersion.State.PUBLISHED,
        )
        .order_by("-number")
        .only("pk", "data", "number", "created_at")
        .first()
    )


def ministers_figures(plan: ActionPlan, kind: str) -> dict:
    """Everything the page shows for the review `kind`, in the reader's language (JSON-safe)."""
    lang = current_language()
    periods = review_periods(plan)
    period = periods[kind]
    figures = {k: None for k in periods}
    figures[kind] = _period_figures(plan, period)
    snapshot = _midterm_snapshot(plan)
    if snapshot is None and figures[ReportKind.MIDTERM] is None:
        figures[ReportKind.MIDTERM] = _period_figures(plan, periods[ReportKind.MIDTERM])
    if figures[ReportKind.FINAL] is None:
        figures[ReportKind.FINAL] = _period_figures(plan, periods[ReportKind.FINAL])
    mid = snapshot.data if snapshot is not None else figures[ReportKind.MIDTERM]
    final = figures[ReportKind.FINAL]
    data = figures_in(figures[kind], lang)
    return {
        "kind": kind,
        "period": period,
        "periods": list(periods.values()),
        "d": data,
        "areas": _areas(data, _items(plan, lang)),
        "parties": _parties(plan, data, lang),
        "changes": {
            "rows": figures_changes(mid, final),
            "newly_covered": newly_covered(mid, final),
            "snapshot": {"number": snapshot.number, "pk": snapshot.pk} if snapshot is not None else None,
            "midterm": periods[ReportKind.MIDTERM],
            "final": periods[ReportKind.FINAL],
        },
    }


def _distinct_parties(activities: list[dict]) -> list[dict]:
    seen: dict[str, dict] = {}
    for x in activities:
        seen.setdefault(x["party_code"], {"code": x["party_code"], "name": x["party"]})
    return sorted(seen.values(), key=lambda p: p["name"]["text"])


def _status_rows(counts: dict[str, int]) -> list[dict]:
    return [{"key": k, "label": str(name), "n": counts.get(k, 0)} for k, name in Activity.Status.choices]


def _items(plan: ActionPlan, lang: str) -> dict[str, list[dict]]:
    """{action code: its lettered items (letter, text label)}: the rest of the action's text; one query."""
    items: dict[str, list[dict]] = defaultdict(list)
    for i in (
        ActionItem.objects.filter(action__area__plan=plan)
        .values("action__area__numeral", "action__number", "letter", "text_en", "text_ru")
        .order_by("action__area__order", "action__number", "letter")
    ):
        code = f"{i['action__area__numeral']}.{i['action__number']}"
        items[code].append({"letter": i["letter"], "text": label(i["text_en"], i["text_ru"], lang)})
    return items


def _areas(data: dict, items: dict[str, list[dict]]) -> list[dict]:
    """Each area with its actions (their items beside them), and per area the Parties and
    activities counted once each."""
    progress = dict(ProgressEntry.Status.choices)
    out = []
    for area in data["areas"]:
        actions = []
        committed: dict[str, dict] = {}
        activities: dict[int, dict] = {}
        for a in area["actions"]:
            for p in a["parties"]:
                committed.setdefault(p["code"], p)
            for x in a["activities"]:
                activities.setdefault(x["id"], x)
            actions.append(
                {
                    **a,
                    "items": items.get(a["code"], []),
                    "reporting": _distinct_parties(a["activities"]),
                    "status_rows": _status_rows(a["by_status"]),
                    "statements": [
                        {**s, "status_label": str(progress.get(s["status"], s["status"]))}
                        for s in a["statements"]
                    ],
                }
            )
        by_status: dict[str, int] = defaultdict(int)
        for x in activities.values():
            by_status[x["status"]] += 1
        out.append(
            {
                "numeral": area["numeral"],
                "title": area["title"],
                "actions": actions,
                "committed": len(committed),
                "reporting": len(_distinct_parties(list(activities.values()))),
                "activities": len(activities),
                "status_rows": _status_rows(by_status),
            }
        )
    return out


def _parties(plan: ActionPlan, data: dict, lang: str) -> list[dict]:
    """Every Party with the number of the plan's actions it committed to by the period's end and of
    the activities it reported in the period, read from the same figures as the areas."""
    actions: dict[str, int] = defaultdict(int)
    reported: dict[str, set[int]] = defaultdict(set)
    for area in data["areas"]:
        for a in area["actions"]:
            for p in {p["code"] for p in a["parties"]}:
                actions[p] += 1
            for x in a["activities"]:
                reported[x["party_code"]].add(x["id"])
    names = plan_party_names(plan)
    rows = []
    for p in Party.objects.order_by("order", "pk").values(
        "pk", "code", "kind", "short_name_en", "short_name_ru"
    ):
        en, ru = names.get(p["pk"], (p["short_name_en"], p["short_name_ru"]))
        code = p["code"]
        if p["kind"] != Party.Kind.STATE:
            note = "territory"
        elif not maps.has_shape(code):
            note = "shape"
        elif maps.is_dot(code):
            note = "dot"
        else:
            note = ""
        rows.append(
            {
                "code": code,
                "name": label(en, ru, lang),
                "actions": actions.get(code, 0),
                "activities": len(reported.get(code, ())),
                "on_map": p["kind"] == Party.Kind.STATE and maps.has_shape(code),
                "note": note,
            }
        )
    return rows


def party_map_svg(parties: list[dict], measure: str, period: dict) -> tuple[str, list]:
    """The map, coloured by the number of actions committed to or of activities reported, and its
    legend's steps (lowest, highest, colour), the first for none."""
    key = "actions" if measure == "participation" else "activities"
    regions = []
    for p in parties:
        if not p["on_map"]:
            continue
        name = p["name"]["text"]
        if p["name"]["lang"] != current_language():
            name = f"{name} ({_('not yet translated')})"
        regions.append(
            {
                "code": p["code"],
                "value": p[key],
                "label": _("%(party)s: %(actions)s actions committed to, %(activities)s activities reported")
                % {"party": name, "actions": p["actions"], "activities": p["activities"]},
            }
        )
    years = f"{period['start_year']}–{period['end_year']}"
    if measure == "participation":
        title = _("The Parties by the number of actions they committed to, %(years)s") % {"years": years}
    else:
        title = _("The Parties by the number of activities they reported, %(years)s") % {"years": years}
    desc = _(
        "A map of Europe and Central Asia; each Party's territory is shaded by its figure, darker for "
        "more. The table beside the map gives every Party's figures."
    )
    legend = [(0, 0, maps.NONE), *maps.scale(max((r["value"] for r in regions), default=0))]
    return maps.party_map(f"map-{measure}", regions, title, desc), legend


def ministers_figures_cached(plan: ActionPlan, kind: str) -> dict:
    """The figures, cached per plan, review and language (see core/caching.py)."""
    from django.utils.translation import get_language

    from core.caching import cached

    return cached(
        ("ministers", plan.pk, plan.slug, kind, get_language()), lambda: ministers_figures(plan, kind)
    )
