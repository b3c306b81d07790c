"""Demo accounts: the secretariat, a reader, a core group member, one contact point per Party and one
contact person per partner organisation."""

from __future__ import annotations

import random
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from .models import ContactPointTerm, CoreGroupMembership, MailPreference, PartnerOrganisation, Party, User

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
                "title": TITLES[sum(map(ord, username)) % len(TITLES)] if party else "",
                "organisation": f"Ministry of the Interior of {party.short_name}"
                if party and party.kind == "state"
                else "",
            },
        )
        out.append((username, description))
    # A separate generator here too, so that the other accounts stay as they were.
    names = random.Random(2023)
    for organisation in PartnerOrganisation.objects.filter(is_active=True).order_by("acronym"):
        username = partner_username(organisation)
        User.objects.update_or_create(
            username=username,
            defaults={
                "role": User.Role.PARTNER,
                "party": None,
                "partner_organisation": organisation,
                "password": password_hash,
                "email": f"{username}@example.org",
                "first_name": names.choice(FIRST_NAMES),
                "last_name": names.choice(LAST_NAMES),
                "is_active": True,
                "organisation": organisation.name,
            },
        )
        out.append((username, f"Contact person of {organisation.acronym}"))
    # A separate generator, so that the other apps' demo data stays the same as before.
    _seed_terms(rng=random.Random(2012), password_hash=password_hash)
    _seed_core_group()
    _seed_mail_preferences()
    return out


# A few choices of e-mail (parties.mailprefs), so that "My details" and the outbox show them: the
# Czech contact point takes meeting reminders in the weekly digest, the German one not at all.
MAIL_PREFERENCES = [("ncp-cz", "meeting_reminders", "digest"), ("ncp-de", "meeting_reminders", "none")]


def _seed_mail_preferences() -> None:
    people = {u.username: u for u in User.objects.filter(username__in=[u for u, _c, _m in MAIL_PREFERENCES])}
    for username, category, mode in MAIL_PREFERENCES:
        if username in people:  # a choice changed by hand in the demo is kept
            MailPreference.objects.get_or_create(
                user=people[username], category=category, defaults={"mode": mode}
            )


def partner_username(organisation: PartnerOrganisation) -> str:
    """`unhcr`, `frontex`, `caritas-europa`: the organisation's acronym in lower case."""
    return slugify(organisation.acronym)


DEPUTY_PARTIES = ["CZ", "DE", "PL", "MD", "UA", "RS", "KZ", "EU"]
TITLES = ["Head of Unit", "Senior Adviser", "Counsellor", "Policy Officer", "Deputy Director"]

# The first core group (HISTORY.md): the Parties present at the 1st Core Group meeting (Warsaw,
# 20 November 2012) and the European Commission and Turkey, which could not attend but joined it.
# No Central Asian state among them, so the balance page shows a group with no member. The meeting
# itself is in the meetings app's demo (links run upward: the membership keeps the decision's date
# and reference).
CORE_GROUP = [
    "AM",
    "AZ",
    "BY",
    "BG",
    "CZ",
    "MK",
    "GE",
    "DE",
    "HU",
    "XK",
    "MD",
    "PL",
    "RO",
    "RU",
    "RS",
    "SK",
    "SE",
    "EU",
    "TR",
]
CORE_GROUP_FROM = date(2012, 11, 20)
CORE_GROUP_DECISION = "1st Core Group meeting, Warsaw, 20 November 2012"


def _seed_terms(*, rng: random.Random, password_hash: str) -> None:
    """A primary term for every ncp-<code>, and a deputy for a few Parties (deputy-<code>)."""
    open_user_ids = set(
        ContactPointTerm.objects.filter(ended_on__isnull=True).values_list("user_id", flat=True)
    )
    new_terms = []
    for user in User.objects.filter(role=User.Role.CONTACT_POINT, username__startswith="ncp-").select_related(
        "party"
    ):
        if user.pk in open_user_ids:
            continue
        reseated = ContactPointTerm.objects.filter(user=user).exists()  # a demo term ended by hand
        started = timezone.localdate() if reseated else date(2012, rng.randint(1, 6), 1)
        new_terms.append(ContactPointTerm(user=user, party=user.party, kind="primary", started_on=started))
    parties = {p.code: p for p in Party.objects.filter(code__in=DEPUTY_PARTIES)}
    for code in DEPUTY_PARTIES:
        party = parties.get(code)
        if party is None:
            continue
        deputy, made = User.objects.get_or_create(
            username=f"deputy-{code.lower()}",
            defaults={
                "role": User.Role.CONTACT_POINT,
                "party": party,
                "password": password_hash,
                "email": f"deputy-{code.lower()}@example.org",
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "title": rng.choice(TITLES),
                "phone": f"+{rng.randint(30, 998)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            },
        )
        if made or not ContactPointTerm.objects.filter(user=deputy).exists():
            new_terms.append(
                ContactPointTerm(user=deputy, party=party, kind="deputy", started_on=date(2013, 3, 1))
            )
    ContactPointTerm.objects.bulk_create(new_terms)  # demo rows: no history entries needed


def _seed_core_group() -> None:
    """The first core group's seats, from the day of the meeting that formed it; a Party that
    already holds an open seat (kept from an earlier demo, or given by hand) keeps it."""
    seated = set(CoreGroupMembership.objects.filter(ended_on__isnull=True).values_list("party_id", flat=True))
    for party in Party.objects.filter(code__in=CORE_GROUP).order_by("order"):
        if party.pk in seated:
            continue
        CoreGroupMembership.objects.get_or_create(
            party=party,
            started_on=CORE_GROUP_FROM,
            defaults={"decided_on": CORE_GROUP_FROM, "decision_reference": CORE_GROUP_DECISION},
        )
