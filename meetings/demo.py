"""Demo meetings: the meetings of the Prague Process as they really took place (HISTORY.md: places,
dates, hosts, who attended where it is known, short notes), the demo's decisions on some of its
Senior Officials' Meetings, their minutes (approved; those of the last meeting held a draft), and an
upcoming SOM with invitations and some registrations, partner organisations' included.

Idempotent: rows are found by their English title and only created once. Meetings and agenda items
have their Russian titles too. Meetings before or after the loaded plan's years are kept all the
same: a meeting needs no plan (the 2nd Ministerial Conference adopted the plan in 2011)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from actions.models import Action
from actions.selectors import plan_in_force
from parties.demo import CORE_GROUP
from parties.models import PartnerOrganisation, Party, User
from parties.selectors import core_group_current

from .models import (
    AgendaItem,
    Decision,
    DecisionUpdate,
    Delegate,
    Invitation,
    Meeting,
    Minutes,
    MinutesRevision,
)

Kind = Meeting.Kind

# The Parties present at the 1st Core Group meeting (Warsaw, 20 November 2012), and those that
# could not attend but joined the core group (the first core group itself: parties/demo.py).
FIRST_CORE_GROUP_EXCUSED = ["EU", "TR"]
FIRST_CORE_GROUP_PRESENT = [code for code in CORE_GROUP if code not in FIRST_CORE_GROUP_EXCUSED]
FIRST_CORE_GROUP_TITLE = "1st Core Group meeting, Warsaw, November 2012"
BRATISLAVA_TITLE = "3rd Ministerial Conference, Bratislava, September 2016"


@dataclass(frozen=True)
class DemoDecision:
    """A decision of a demo meeting: its owners ("secretariat", "core_group", "host" or Party codes),
    its due date (`due_in` days from today for the follow-up still running, else 300 days after the
    meeting) and the owners' updates (status, note), oldest first."""

    text_en: str
    text_ru: str
    owners: tuple[str, ...]
    status: str
    due_in: int | None = None
    updates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Held:
    """One meeting that took place: local dates and start time, place, host, notes."""

    kind: str
    title_en: str
    title_ru: str
    first_day: date
    last_day: date
    city: str
    country: str
    zone: str
    host: str
    starts: time = time(9, 30)
    ends: time = time(17, 30)
    address: str = ""
    description: str = ""
    minutes: str = ""
    partners: tuple[str, ...] = ()
    invite: str = "all"  # "all" Parties, or "present" (those in `present` and `excused` only)
    present: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()
    decisions: list[DemoDecision] = field(default_factory=list)


