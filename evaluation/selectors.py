"""Reading the evaluation: cycles and their deadlines, a year's reporting at a glance, reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from actions import plan_cache
from actions.models import Action, ActionPlan, Activity, Participation
from actions.selectors import involving
from core.translations import current_language
from meetings.models import Meeting
from meetings.selectors import som_took_place
from parties.models import Party
from parties.permissions import can, deny, require, visible_or_deny

from .figures import period_activities
from .models import (
    ProgressEntry,
    ProgressReport,
    ReportingCycle,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewResponse,
)


def current_plan() -> ActionPlan:
    plan = plan_cache.current()
    if plan is None:
        raise Http404("No plan has been loaded.")
    return plan


def soms_by_year(years) -> dict[int, Meeting]:
    """The first SOM of each year that is not cancelled (one query)."""
    years = list(years)
    out: dict[int, Meeting] = {}
    if not years:
        return out
    for m in (
        Meeting.objects.filter(
            kind=Meeting.Kind.SOM, starts_at__year__gte=min(years), starts_at__year__lte=max(years)
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    ):
        out.setdefault(som_date(m).year, m)
    return out


def som_date(meeting: Meeting) -> date:
    """The SOM's calendar day where it takes place."""
    try:
        tz = ZoneInfo(meeting.timezone)
    except Exception:  # an unknown zone name: fall back to UTC rather than fail the page
        tz = ZoneInfo("UTC")
    return meeting.starts_at.astimezone(tz).date()


@dataclass
class CycleInfo:
    cycle: ReportingCycle
    som: Meeting | None
    deadline: date | None
    today: date

    @property
    def is_open(self) -> bool:
        return self.cycle.opens_on <= self.today and not self.cycle.is_locked

    @property
    def is_overdue(self) -> bool:
        return self.deadline is not None and self.today > self.deadline

    @property
    def som_held(self) -> bool:
        return self.som is not None and som_took_place(self.som)


def cycle_info(cycle: ReportingCycle, som: Meeting | None, today: date | None = None) -> CycleInfo:
    deadline = som_date(som) - timedelta(weeks=cycle.weeks_before_som) if som else None
    return CycleInfo(cycle=cycle, som=som, deadline=deadline, today=today or timezone.localdate())


def cycle_infos(plan: ActionPlan, today: date | None = None) -> list[CycleInfo]:
    cycles = list(ReportingCycle.objects.filter(plan=plan).order_by("year"))
    soms = soms_by_year(c.year for c in cycles)
    return [cycle_info(c, soms.get(c.year), today) for c in cycles]


def cycle_get(year: int, plan: ActionPlan | None = None) -> CycleInfo:
    """The plan's year (the current plan's when none is given)."""
    cycle = get_object_or_404(
        ReportingCycle.objects.select_related("plan", "locked_by"), plan=plan or current_plan(), year=year
    )
    return cycle_info(cycle, soms_by_year([year]).get(year))


@dataclass
class PartyStatus:
    party: Party
    actions: int
    report: ProgressReport | None
    category: str  # submitted, late, due, nothing


def cycle_party_status(info: CycleInfo) -> list[PartyStatus]:
    """Every Party's standing in the year: submitted, late, due, or nothing to report (two queries)."""
    year_end = date(info.cycle.year, 12, 31)
    parties = (
        Party.objects.select_related("group")
        .annotate(
            n_actions=Count("participations", filter=Q(participations__since__lte=year_end), distinct=True)
        )
        .order_by("group__order", "order")
    )
    reports = {r.party_id: r for r in ProgressReport.objects.filter(cycle=info.cycle)}
    rows = []
    for p in parties:
        report = reports.get(p.pk)
        if report is not None and report.is_sent:
            category = "submitted"
        elif p.n_actions == 0:
            category = "nothing"
        elif info.is_overdue:
            category = "late"
        else:
            category = "due"
        rows.append(PartyStatus(party=p, actions=p.n_actions, report=report, category=category))
    return rows


def progress_report_get(info: CycleInfo, code: str) -> tuple[Party, ProgressReport | None]:
    party = get_object_or_404(Party.objects.select_related("group"), code__iexact=code)
    report = (
        ProgressReport.objects.filter(cycle=info.cycle, party=party)
        .select_related("submitted_by", "reviewed_by", "updated_by")
        .first()
    )
    return party, report


def progress_visible(user, party: Party, report: ProgressReport | None) -> bool:
    """Drafts (and returned reports) are seen by the Party and the secretariat; sent ones by members."""
    if can(user, "draft.view", party):
        return True
    return report is not None and report.is_sent and can(user, "member.view")


