"""Writing the evaluation: cycles, progress reports, review questionnaires, compiled reports."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Max, Q, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import ActionPlan
from core.background import enqueue_on_commit
from core.concurrency import StaleEdit, locked_for_edit
from core.translations import option_text, translation_save
from parties.models import Party, User
from parties.notifications import notifications_cancel
from parties.threads import message_post

from . import reminders
from .criteria import plan_criteria
from .models import (
    ProgressEntry,
    ProgressReport,
    ReportConclusions,
    ReportingCycle,
    ReportKind,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewResponse,
    ReviewScore,
    ScheduledCompile,
)

log = logging.getLogger(__name__)

STALE_RUN = timedelta(minutes=3)  # a running compile with no sign of life for this long is taken over
HEARTBEAT_SECONDS = 30  # a live compile says so this often, even inside a long PDF rendering


class NotAllowed(Exception):
    """A rule of the evaluation refuses the step (not a permission: the record's own state); nothing
    was written. `str()` is the message for the person, in the active language."""

    message = ""

    def __init__(self, message=None):
        super().__init__(message if message is not None else self.message)

    def __str__(self) -> str:
        return str(self.args[0])


class YearLocked(NotAllowed):
    message = gettext_lazy("This year is locked: the SOM has reviewed it.")


class ReportSent(NotAllowed):
    message = gettext_lazy("This report has been submitted; the secretariat can return it for changes.")


class QuestionnaireClosed(NotAllowed):
    message = gettext_lazy("This questionnaire has been submitted.")


class QuestionnaireNotOpen(NotAllowed):
    message = gettext_lazy("This questionnaire is not open for answers: see its dates.")


# --- cycles -------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_setup(*, plan: ActionPlan) -> int:
    """Open a reporting cycle for every year of the plan, and the mid-term and final reviews (idempotent)."""
    made = 0
    for year in plan.years:
        made += ReportingCycle.objects.get_or_create(
            plan=plan, year=year, defaults={"opens_on": date(year, 1, 15), "weeks_before_som": 6}
        )[1]
    mid_end = min(plan.start_year + 2, plan.end_year)
    for kind, end in ((Review.Kind.MIDTERM, mid_end), (Review.Kind.FINAL, plan.end_year)):
        made += Review.objects.get_or_create(
            plan=plan,
            kind=kind,
            defaults={
                "start_year": plan.start_year,
                "end_year": end,
                "opens_on": date(end, 6, 1),
                "deadline": date(end, 9, 30),
            },
        )[1]
    return made


@transaction.atomic
def cycle_lock(*, cycle: ReportingCycle, user: User, som_held: bool) -> ReportingCycle:
    """Lock the year once its SOM has reviewed it: no progress report changes any more."""
    if not som_held:
        raise ValidationError(_("The year can be locked only after its Senior Officials' Meeting."))
    cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.locked_at is None:
        cycle.locked_at = timezone.now()
        cycle.locked_by = user
        cycle.full_clean()
        cycle.save()
        notifications_cancel(key_prefix=f"{reminders.progress_prefix(cycle)}:")
    return cycle


# --- progress reports ---------------------------------------------------------------------------


@dataclass
class EntryData:
    action_id: int
    status: str
    achieved: str = ""
    difficulties: str = ""
    next_steps: str = ""


def _editable(report: ProgressReport, cycle: ReportingCycle) -> None:
    if cycle.is_locked:
        raise YearLocked
    if report.is_sent:
        raise ReportSent


@transaction.atomic
def progress_report_save(
    *,
    cycle: ReportingCycle,
    party: Party,
    user: User,
    version: int | None,
    entries: list[EntryData],
) -> ProgressReport:
    """Save the Party's statements; StaleEdit (saving nothing) when the version is stale."""
    report, _created = ProgressReport.objects.get_or_create(
        cycle=cycle, party=party, defaults={"updated_by": user}
    )
    try:
        report = locked_for_edit(ProgressReport, report.pk, version)
    except StaleEdit as stale:
        _editable(stale.current, cycle)  # a locked year or a sent report says more than "changed"
        raise
    _editable(report, cycle)
    existing = {e.action_id: e for e in report.entries.all()}
    for data in entries:
        entry = existing.get(data.action_id) or ProgressEntry(report=report, action_id=data.action_id)
        changed = entry.pk is None or any(
            getattr(entry, f) != getattr(data, f)
            for f in ("status", "achieved", "difficulties", "next_steps")
        )
        if changed:
            entry.status, entry.achieved = data.status, data.achieved
            entry.difficulties, entry.next_steps = data.difficulties, data.next_steps
            entry.full_clean()
            entry.save()
    report.updated_by = user
    report.full_clean()
    report.save()
    return report


def _step_possible(report: ProgressReport, allowed: tuple[str, ...]) -> None:
    if report.cycle.is_locked:
        raise YearLocked
    if report.state not in allowed:
        raise ValidationError(
            _("This report is %(state)s: that step is not possible.") % {"state": report.get_state_display()}
        )


def _transition(
    report: ProgressReport, allowed: tuple[str, ...], target: str, version: int | None
) -> ProgressReport:
    """The report locked at the version the person saw, moved to `target` (saved by the caller)."""
    try:
        locked = locked_for_edit(ProgressReport.objects.select_related("cycle"), report.pk, version)
    except StaleEdit as stale:
        _step_possible(stale.current, allowed)  # a step already taken says more than "changed"
        raise
    _step_possible(locked, allowed)
    locked.state = target
    return locked


@transaction.atomic
def progress_report_submit(*, report: ProgressReport, user: User, version: int | None) -> ProgressReport:
    """Draft or returned -> submitted; the Party's pending reminders for the year are cancelled."""
    report = _transition(
        report,
        (ProgressReport.State.DRAFT, ProgressReport.State.RETURNED),
        ProgressReport.State.SUBMITTED,
        version,
    )
    report.submitted_at, report.submitted_by, report.updated_by = timezone.now(), user, user
    report.full_clean()
    report.save()
    notifications_cancel(key_prefix=f"{reminders.progress_prefix(report.cycle)}:", party_id=report.party_id)
    return report


@transaction.atomic
def progress_report_return(
    *, report: ProgressReport, user: User, version: int | None, comment: str
) -> ProgressReport:
    """Submitted -> returned to the Party, with the secretariat's comment."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the Party should change.")})
    report = _transition(report, (ProgressReport.State.SUBMITTED,), ProgressReport.State.RETURNED, version)
    report.review_comment, report.reviewed_at, report.reviewed_by = comment.strip(), timezone.now(), user
    report.full_clean()
    report.save()
    # The comment opens (or goes on with) the report's conversation, mailed to the Party.
    message_post(
        user=user,
        record=report,
        party=report.party,
        text=comment,
        url=report.get_absolute_url(),
        about=lambda: progress_report_name(report),
    )
    return report


def progress_report_name(report: ProgressReport) -> str:
    """The report as a mail names it, in the active language: "the progress report 2013 of Czechia"."""
    return _("the progress report %(year)s of %(party)s") % {
        "year": report.cycle.year,
        "party": option_text(report.party, "short_name"),
    }


@transaction.atomic
def progress_report_accept(
    *, report: ProgressReport, user: User, version: int | None, comment: str = ""
) -> ProgressReport:
    """Submitted -> accepted by the secretariat."""
    report = _transition(report, (ProgressReport.State.SUBMITTED,), ProgressReport.State.ACCEPTED, version)
    report.review_comment, report.reviewed_at, report.reviewed_by = comment.strip(), timezone.now(), user
    report.full_clean()
    report.save()
    return report


# --- review questionnaires ----------------------------------------------------------------------


@transaction.atomic
def review_response_save(
    *,
    review: Review,
    party: Party,
    user: User,
    version: int | None,
    answers: dict[int, tuple[int | None, str]],
    submit: bool = False,
) -> ReviewResponse:
    """Save a Party's score and comment on each criterion of the plan (`answers`: {criterion id:
    (score or None, comment)}, a criterion left out keeps what it had); submit when asked; StaleEdit
    on a stale version. The scores keep their own history; the response's version covers them."""
    response, _created = ReviewResponse.objects.get_or_create(
        review=review, party=party, defaults={"updated_by": user}
    )
    try:
        response = locked_for_edit(ReviewResponse, response.pk, version)
    except StaleEdit as stale:
        if stale.current.state == ReviewResponse.State.SUBMITTED:
            raise QuestionnaireClosed from None
        raise
    if response.state == ReviewResponse.State.SUBMITTED:
        raise QuestionnaireClosed
    if review.window(timezone.localdate()) != "open":
        raise QuestionnaireNotOpen
    criteria = plan_criteria(review.plan_id)
    scores = {s.criterion_id: s for s in ReviewScore.objects.filter(response=response)}
    new, changed = [], []
    for c in criteria:
        if c.pk not in answers:
            continue
        score, comment = answers[c.pk]
        row = scores.get(c.pk)
        if row is None:  # every criterion answered on gets its row, empty or not
            row = ReviewScore(response=response, criterion=c, score=score, comment=comment)
            new.append(row)
            scores[c.pk] = row
        elif (row.score, row.comment) != (score, comment):
            row.score, row.comment = score, comment
            changed.append(row)
    for row in (*new, *changed):
        row.full_clean(exclude=["response", "criterion"], validate_unique=False)
    if submit:
        missing = [c for c in criteria if scores.get(c.pk) is None or scores[c.pk].score is None]
        if missing:
            raise ValidationError({f"{c.code}_score": _("Give a score before submitting.") for c in missing})
        response.state, response.submitted_at = ReviewResponse.State.SUBMITTED, timezone.now()
        notifications_cancel(key_prefix=f"{reminders.review_prefix(review)}:", party_id=party.pk)
    response.updated_by = user
    response.full_clean()
    response.save()
    if new:
        bulk_create_with_history(new, ReviewScore, default_user=user)
    if changed:
        now = timezone.now()
        for row in changed:
            row.updated_at = now
        bulk_update_with_history(changed, ReviewScore, ["score", "comment", "updated_at"], default_user=user)
    return response


