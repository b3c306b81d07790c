"""Annual evaluation: reporting cycles, progress reports, compiled monitoring reports, reviews."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.models import Action, ActionPlan, plan_url_slug_from
from core.models import EnglishOriginal, TimeStampedModel, Versioned
from parties.models import Party


class ReportingCycle(TimeStampedModel):
    """One year of monitoring: opens on a date; its deadline is N weeks before that year's SOM."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("plan")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"))
    weeks_before_som = models.PositiveSmallIntegerField(
        _("deadline, weeks before the SOM"), default=6, help_text=_("The deadline moves when the SOM moves.")
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="evaluation_reportingcycle_unique_year"),
            models.CheckConstraint(
                condition=models.Q(weeks_before_som__lte=52), name="evaluation_reportingcycle_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("evaluation:cycle", args=[plan_url_slug_from(self, "plan", self.plan_id), self.year])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ProgressReport(Versioned, TimeStampedModel):
    """A Party's yearly progress on the actions it takes part in."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", _("Accepted")

    cycle = models.ForeignKey(
        ReportingCycle, on_delete=models.CASCADE, related_name="reports", verbose_name=_("cycle")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("Party")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("secretariat's comment"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    SENT = (State.SUBMITTED, State.ACCEPTED)

    class Meta:
        ordering = ["cycle", "party__order"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "party"], name="evaluation_progressreport_unique_party"),
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.cycle.year}"

    def get_absolute_url(self) -> str:
        cycle = self.cycle
        plan = plan_url_slug_from(cycle, "plan", cycle.plan_id)
        return reverse("evaluation:progress", args=[plan, cycle.year, self.party.code.lower()])

    @property
    def is_sent(self) -> bool:
        return self.state in self.SENT


class ProgressEntry(TimeStampedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="entries", verbose_name=_("report")
    )
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="+", verbose_name=_("action"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    achieved = models.TextField(_("what was achieved"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "action__area__order", "action__number"]
        verbose_name = _("progress on an action")
        verbose_name_plural = _("progress on actions")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "action"], name="evaluation_progressentry_unique_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.action_id}: {self.status}"


class ReportKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly monitoring report")
    MIDTERM = "midterm", _("Mid-term review")
    FINAL = "final", _("Final review")


class ReportRequest(TimeStampedModel):
    """A request to compile a report: the database row is the truth, the Celery task a fast path.

    At most one request per (plan, kind, year) is pending or running (a partial unique constraint); a
    worker claims it with a conditional update, and a request left running by a dead worker is
    claimed again once its heartbeat is stale.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Compiling")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="report_requests", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.YEARLY)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year, or a review's last year."))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    ACTIVE = (State.PENDING, State.RUNNING)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "year"],
                condition=models.Q(state__in=["pending", "running"]),
                name="evaluation_reportrequest_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="evaluation_reportrequest_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:request", args=[self.pk])


class ReportVersion(TimeStampedModel):
    """One compiled, numbered and immutable report in one language: figures as JSON, HTML, PDF and XLSX.

    A compile makes one version per language under the same number, all rendered from the same
    figures computed once; only the labels (area titles, action texts, Party names...) differ."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft, for review")
        PUBLISHED = "published", _("Published")

    class Language(models.TextChoices):
        EN = "en", _("English")
        RU = "ru", _("Russian")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="report_versions", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.YEARLY)
    year = models.PositiveSmallIntegerField(_("year"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    number = models.PositiveIntegerField(_("version number"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.EN)
    request = models.ForeignKey(
        ReportRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="results"
    )
    title = models.CharField(_("title"), max_length=250)
    data = models.JSONField(_("figures"))
    html = models.TextField(_("HTML"))
    pdf = models.BinaryField(_("PDF"))
    xlsx = models.BinaryField(_("XLSX"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["data", "html", "pdf", "xlsx"])

    class Meta:
        ordering = ["kind", "-year", "-number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "year", "number", "language"],
                name="evaluation_reportversion_unique_number",
            ),
            models.UniqueConstraint(
                fields=["request", "language"],
                condition=models.Q(request__isnull=False),
                name="evaluation_reportversion_one_per_request_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number} ({self.language})"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:report", args=[self.pk])

    def siblings(self):
        """The same number of the same report in the other languages."""
        return ReportVersion.objects.filter(
            plan_id=self.plan_id, kind=self.kind, year=self.year, number=self.number
        ).exclude(pk=self.pk)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    MUTABLE = frozenset({"state", "published_at", "published_by", "updated_at"})

    def save(self, *args, **kwargs):
        # A compiled version never changes: after its creation only its publication is recorded.
        update_fields = kwargs.get("update_fields")
        if (
            self.pk is not None
            and not kwargs.get("force_insert")
            and (update_fields is None or not set(update_fields) <= self.MUTABLE)
        ):
            raise ValueError("A report version is immutable: save(update_fields=...) only its publication.")
        super().save(*args, **kwargs)


class Review(TimeStampedModel):
    """The mid-term (2012-2014) or final (2012-2016) review, with its questionnaire to the Parties."""

    class Kind(models.TextChoices):
        MIDTERM = "midterm", _("Mid-term review")
        FINAL = "final", _("Final review")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    opens_on = models.DateField(_("questionnaire opens on"))
    deadline = models.DateField(_("questionnaire deadline"))
    closes_on = models.DateField(
        _("questionnaire closes on"),
        null=True,
        blank=True,
        help_text=_("After this day the answers are read-only. Empty: four weeks after the deadline."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "end_year"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="evaluation_review_unique_kind"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="evaluation_review_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=models.F("deadline")),
                name="evaluation_review_closes_after_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_year}–{self.end_year}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:review", args=[plan_url_slug_from(self, "plan", self.plan_id), self.kind])

    @property
    def closing_day(self) -> date:
        """The last day answers can be written: `closes_on`, or four weeks after the deadline."""
        return self.closes_on or self.deadline + timedelta(weeks=4)

    def window(self, today: date) -> str:
        """ "not_open", "open" or "closed" on `today` (the questionnaire's dates, inclusive)."""
        if today < self.opens_on:
            return "not_open"
        return "open" if today <= self.closing_day else "closed"


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]