def progress_report_for(
    user, year: int, code: str, capability: str | None = None, *, plan: ActionPlan | None = None
) -> tuple[CycleInfo, Party, ProgressReport | None]:
    """The year, the Party and its report (None before it is written) when the user may see it, and
    holds `capability` for that Party when one is named; otherwise denied and logged: a hiding 404
    where the report is out of the user's sight, 403 where it is seen but not theirs to change."""
    info = cycle_get(year, plan)
    party, report = progress_report_get(info, code)
    if not progress_visible(user, party, report):
        deny(user, capability or "draft.view", party, visible=False)
    if capability is not None and not can(user, capability, party):
        deny(user, capability, party)
    return info, party, report


def party_actions(party: Party, year: int, plan: ActionPlan | None = None) -> QuerySet[Participation]:
    """The Party's participations by the end of the year, in the plan's actions when a plan is given."""
    qs = Participation.objects.filter(party=party, since__lte=date(year, 12, 31))
    if plan is not None:
        qs = qs.filter(action__area__plan=plan)
    return qs.select_related("action__area__plan").order_by("action__area__order", "action__number")


def party_year_activities(party: Party, year: int, plan: ActionPlan | None = None) -> QuerySet[Activity]:
    """The Party's submitted activities (its own and joint ones) overlapping the year, under the
    plan's actions when a plan is given."""
    return (
        period_activities(year, year, plan=plan)
        .filter(involving(party))
        .select_related("party")
        .prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("area__plan")))
        .order_by("start_date", "pk")
    )


def activities_by_action(activities, reported: set[int]) -> tuple[dict[int, list[Activity]], list[Activity]]:
    """The activities under each action the Party reports on, and the others (no query of its own
    beyond the prefetched actions)."""
    by_action: dict[int, list[Activity]] = {}
    others = []
    for a in activities:
        hits = [x.pk for x in a.actions.all() if x.pk in reported]
        for pk in hits:
            by_action.setdefault(pk, []).append(a)
        if not hits:
            others.append(a)
    return by_action, others


def progress_entries(report: ProgressReport | None) -> dict[int, ProgressEntry]:
    if report is None:
        return {}
    return {e.action_id: e for e in report.entries.all()}


def progress_history(report: ProgressReport | None, limit: int = 30):
    if report is None:
        return []
    return report.history.select_related("history_user").order_by("-history_date")[:limit]


def versions_visible(
    user,
    *,
    plan: ActionPlan | None = None,
    kind: str | None = None,
    year: int | None = None,
    language: str | None = None,
) -> QuerySet[ReportVersion]:
    """Published versions for everyone; drafts for those who may compile reports. One row per
    number: its version in `language` (the reader's by default), the English where it has none;
    `other_pk` and `other_language` name the same number in the other language (one query)."""
    language = language or current_language()
    qs = ReportVersion.objects.defer("data", "html", "pdf", "xlsx")
    if not can(user, "report.compile"):
        qs = qs.filter(state=ReportVersion.State.PUBLISHED)
    if plan is not None:
        qs = qs.filter(plan=plan)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    other = qs.filter(
        plan=OuterRef("plan"), kind=OuterRef("kind"), year=OuterRef("year"), number=OuterRef("number")
    ).exclude(language=OuterRef("language"))
    preferred = Case(When(language=language, then=0), When(language="en", then=1), default=2)
    return (
        qs.annotate(
            other_pk=Subquery(other.values("pk")[:1]), other_language=Subquery(other.values("language")[:1])
        )
        .order_by("plan_id", "kind", "-year", "-number", preferred)
        .distinct("plan_id", "kind", "year", "number")
    )


def report_for(user, pk: int, *, fields: tuple[str, ...] = ()) -> ReportVersion:
    """A compiled version the user may read (published ones: everyone; drafts: those who compile),
    with only the heavy `fields` asked for loaded; a draft out of sight is a hiding 404, logged."""
    heavy = {"data", "html", "pdf", "xlsx"} - set(fields)
    every = ReportVersion.objects.defer(*heavy)
    seen = every if can(user, "report.compile") else every.filter(state=ReportVersion.State.PUBLISHED)
    return visible_or_deny(user, "report.compile", seen, every, pk=pk)


@dataclass(frozen=True)
class VersionLink:
    pk: int
    number: int
    language: str

    def get_absolute_url(self) -> str:
        return reverse("evaluation:report", args=[self.pk])