# --- compiled reports ---------------------------------------------------------------------------


def _period(plan: ActionPlan, kind: str, year: int) -> int:
    """The first year a report covers: its own year for a yearly report, the plan's first for a review."""
    return year if kind == ReportKind.YEARLY else plan.start_year


def report_request(
    *, plan: ActionPlan, kind: str, year: int, user: User | None, enqueue: bool = True
) -> tuple[ReportRequest, bool]:
    """Ask for a compile; while one for the same report is waiting or running, that one is returned."""
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError(_("The year is outside the plan."))
    active = ReportRequest.objects.filter(plan=plan, kind=kind, year=year, state__in=ReportRequest.ACTIVE)
    existing = active.first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            req = ReportRequest.objects.create(
                plan=plan, kind=kind, year=year, start_year=_period(plan, kind, year), requested_by=user
            )
    except IntegrityError:  # asked at the same instant by someone else: theirs stands
        return active.get(), False
    if enqueue:
        _enqueue(req.pk)
    return req, True


def _enqueue(pk: int) -> None:
    """Fast path only: the sweep runs whatever is still waiting when the broker is down."""
    from .tasks import report_compile

    enqueue_on_commit(report_compile, pk)


def _claim(pk: int, now: datetime) -> bool:
    """Conditional update: true for the one worker that takes the request (a stale run is taken over)."""
    return (
        ReportRequest.objects.filter(pk=pk)
        .filter(
            Q(state=ReportRequest.State.PENDING)
            | Q(state=ReportRequest.State.RUNNING, heartbeat_at__lt=now - STALE_RUN)
        )
        .update(
            state=ReportRequest.State.RUNNING,
            claimed_at=now,
            heartbeat_at=now,
            progress=0,
            step="",
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        == 1
    )


def _progress(pk: int):
    def report(pct: int, step: str) -> None:
        now = timezone.now()
        ReportRequest.objects.filter(pk=pk, state=ReportRequest.State.RUNNING).update(
            progress=pct, step=step[:120], heartbeat_at=now, updated_at=now
        )

    return report


@contextmanager
def _heartbeat(pk: int):
    """While the block runs, a thread records every HEARTBEAT_SECONDS that this compile is alive,
    so that only a dead worker's compile looks stale to the sweep."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                ReportRequest.objects.filter(pk=pk, state=ReportRequest.State.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"report-heartbeat-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _finish(pk: int, version: ReportVersion) -> None:
    now = timezone.now()
    ReportRequest.objects.filter(pk=pk).update(
        state=ReportRequest.State.DONE,
        progress=100,
        step="",
        finished_at=now,
        heartbeat_at=now,
        updated_at=now,
        error="",
    )


def _english_first(request_pk: int) -> ReportVersion | None:
    return (
        ReportVersion.objects.filter(request_id=request_pk)
        .defer("data", "html", "pdf", "xlsx")
        .order_by(Case(When(language="en", then=0), default=1))
        .first()
    )


def report_request_run(*, request_pk: int, now: datetime | None = None) -> ReportVersion | None:
    """Compile one requested report; safe to run twice: one number per request, ever, with one
    version per language. Returns the English version (its siblings: `version.siblings()`)."""
    now = now or timezone.now()
    done = _english_first(request_pk)
    if done is not None:  # a rerun after the versions were saved: just close the request
        _finish(request_pk, done)
        return done
    if not _claim(request_pk, now):
        return None
    req = ReportRequest.objects.select_related("requested_by", "plan").get(pk=request_pk)
    plan = req.plan  # the plan the report was asked for, not the one current when it runs
    step = _progress(req.pk)
    try:
        with _heartbeat(req.pk):
            version = _compile(req, plan, step)
        _finish(req.pk, version)
        return version
    except Exception as exc:
        ReportRequest.objects.filter(pk=req.pk).update(
            state=ReportRequest.State.FAILED,
            error=f"{exc.__class__.__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
        log.exception("report request %s failed", req.pk)
        raise


def _compile(req: ReportRequest, plan: ActionPlan, step) -> ReportVersion:
    """The figures, computed once; then for each language its HTML, PDF and XLSX rendered from those
    same figures; then the versions (one number, one per language), created once per request."""
    from . import rendering
    from .figures import figures_changes, figures_in, monitoring_figures, newly_covered, yearly_figures

    data = monitoring_figures(
        plan=plan,
        start_year=req.start_year,
        end_year=req.year,
        with_reviews=req.kind if req.kind != ReportKind.YEARLY else None,
        progress=step,
    )
    if req.kind == ReportKind.FINAL:
        mid = (
            ReportVersion.objects.filter(
                plan=plan, kind=ReportKind.MIDTERM, language=ReportVersion.Language.EN
            )
            .order_by("-number")
            .only("data", "number")
            .first()
        )
        if mid is not None:
            data["midterm"] = {
                "number": mid.number,
                "headline": mid.data["headline"],
                "response_rate": mid.data["response_rate"],
            }
            data["changes"] = figures_changes(mid.data, data)
            data["newly_covered"] = newly_covered(mid.data, data)
    if req.kind == ReportKind.YEARLY:
        step(86, "the year before, Parties that did not report, conclusions")
        conclusions = ReportConclusions.objects.filter(plan=plan, kind=req.kind, year=req.year).first()
        data.update(yearly_figures(plan, req.year, conclusions=conclusions))
    rendered = {}
    languages = [code for code, _label in ReportVersion.Language.choices]
    for i, lang in enumerate(languages):
        figures = figures_in(data, lang)
        pct = 88 + i * 10 // len(languages)
        with translation.override(lang):
            title = rendering.report_title(req.kind, req.start_year, req.year, req.plan)
            step(pct, f"HTML ({lang})")
            html = rendering.report_html(title=title, data=figures, kind=req.kind)
            step(pct + 2, f"PDF ({lang})")
            pdf = rendering.report_pdf(title=title, html=html)
            step(pct + 4, f"XLSX ({lang})")
            xlsx = rendering.report_xlsx(title=title, data=figures)
        rendered[lang] = {"title": title, "data": figures, "html": html, "pdf": pdf, "xlsx": xlsx}
    with transaction.atomic():
        # the request row is the lock that orders the numbering of one report's versions
        ReportRequest.objects.select_for_update().get(pk=req.pk)
        number = (
            ReportVersion.objects.filter(plan=plan, kind=req.kind, year=req.year).aggregate(n=Max("number"))[
                "n"
            ]
            or 0
        ) + 1
        versions = {}
        for lang in languages:
            versions[lang], _created = ReportVersion.objects.get_or_create(
                request=req,
                language=lang,
                defaults={
                    "plan": plan,
                    "kind": req.kind,
                    "year": req.year,
                    "start_year": req.start_year,
                    "number": number,
                    "created_by": req.requested_by,
                    **rendered[lang],
                },
            )
    return versions["en"]


def report_requests_resume(*, now: datetime | None = None) -> list[int]:
    """The sweep: the pks of requests still waiting, or running with a stale heartbeat (a dead worker)."""
    now = now or timezone.now()
    return list(
        ReportRequest.objects.filter(
            Q(state=ReportRequest.State.PENDING, created_at__lt=now - timedelta(seconds=30))
            | Q(state=ReportRequest.State.RUNNING, heartbeat_at__lt=now - STALE_RUN)
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def report_publish(*, version: ReportVersion, user: User) -> ReportVersion:
    """Publish a reviewed version in every language (the same figures): it becomes readable without
    signing in. Its content never changes."""
    same_number = (
        ReportVersion.objects.select_for_update()
        .defer("data", "html", "pdf", "xlsx")
        .filter(plan_id=version.plan_id, kind=version.kind, year=version.year, number=version.number)
        .order_by("pk")
    )
    now = timezone.now()
    for each in same_number:
        if each.state != ReportVersion.State.PUBLISHED:
            each.state = ReportVersion.State.PUBLISHED
            each.published_at, each.published_by = now, user
            each.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        if each.pk == version.pk:
            version = each
    return version


def report_compile_now(*, plan: ActionPlan | None = None, year: int, kind: str = "yearly"):
    """Compile a report in this process (the command and the benchmark); returns the new version,
    or None when a compile of the same report is already running elsewhere."""
    from actions.selectors import plan_current

    plan = plan or plan_current()
    req, _created = report_request(plan=plan, kind=kind, year=year, user=None, enqueue=False)
    return report_request_run(request_pk=req.pk)


# --- the yearly report: compiled by schedule, the secretariat's conclusions ---------------------


def yearly_reports_schedule(*, today: date | None = None) -> list[ReportRequest]:
    """From beat: ask for the yearly report of each cycle whose SOM is YEARLY_REPORT_DAYS_BEFORE_SOM
    days away or nearer and not yet past (the cycle's SOM: selectors.cycle_infos, the same one its
    deadline is counted from). Once per cycle, ever: the ScheduledCompile row is the claim, created
    in the same transaction as the request, so two beats, a rerun or the next day ask for nothing
    more. Returns the requests this pass asked for."""
    from .selectors import cycle_info, som_date, soms_by_year

    today = today or timezone.localdate()
    days = timedelta(days=settings.YEARLY_REPORT_DAYS_BEFORE_SOM)
    years = (today.year, today.year + 1)  # an SOM early in a year can be due late in the one before
    cycles = list(
        ReportingCycle.objects.filter(year__in=years, scheduled_compile__isnull=True).select_related("plan")
    )
    soms = soms_by_year(years) if cycles else {}
    asked = []
    for cycle in cycles:
        info = cycle_info(cycle, soms.get(cycle.year), today)
        if info.som is None:
            continue
        som_on = som_date(info.som)
        due_on = som_on - days
        if not due_on <= today <= som_on or not cycle.plan.start_year <= cycle.year <= cycle.plan.end_year:
            continue
        try:
            with transaction.atomic():
                req, _created = report_request(
                    plan=cycle.plan, kind=ReportKind.YEARLY, year=cycle.year, user=None
                )
                ScheduledCompile.objects.create(cycle=cycle, request=req, due_on=due_on, som_on=som_on)
        except IntegrityError:  # another beat claimed this cycle at the same instant: theirs stands
            continue
        log.info("yearly report %s %s asked for by schedule (SOM %s)", cycle.plan_id, cycle.year, som_on)
        asked.append(req)
    return asked


@transaction.atomic
def report_conclusions_save(
    *,
    plan: ActionPlan,
    kind: str,
    year: int,
    user: User,
    version: int | None,
    data: dict[str, str],
    status: str,
) -> ReportConclusions:
    """Write the secretariat's conclusions and recommendations of a report, English and Russian, the
    Russian with its translation status (each text keeps its revisions); StaleEdit (saving nothing)
    when someone saved them since the form was opened. They appear in the next compile."""
    conclusions, _created = ReportConclusions.objects.get_or_create(
        plan=plan, kind=kind, year=year, defaults={"updated_by": user}
    )
    conclusions = locked_for_edit(ReportConclusions, conclusions.pk, version)
    conclusions.updated_by = user
    for field in ("conclusions", "recommendations"):
        setattr(conclusions, f"{field}_en", (data.get(f"{field}_en") or "").strip())
    conclusions.full_clean()
    conclusions.save()
    for field in ("conclusions", "recommendations"):
        translation_save(
            conclusions,
            field,
            en=(data.get(f"{field}_en") or "").strip(),
            ru=data.get(f"{field}_ru") or "",
            status=status,
            by=user,
        )
    return conclusions
