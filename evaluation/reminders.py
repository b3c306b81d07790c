"""Reminders to the contact points of Parties that have not submitted: 4 weeks and 1 week before a
deadline, and once when overdue. Queued into the outbox under a key naming the plan, the year, the deadline
and the kind, so each goes out exactly once; when the SOM moves, the deadline moves, the pending
reminders of the old deadline are cancelled and the new ones are armed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from actions.models import ActionPlan, Participation
from core.mail import mail_render
from parties.models import User
from parties.notifications import notification_queue, notifications_cancel

from .models import ProgressReport, ReviewResponse
from .selectors import cycle_infos

KINDS = [("4w", timedelta(weeks=-4)), ("1w", timedelta(weeks=-1)), ("overdue", timedelta(days=1))]
OVERDUE_WINDOW = timedelta(weeks=8)  # no "overdue" reminder for a year long gone


def _due_kind(deadline: date, now: datetime) -> tuple[str, datetime] | None:
    """The one reminder kind due now: the latest whose moment has come (an earlier one is skipped)."""
    midnight = datetime.combine(deadline, time(0, 0), tzinfo=UTC)
    due = [(k, midnight + delta) for k, delta in KINDS if midnight + delta <= now]
    if not due:
        return None
    kind, at = due[-1]
    if kind == "overdue" and now - at > OVERDUE_WINDOW:
        return None
    return kind, at


def _queue(prefix: str, deadline: date, kind: str, at: datetime, users, template: str, context: dict) -> int:
    """Queue one reminder per user, its subject and body rendered from templates/evaluation/email/
    in the user's language."""
    made = 0
    for user in users:
        subject, body = mail_render(
            f"evaluation/email/{template}", context, language=user.preferred_language or "en"
        )
        body = body.strip()
        _n, created = notification_queue(
            key=f"{prefix}:{deadline.isoformat()}:{kind}:user:{user.pk}",
            kind=prefix.split(":")[0] + "_reminder",
            to_email=user.email,
            recipient=user,
            language=user.preferred_language,
            subject=subject,
            body=body,
            due_at=at,
        )
        made += created
    return made


def progress_prefix(cycle) -> str:
    """The key prefix of a year's progress-report reminders: the plan's slug and the year."""
    return f"progress:{cycle.plan.slug}:{cycle.year}"


def review_prefix(review) -> str:
    return f"review:{review.plan.slug}:{review.kind}"


def _recipients(expected_party_ids: set[int], done_party_ids: set[int]):
    return User.objects.filter(
        role=User.Role.CONTACT_POINT,
        is_active=True,
        party_id__in=expected_party_ids - done_party_ids,
    ).exclude(email="")


def _cancel_other_deadlines(prefix: str, deadline: date) -> None:
    notifications_cancel(key_prefix=f"{prefix}:", keep_prefix=f"{prefix}:{deadline.isoformat()}:")


def queue_due(*, now: datetime | None = None) -> int:
    """Queue the progress-report and review reminders that are due; idempotent."""
    now = now or timezone.now()
    made = 0
    # Every plan's cycles and reviews: a prolonged plan and its successor each keep their own rhythm,
    # their keys scoped by the plan's slug.
    for plan in ActionPlan.objects.order_by("start_year", "pk"):
        made += _queue_plan(plan, now)
    return made


def _queue_plan(plan: ActionPlan, now: datetime) -> int:
    made = 0
    involved = Participation.objects.filter(action__area__plan=plan)
    for info in cycle_infos(plan, today=now.date()):
        if info.deadline is None or info.cycle.is_locked or info.cycle.opens_on > now.date():
            continue
        prefix = progress_prefix(info.cycle)
        _cancel_other_deadlines(prefix, info.deadline)
        due = _due_kind(info.deadline, now)
        if due is None:
            continue
        year_end = date(info.cycle.year, 12, 31)
        expected = set(involved.filter(since__lte=year_end).values_list("party_id", flat=True))
        done = set(
            ProgressReport.objects.filter(cycle=info.cycle, state__in=ProgressReport.SENT).values_list(
                "party_id", flat=True
            )
        )
        kind, at = due
        context = {
            "overdue": kind == "overdue",
            "year": info.cycle.year,
            "deadline": info.deadline.isoformat(),
            "weeks": info.cycle.weeks_before_som,
        }
        made += _queue(prefix, info.deadline, kind, at, _recipients(expected, done), "progress", context)
    from .models import Review

    for review in Review.objects.filter(plan=plan, opens_on__lte=now.date()):
        prefix = review_prefix(review)
        _cancel_other_deadlines(prefix, review.deadline)
        due = _due_kind(review.deadline, now)
        if due is None:
            continue
        expected = set(
            involved.filter(since__lte=date(review.end_year, 12, 31)).values_list("party_id", flat=True)
        )
        done = set(
            ReviewResponse.objects.filter(review=review, state=ReviewResponse.State.SUBMITTED).values_list(
                "party_id", flat=True
            )
        )
        kind, at = due
        context = {
            "review": review.get_kind_display,
            "deadline": review.deadline.isoformat(),
            "kind": review.kind,
        }
        made += _queue(prefix, review.deadline, kind, at, _recipients(expected, done), "review", context)
    return made
