"""Demo participations and activities: a small, believable set (scaled by --scale)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from parties.models import PartnerOrganisation, Party, User

from .models import Action, Activity, ActivityPartner, FinancingSource, Participation
from .services import ActivityWrite, activity_create

TITLES = {
    "I.1": "Awareness campaign on the risks of irregular migration",
    "I.2": "Working arrangement between border agencies",
    "I.3": "Exchange on the protection of unaccompanied minors",
    "II.1": "Technical support for negotiating a readmission agreement",
    "II.2": "Assisted voluntary return programme",
    "II.3": "Database of job vacancies for returnees",
    "II.4": "Reintegration support for victims of trafficking",
    "III.1": "Capacity building of employment services",
    "III.2": "Exchange of practices in organising labour migration",
    "III.3": "Seminar on social security agreements",
    "III.4": "Reintegration of returning migrants into the labour market",
    "III.5": "Skills assessment pilot between origin and destination",
    "III.6": "Exchange of students and researchers",
    "IV.1": "Exchange on integration policies",
    "IV.2": "Training of integration authorities",
    "V.1": "Round table with diaspora communities",
    "V.2": "Study of diaspora and circular migration policies",
    "V.3": "Information on remittance channels and costs",
    "V.4": "Study of the social consequences of migration for families",
    "VI.1": "Support to national asylum legislation",
    "VI.2": "Strengthening reception capacities",
    "VI.3": "Training for judges on non-refoulement",
}


def seed(*, rng: random.Random, scale: float, plan) -> dict:
    actions = list(Action.objects.filter(area__plan=plan).select_related("area"))
    parties = list(Party.objects.order_by("order"))
    sources = list(FinancingSource.objects.filter(plan=plan).order_by("order"))
    partners = list(PartnerOrganisation.objects.all())
    kinds = list(Activity.Kind.values)
    statuses = list(Activity.Status.values)
    ncps = {u.party_id: u for u in User.objects.filter(role=User.Role.CONTACT_POINT)}

    created_participations = 0
    for party in parties:
        for action in rng.sample(actions, k=rng.randint(2, 7)):
            _, made = Participation.objects.get_or_create(
                party=party,
                action=action,
                defaults={
                    "role": Participation.Role.LEAD
                    if rng.random() < 0.15
                    else Participation.Role.PARTICIPANT,
                    "since": date(plan.start_year, rng.randint(1, 12), 1),
                    "declared_by": ncps.get(party.pk),
                },
            )
            created_participations += made

    target = max(1, int(round(1000 * scale)))
    existing = Activity.objects.count()
    created_activities = 0
    for n in range(existing, target):
        action = rng.choice(actions)
        party = rng.choice(parties)
        year = rng.randint(plan.start_year, plan.end_year)
        start = date(year, rng.randint(1, 12), rng.randint(1, 28))
        items = list(action.items.all())
        others = (
            [p for p in rng.sample(parties, k=rng.randint(1, 3)) if p != party] if rng.random() < 0.4 else []
        )
        write = ActivityWrite(
            fields={
                "title": f"{TITLES.get(action.code, 'Activity')} ({party.short_name}, {year})",
                "description": f"Demo activity {n + 1} under action {action.code}.",
                "kind": rng.choice(kinds),
                "status": rng.choice(statuses),
                "state": Activity.State.SUBMITTED if rng.random() < 0.85 else Activity.State.DRAFT,
                "start_date": start,
                "end_date": date(min(year + rng.randint(0, 1), plan.end_year), 12, 31),
                "outputs": "Report published; officials trained.",
                "links": f"https://www.pragueprocess.eu/en/activities/{n + 1}" if rng.random() < 0.3 else "",
            },
            actions=[action],
            items=[rng.choice(items)] if items and rng.random() < 0.6 else [],
            other_parties=others,
            partners=[{"organisation": rng.choice(partners), "role": rng.choice(ActivityPartner.Role.values)}]
            if partners and rng.random() < 0.5
            else [],
            financing=[
                {
                    "source": rng.choice(sources),
                    "amount": Decimal(rng.randrange(5_000, 500_000, 500)),
                    "currency": "EUR" if rng.random() < 0.85 else rng.choice(["USD", "CHF", "GBP"]),
                    "funder": rng.choice(
                        ["", "", "European Commission", f"Ministry of the Interior of {party.short_name}"]
                    ),
                }
                for _ in range(rng.randint(1, 2))
            ],
            plan=plan,
        )
        # The same service as the form: one history entry, and the Party recorded as participant.
        activity_create(user=ncps.get(party.pk), party=party, write=write)
        created_activities += 1
    return {"participations": created_participations, "activities": created_activities}


RETURN_COMMENTS = [
    "Please add the number of participants and the dates of the trainings.",
    "Which partner organisation implemented this? Please name it under the partners.",
    "The financing line seems to count the same grant twice: please check the amounts.",
]
REPLIES = [
    "Thank you: we are collecting the figures from the ministry and will update the activity this week.",
    "Noted, we will correct it.",
]


def seed_reviews(*, rng: random.Random) -> dict:
    """The secretariat's look at the demo's activities: most submitted ones checked, a few returned
    with a comment and the Party's answer in their conversation (ncp-cz among them). Idempotent."""
    from django.utils import timezone

    from parties.threads import message_post

    from .services import activity_return

    if Activity.objects.exclude(review=Activity.Review.PENDING).exists():
        return {"activities checked": 0, "activities returned": 0}
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT, is_active=True).order_by("pk").first()
    if secretariat is None:
        return {"activities checked": 0, "activities returned": 0}
    submitted = list(
        Activity.objects.filter(state=Activity.State.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "party__code")
    )
    returned = [pk for pk, code in submitted if code == "CZ"][:1]
    others = [pk for pk, code in submitted if code != "CZ"]
    returned += rng.sample(others, k=min(2, len(others)))
    rest = [pk for pk, _code in submitted if pk not in returned]
    checked = rng.sample(rest, k=len(rest) * 6 // 10)
    # Demo data in bulk: the checks carry no history entry of their own (QuerySet.update).
    Activity.objects.filter(pk__in=checked).update(
        review=Activity.Review.CHECKED, reviewed_at=timezone.now(), reviewed_by=secretariat
    )
    ncps = {u.party_id: u for u in User.objects.filter(role=User.Role.CONTACT_POINT, is_active=True)}
    for pk in returned:
        activity = Activity.objects.select_related("party").get(pk=pk)
        activity = activity_return(
            activity=activity,
            user=secretariat,
            expected_version=activity.version,
            comment=rng.choice(RETURN_COMMENTS),
        )
        ncp = ncps.get(activity.party_id)
        if ncp is not None:
            message_post(
                user=ncp,
                record=activity,
                party=activity.party,
                text=rng.choice(REPLIES),
                url=activity.get_absolute_url(),
                about=activity.title,
            )
    return {"activities checked": len(checked), "activities returned": len(returned)}