HELD = [
    Held(
        Kind.MINISTERIAL,
        "2nd Ministerial Conference, Poznan, November 2011",
        "2-я министерская конференция, Познань, ноябрь 2011 года",
        date(2011, 11, 4),
        date(2011, 11, 4),
        "Poznan",
        "Poland",
        "Europe/Warsaw",
        "PL",
        description="Building Migration Partnerships in Action: the ministers adopt the Action Plan 2012–2016.",
        minutes="The Ministerial Conference adopted the Action Plan 2012–2016 of the Prague Process.",
    ),
    Held(
        Kind.CORE_GROUP,
        FIRST_CORE_GROUP_TITLE,
        "1-е совещание основной группы, Варшава, ноябрь 2012 года",
        date(2012, 11, 20),
        date(2012, 11, 20),
        "Warsaw",
        "Poland",
        "Europe/Warsaw",
        "PL",
        address="Ministry of the Interior",
        description="Hosted by Poland's Ministry of the Interior.",
        minutes=(
            "Present: Armenia, Azerbaijan, Belarus, Bulgaria, the Czech Republic, the former Yugoslav "
            "Republic of Macedonia, Georgia, Germany, Hungary, Kosovo, Moldova, Poland, Romania, the "
            "Russian Federation, Serbia, Slovakia, Sweden, and the secretariat (ICMPD). The European "
            "Commission and Turkey could not attend but joined the core group."
        ),
        partners=("ICMPD",),
        invite="present",
        present=tuple(FIRST_CORE_GROUP_PRESENT),
        excused=tuple(FIRST_CORE_GROUP_EXCUSED),
        decisions=[
            DemoDecision(
                "The Parties present, the European Commission and Turkey form the core group of the "
                "Action Plan from 20 November 2012.",
                "Присутствующие Стороны, Европейская комиссия и Турция образуют основную группу Плана "
                "действий с 20 ноября 2012 года.",
                ("secretariat",),
                "done",
                updates=(("done", "The core group met for the first time the same day."),),
            ),
        ],
    ),
    Held(
        Kind.CORE_GROUP,
        "3rd Core Group meeting, Warsaw, June 2014",
        "3-е совещание основной группы, Варшава, июнь 2014 года",
        date(2014, 6, 24),
        date(2014, 6, 24),
        "Warsaw",
        "Poland",
        "Europe/Warsaw",
        "PL",
        description="Agenda in English and Russian.",
        minutes=(
            "Analysis of the questionnaire answers; second phase of the mapping exercise: the topics "
            "covered and those untouched in the plan; preparation of the Senior Officials' Meeting."
        ),
        invite="core_group",
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Berlin, October 2014",
        "Совещание старших должностных лиц, Берлин, октябрь 2014 года",
        date(2014, 10, 28),
        date(2014, 10, 29),
        "Berlin",
        "Germany",
        "Europe/Berlin",
        "DE",
        decisions=[
            DemoDecision(
                "Each Party updates its list of national contact points before the next SOM.",
                "Каждая Сторона обновляет список своих национальных контактных лиц до следующего СДЛ.",
                ("secretariat",),
                "done",
                updates=(
                    ("in_progress", "Reminder sent to every Party; 31 lists updated so far."),
                    ("done", "All lists updated before the Budapest SOM."),
                ),
            ),
        ],
    ),
    Held(
        Kind.EXPERT,
        "Knowledge-base workshop, Lisbon, February 2015",
        "Семинар по базе знаний, Лиссабон, февраль 2015 года",
        date(2015, 2, 12),
        date(2015, 2, 12),
        "Lisbon",
        "Portugal",
        "Europe/Lisbon",
        "PT",
        description="Held in February 2015; the day shown is approximate.",
    ),
    Held(
        Kind.CORE_GROUP,
        "4th Core Group meeting, Warsaw, April 2015",
        "4-е совещание основной группы, Варшава, апрель 2015 года",
        date(2015, 4, 22),
        date(2015, 4, 22),
        "Warsaw",
        "Poland",
        "Europe/Warsaw",
        "PL",
        minutes=(
            "The structure of the report for the Senior Officials' Meeting; the turnout of the "
            "questionnaire answers; the agenda of the SOM."
        ),
        invite="core_group",
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Budapest, July 2015",
        "Совещание старших должностных лиц, Будапешт, июль 2015 года",
        date(2015, 7, 6),
        date(2015, 7, 7),
        "Budapest",
        "Hungary",
        "Europe/Budapest",
        "HU",
        minutes="The report on the implementation of the Action Plan was presented.",
        decisions=[
            DemoDecision(
                "The core group prepares the draft monitoring report on the actions of area I.",
                "Основная группа готовит проект доклада о мониторинге действий области I.",
                ("core_group",),
                "done",
                updates=(("done", "Draft discussed at the core group meeting and sent to the Parties."),),
            ),
        ],
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Cracow, June 2016",
        "Совещание старших должностных лиц, Краков, июнь 2016 года",
        date(2016, 6, 15),
        date(2016, 6, 16),
        "Cracow",
        "Poland",
        "Europe/Warsaw",
        "PL",
        minutes=(
            "62 participants from 29 states, the European Commission, the Council of the EU, Frontex, "
            "UNHCR and ICMPD. Preparation of the 3rd Ministerial Conference."
        ),
        partners=("Frontex", "UNHCR", "ICMPD"),
    ),
    Held(
        Kind.MINISTERIAL,
        BRATISLAVA_TITLE,
        "3-я министерская конференция, Братислава, сентябрь 2016 года",
        date(2016, 9, 20),
        date(2016, 9, 20),
        "Bratislava",
        "Slovakia",
        "Europe/Bratislava",
        "SK",
        minutes=(
            "The Bratislava Joint Declaration: the six thematic areas of the Action Plan are "
            "reconfirmed for the next mandate, 2017–2021."
        ),
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Vilnius, November 2016",
        "Совещание старших должностных лиц, Вильнюс, ноябрь 2016 года",
        date(2016, 11, 17),
        date(2016, 11, 17),
        "Vilnius",
        "Lithuania",
        "Europe/Vilnius",
        "LT",
        description="Closing the support project. Held in November 2016; the day shown is approximate.",
        minutes=(
            "46 participants from 25 states, the Commission's DG HOME, ICMPD and UNHCR. The project "
            "reported 150 activities over 53 months and 24 tangible outcomes (handbooks, migration "
            "profiles)."
        ),
        partners=("ICMPD", "UNHCR"),
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Warsaw, December 2017",
        "Совещание старших должностных лиц, Варшава, декабрь 2017 года",
        date(2017, 12, 12),
        date(2017, 12, 12),
        "Warsaw",
        "Poland",
        "Europe/Warsaw",
        "PL",
        minutes="The future of the process after the Bratislava Ministerial Conference.",
        decisions=[
            DemoDecision(
                "Pilot projects on readmission present their results at the next SOM.",
                "Пилотные проекты по реадмиссии представляют свои результаты на следующем СДЛ.",
                ("host",),
                "open",
            ),
        ],
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Bucharest, June 2019",
        "Совещание старших должностных лиц, Бухарест, июнь 2019 года",
        date(2019, 6, 10),
        date(2019, 6, 11),
        "Bucharest",
        "Romania",
        "Europe/Bucharest",
        "RO",
        minutes="The tenth anniversary of the Prague Process.",
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Vienna, May 2022",
        "Совещание старших должностных лиц, Вена, май 2022 года",
        date(2022, 5, 12),
        date(2022, 5, 13),
        "Vienna",
        "Austria",
        "Europe/Vienna",
        "AT",
        minutes="Preparation of the 4th Ministerial Conference.",
    ),
    Held(
        Kind.MINISTERIAL,
        "4th Ministerial Conference, Prague, October 2022",
        "4-я министерская конференция, Прага, октябрь 2022 года",
        date(2022, 10, 24),
        date(2022, 10, 25),
        "Prague",
        "Czech Republic",
        "Europe/Prague",
        "CZ",
        minutes="The ministers adopted the Action Plan 2023–2027.",
    ),
    Held(
        Kind.SOM,
        "Senior Officials' Meeting, Lisbon, April 2023",
        "Совещание старших должностных лиц, Лиссабон, апрель 2023 года",
        date(2023, 4, 27),
        date(2023, 4, 28),
        "Lisbon",
        "Portugal",
        "Europe/Lisbon",
        "PT",
        minutes=(
            "Launch of the 2023–2027 phase: 60 officials from 27 countries, the European Commission, "
            "EUAA, IOM and ICMPD."
        ),
        partners=("IOM", "ICMPD"),
        decisions=[
            DemoDecision(
                "The secretariat circulates the template for the yearly progress report.",
                "Секретариат рассылает форму ежегодного отчёта о ходе работы.",
                ("secretariat",),
                "in_progress",
                due_in=-12,
                updates=(
                    ("in_progress", "Template drafted in English; the Russian version is being checked."),
                ),
            ),
            DemoDecision(
                "Poland and Romania propose a pilot project on the return of rejected asylum seekers "
                "to the Strategic Group.",
                "Польша и Румыния предлагают Стратегической группе пилотный проект по возвращению лиц, "
                "которым отказано в убежище.",
                ("PL", "RO"),
                "in_progress",
                due_in=-5,
                updates=(("in_progress", "Concept note drafted; partners consulted in March."),),
            ),
            DemoDecision(
                "The Strategic Group agrees the structure of the yearly report before the questionnaire "
                "goes out in March.",
                "Стратегическая группа согласовывает структуру ежегодного доклада до рассылки "
                "вопросника в марте.",
                ("core_group", "secretariat"),
                "open",
                due_in=10,
            ),
            DemoDecision(
                "Each Party names a national contact point for the knowledge base on legal migration.",
                "Каждая Сторона назначает национальное контактное лицо для базы знаний по легальной "
                "миграции.",
                ("CZ", "HU", "SK", "UA", "GE"),
                "open",
                due_in=60,
            ),
        ],
    ),
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


def _invite(meeting: Meeting, parties) -> None:
    existing = set(meeting.invitations.values_list("party_id", flat=True))
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, party=p) for p in parties if p.pk not in existing], ignore_conflicts=True
    )