def version_neighbours(user, version: ReportVersion) -> tuple[list[VersionLink], VersionLink | None]:
    """For a version's page, in one plain query: the other numbers of its plan, kind and year the
    user may read (each in the version's language, the English where it has none, newest first),
    and the same number in the other language (None when there is none)."""
    qs = ReportVersion.objects.filter(plan_id=version.plan_id, kind=version.kind, year=version.year)
    if not can(user, "report.compile"):
        qs = qs.filter(state=ReportVersion.State.PUBLISHED)
    by_number: dict[int, dict[str, int]] = {}
    for pk, number, language in qs.values_list("pk", "number", "language"):
        by_number.setdefault(number, {})[language] = pk
    others = []
    for number in sorted(by_number, reverse=True):
        languages = by_number[number]
        language = next((lang for lang in (version.language, "en") if lang in languages), min(languages))
        others.append(VersionLink(languages[language], number, language))
    translation = next(
        (
            VersionLink(pk, version.number, language)
            for language, pk in sorted(by_number.get(version.number, {}).items())
            if language != version.language
        ),
        None,
    )
    return others, translation


def active_request(plan: ActionPlan, kind: str, year: int) -> ReportRequest | None:
    return ReportRequest.objects.filter(
        plan=plan, kind=kind, year=year, state__in=ReportRequest.ACTIVE
    ).first()


def recent_requests(plan: ActionPlan, kind: str, year: int, limit: int = 5) -> QuerySet[ReportRequest]:
    return ReportRequest.objects.filter(plan=plan, kind=kind, year=year).select_related("requested_by")[
        :limit
    ]


def review_get(kind: str, plan: ActionPlan | None = None) -> Review:
    """The plan's review of that kind (the current plan's when none is given)."""
    return get_object_or_404(Review.objects.select_related("plan"), plan=plan or current_plan(), kind=kind)


def party_progress_reports(party: Party, user) -> list[ProgressReport]:
    """A Party's progress reports for its page: all of them to those who read its drafts, sent ones to members."""
    if not can(user, "member.view"):
        return []
    qs = (
        ProgressReport.objects.filter(party=party)
        .select_related("cycle__plan", "party")
        .order_by("-cycle__year", "-cycle__plan__start_year")
    )
    if not can(user, "draft.view", party):
        qs = qs.filter(state__in=ProgressReport.SENT)
    return list(qs)


def review_response_for(
    user, kind: str, code: str, plan: ActionPlan | None = None
) -> tuple[Review, Party, ReviewResponse | None]:
    """The review, the Party and its answer (None before it is written) for one who may answer for
    that Party; another Party's questionnaire is a hiding 404, a visible one not theirs a 403."""
    review = review_get(kind, plan)
    party = get_object_or_404(Party, code__iexact=code)
    require(user, "review.respond", party, visible=can(user, "draft.view", party))
    return review, party, ReviewResponse.objects.filter(review=review, party=party).first()


def conclusions_state(version: ReportVersion) -> dict:
    """What the report's page shows the secretariat of its conclusions and recommendations: the
    saved ones, whether this version holds them as saved (`in_version`: "none", "current" or
    "older") and the form's initial values from the saved ones (one query, the translation status
    of the saved text and the version's own record of them annotated on it)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import OuterRef, Subquery
    from django.db.models.fields.json import KT

    from core.models import TranslationStatus

    from .models import ReportConclusions

    status = TranslationStatus.objects.filter(
        content_type=ContentType.objects.get_for_model(ReportConclusions),
        object_id=OuterRef("pk"),
        field="conclusions",
    ).values("status")[:1]
    written = (
        ReportVersion.objects.filter(pk=version.pk)
        .annotate(written=KT("data__conclusions__written_at"))
        .values("written")[:1]
    )
    saved = (
        ReportConclusions.objects.filter(plan_id=version.plan_id, kind=version.kind, year=version.year)
        .annotate(text_status=Subquery(status), compiled_at=Subquery(written))
        .first()
    )
    if saved is None:
        compiled_at = (
            ReportVersion.objects.filter(pk=version.pk)
            .annotate(written=KT("data__conclusions__written_at"))
            .values_list("written", flat=True)
            .first()
        )
    else:
        compiled_at = saved.compiled_at
    if not compiled_at:
        in_version = "none"
    elif saved is not None and saved.updated_at.isoformat() == compiled_at:
        in_version = "current"
    else:
        in_version = "older"
    initial = {"version": 1}
    if saved is not None:
        initial = {
            "version": saved.version,
            **{f: getattr(saved, f) or "" for f in CONCLUSION_FIELDS},
            **({"status": saved.text_status} if saved.text_status else {}),
        }
    return {"saved": saved, "in_version": in_version, "initial": initial}


CONCLUSION_FIELDS = ("conclusions_en", "conclusions_ru", "recommendations_en", "recommendations_ru")
