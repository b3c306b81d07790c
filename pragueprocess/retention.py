"""Personal data kept no longer than needed: once a day, delegates' names, functions and e-mail
addresses (and their history) are erased PERSONAL_DATA_RETENTION_MONTHS after their meeting ended,
and the bodies of sent e-mails that many months after they were sent. The rows stay, so counts and
the record of who took part (a Party, a delegation) survive; the person does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meetings.models import Delegate
from parties.models import Notification

from .models import Heartbeat

ERASED = "—"
CLAIM = "retention-daily"


@dataclass
class Erased:
    delegates: int = 0
    mails: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier (the month's last day when that day does not exist)."""
    import calendar

    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@transaction.atomic
def personal_data_erase(*, now: datetime | None = None) -> Erased:
    """Erase what is past its retention period; running it again erases nothing more."""
    now = now or timezone.now()
    cutoff = months_before(now, settings.PERSONAL_DATA_RETENTION_MONTHS)
    ids = list(
        Delegate.objects.filter(invitation__meeting__ends_at__lt=cutoff)
        .exclude(name=ERASED, function="", email="")
        .values_list("pk", flat=True)
    )
    Delegate.objects.filter(pk__in=ids).update(name=ERASED, function="", email="", updated_at=now)
    Delegate.history.model.objects.filter(id__in=ids).update(name=ERASED, function="", email="")
    # Mail never sent as itself (skipped by the recipient's choice, or sent within a digest) is as
    # old as its due date.
    set_aside = [Notification.Status.SKIPPED, Notification.Status.DIGESTED]
    mails = (
        Notification.objects.filter(Q(sent_at__lt=cutoff) | Q(status__in=set_aside, due_at__lt=cutoff))
        .exclude(body="", attachment_content="")
        .update(body="", attachment_content="", updated_at=now)
    )
    return Erased(delegates=len(ids), mails=mails)


def claim_today(name: str, *, now: datetime) -> bool:
    """True for the one caller that claims `name` for today (local time); any later call today,
    from any worker or a second beat, gets False."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    Heartbeat.objects.get_or_create(name=name, defaults={"beat_at": start - timedelta(days=1)})
    return Heartbeat.objects.filter(name=name, beat_at__lt=start).update(beat_at=now) == 1


def retention_daily(*, now: datetime | None = None) -> Erased | None:
    """The beat's daily run: does the work once per day whatever number of times it is called."""
    now = now or timezone.now()
    if not claim_today(CLAIM, now=now):
        return None
    return personal_data_erase(now=now)