def _invite_partners(meeting: Meeting, partners, *, answer: str = Invitation.Answer.PENDING) -> None:
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, partner=p, answer=answer) for p in partners], ignore_conflicts=True
    )


def _minutes(meeting: Meeting, text: str, *, approved_on: date | None) -> None:
    """The meeting's minutes as revision 1, approved on that day (a draft when none is given)."""
    minutes = Minutes.objects.create(
        meeting=meeting,
        text=text,
        text_en=text,
        state=Minutes.State.APPROVED if approved_on else Minutes.State.DRAFT,
        approved_on=approved_on,
        approved_revision=1 if approved_on else None,
    )
    MinutesRevision.objects.create(minutes=minutes, number=1, text_en=text, saved_at=timezone.now())


# The partner organisations at every SOM (EASO became EUAA in 2022).
SOM_PARTNERS = ["UNHCR", "Frontex", "IOM", "EASO"]


def _held(
    spec: Held, *, rng: random.Random, parties: dict, actions: list, partners: dict
) -> tuple[Meeting, bool]:
    zone = ZoneInfo(spec.zone)
    start = datetime.combine(spec.first_day, spec.starts, tzinfo=zone)
    end = datetime.combine(spec.last_day, spec.ends, tzinfo=zone)
    invite_mode = {
        "all": Meeting.InviteMode.ALL,
        "core_group": Meeting.InviteMode.CORE_GROUP,
        "present": Meeting.InviteMode.SELECTION,
    }[spec.invite]
    meeting, made = Meeting.objects.get_or_create(
        title_en=spec.title_en,
        defaults={
            "kind": spec.kind,
            "title_ru": spec.title_ru,
            "starts_at": start,
            "ends_at": end,
            "timezone": spec.zone,
            "city": spec.city,
            "country": spec.country,
            "address": spec.address,
            "host": parties.get(spec.host),
            "plan": plan_in_force(spec.first_day),  # none before the first plan's years, or after
            "status": Meeting.Status.HELD,
            "invite_mode": invite_mode,
            "description": spec.description,
            "scheduled_at": start - timedelta(days=90),
        },
    )
    if not made:
        return meeting, False
    invited = [partners[a] for a in spec.partners if a in partners]
    meeting.partners.set(invited)
    _invite_partners(meeting, invited, answer=Invitation.Answer.REGISTERED)
    Invitation.objects.filter(meeting=meeting, partner__isnull=False).update(
        attendance=Invitation.Attendance.PRESENT
    )
    if spec.minutes:
        # The minutes of the last meeting held wait for approval at the next one: a draft.
        _minutes(meeting, spec.minutes, approved_on=None if spec is HELD[-1] else spec.last_day)
    if spec.invite == "all":
        _invite(meeting, parties.values())
    elif spec.invite == "core_group":  # the members on the day
        members = core_group_current(on=spec.first_day).values_list("party__code", flat=True)
        _invite(meeting, [parties[c] for c in members if c in parties])
    elif spec.invite == "present":
        codes = [*spec.present, *spec.excused]
        _invite(meeting, [parties[c] for c in codes if c in parties])
        Invitation.objects.filter(meeting=meeting, party__code__in=spec.present).update(
            attendance=Invitation.Attendance.PRESENT, answer=Invitation.Answer.REGISTERED
        )
        Invitation.objects.filter(meeting=meeting, party__code__in=spec.excused).update(
            attendance=Invitation.Attendance.EXCUSED, answer=Invitation.Answer.DECLINED
        )
    for d in spec.decisions:
        _decision(meeting, d, parties=parties, actions=actions, rng=rng, start=start)
    return meeting, True


