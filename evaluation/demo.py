"""Demo reporting cycles, progress reports and review questionnaires (fast and idempotent)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

from simple_history.utils import bulk_create_with_history

from actions.models import Participation
from core.models import TranslationStatus
from parties.models import Party, User
from parties.threads import message_post

from .criteria import plan_criteria
from .models import (
    ProgressEntry,
    ProgressReport,
    ReportConclusions,
    ReportingCycle,
    Review,
    ReviewResponse,
    ReviewScore,
)
from .services import evaluation_setup, progress_report_name, report_conclusions_save

ACHIEVED = [
    "Two trainings held for border guards; a handbook drafted.",
    "A working arrangement signed with a neighbouring Party.",
    "Study published and presented at an expert meeting.",
    "Awareness campaign run in three regions.",
]
DIFFICULTIES = [
    "",
    "Funding arrived late.",
    "Staff turnover in the ministry.",
    "Waiting for partner agreement.",
]
NEXT = ["Continue in the next year.", "Extend to a second region.", "Evaluate results at the SOM.", ""]
SKIP = {"CZ"}  # left open so that ncp-cz can write and submit a report in the demo


def seed(*, rng: random.Random, scale: float, plan) -> dict:
    evaluation_setup(plan=plan)
    cycles = {c.year: c for c in ReportingCycle.objects.filter(plan=plan)}
    reviews = {r.kind: r for r in Review.objects.filter(plan=plan)}
    conclusions = _conclusions(plan)
    if ProgressReport.objects.filter(cycle__plan=plan).exists():
        return {"reporting cycles": 0, "progress reports": 0, "conclusions": conclusions}

    parties = [p for p in Party.objects.order_by("order") if p.code not in SKIP]
    ncps = {u.party_id: u for u in User.objects.filter(role=User.Role.CONTACT_POINT)}
    by_party: dict[int, list[Participation]] = {}
    for p in Participation.objects.filter(action__area__plan=plan).order_by("action_id"):
        by_party.setdefault(p.party_id, []).append(p)
    this_year = datetime.now(tz=UTC).year
    reports, plans = [], []
    for year, cycle in cycles.items():
        if year >= this_year:
            continue
        for party in parties:
            parts = [p for p in by_party.get(party.pk, []) if p.since <= date(year, 12, 31)]
            if not parts or rng.random() > 0.85:
                continue
            state = rng.choice([ProgressReport.State.ACCEPTED] * 3 + [ProgressReport.State.SUBMITTED])
            at = datetime.combine(date(year, rng.randint(3, 4), rng.randint(1, 28)), time(10), tzinfo=UTC)
            reports.append(
                ProgressReport(
                    cycle=cycle,
                    party=party,
                    state=state,
                    submitted_at=at,
                    submitted_by=ncps.get(party.pk),
                    version=2,
                )
            )
            plans.append(parts)
    made = bulk_create_with_history(reports, ProgressReport, batch_size=500)
    made = list(ProgressReport.objects.filter(cycle__plan=plan).order_by("pk"))
    entries = []
    for report, parts in zip(made, plans, strict=True):
        for p in parts:
            entries.append(
                ProgressEntry(
                    report=report,
                    action_id=p.action_id,
                    status=rng.choice(ProgressEntry.Status.values),
                    achieved=rng.choice(ACHIEVED),
                    difficulties=rng.choice(DIFFICULTIES),
                    next_steps=rng.choice(NEXT),
                )
            )
    bulk_create_with_history(entries, ProgressEntry, batch_size=1000)

    responses, answers = [], []
    criteria = plan_criteria(plan)
    for kind, share in (("midterm", 0.8), ("final", 0.6)):
        review = reviews[kind]
        if review.end_year >= this_year:
            continue
        for party in parties:
            if party.pk not in by_party or rng.random() > share:
                continue
            responses.append(
                ReviewResponse(
                    review=review,
                    party=party,
                    state=ReviewResponse.State.SUBMITTED,
                    submitted_at=datetime.combine(review.deadline, time(9), tzinfo=UTC),
                )
            )
            answers.append(
                [
                    (
                        c,
                        rng.randint(2, 5) if kind == "final" else rng.randint(1, 5),
                        rng.choice(["", "Useful for our national strategy.", "More funding needed."]),
                    )
                    for c in criteria
                ]
            )
    bulk_create_with_history(responses, ReviewResponse, batch_size=500)
    made_responses = {(r.review_id, r.party_id): r for r in ReviewResponse.objects.filter(review__plan=plan)}
    scores = [
        ReviewScore(
            response=made_responses[(r.review_id, r.party_id)], criterion=c, score=score, comment=comment
        )
        for r, given in zip(responses, answers, strict=True)
        for c, score, comment in given
    ]
    bulk_create_with_history(scores, ReviewScore, batch_size=1000)
    return {
        "reporting cycles": len(cycles),
        "progress reports": len(made),
        "review responses": len(responses),
        "report conversations": _conversations(made, ncps),
        "conclusions": conclusions,
    }


def _conversations(reports: list[ProgressReport], ncps: dict) -> int:
    """A question of the secretariat and the Party's answer on the latest submitted report."""
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT, is_active=True).order_by("pk").first()
    submitted = [r for r in reports if r.state == ProgressReport.State.SUBMITTED and r.party_id in ncps]
    if secretariat is None or not submitted:
        return 0
    report = submitted[-1]
    for author, text in (
        (
            secretariat,
            "Thank you for the report. Could you say which of these activities were co-financed by the EU?",
        ),
        (
            ncps[report.party_id],
            "Both trainings were co-financed under the EU's migration partnership programme.",
        ),
    ):
        message_post(
            user=author,
            record=report,
            party=report.party,
            text=text,
            url=report.get_absolute_url(),
            about=lambda: progress_report_name(report),
        )
    return 1


CONCLUSIONS = {
    "conclusions_en": (
        "Most Parties reported on the actions they take part in. Activities grew in the areas of "
        "legal migration and of return and readmission; financing still comes mostly from EU funds."
    ),
    "conclusions_ru": (
        "Большинство Сторон представили отчёты о действиях, в которых они участвуют. Число мероприятий "
        "выросло в областях легальной миграции, возвращения и реадмиссии; финансирование по-прежнему "
        "поступает главным образом из фондов ЕС."
    ),
    "recommendations_en": (
        "The Parties that did not report are invited to do so before the next SOM. The core group should "
        "look at the untouched actions and propose activities for them."
    ),
    "recommendations_ru": (
        "Сторонам, не представившим отчёт, предлагается сделать это до следующего СДЛ. Основной группе "
        "следует рассмотреть действия без мероприятий и предложить для них мероприятия."
    ),
}


def _conclusions(plan) -> int:
    """The secretariat's conclusions and recommendations for the plan's second year, in English and
    Russian, so that compiling that year's report in the demo shows them (once)."""
    year = plan.start_year + 1
    if year > plan.end_year or ReportConclusions.objects.filter(plan=plan, kind="yearly", year=year).exists():
        return 0
    report_conclusions_save(
        plan=plan,
        kind="yearly",
        year=year,
        user=User.objects.filter(username="secretariat").first(),
        version=1,
        data=CONCLUSIONS,
        status=TranslationStatus.Status.WORKING,
    )
    return 1
