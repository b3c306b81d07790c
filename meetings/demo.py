"""Demo meetings: one Senior Officials' Meeting a year of the plan, held, with minutes, attendance
and decisions; an upcoming SOM with invitations and some registrations; an expert meeting.
Idempotent: rows are found by their English title and only created once. Meetings and agenda items
have their Russian titles too."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from actions.models import Action
from parties.models import Party

from .models import AgendaItem, Decision, Delegate, Invitation, Meeting

SOM_HOSTS = ["PL", "CZ", "HU", "SK", "RO", "DE"]
CITIES = {
    "PL": ("Warsaw", "Poland", "Europe/Warsaw"),
    "CZ": ("Prague", "Czech Republic", "Europe/Prague"),
    "HU": ("Budapest", "Hungary", "Europe/Budapest"),
    "SK": ("Bratislava", "Slovakia", "Europe/Bratislava"),
    "RO": ("Bucharest", "Romania", "Europe/Bucharest"),
    "DE": ("Berlin", "Germany", "Europe/Berlin"),
}
DECISIONS = [
    ("Each Party updates its list of national contact points before the next SOM.", "secretariat", "done"),
    ("The core group prepares the draft monitoring report on the actions of area I.", "core_group", "done"),
    ("Pilot projects on readmission present their results at the next SOM.", "party", "open"),
    ("The secretariat circulates the template for the yearly progress report.", "secretariat", "in_progress"),
]
AGENDA = [
    ("Opening and adoption of the agenda", "Открытие заседания и утверждение повестки дня", time(9, 30)),
    ("Monitoring of the Action Plan", "Мониторинг выполнения Плана действий", time(10, 0)),
    (
        "Preparation of the Ministerial Conference",
        "Подготовка министерской конференции",
        time(14, 0),
    ),
]
NAMES = ["Anna Novak", "Jan Kowalski", "Elena Ivanova", "Tomas Horvat", "Sofia Rossi", "Mihai Popescu"]


def _invite_all(meeting: Meeting, parties) -> None:
    existing = set(meeting.invitations.values_list("party_id", flat=True))
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, party=p) for p in parties if p.pk not in existing], ignore_conflicts=True
    )


def _som(
    year: int, i: int, rng: random.Random, parties: dict, actions: list, last_year: int
) -> tuple[Meeting, bool]:
    code = SOM_HOSTS[i % len(SOM_HOSTS)]
    city, country, zone = CITIES[code]
    start = datetime.combine(
        date(year, 5, 1) + timedelta(days=rng.randint(0, 120)), time(9, 30), tzinfo=ZoneInfo(zone)
    )
    meeting, made = Meeting.objects.get_or_create(
        kind=Meeting.Kind.SOM,
        title_en=f"Senior Officials' Meeting {year}",
        defaults={
            "title_ru": f"Заседание старших должностных лиц {year} года",
            "starts_at": start,
            "ends_at": start + timedelta(days=1, hours=8),
            "timezone": zone,
            "city": city,
            "country": country,
            "host": parties.get(code),
            "chair": f"Chair of the {year} SOM",
            "status": Meeting.Status.HELD,
            "minutes": f"The Senior Officials reviewed the implementation of the Action Plan in {year}.",
            "scheduled_at": start - timedelta(days=90),
        },
    )
    if made:
        meeting.actions.set(rng.sample(actions, min(3, len(actions))))
        _invite_all(meeting, parties.values())
        invitations = list(meeting.invitations.all())
        for inv in invitations:
            inv.attendance = rng.choices(["present", "excused", "absent"], weights=[8, 1, 1])[0]
            inv.answer = "registered" if inv.attendance == "present" else "declined"
        Invitation.objects.bulk_update(invitations, ["attendance", "answer"])
        for text, follow_up, status in DECISIONS:
            decision = Decision.objects.create(
                meeting=meeting,
                text=text,
                follow_up=follow_up,
                follow_up_party=parties.get(code) if follow_up == "party" else None,
                due_on=(start + timedelta(days=300)).date(),
                # Only the last year's decisions stay open: they come back on the next SOM's page.
                status=status if year == last_year else "done",
            )
            decision.actions.set(rng.sample(actions, 1))
    return meeting, made


def seed(*, rng: random.Random, scale: float, plan) -> dict:
    created = 0
    parties = {p.code: p for p in Party.objects.all()}
    actions = list(Action.objects.filter(area__plan=plan).select_related("area"))
    years = list(plan.years)
    for i, year in enumerate(years):
        _, made = _som(year, i, rng, parties, actions, years[-1])
        created += made
    party_list = list(parties.values())

    # An upcoming SOM: all Parties invited, a few registered, one declined.
    start = (timezone.now() + timedelta(days=45)).astimezone(ZoneInfo("Europe/Warsaw"))
    start = start.replace(hour=9, minute=30, second=0, microsecond=0)
    upcoming, made = Meeting.objects.get_or_create(
        kind=Meeting.Kind.SOM,
        title_en="Senior Officials' Meeting (next)",
        defaults={
            "title_ru": "Заседание старших должностных лиц (следующее)",
            "starts_at": start,
            "ends_at": start + timedelta(days=1, hours=7, minutes=30),
            "timezone": "Europe/Warsaw",
            "city": "Warsaw",
            "country": "Poland",
            "address": "Ministry of the Interior, ul. Stefana Batorego 5",
            "host": parties.get("PL"),
            "status": Meeting.Status.CONFIRMED,
            "registration_deadline": start - timedelta(days=14),
            "description": "Monitoring of the Action Plan and preparation of the Ministerial Conference.",
            "scheduled_at": timezone.now(),
        },
    )
    created += made
    if made:
        upcoming.actions.set(actions[:2])
        for order, (en, ru, at) in enumerate(AGENDA, start=1):
            AgendaItem.objects.create(meeting=upcoming, order=order, title_en=en, title_ru=ru, time=at)
        _invite_all(upcoming, party_list)
        for n, code in enumerate(["CZ", "HU", "SK", "UA", "GE"]):
            inv = upcoming.invitations.filter(party__code=code).first()
            if inv is None:
                continue
            inv.answer, inv.answered_at = "registered", timezone.now()
            inv.save()
            Delegate.objects.create(
                invitation=inv,
                name=NAMES[n % len(NAMES)],
                function="Head of the migration department",
                email=f"delegate.{code.lower()}@example.org",
            )
        Invitation.objects.filter(meeting=upcoming, party__code="AT").update(
            answer="declined", answered_at=timezone.now()
        )

    # An expert meeting on an action, a selection of Parties invited.
    first_year = years[0] if years else 2012
    start = datetime(first_year + 1, 10, 15, 10, 0, tzinfo=ZoneInfo("Asia/Tbilisi"))
    expert, made = Meeting.objects.get_or_create(
        kind=Meeting.Kind.EXPERT,
        title_en="Expert meeting on readmission and voluntary return",
        defaults={
            "title_ru": "Совещание экспертов по вопросам реадмиссии и добровольного возвращения",
            "starts_at": start,
            "ends_at": start + timedelta(hours=7),
            "timezone": "Asia/Tbilisi",
            "city": "Tbilisi",
            "country": "Georgia",
            "host": parties.get("GE"),
            "status": Meeting.Status.HELD,
            "invite_mode": Meeting.InviteMode.SELECTION,
            "minutes": "The experts exchanged practice on readmission agreements.",
            "scheduled_at": start - timedelta(days=60),
        },
    )
    created += made
    if made:
        expert.actions.set(actions[-2:])
        _invite_all(expert, [p for p in party_list if p.code in {"GE", "AM", "AZ", "PL", "DE", "CZ"}])
    return {"meetings": created}
