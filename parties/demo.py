"""Demo accounts: the secretariat, a reader, a core group member and one contact point per Party."""

from __future__ import annotations

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from .models import Party, User

FIRST_NAMES = [
    "Anna",
    "Jan",
    "Marta",
    "Pavel",
    "Elena",
    "Tomas",
    "Ilse",
    "Nikolai",
    "Sofia",
    "Luca",
    "Aigerim",
    "Mihai",
]
LAST_NAMES = [
    "Novak",
    "Schmidt",
    "Kowalska",
    "Ivanov",
    "Dubois",
    "Rossi",
    "Jensen",
    "Popescu",
    "Horvat",
    "Aliyev",
]


def seed(*, rng: random.Random, scale: float, password: str | None = None) -> list[tuple[str, str]]:
    """Create or refresh the demo accounts; returns (username, description) pairs."""
    password_hash = make_password(password or settings.DEMO_PASSWORD)
    accounts = [
        ("secretariat", User.Role.SECRETARIAT, None, "Secretariat (writes everything)"),
        ("reader", User.Role.READER, None, "Reader: a minister or senior official"),
        ("coregroup", User.Role.CORE_GROUP, None, "Core group member"),
    ]
    for party in Party.objects.order_by("order"):
        accounts.append(
            (f"ncp-{party.code.lower()}", User.Role.CONTACT_POINT, party, f"Contact point of {party}")
        )
    out = []
    for username, role, party, description in accounts:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "party": party,
                "password": password_hash,
                "email": f"{username}@example.org",
                "first_name": first,
                "last_name": last,
                "is_active": True,
                "is_staff": role == User.Role.SECRETARIAT,
                "organisation": f"Ministry of the Interior of {party.short_name}"
                if party and party.kind == "state"
                else "",
            },
        )
        out.append((username, description))
    return out