# The criteria of the 2012 evaluation (HISTORY.md, "The evaluation of the plan"): what a plan is
# judged on when its data file names no criteria of its own (`review_criteria`). Data, not code:
# every reader of criteria reads the plan's ReviewCriterion rows.
DEFAULT_CRITERIA = (
    {"code": "relevance", "name": "Relevance", "name_ru": "Релевантность"},
    {"code": "impact", "name": "Impact", "name_ru": "Воздействие"},
    {"code": "effectiveness", "name": "Effectiveness", "name_ru": "Результативность"},
    {"code": "efficiency", "name": "Efficiency", "name_ru": "Эффективность"},
    {"code": "coherence", "name": "External coherence", "name_ru": "Внешняя согласованность"},
)


class ReviewCriterion(EnglishOriginal, TimeStampedModel):
    """One criterion a plan's reviews are answered on (a score from 1 to 5 and a comment): the
    plan's own, from its data file, or DEFAULT_CRITERIA (evaluation/criteria.py)."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="review_criteria", verbose_name=_("plan")
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("Stable key of the criterion in the plan."))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="evaluation_reviewcriterion_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewResponse(Versioned, TimeStampedModel):
    """A Party's answer to the review questionnaire: a score from 1 to 5 and a comment per criterion of
    the plan (ReviewScore rows); its version covers them all."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="responses", verbose_name=_("review")
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="review_responses")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "party__order"]
        verbose_name = _("review questionnaire response")
        verbose_name_plural = _("review questionnaire responses")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "party"], name="evaluation_reviewresponse_unique_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} – {self.review}"


class ReviewScore(TimeStampedModel):
    """A response's score (1-5, empty until given) and comment on one criterion of the plan."""

    response = models.ForeignKey(
        ReviewResponse, on_delete=models.CASCADE, related_name="scores", verbose_name=_("response")
    )
    criterion = models.ForeignKey(
        ReviewCriterion, on_delete=models.RESTRICT, related_name="scores", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=SCORE_CHOICES, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "criterion__order", "criterion_id"]
        verbose_name = _("score on a criterion")
        verbose_name_plural = _("scores on criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "criterion"], name="evaluation_reviewscore_unique_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="evaluation_reviewscore_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.criterion_id}: {self.score}"


class MandateProlongation(TimeStampedModel):
    """A recorded decision prolonging a plan's mandate (the Bratislava conference of 20 September 2016
    reconfirmed the six areas of the 2012-2016 plan for 2017-2021): the same areas and actions, more
    years; reporting cycles, progress reports and reminders go on for them."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="prolongations", verbose_name=_("plan")
    )
    previous_end_year = models.PositiveSmallIntegerField(_("last year before"))
    end_year = models.PositiveSmallIntegerField(_("new last year"))
    decided_on = models.DateField(_("decided on"))
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided at"),
        help_text=_("The meeting or conference that decided it, if it is in the portal."),
    )
    reference = models.CharField(
        _("reference"), max_length=250, help_text=_("The declaration or decision, as it is cited.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "decided_on", "pk"]
        verbose_name = _("prolongation of a mandate")
        verbose_name_plural = _("prolongations of mandates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gt=models.F("previous_end_year")),
                name="evaluation_mandateprolongation_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.end_year}"


class ScheduledCompile(TimeStampedModel):
    """The record that the schedule asked for a cycle's yearly report (YEARLY_REPORT_DAYS_BEFORE_SOM
    days before that year's SOM): one per cycle, ever. Its unique cycle is the claim, so a second
    beat, a rerun or the next day's pass finds it and asks for nothing more."""

    cycle = models.OneToOneField(
        ReportingCycle, on_delete=models.CASCADE, related_name="scheduled_compile", verbose_name=_("cycle")
    )
    request = models.ForeignKey(
        ReportRequest, on_delete=models.PROTECT, related_name="+", verbose_name=_("compile asked for")
    )
    due_on = models.DateField(_("due on"))
    som_on = models.DateField(_("SOM on"))

    class Meta:
        ordering = ["cycle"]
        verbose_name = _("scheduled compile")
        verbose_name_plural = _("scheduled compiles")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.due_on}"


class ReportConclusions(EnglishOriginal, Versioned, TimeStampedModel):
    """The secretariat's conclusions and recommendations for one report (plan, kind, year), in English
    and Russian (columns per language, core/translations.py, with a status and revisions). A compile
    copies them into its figures: a version compiled before they were written shows none."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="report_conclusions", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.YEARLY)
    year = models.PositiveSmallIntegerField(_("year"))
    conclusions = models.TextField(_("conclusions"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "kind", "-year"]
        verbose_name = _("conclusions and recommendations")
        verbose_name_plural = _("conclusions and recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "year"], name="evaluation_reportconclusions_unique_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"