def _decision(meeting: Meeting, spec: DemoDecision, *, parties, actions, rng, start: datetime) -> Decision:
    """One demo decision with its owners and the owners' updates (dated after the meeting)."""
    today = timezone.localdate()
    due = (
        today + timedelta(days=spec.due_in)
        if spec.due_in is not None
        else (start + timedelta(days=300)).date()
    )
    decision = Decision.objects.create(
        meeting=meeting,
        text_en=spec.text_en,
        text_ru=spec.text_ru,
        owner_secretariat="secretariat" in spec.owners,
        owner_core_group="core_group" in spec.owners,
        due_on=due,
        status=spec.status,
    )
    codes = [meeting.host.code if o == "host" and meeting.host else o for o in spec.owners]
    decision.owner_parties.set([parties[c] for c in codes if c in parties])
    if actions and spec.owners != ("secretariat",):
        decision.actions.set(rng.sample(actions, 1))
    secretariat = User.objects.filter(role=User.Role.SECRETARIAT).order_by("pk").first()
    previous = Decision.Status.OPEN
    for n, (status, note) in enumerate(spec.updates, start=1):
        by = User.objects.filter(role=User.Role.CONTACT_POINT, party__code__in=codes).order_by("pk").first()
        update = DecisionUpdate.objects.create(
            decision=decision, by=by or secretariat, from_status=previous, to_status=status, note=note
        )
        # dated between the meeting and the due date (created_at is set on insert: moved after)
        at = min(start + timedelta(days=30 * n), timezone.now() - timedelta(days=len(spec.updates) - n + 1))
        DecisionUpdate.objects.filter(pk=update.pk).update(created_at=at, updated_at=at)
        previous = status
    return decision


def seed(*, rng: random.Random, scale: float, plan) -> dict:
    created = 0
    parties = {p.code: p for p in Party.objects.all()}
    partners = {p.acronym: p for p in PartnerOrganisation.objects.all()}
    actions = list(Action.objects.filter(area__plan=plan).select_related("area"))
    for spec in HELD:
        _, made = _held(spec, rng=rng, parties=parties, actions=actions, partners=partners)
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
            "plan": plan_in_force(start),
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
        _invite(upcoming, party_list)
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
        # The partner organisations at every SOM are invited too; UNHCR has registered.
        regulars = [partners[a] for a in SOM_PARTNERS if a in partners]
        upcoming.partners.set(regulars)
        _invite_partners(upcoming, regulars)
        unhcr = upcoming.invitations.filter(partner__acronym="UNHCR").first()
        if unhcr is not None:
            unhcr.answer, unhcr.answered_at = "registered", timezone.now()
            unhcr.save()
            Delegate.objects.create(
                invitation=unhcr,
                name="Marie Dupont",
                function="Senior Protection Officer",
                email="delegate.unhcr@example.org",
            )
    return {"meetings": created}
