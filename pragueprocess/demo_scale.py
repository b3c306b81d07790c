"""Bulk demo data at scale: `manage.py seed_demo --scale K` makes K x 1,000 activities.

Deterministic for a given seed (one `random.Random`, consumed in a fixed order) and believable:
activities spread unevenly over the Parties (some report much more than others), over the actions
each Party has declared a part in, over the years of the plan, kinds, statuses and states (mostly
submitted); one or two actions each, with items where the action has items; one to three financing
lines (mostly EUR); other Parties and partner organisations on some. Meetings (a Senior Officials'
Meeting a year, core group meetings, expert meetings in proportion) and their decisions.

Rows go in with `bulk_create` in batches, the many-to-many rows through their `through` models;
no simple-history rows are written for this data (it is demo data, not anyone's edit).

Each app's part is one `seed_<things>` function called with everything made so far (`Made`);
reporting cycles, progress reports and their review answers come from evaluation/demo.py.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from actions.models import (
    Action,
    ActionPlan,
    Activity,
    ActivityPartner,
    FinancingLine,
    FinancingSource,
    Participation,
)
from meetings.models import Decision, Meeting
from parties.models import PartnerOrganisation, Party, User

BATCH = 2000

KIND_WORDS = {
    "awareness_campaign": "Awareness campaign",
    "training": "Training course",
    "study": "Study",
    "working_arrangement": "Working arrangement",
    "programme": "Programme",
    "website_database": "Online database",
    "round_table": "Round table",
    "best_practices": "Exchange of best practices",
    "technical_support": "Technical support",
    "other": "Activity",
}
TOPICS = {
    "I": ["border management", "document security", "irregular migration risks", "unaccompanied minors"],
    "II": ["readmission", "voluntary return", "reintegration of returnees", "victims of trafficking"],
    "III": ["labour migration", "employment services", "social security", "student mobility"],
    "IV": ["integration policies", "integration authorities", "language courses"],
    "V": ["diaspora engagement", "circular migration", "remittances", "families left behind"],
    "VI": ["asylum legislation", "reception capacities", "non-refoulement", "country-of-origin information"],
}
AUDIENCES = ["border guards", "police officers", "judges", "labour inspectors", "consular staff", "NGOs"]
OUTPUTS = [
    "Report published; officials trained.",
    "Handbook adopted by the ministry.",
    "Memorandum of understanding signed.",
    "Database launched and in use.",
    "Recommendations presented at the SOM.",
    "",
]
CITIES = ["Prague", "Warsaw", "Budapest", "Bratislava", "Bucharest", "Vienna", "Kyiv", "Chisinau", "Tbilisi"]
SOM_HOSTS = ["PL", "CZ", "HU", "SK", "RO", "DE"]
DECISION_TEXTS = [
    "The meeting invites the Parties to report on action {code} by the next SOM.",
    "The meeting welcomes the results under action {code} and asks the secretariat to circulate them.",
    "The meeting recommends an expert meeting on action {code} in {year}.",
    "The meeting asks the core group to propose indicators for action {code}.",
    "The meeting takes note of the pilot under action {code} and invites further Parties to join.",
]
CURRENCIES = ["USD", "CHF", "GBP", "SEK", "CZK"]


@dataclass
class Made:
    """What the bulk seeder has made, handed to each app's seeder in turn."""

    plan: ActionPlan
    parties: list[Party]
    actions: list[Action]
    contact_points: dict[int, User]
    participations: dict[tuple[int, int], Participation] = field(default_factory=dict)
    activity_ids: list[int] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def seed(*, rng: random.Random, scale: float, plan: ActionPlan) -> dict[str, int]:
    """Make about `scale` x 1,000 activities and everything around them; returns counts by name."""
    parties = list(Party.objects.order_by("order"))
    actions = list(Action.objects.filter(area__plan=plan).select_related("area").prefetch_related("items"))
    contact_points = {u.party_id: u for u in User.objects.filter(role=User.Role.CONTACT_POINT).order_by("pk")}
    made = Made(plan=plan, parties=parties, actions=actions, contact_points=contact_points)
    with transaction.atomic():
        seed_participations(rng=rng, made=made)
        seed_activities(rng=rng, scale=scale, made=made)
        seed_meetings(rng=rng, scale=scale, made=made)
        seed_progress_reports(rng=rng, scale=scale, made=made)
    # One compiled yearly report, so that a report page exists to measure; after the commit, since
    # the compile's heartbeat runs on a connection of its own.
    from evaluation.services import report_compile_now

    if report_compile_now(plan=plan, year=plan.start_year + 1) is not None:
        made.counts["compiled reports"] = 1
    return made.counts


