"""The figures of the evaluation, computed from the database: one definition of each, read by the
compiled report (`monitoring_figures`) and by the ministers' dashboard (evaluation/dashboard.py).

Definitions (the dashboard states them beside its period):
- an activity counts in a period when it is submitted (drafts and archived ones never count), has a
  start date, implements at least one action of the plan, starts on or before the period's last day
  and ends (or, without an end date, starts) on or after its first day: it counts in every year it
  is under way (`period_activities`, `per_year`);
- the Parties taking part are those with a participation in an action of the plan by the period's
  last day (`taking_part`);
- an SOM is held when it took place: a Senior Officials' Meeting that is not cancelled and is marked
  held or has ended (meetings.selectors.soms_took_place); it counts in the year it starts (`soms_held`);
- an action is covered when at least one such activity implements it, untouched otherwise;
- financing is summed per source and per currency, never converted nor added across currencies; an
  activity under several actions counts its financing under each of them, and once in the totals
  (`financing_by_source`);
- a decision is open when it is open or in progress and its meeting started by the period's end
  (`open_decisions`);
- the response rate of a year is the share of the Parties expected to report (those taking part in
  at least one action by the year's end) whose progress report is submitted or accepted.

Every figure is aggregated in SQL: the number of queries does not grow with the data.

The figures are computed once for every language of the report: each content label (area title,
action text, Party name, financing source, meeting title, the plan) is read from both columns,
English under its key and Russian beside it under `<key>_ru` (empty when there is none);
`figures_in(data, lang)` picks one language's labels for rendering, numbers untouched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Avg, Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone, translation

from actions.models import Action, ActionPlan, Activity, FinancingLine, Participation, PartyName
from core.translations import label
from meetings.models import Decision, Meeting
from meetings.selectors import soms_took_place
from parties.models import GeographicGroup, Party

from .models import ProgressEntry, ProgressReport, ReviewResponse


def plan_party_names(plan: ActionPlan) -> dict[int, tuple[str, str]]:
    """{party id: (English, Russian) short name as the plan writes it}, one query: a report of a plan
    names the Parties as that plan does (actions.PartyName), whichever plan is current."""
    return {
        n["party_id"]: (n["short_name_en"], n["short_name_ru"] or "")
        for n in PartyName.objects.filter(plan=plan).values("party_id", "short_name_en", "short_name_ru")
    }


def _party_label(names, party, key: str, party_id=None, en: str = "", ru: str | None = "") -> dict:
    """A Party's name under `key` (English) and `key`_ru, as the plan writes it, today's otherwise."""
    if party is not None:
        party_id, en, ru = party.pk, party.short_name_en, party.short_name_ru
    en, ru = names.get(party_id, (en, ru or ""))
    return {key: en, f"{key}_ru": ru or ""}


def period_bounds(start_year: int, end_year: int) -> tuple[date, date]:
    return date(start_year, 1, 1), date(end_year, 12, 31)


def _under_way(first: date, last: date) -> Q:
    """On a queryset of `period_activities`: started by `last`, not ended before `first`."""
    return Q(start_date__lte=last, until__gte=first)


def period_activities(
    start_year: int,
    end_year: int,
    *,
    plan: ActionPlan | None = None,
    group: GeographicGroup | None = None,
) -> QuerySet[Activity]:
    """Submitted activities under way in the period (see the module's definitions), of the plan's
    actions when a plan is given and of the Parties of a geographic group when one is given."""
    first, last = period_bounds(start_year, end_year)
    activities = (
        Activity.objects.filter(state=Activity.State.SUBMITTED, start_date__isnull=False)
        .annotate(until=Coalesce("end_date", "start_date"))
        .filter(_under_way(first, last))
    )
    if plan is not None:
        # The activity's own plan: the one its actions (all of that plan) belong to.
        activities = activities.filter(plan=plan)
    if group is not None:
        activities = activities.filter(party__group=group)
    return activities


def per_year(years, *, distinct: bool = False) -> dict[str, Count]:
    """For `.annotate()` on `period_activities`: `total` over the period and `y<year>` for each year,
    every activity counted in each year it is under way. Rows are counted: pass distinct=True when
    the grouping joins a relation that can repeat an activity (several actions in one area)."""
    counts = {"total": Count("pk", distinct=distinct)}
    for y in years:
        counts[f"y{y}"] = Count("pk", filter=_under_way(*period_bounds(y, y)), distinct=distinct)
    return counts


def taking_part(
    plan: ActionPlan, end_year: int, group: GeographicGroup | None = None
) -> QuerySet[Participation]:
    """The participations that make Parties "taking part" in the period ending with `end_year`."""
    participations = Participation.objects.filter(action__area__plan=plan, since__lte=date(end_year, 12, 31))
    return participations.filter(party__group=group) if group is not None else participations


def soms_held(start_year: int, end_year: int, *, now: datetime | None = None) -> dict[int, int]:
    """SOMs that took place (meetings.selectors.soms_took_place), per year of their start; one query."""
    held = soms_took_place(now=now).filter(starts_at__year__gte=start_year, starts_at__year__lte=end_year)
    rows = held.annotate(y=ExtractYear("starts_at")).values("y").annotate(n=Count("pk")).order_by()
    return {r["y"]: r["n"] for r in rows}


def financing_by_source(activities: QuerySet[Activity]) -> list[dict]:
    """The financing lines of `activities` summed per source and currency (Decimal totals), in the
    order of the sources, then by currency (one query). Each source is named in the reader's
    language (`source`), and `label` tells the language it is in (core.translations.label)."""
    rows = (
        FinancingLine.objects.filter(activity__in=activities.values("pk"))
        .values("source__name_en", "source__name_ru", "source__order", "currency")
        .annotate(total=Sum("amount"))
        .order_by("source__order", "currency")
    )
    return [
        {
            "source": (name := label(r["source__name_en"], r["source__name_ru"]))["text"],
            "label": name,
            "currency": r["currency"],
            "total": r["total"],
        }
        for r in rows
    ]


def _open_decisions(end_year: int) -> QuerySet[Decision]:
    return Decision.objects.filter(
        status__in=[Decision.Status.OPEN, Decision.Status.IN_PROGRESS],
        meeting__starts_at__date__lte=date(end_year, 12, 31),
    )


def open_decisions(end_year: int) -> int:
    """Decisions open or in progress, of meetings that started by the end of `end_year` (one query)."""
    return _open_decisions(end_year).count()


def open_decisions_listed(end_year: int, names: dict[int, tuple[str, str]] | None = None) -> list[dict]:
    """The decisions `open_decisions` counts, oldest due first: text, meeting, owners (Parties as
    the plan writes them, the secretariat, the core group), due date and status, with their texts
    in both languages. Two queries whatever the number of decisions."""
    from django.db.models import F, Prefetch

    rows = []
    for d in (
        _open_decisions(end_year)
        .select_related("meeting")
        .prefetch_related(Prefetch("owner_parties", queryset=Party.objects.order_by("order", "short_name")))
        .order_by(F("due_on").asc(nulls_last=True), "meeting__starts_at", "pk")
    ):
        rows.append(
            {
                "text": d.text_en,
                "text_ru": d.text_ru or "",
                "meeting": d.meeting.title_en,
                "meeting_ru": d.meeting.title_ru or "",
                "meeting_date": timezone.localdate(d.meeting.starts_at).isoformat(),
                "owners": [_party_label(names or {}, p, "name") for p in d.owner_parties.all()],
                "secretariat": d.owner_secretariat,
                "core_group": d.owner_core_group,
                "due_on": d.due_on.isoformat() if d.due_on else "",
                "status": d.status,
            }
        )
    return rows


def expected_parties(end_of_year: date) -> QuerySet[Party]:
    """Parties expected to report for a year: those taking part in an action by its last day."""
    return Party.objects.filter(participations__since__lte=end_of_year).distinct()


def reporting_parties(plan: ActionPlan, start_year: int, end_year: int) -> dict[int, dict[str, set[int]]]:
    """Per year: the ids of the Parties expected to report (taking part in an action of the plan by
    the year's last day) and, among them, of those whose progress report is submitted or accepted.
    The one definition behind the response rate and the Parties that did not report (two queries)."""
    firsts = {
        row["party_id"]: row["first"]
        for row in Participation.objects.filter(action__area__plan=plan)
        .values("party_id")
        .annotate(first=Min("since"))
    }
    sent_pairs = ProgressReport.objects.filter(
        cycle__plan=plan,
        cycle__year__gte=start_year,
        cycle__year__lte=end_year,
        state__in=ProgressReport.SENT,
    ).values_list("cycle__year", "party_id")
    sent: dict[int, set[int]] = defaultdict(set)
    for year, party_id in sent_pairs:
        sent[year].add(party_id)
    out = {}
    for year in range(start_year, end_year + 1):
        expected = {pk for pk, first in firsts.items() if first <= date(year, 12, 31)}
        out[year] = {"expected": expected, "sent": sent[year] & expected}
    return out


def response_rates(plan: ActionPlan, start_year: int, end_year: int) -> list[dict]:
    """Per year: Parties expected, reports submitted or accepted, the rate in percent (two queries)."""
    out = []
    for year, parties in reporting_parties(plan, start_year, end_year).items():
        expected, submitted = len(parties["expected"]), len(parties["sent"])
        rate = round(100 * submitted / expected, 1) if expected else None
        out.append({"year": year, "expected": expected, "submitted": submitted, "rate": rate})
    return out


def parties_not_reported(plan: ActionPlan, year: int) -> list[dict]:
    """The Parties expected to report for `year` whose progress report is not submitted or accepted
    (the response rate's complement: `expected - submitted` of them), named as the plan names them,
    in the plan's order of Parties (four queries)."""
    parties = reporting_parties(plan, year, year)[year]
    missing = parties["expected"] - parties["sent"]
    if not missing:
        return []
    names = plan_party_names(plan)
    return [
        {"code": p.code, **_party_label(names, p, "name")}
        for p in Party.objects.filter(pk__in=missing).order_by("order", "code")
    ]


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal(0)).quantize(Decimal('0.01'))}"


def monitoring_figures(
    *,
    plan: ActionPlan,
    start_year: int,
    end_year: int,
    with_reviews: str | None = None,
    progress: Callable[[int, str], None] | None = None,
    now: datetime | None = None,
    statement_states: tuple[str, ...] = ProgressReport.SENT,
) -> dict:
    """Compile every figure of the report for the period into plain JSON-serialisable data. The
    progress statements are those of the reports in `statement_states` (submitted or accepted for
    the compiled report; the ministers' view quotes accepted reports only)."""
    step = progress or (lambda pct, label: None)
    now = now or timezone.now()
    first, last = period_bounds(start_year, end_year)
    activities = period_activities(start_year, end_year, plan=plan)
    ids = activities.values("pk")

    step(10, "actions and participations")
    plan_names = plan_party_names(plan)
    actions = list(
        Action.objects.filter(area__plan=plan).select_related("area").order_by("area__order", "number")
    )
    parts_by_action: dict[int, list[dict]] = defaultdict(list)
    for p in taking_part(plan, end_year).select_related("party").order_by("party__order"):
        parts_by_action[p.action_id].append(
            {
                "code": p.party.code,
                **_party_label(plan_names, p.party, "name"),
                "role": p.role,
            }
        )

    step(25, "activities")
    status_labels = dict(Activity.Status.choices)
    kind_labels = dict(Activity.Kind.choices)
    by_action_status: dict[int, dict[str, int]] = defaultdict(dict)
    for row in activities.values("actions__id", "status").annotate(n=Count("pk", distinct=True)):
        by_action_status[row["actions__id"]][row["status"]] = row["n"]
    by_action_kind: dict[int, dict[str, int]] = defaultdict(dict)
    for row in activities.values("actions__id", "kind").annotate(n=Count("pk", distinct=True)):
        by_action_kind[row["actions__id"]][row["kind"]] = row["n"]
    listed: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Activity.objects.filter(pk__in=ids, actions__area__plan=plan)
        .values(
            "pk",
            "actions__id",
            "title",
            "status",
            "kind",
            "party__code",
            "party_id",
            "party__short_name_en",
            "party__short_name_ru",
            "start_date",
            "end_date",
        )
        .order_by("start_date", "pk")
    ):
        listed[row["actions__id"]].append(
            {
                "id": row["pk"],
                "title": row["title"],
                "status": row["status"],
                "kind": row["kind"],
                **_party_label(
                    plan_names,
                    None,
                    "party",
                    row["party_id"],
                    row["party__short_name_en"],
                    row["party__short_name_ru"],
                ),
                "party_code": row["party__code"],
                "start": row["start_date"].isoformat(),
                "end": row["end_date"].isoformat() if row["end_date"] else "",
            }
        )
    totals_status = {
        r["status"]: r["n"]
        for r in activities.order_by().values("status").annotate(n=Count("pk", distinct=True))
    }
    totals_kind = {
        r["kind"]: r["n"] for r in activities.order_by().values("kind").annotate(n=Count("pk", distinct=True))
    }

    step(45, "financing")
    fin_action: dict[int, list[dict]] = defaultdict(list)
    names = ("source_id", "source__name_en", "source__name_ru", "source__order", "currency")
    for row in (
        FinancingLine.objects.filter(activity__in=ids)
        .values("activity__actions__id", *names)
        .annotate(total=Sum("amount"))
        .order_by("source__order", "source_id", "currency")
    ):
        fin_action[row["activity__actions__id"]].append(_financing_row(row))
    # the definition of financing_by_source, with the source's key and both its names
    by_source = list(
        FinancingLine.objects.filter(activity__in=ids)
        .values(*names)
        .annotate(total=Sum("amount"))
        .order_by("source__order", "source_id", "currency")
    )
    financing = [_financing_row(r) for r in by_source]
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for r in by_source:
        per_currency[r["currency"]] += r["total"]
    financing_by_currency = [{"currency": c, "total": _money(per_currency[c])} for c in sorted(per_currency)]

    step(60, "progress statements")
    statements: dict[int, list[dict]] = defaultdict(list)
    for e in (
        ProgressEntry.objects.filter(
            report__cycle__plan=plan,
            report__cycle__year__gte=start_year,
            report__cycle__year__lte=end_year,
            report__state__in=statement_states,
        )
        .select_related("report__party", "report__cycle")
        .order_by("report__cycle__year", "report__party__order")
    ):
        statements[e.action_id].append(
            {
                "year": e.report.cycle.year,
                **_party_label(plan_names, e.report.party, "party"),
                "party_code": e.report.party.code,
                "status": e.status,
                "achieved": e.achieved,
                "difficulties": e.difficulties,
                "next_steps": e.next_steps,
            }
        )

    step(70, "meetings and decisions")
    meetings = []
    for m in (
        Meeting.objects.filter(
            kind__in=[Meeting.Kind.SOM, Meeting.Kind.MINISTERIAL],
            starts_at__date__gte=first,
            starts_at__date__lte=last,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("host")
        .prefetch_related("decisions")
        .order_by("starts_at")
    ):
        meetings.append(
            {
                "id": m.pk,
                "title": m.title_en,
                "title_ru": m.title_ru or "",
                "kind": m.kind,
                "date": timezone.localdate(m.starts_at).isoformat(),
                "host": m.host.short_name_en if m.host else "",
                "host_ru": (m.host.short_name_ru or "") if m.host else "",
                "status": m.status,
                "decisions": [
                    {
                        "kind": d.kind,
                        "text": d.text_en,
                        "text_ru": d.text_ru or "",
                        "status": d.status,
                        "due_on": d.due_on.isoformat() if d.due_on else "",
                    }
                    for d in m.decisions.all()
                ],
            }
        )
    held = soms_held(start_year, end_year, now=now)

    step(80, "response rate")
    rates = response_rates(plan, start_year, end_year)
    expected_total = sum(r["expected"] for r in rates)
    sent_total = sum(r["submitted"] for r in rates)

    areas: list[dict] = []
    covered, untouched = [], []
    for a in actions:
        if not areas or areas[-1]["numeral"] != a.area.numeral:
            areas.append(
                {
                    "numeral": a.area.numeral,
                    "title": a.area.title_en,
                    "title_ru": a.area.title_ru or "",
                    "actions": [],
                }
            )
        n = sum(by_action_status[a.pk].values())
        (covered if n else untouched).append(a.code)
        areas[-1]["actions"].append(
            {
                "code": a.code,
                "text": a.text_en,
                "text_ru": a.text_ru or "",
                "parties": parts_by_action[a.pk],
                "activity_count": n,
                "by_status": by_action_status[a.pk],
                "by_kind": by_action_kind[a.pk],
                "activities": listed[a.pk],
                "financing": fin_action[a.pk],
                "statements": statements[a.pk],
                "covered": bool(n),
            }
        )
    data = {
        "plan": plan.title_en,
        "plan_ru": plan.title_ru or "",
        "start_year": start_year,
        "end_year": end_year,
        "compiled_at": timezone.now().isoformat(),
        "status_labels": {k: str(v) for k, v in status_labels.items()},
        "kind_labels": {k: str(v) for k, v in kind_labels.items()},
        "headline": {
            "parties_taking_part": len({p["code"] for ps in parts_by_action.values() for p in ps}),
            "actions_total": len(actions),
            "actions_covered": len(covered),
            "activities_total": sum(totals_status.values()),
            "open_decisions": open_decisions(end_year),
            "soms_held": sum(held.values()),
            "years": end_year - start_year + 1,
        },
        "activities_by_status": totals_status,
        "activities_by_kind": totals_kind,
        "financing": financing,
        "financing_by_currency": financing_by_currency,
        "covered_actions": covered,
        "untouched_actions": untouched,
        "areas": areas,
        "meetings": meetings,
        "decisions_open": open_decisions_listed(end_year, plan_names),
        "response_rates": rates,
        "response_rate": {
            "expected": expected_total,
            "submitted": sent_total,
            "rate": round(100 * sent_total / expected_total, 1) if expected_total else None,
        },
    }
    if with_reviews:
        step(85, "review questionnaire")
        data["questionnaire"] = questionnaire_figures(plan=plan, kind=with_reviews)
    return data


def _financing_row(row: dict) -> dict:
    return {
        "source_id": row["source_id"],
        "source": row["source__name_en"],
        "source_ru": row["source__name_ru"] or "",
        "currency": row["currency"],
        "total": _money(row["total"]),
    }


def _labels_in(value, lang: str):
    if isinstance(value, list):
        return [_labels_in(v, lang) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key.endswith("_ru") and key[:-3] in value:
            continue  # folded into its English key below
        ru = value.get(f"{key}_ru")
        if isinstance(v, str) and isinstance(ru, str):
            out[key] = label(v, ru, lang)
        else:
            out[key] = _labels_in(v, lang)
    return out


def figures_in(data: dict, lang: str) -> dict:
    """One language's figures from `monitoring_figures`: each bilingual label becomes
    `{"text", "lang"}` (English standing in, marked, where the Russian is missing), the labels of
    statuses and kinds are those of `lang`, and every number is the same for every language."""
    with translation.override(lang):
        out = _labels_in(data, lang)
        out["language"] = lang
        out["status_labels"] = {k: str(v) for k, v in Activity.Status.choices}
        out["kind_labels"] = {k: str(v) for k, v in Activity.Kind.choices}
    return out


def label_text(value) -> str:
    """The words of a label (`{"text", "lang"}`) or of a plain string, for spreadsheets and e-mails."""
    return value.get("text", "") if isinstance(value, dict) else ("" if value is None else str(value))


def questionnaire_figures(*, plan: ActionPlan, kind: str) -> dict:
    """Average score, count and comments per criterion of the plan (its name in both languages
    beside its code), and the questionnaire's response rate. Four queries whatever the number of
    criteria and responses."""
    from .models import Review, ReviewCriterion, ReviewScore

    submitted = ReviewResponse.objects.filter(
        review__plan=plan, review__kind=kind, state=ReviewResponse.State.SUBMITTED
    )
    n = submitted.count()
    scores = ReviewScore.objects.filter(response__in=submitted)
    per_criterion = {
        row["criterion_id"]: row
        for row in scores.values("criterion_id").annotate(average=Avg("score"), n=Count("score")).order_by()
    }
    review = Review.objects.filter(plan=plan, kind=kind).first()
    plan_names = plan_party_names(plan)
    expected = expected_parties(date(review.end_year, 12, 31)).count() if review else 0
    comments = defaultdict(list)
    for s in (
        scores.exclude(comment="")
        .select_related("response__party")
        .order_by("response__party__order", "response__party_id")
    ):
        comments[s.criterion_id].append(
            {**_party_label(plan_names, s.response.party, "party"), "score": s.score, "text": s.comment}
        )
    criteria = ReviewCriterion.objects.filter(plan=plan).order_by("order", "pk")
    rows = []
    for c in criteria.values("pk", "code", "name_en", "name_ru"):
        agg = per_criterion.get(c["pk"], {})
        average = agg.get("average")
        rows.append(
            {
                "key": c["code"],
                "name": c["name_en"],
                "name_ru": c["name_ru"] or "",
                "average": round(float(average), 2) if average is not None else None,
                "n": agg.get("n", 0),
                "comments": comments[c["pk"]],
            }
        )
    return {
        "responses": n,
        "expected": expected,
        "rate": round(100 * n / expected, 1) if expected else None,
        "criteria": rows,
    }


def figures_changes(before: dict, after: dict) -> list[dict]:
    """What changed between two snapshots: headline figures, coverage and questionnaire scores."""
    rows = []
    for key in ("parties_taking_part", "actions_covered", "activities_total", "soms_held", "open_decisions"):
        b, a = before["headline"].get(key), after["headline"].get(key)
        rows.append({"key": key, "before": b, "after": a, "delta": (a - b) if None not in (a, b) else None})
    b_rate, a_rate = before["response_rate"]["rate"], after["response_rate"]["rate"]
    rows.append(
        {
            "key": "response_rate",
            "before": b_rate,
            "after": a_rate,
            "delta": round(a_rate - b_rate, 1) if None not in (a_rate, b_rate) else None,
        }
    )
    bq = {c["key"]: c["average"] for c in before.get("questionnaire", {}).get("criteria", [])}
    for c in after.get("questionnaire", {}).get("criteria", []):
        b, a = bq.get(c["key"]), c["average"]
        rows.append(
            {
                "key": f"score_{c['key']}",
                "before": b,
                "after": a,
                "delta": round(a - b, 2) if None not in (a, b) else None,
            }
        )
    return rows


def newly_covered(before: dict, after: dict) -> list[str]:
    return [c for c in after["covered_actions"] if c not in set(before["covered_actions"])]


# --- the yearly report: the year compared with the one before -----------------------------------

# The main figures of a year, in the order the comparison shows them.
COMPARED = (
    "parties_taking_part",
    "parties_reporting",
    "response_rate",
    "activities_total",
    "actions_covered",
    "soms_held",
)


def year_figures(plan: ActionPlan, year: int, *, now: datetime | None = None) -> dict:
    """The main figures of one year by the module's definitions (the same functions as the report's
    headline): Parties taking part and reporting, activities in total and per area, actions
    covered, SOMs held, financing per source and currency. Eight queries whatever the data."""
    activities = period_activities(year, year, plan=plan)
    ids = activities.values("pk")
    of_plan = Activity.objects.filter(pk__in=ids, actions__area__plan=plan)
    by_area = {
        r["actions__area_id"]: r["n"]
        for r in of_plan.values("actions__area_id").annotate(n=Count("pk", distinct=True)).order_by()
    }
    financing = {
        (r["source_id"], r["currency"]): r
        for r in FinancingLine.objects.filter(activity__in=ids)
        .values("source_id", "source__name_en", "source__name_ru", "source__order", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    rate = response_rates(plan, year, year)[0]
    return {
        "parties_taking_part": taking_part(plan, year).values("party_id").distinct().count(),
        "parties_reporting": rate["submitted"],
        "response_rate": rate["rate"],
        "activities_total": activities.count(),
        "actions_covered": of_plan.values("actions").distinct().count(),
        "soms_held": soms_held(year, year, now=now).get(year, 0),
        "by_area": by_area,
        "financing": financing,
    }


def _delta(before, after):
    if before is None or after is None:
        return None
    if isinstance(before, float) or isinstance(after, float):
        return round(after - before, 1)
    return after - before


def year_comparison(plan: ActionPlan, year: int, *, now: datetime | None = None) -> dict:
    """The year's main figures beside the year before's, with the change: overall, activities per
    priority area and financing per source and currency. A plan's first year has no year before
    (`previous_year` None, nothing compared)."""
    if year <= plan.start_year:
        return {"year": year, "previous_year": None, "figures": [], "areas": [], "financing": []}
    after, before = year_figures(plan, year, now=now), year_figures(plan, year - 1, now=now)
    figures = [
        {"key": k, "before": before[k], "after": after[k], "delta": _delta(before[k], after[k])}
        for k in COMPARED
    ]
    areas = []
    for a in plan.areas.order_by("order").values("pk", "numeral", "title_en", "title_ru"):
        b, n = before["by_area"].get(a["pk"], 0), after["by_area"].get(a["pk"], 0)
        areas.append(
            {
                "numeral": a["numeral"],
                "title": a["title_en"],
                "title_ru": a["title_ru"] or "",
                "before": b,
                "after": n,
                "delta": n - b,
            }
        )
    financing = []
    keys = sorted(
        set(before["financing"]) | set(after["financing"]),
        key=lambda k: ((after["financing"].get(k) or before["financing"][k])["source__order"], k),
    )
    for key in keys:
        row = after["financing"].get(key) or before["financing"][key]
        b = (before["financing"].get(key) or {}).get("total") or Decimal(0)
        n = (after["financing"].get(key) or {}).get("total") or Decimal(0)
        financing.append(
            {
                "source": row["source__name_en"],
                "source_ru": row["source__name_ru"] or "",
                "currency": key[1],
                "before": _money(b),
                "after": _money(n),
                "delta": _money(n - b),
            }
        )
    return {
        "year": year,
        "previous_year": year - 1,
        "figures": figures,
        "areas": areas,
        "financing": financing,
    }


def conclusions_figures(conclusions) -> dict | None:
    """The secretariat's conclusions and recommendations as a compile freezes them (both languages,
    the Russian's translation status), or None when none are written yet."""
    if conclusions is None or not (conclusions.conclusions_en or conclusions.recommendations_en):
        return None
    from core.models import TranslationStatus
    from core.translations import status_of

    state = status_of(conclusions, "conclusions")
    return {
        "conclusions": conclusions.conclusions_en or "",
        "conclusions_ru": conclusions.conclusions_ru or "",
        "recommendations": conclusions.recommendations_en or "",
        "recommendations_ru": conclusions.recommendations_ru or "",
        "status_ru": state.status if state else TranslationStatus.Status.WORKING,
        "written_at": conclusions.updated_at.isoformat(),
    }


def yearly_figures(plan: ActionPlan, year: int, *, conclusions=None, now: datetime | None = None) -> dict:
    """What the yearly report adds to `monitoring_figures`: the Parties that did not report, the
    comparison with the year before and the secretariat's conclusions and recommendations."""
    return {
        "not_reported": parties_not_reported(plan, year),
        "comparison": year_comparison(plan, year, now=now),
        "conclusions": conclusions_figures(conclusions),
    }
