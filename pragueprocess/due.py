"""What is due: each person's next steps, on the page they land on after signing in.

A contact point sees its Party's progress report for the year (state and deadline), the meetings
whose registration is open to it, open review questionnaires, the open decisions its Party owns and
its own details to confirm; a partner organisation's contact person, the meetings whose registration
is open to its organisation. The secretariat sees the Parties late with their reports, meetings
without minutes, registrations closing, compiles running or failed, account invitations not yet
accepted, the open decisions it owns and e-mails that failed; a core group member, the open
decisions of the core group. Everyone else signed in sees the next SOM and the latest published
report. Each line links to the page where the step is done.

The lines are assembled here, above the apps, from their models; each kind of line costs a fixed
number of queries whatever the data (`tests/pragueprocess/test_due.py` counts them at two sizes).
Content named in a line (a meeting's title, a report's title) is written in the template with the
`tr` tag, so it follows the reader's language like every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, Exists, Min, OuterRef, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from actions.models import Participation
from actions.selectors import activities_awaiting_check, activities_returned
from evaluation.models import (
    ProgressReport,
    ReportingCycle,
    ReportRequest,
    ReportVersion,
    Review,
    ReviewResponse,
)
from evaluation.selectors import som_date, soms_by_year
from meetings.models import Document, Invitation, Meeting, Minutes
from meetings.selectors import open_decisions_owned
from parties.models import Invitation as AccountInvitation
from parties.models import Notification, Party
from parties.permissions import can
from parties.selectors import confirmations_for

# How far ahead a closing registration, and how far back a meeting without minutes, a failed compile
# or a failed e-mail, are still worth a line.
REGISTRATION_CLOSING_WITHIN = timedelta(days=14)
MINUTES_LOOK_BACK = timedelta(days=365)
FAILURES_LOOK_BACK = timedelta(days=30)


@dataclass
class Due:
    """One line of "what is due": `kind` picks its sentence in templates/pragueprocess/_due.html;
    `obj` is the record it is about; `when` its date or deadline; `late` marks it overdue or
    failed (said in words too, never by colour alone)."""

    kind: str
    url: str
    obj: object = None
    when: date | datetime | None = None
    late: bool = False
    count: int = 0
    extra: dict = field(default_factory=dict)


def due_for(user, *, now: datetime | None = None) -> list[Due]:
    """The lines for `user`, most urgent first within each kind."""
    if not getattr(user, "is_authenticated", False):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    if can(user, "report.compile"):
        return _secretariat(now, today)
    lines = []
    if user.party_id and can(user, "progress.edit", user.party_id):
        lines = _contact_point(user, now, today)
    elif user.partner_organisation_id and can(user, "meeting.register", partner=user.partner_organisation_id):
        lines = _open_registrations(
            Q(partner_id=user.partner_organisation_id),
            lambda meeting: reverse(
                "meetings:register-partner", args=[meeting.pk, user.partner_organisation.acronym.lower()]
            ),
            now,
        )
    if can(user, "meeting.core_group.view"):  # a core group member: the core group's decisions
        lines += _decisions(today, owner="core_group", core_group=True)
    return lines + _reader(now)


def _recent_cycles(today: date):
    """This year's and last year's open cycles of every plan: the reports that can still be due."""
    return list(
        ReportingCycle.objects.filter(
            year__in=[today.year - 1, today.year], opens_on__lte=today, locked_at__isnull=True
        )
        .select_related("plan")
        .order_by("year", "plan__start_year")
    )


def _contact_point(user, now: datetime, today: date) -> list[Due]:
    party = Party.objects.only("pk", "code").get(pk=user.party_id)
    code = party.code.lower()
    lines: list[Due] = []

    # The progress report of the year: not yet sent, for a Party taking part in an action by then.
    cycles = _recent_cycles(today)
    if cycles:
        soms = soms_by_year({c.year for c in cycles})
        reports = {
            r.cycle_id: r
            for r in ProgressReport.objects.filter(party=party, cycle__in=cycles).only(
                "pk", "cycle_id", "state"
            )
        }
        taking_part = _first_participation_by_plan(party)
        for cycle in cycles:
            since = taking_part.get(cycle.plan_id)
            if since is None or since > date(cycle.year, 12, 31):
                continue  # nothing to report that year
            report = reports.get(cycle.pk)
            if report is not None and report.is_sent:
                continue
            som = soms.get(cycle.year)
            deadline = som_date(som) - timedelta(weeks=cycle.weeks_before_som) if som else None
            lines.append(
                Due(
                    kind="progress",
                    url=reverse("evaluation:progress-edit", args=[cycle.plan.url_slug, cycle.year, code]),
                    obj=cycle,
                    when=deadline,
                    late=deadline is not None and today > deadline,
                    extra={
                        "state": report.get_state_display() if report else None,
                        "returned": report is not None and report.state == ProgressReport.State.RETURNED,
                    },
                )
            )

    # Activities the secretariat returned for changes: due until the Party saves them again.
    for activity in activities_returned(party.pk).only("pk", "title", "reviewed_at")[:10]:
        lines.append(
            Due(
                kind="activity_returned",
                url=reverse("actions:activity-detail", args=[activity.pk]) + "#conversation-h",
                obj=activity,
                when=activity.reviewed_at,
            )
        )

    # Meetings whose registration is open to the Party and not yet answered.
    lines += _open_registrations(
        Q(party=party), lambda meeting: reverse("meetings:register", args=[meeting.pk, code]), now
    )

    # Review questionnaires open today and not yet submitted by the Party.
    reviews = [
        r
        for r in Review.objects.filter(opens_on__lte=today).select_related("plan")
        if r.window(today) == "open"
    ]
    if reviews:
        submitted = set(
            ReviewResponse.objects.filter(
                review__in=reviews, party=party, state=ReviewResponse.State.SUBMITTED
            ).values_list("review_id", flat=True)
        )
        for review in reviews:
            if review.pk in submitted:
                continue
            lines.append(
                Due(
                    kind="questionnaire",
                    url=reverse("evaluation:review-respond", args=[review.plan.url_slug, review.kind, code]),
                    obj=review,
                    when=review.deadline,
                    late=today > review.deadline,
                )
            )

    # Open decisions that its Party owns.
    lines += _decisions(today, owner="party", party=party)

    # One's own contact details, confirmed once a year.
    if not confirmations_for([user.pk], today.year):
        lines.append(Due(kind="confirm_details", url=reverse("parties:my-details")))
    return lines


DECISIONS_SHOWN = 10


def _decisions(today: date, *, owner: str, **owned) -> list[Due]:
    """Open decisions of one owner (a Party, the secretariat or the core group), due first: one query."""
    return [
        Due(
            kind="decision",
            url=decision.get_absolute_url(),
            obj=decision,
            when=decision.due_on,
            late=decision.due_on is not None and today > decision.due_on,
            extra={"owner": owner},
        )
        for decision in open_decisions_owned(**owned)[:DECISIONS_SHOWN]
    ]


def _open_registrations(invited: Q, url, now: datetime) -> list[Due]:
    """Meetings whose registration is open to the invited (a Party, or a partner organisation: its
    contact person sees these lines) and not yet answered; one query."""
    lines = []
    for inv in (
        Invitation.objects.filter(invited, answer=Invitation.Answer.PENDING, meeting__starts_at__gt=now)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .filter(Q(meeting__registration_deadline__isnull=True) | Q(meeting__registration_deadline__gte=now))
        .select_related("meeting")
        .order_by("meeting__starts_at")[:10]
    ):
        meeting = inv.meeting
        lines.append(
            Due(
                kind="registration",
                url=url(meeting),
                obj=meeting,
                when=meeting.registration_deadline or meeting.starts_at,
                extra={"has_deadline": meeting.registration_deadline is not None},
            )
        )
    return lines


def _first_participation_by_plan(party: Party) -> dict[int, date]:
    """{plan id: the day the Party first took part in one of its actions} (one query)."""
    return dict(
        Participation.objects.filter(party=party)
        .values("action__area__plan_id")
        .annotate(first=Min("since"))
        .values_list("action__area__plan_id", "first")
        .order_by()
    )


def _secretariat(now: datetime, today: date) -> list[Due]:
    lines: list[Due] = []

    # Submitted activities not yet checked or returned.
    awaiting = activities_awaiting_check().count()
    if awaiting:
        lines.append(
            Due(
                kind="activities_to_check",
                url=reverse("actions:activity-list") + "?review=pending",
                count=awaiting,
            )
        )

    # Parties late with their report: the deadline has passed and the report is not in.
    cycles = _recent_cycles(today)
    if cycles:
        soms = soms_by_year({c.year for c in cycles})
        for cycle in cycles:
            som = soms.get(cycle.year)
            if som is None:
                continue
            deadline = som_date(som) - timedelta(weeks=cycle.weeks_before_som)
            if today <= deadline:
                continue
            year_end = date(cycle.year, 12, 31)
            sent = ProgressReport.objects.filter(
                cycle=cycle, party=OuterRef("pk"), state__in=ProgressReport.SENT
            )
            late = (
                Party.objects.filter(
                    participations__since__lte=year_end, participations__action__area__plan=cycle.plan_id
                )
                .exclude(Exists(sent))
                .distinct()
                .count()
            )
            if late:
                lines.append(
                    Due(
                        kind="late_parties",
                        url=cycle.get_absolute_url(),
                        obj=cycle,
                        when=deadline,
                        late=True,
                        count=late,
                    )
                )

    # Meetings held in the past year with neither minutes written (a draft counts: its approval waits
    # for the next meeting) nor a minutes document.
    minutes_doc = Document.objects.filter(meeting=OuterRef("pk"), kind=Document.Kind.MINUTES)
    written = Minutes.objects.filter(meeting=OuterRef("pk"), text_en__gt="")
    for meeting in (
        Meeting.objects.filter(ends_at__lt=now, ends_at__gte=now - MINUTES_LOOK_BACK)
        .exclude(status=Meeting.Status.CANCELLED)
        .exclude(Exists(minutes_doc))
        .exclude(Exists(written))
        .order_by("-ends_at")[:10]
    ):
        lines.append(
            Due(
                kind="minutes",
                url=reverse("meetings:minutes-edit", args=[meeting.pk]),
                obj=meeting,
                when=meeting.ends_at,
            )
        )

    # Registrations closing soon, with how many invited Parties have not answered.
    for meeting in (
        Meeting.objects.filter(
            registration_deadline__gte=now, registration_deadline__lte=now + REGISTRATION_CLOSING_WITHIN
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(pending=Count("invitations", filter=Q(invitations__answer=Invitation.Answer.PENDING)))
        .order_by("registration_deadline")[:10]
    ):
        lines.append(
            Due(
                kind="registration_closing",
                url=reverse("meetings:participants", args=[meeting.pk]),
                obj=meeting,
                when=meeting.registration_deadline,
                count=meeting.pending,
            )
        )

    # Compiles waiting or running, and those that failed in the last month.
    for request in (
        ReportRequest.objects.filter(
            Q(state__in=ReportRequest.ACTIVE)
            | Q(state=ReportRequest.State.FAILED, finished_at__gte=now - FAILURES_LOOK_BACK)
        )
        .select_related("plan")
        .order_by("-created_at")[:10]
    ):
        failed = request.state == ReportRequest.State.FAILED
        lines.append(
            Due(
                kind="compile_failed" if failed else "compile_running",
                url=request.get_absolute_url(),
                obj=request,
                when=request.finished_at if failed else request.created_at,
                late=failed,
            )
        )

    # Account invitations sent and not yet accepted (expired ones need sending again).
    pending = AccountInvitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True).aggregate(
        waiting=Count("pk", filter=Q(expires_at__gt=now)), expired=Count("pk", filter=Q(expires_at__lte=now))
    )
    if pending["waiting"] or pending["expired"]:
        lines.append(
            Due(
                kind="invitations",
                url=reverse("parties:invite"),
                count=pending["waiting"],
                late=bool(pending["expired"]),
                extra={"expired": pending["expired"]},
            )
        )

    # Open decisions that the secretariat owns.
    lines += _decisions(today, owner="secretariat", secretariat=True)

    # E-mails that failed in the last month.
    failed_mail = Notification.objects.filter(
        status=Notification.Status.FAILED, updated_at__gte=now - FAILURES_LOOK_BACK
    ).count()
    if failed_mail:
        lines.append(
            Due(
                kind="failed_mail",
                url=reverse("meetings:reminders") + "?status=failed",
                count=failed_mail,
                late=True,
            )
        )
    return lines


def _reader(now: datetime) -> list[Due]:
    """The next SOM and the latest published report: what a minister or reader looks for first."""
    lines: list[Due] = []
    som = (
        Meeting.objects.filter(kind=Meeting.Kind.SOM, starts_at__gt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    if som is not None:
        lines.append(Due(kind="next_som", url=som.get_absolute_url(), obj=som, when=som.starts_at))
    newest = (
        ReportVersion.objects.filter(state=ReportVersion.State.PUBLISHED)
        .order_by("-published_at", "-pk")
        .values("plan_id", "kind", "year", "number")
        .first()
    )
    report = None
    if newest is not None:  # that number in the reader's language, else the English
        report = (
            ReportVersion.objects.filter(state=ReportVersion.State.PUBLISHED, **newest)
            .defer("data", "html", "pdf", "xlsx")
            .annotate(
                preferred=Case(When(language=get_language(), then=0), When(language="en", then=1), default=2)
            )
            .order_by("preferred")
            .first()
        )
    if report is not None:
        lines.append(
            Due(
                kind="latest_report",
                url=reverse("evaluation:report", args=[report.pk]),
                obj=report,
                when=report.published_at,
            )
        )
    return lines