def seed_participations(*, rng: random.Random, made: Made) -> None:
    """Every Party declares a part in 3 to 9 actions (lead in about one in seven)."""
    existing = {(p.party_id, p.action_id): p for p in Participation.objects.all()}
    new = []
    for party in made.parties:
        for action in rng.sample(made.actions, k=rng.randint(3, 9)):
            key = (party.pk, action.pk)
            lead = rng.random() < 0.15
            if key in existing:
                continue
            participation = Participation(
                party=party,
                action=action,
                role=Participation.Role.LEAD if lead else Participation.Role.PARTICIPANT,
                since=date(made.plan.start_year, rng.randint(1, 12), 1),
                declared_by=made.contact_points.get(party.pk),
                note="",
            )
            existing[key] = participation
            new.append(participation)
    _bulk(Participation, new)
    through = Participation.items.through
    item_rows = []
    action_by_pk = {a.pk: a for a in made.actions}
    for participation in new:
        items = list(action_by_pk[participation.action_id].items.all())
        if items and rng.random() < 0.7:
            for item in rng.sample(items, k=rng.randint(1, len(items))):
                item_rows.append(through(participation_id=participation.pk, actionitem_id=item.pk))
    _bulk(through, item_rows)
    made.participations = existing
    made.counts["participations"] = len(new)


def _status_for(rng: random.Random, year: int, plan: ActionPlan) -> str:
    # Early years are mostly completed; the last year mostly ongoing or planned.
    progress = (year - plan.start_year) / max(1, plan.end_year - plan.start_year)
    roll = rng.random()
    if roll < 0.04:
        return Activity.Status.CANCELLED
    if roll < 0.04 + 0.85 * (1 - progress) + 0.1:
        return Activity.Status.COMPLETED
    return rng.choice([Activity.Status.ONGOING, Activity.Status.ONGOING, Activity.Status.PLANNED])


