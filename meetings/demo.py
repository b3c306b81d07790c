"""Demo meetings: one Senior Officials' Meeting a year of the plan and a few expert meetings."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from parties.models import Party

from .models import Meeting

SOM_HOSTS = ["PL", "CZ", "HU", "SK", "RO", "DE"]


def seed(*, rng: random.Random, scale: float, plan) -> dict:
    created = 0
    parties = {p.code: p for p in Party.objects.all()}
    tz = ZoneInfo("Europe/Brussels")
    for i, year in enumerate(plan.years):
        host = parties.get(SOM_HOSTS[i % len(SOM_HOSTS)])
        start = datetime.combine(
            date(year, 5, 1) + timedelta(days=rng.randint(0, 120)), time(9, 30), tzinfo=tz
        )
        _, made = Meeting.objects.get_or_create(
            kind=Meeting.Kind.SOM,
            title=f"Senior Officials' Meeting {year}",
            defaults={
                "starts_at": start,
                "ends_at": start + timedelta(hours=8),
                "timezone": "Europe/Brussels",
                "city": "",
                "host": host,
                "status": Meeting.Status.HELD,
            },
        )
        created += made
    return {"meetings": created}