def seed_activities(*, rng: random.Random, scale: float, made: Made) -> None:
    plan = made.plan
    target = max(1, int(round(1000 * scale)))
    to_make = target - Activity.objects.count()
    if to_make <= 0:
        made.counts["activities"] = 0
        return
    parties = made.parties
    # Some Parties report a lot, most a little: weights from a long-tailed draw.
    weights = [rng.paretovariate(1.5) for _ in parties]
    action_by_pk = {a.pk: a for a in made.actions}  # with their items prefetched
    by_party = defaultdict(list)
    for party_id, action_id in made.participations:
        if action_id in action_by_pk:
            by_party[party_id].append(action_by_pk[action_id])
    for actions in by_party.values():
        actions.sort(key=lambda a: a.pk)
    kinds = list(Activity.Kind.values)
    sources = list(FinancingSource.objects.filter(plan=plan).order_by("order"))
    partners = list(PartnerOrganisation.objects.order_by("acronym"))
    years = list(plan.years)

    chosen_parties = rng.choices(parties, weights=weights, k=to_make)
    activities, links = [], []
    for n, party in enumerate(chosen_parties, 1):
        party_actions = by_party.get(party.pk) or made.actions
        first = rng.choice(party_actions)
        acts = [first]
        if len(party_actions) > 1 and rng.random() < 0.25:
            acts.append(rng.choice([a for a in party_actions if a.pk != first.pk]))
        year = rng.choice(years)
        start = date(year, rng.randint(1, 12), rng.randint(1, 28))
        end = min(
            start + timedelta(days=rng.choice([0, 1, 2, 30, 90, 180, 365, 540])), date(plan.end_year, 12, 31)
        )
        kind = rng.choice(kinds)
        topic = rng.choice(TOPICS.get(first.area.numeral, ["migration"]))
        state_roll = rng.random()
        state = (
            Activity.State.SUBMITTED
            if state_roll < 0.86
            else Activity.State.DRAFT
            if state_roll < 0.96
            else Activity.State.ARCHIVED
        )
        audience = rng.choice(AUDIENCES)
        activities.append(
            Activity(
                title=f"{KIND_WORDS[kind]} on {topic} for {audience} ({party.short_name}, {year})",
                description=(
                    f"{KIND_WORDS[kind]} carried out by {party.short_name} under action {first.code}, "
                    f"on {topic}, with {audience} from the region."
                ),
                kind=kind,
                status=_status_for(rng, year, plan),
                state=state,
                plan=plan,
                party=party,
                start_date=start,
                end_date=end,
                outputs=rng.choice(OUTPUTS),
                links=f"https://example.org/{party.code.lower()}/activities/{n}"
                if rng.random() < 0.3
                else "",
                version=1,
                created_by=made.contact_points.get(party.pk),
                updated_by=made.contact_points.get(party.pk),
            )
        )
        links.append(acts)
    _bulk(Activity, activities)

    action_rows, item_rows, other_rows, partner_rows, lines = [], [], [], [], []
    ActionLink, ItemLink, OtherLink = (
        Activity.actions.through,
        Activity.items.through,
        Activity.other_parties.through,
    )
    for activity, acts in zip(activities, links, strict=True):
        for action in acts:
            action_rows.append(ActionLink(activity_id=activity.pk, action_id=action.pk))
            items = list(action.items.all())
            if items and rng.random() < 0.6:
                for item in rng.sample(items, k=rng.randint(1, min(2, len(items)))):
                    item_rows.append(ItemLink(activity_id=activity.pk, actionitem_id=item.pk))
        if rng.random() < 0.3:
            for other in rng.sample(parties, k=rng.randint(1, 3)):
                if other.pk != activity.party_id:
                    other_rows.append(OtherLink(activity_id=activity.pk, party_id=other.pk))
        if partners and rng.random() < 0.35:
            for organisation in rng.sample(partners, k=rng.randint(1, 2)):
                partner_rows.append(
                    ActivityPartner(
                        activity_id=activity.pk,
                        organisation=organisation,
                        role=rng.choice(ActivityPartner.Role.values),
                    )
                )
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            eur = rng.random() < 0.85
            lines.append(
                FinancingLine(
                    activity_id=activity.pk,
                    source=rng.choice(sources),
                    amount=Decimal(rng.randrange(5_000, 750_000, 500)),
                    currency="EUR" if eur else rng.choice(CURRENCIES),
                    funder="" if rng.random() < 0.7 else rng.choice(partners).acronym if partners else "",
                )
            )
    _bulk(ActionLink, action_rows)
    _bulk(ItemLink, item_rows)
    _bulk(OtherLink, other_rows)
    _bulk(ActivityPartner, partner_rows)
    _bulk(FinancingLine, lines)
    made.activity_ids = [a.pk for a in activities]
    made.counts.update(
        activities=len(activities),
        activity_actions=len(action_rows),
        financing_lines=len(lines),
        activity_partners=len(partner_rows),
    )


def seed_meetings(*, rng: random.Random, scale: float, made: Made) -> None:
    """An SOM a year, two core group meetings a year, expert meetings in proportion to the scale
    (about 12 per 1,000 activities), a Ministerial Conference in the last year; decisions on each."""
    plan, tz = made.plan, ZoneInfo("Europe/Brussels")
    by_code = {p.code: p for p in made.parties}
    existing_titles = set(Meeting.objects.values_list("title", flat=True))
    meetings: list[Meeting] = []

    def add(kind: str, title: str, day: date, hours: int, host: Party | None) -> None:
        if title in existing_titles:
            return
        start = datetime.combine(day, time(9, 30), tzinfo=tz)
        meetings.append(
            Meeting(
                kind=kind,
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                timezone="Europe/Brussels",
                plan=plan,  # every meeting seeded falls in the plan's years
                city=rng.choice(CITIES),
                host=host,
                chair=f"{host.short_name} chair" if host else "",
                description=f"{title}: agenda, implementation of the Action Plan, next steps.",
                status=Meeting.Status.CANCELLED if rng.random() < 0.03 else Meeting.Status.HELD,
                registration_deadline=start - timedelta(days=14),
            )
        )

    for i, year in enumerate(plan.years):
        host = by_code.get(SOM_HOSTS[i % len(SOM_HOSTS)])
        add(
            Meeting.Kind.SOM,
            f"Senior Officials' Meeting {year}",
            date(year, 5, 1) + timedelta(rng.randint(0, 120)),
            8,
            host,
        )
        for half in (1, 2):
            add(
                Meeting.Kind.CORE_GROUP,
                f"Core group meeting {year}/{half}",
                date(year, 6 * half - 4, rng.randint(1, 28)),
                4,
                rng.choice(made.parties),
            )
    add(
        Meeting.Kind.MINISTERIAL,
        f"Ministerial Conference {plan.end_year}",
        date(plan.end_year, 10, 15),
        8,
        by_code.get("CZ"),
    )
    for n in range(int(round(12 * scale))):
        action = rng.choice(made.actions)
        year = rng.choice(list(plan.years))
        add(
            Meeting.Kind.EXPERT,
            f"Expert meeting on action {action.code} ({year}, no. {n + 1})",
            date(year, rng.randint(1, 12), rng.randint(1, 28)),
            rng.choice([4, 8, 16]),
            rng.choice(made.parties),
        )
    _bulk(Meeting, meetings)

    MeetingAction = Meeting.actions.through
    meeting_actions, decisions, decision_actions = [], [], []
    for meeting in meetings:
        picked = rng.sample(made.actions, k=rng.randint(1, 3))
        meeting_actions += [MeetingAction(meeting_id=meeting.pk, action_id=a.pk) for a in picked]
        count = (
            rng.randint(4, 8)
            if meeting.kind in (Meeting.Kind.SOM, Meeting.Kind.MINISTERIAL)
            else rng.randint(0, 3)
        )
        for _ in range(count):
            owner = rng.choice(["party", "secretariat", "core_group"])
            decisions.append(
                (
                    Decision(
                        meeting=meeting,
                        kind=rng.choice(Decision.Kind.values),
                        text=rng.choice(DECISION_TEXTS).format(
                            code=picked[0].code, year=meeting.starts_at.year
                        ),
                        owner_secretariat=owner == "secretariat",
                        owner_core_group=owner == "core_group",
                        due_on=meeting.starts_at.date() + timedelta(days=rng.choice([90, 180, 365])),
                        status=rng.choice(Decision.Status.values),
                    ),
                    picked,
                    rng.sample(made.parties, k=rng.randint(1, 2)) if owner == "party" else [],
                )
            )
    _bulk(MeetingAction, meeting_actions)
    _bulk(Decision, [d for d, _, _ in decisions])
    DecisionAction, DecisionOwner = Decision.actions.through, Decision.owner_parties.through
    decision_owners = []
    for decision, picked, owners in decisions:
        decision_actions.append(DecisionAction(decision_id=decision.pk, action_id=picked[0].pk))
        decision_owners += [DecisionOwner(decision_id=decision.pk, party_id=p.pk) for p in owners]
    _bulk(DecisionAction, decision_actions)
    _bulk(DecisionOwner, decision_owners)
    made.meetings = meetings
    made.counts.update(meetings=len(meetings), decisions=len(decisions))


def seed_progress_reports(*, rng: random.Random, scale: float, made: Made) -> None:
    """Reporting cycles, progress reports and review answers: the evaluation section's own demo
    seeder (bulk inserts, a report for most Parties in past years)."""
    from evaluation import demo as evaluation_demo

    for name, n in evaluation_demo.seed(rng=rng, scale=scale, plan=made.plan).items():
        made.counts[name] = made.counts.get(name, 0) + n
