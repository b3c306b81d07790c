"""The plan as data (plan, priority areas, actions, lettered items, financing sources),
the Parties' voluntary participation in actions, and the activities they carry out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import EnglishOriginal, TimeStampedModel, Versioned
from parties.models import PartnerOrganisation, Party

SLUG_PREFIX = "prague-process-"


def url_slug_of(slug: str) -> str:
    return slug.removeprefix(SLUG_PREFIX)


def slugs_for_url(url_slug: str) -> list[str]:
    """The slugs a plan's URL slug may stand for (the short form, or the full slug itself)."""
    return [url_slug, SLUG_PREFIX + url_slug]


_URL_SLUGS: dict[int, str] = {}


def plan_url_slug(plan_id: int) -> str:
    """A plan's URL slug by its id, read once per process (plans are few and their slugs never
    change): links to a plan's pages from lists that hold only the plan's id cost no query each."""
    if plan_id not in _URL_SLUGS:
        _URL_SLUGS.update(
            (pk, url_slug_of(slug)) for pk, slug in ActionPlan.objects.values_list("pk", "slug")
        )
    return _URL_SLUGS[plan_id]


def plan_url_slug_from(obj, field: str, plan_id: int) -> str:
    """The URL slug of the plan `obj.<field>` when it is loaded already, else by its id."""
    if obj._meta.get_field(field).is_cached(obj):
        return getattr(obj, field).url_slug
    return plan_url_slug(plan_id)


class ActionPlan(EnglishOriginal, TimeStampedModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    process = models.CharField(_("process"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    adopted_at = models.CharField(_("adopted at"), max_length=200)
    adopted_place = models.CharField(_("adopted in"), max_length=120)
    adopted_on = models.DateField(_("adopted on"))
    conference_theme = models.CharField(_("conference theme"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(
        _("last year"), help_text=_("Of the mandate, prolongations included.")
    )
    adopted_end_year = models.PositiveSmallIntegerField(
        _("last year as adopted"),
        null=True,
        blank=True,
        help_text=_("Before any prolongation of the mandate."),
    )

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="actions_actionplan_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process} {self.title}"

    @property
    def years_label(self) -> str:
        """The plan's years as a reader sees them, prolongation included: "2012–2016"."""
        return f"{self.start_year}–{self.end_year}"

    def in_force_on(self, day) -> bool:
        return self.start_year <= day.year <= self.end_year

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    @property
    def url_slug(self) -> str:
        """The plan in its pages' URLs: "2012-2016" for the slug "prague-process-2012-2016".

        Derived, not stored: the slug is unique and never changes, and every plan of the process
        shares its prefix, which would only lengthen each URL."""
        return url_slug_of(self.slug)

    def get_absolute_url(self) -> str:
        return reverse("actions:plan", args=[self.url_slug])

    @property
    def is_prolonged(self) -> bool:
        return self.adopted_end_year is not None and self.end_year > self.adopted_end_year


class PriorityArea(EnglishOriginal, TimeStampedModel):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="areas", verbose_name=_("plan")
    )
    numeral = models.CharField(_("numeral"), max_length=8)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        constraints = [
            models.UniqueConstraint(fields=["plan", "numeral"], name="actions_priorityarea_unique_numeral"),
        ]

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}"


class Action(EnglishOriginal, TimeStampedModel):
    area = models.ForeignKey(
        PriorityArea, on_delete=models.CASCADE, related_name="actions", verbose_name=_("area")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["area__plan", "area__order", "number"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(fields=["area", "number"], name="actions_action_unique_number"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        # Reads area.numeral: select_related("area") in lists.
        return f"{self.area.numeral}.{self.number}"

    def get_absolute_url(self) -> str:
        area = self.area
        return reverse(
            "actions:action", args=[plan_url_slug_from(area, "plan", area.plan_id), area.numeral, self.number]
        )


class ActionItem(EnglishOriginal, TimeStampedModel):
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="items", verbose_name=_("action")
    )
    letter = models.CharField(_("letter"), max_length=2)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["action", "letter"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.UniqueConstraint(fields=["action", "letter"], name="actions_actionitem_unique_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.action.code} {self.letter}"


class PartyName(EnglishOriginal, TimeStampedModel):
    """A Party's name as one plan writes it, from that plan's adoption: the dated history of its names.

    The Party keeps one identity (its code, people and records); its own `name`/`short_name` are
    today's, those of the newest plan. A page about an older plan writes the names of that plan
    (actions.selectors.party_names)."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="party_names", verbose_name=_("plan")
    )
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="plan_names", verbose_name=_("Party")
    )
    since = models.DateField(_("written so since"))
    name = models.CharField(_("name as the plan writes it"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=80)

    class Meta:
        ordering = ["party", "since"]
        verbose_name = _("Party's name in a plan")
        verbose_name_plural = _("Parties' names in the plans")
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="actions_partyname_one_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} ({self.plan.slug})"


class FinancingSource(EnglishOriginal, TimeStampedModel):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="financing_sources", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("financing source")
        verbose_name_plural = _("financing sources")
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="actions_financingsource_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Participation(TimeStampedModel, Versioned):
    """A Party's voluntary, declared part in one action: lead or participant."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTICIPANT = "participant", _("Participant")

    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, related_name="participations", verbose_name=_("Party")
    )
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, related_name="participations", verbose_name=_("action")
    )
    items = models.ManyToManyField(
        ActionItem, blank=True, related_name="participations", verbose_name=_("items")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    note = models.TextField(_("note"), blank=True)
    since = models.DateField(_("since"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared by"),
    )
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        ordering = ["party", "action"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "action"], name="actions_participation_unique_party_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} – {self.action} ({self.get_role_display()})"


class Activity(TimeStampedModel, Versioned):
    """What a Party actually did under one or more actions."""

    class Kind(models.TextChoices):
        AWARENESS_CAMPAIGN = "awareness_campaign", _("Awareness campaign")
        TRAINING = "training", _("Training")
        STUDY = "study", _("Study")
        WORKING_ARRANGEMENT = "working_arrangement", _("Working arrangement or agreement")
        PROGRAMME = "programme", _("Programme")
        WEBSITE_DATABASE = "website_database", _("Website or database")
        ROUND_TABLE = "round_table", _("Round table or conference")
        BEST_PRACTICES = "best_practices", _("Exchange of best practices")
        TECHNICAL_SUPPORT = "technical_support", _("Technical support")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ARCHIVED = "archived", _("Archived")

    class Review(models.TextChoices):
        """The secretariat's look at a submitted activity (actions/services.py `activity_check`,
        `activity_return`); the Party's next save of a returned or checked one asks for a new look."""

        PENDING = "pending", _("Awaiting the secretariat's check")
        CHECKED = "checked", _("Checked by the secretariat")
        RETURNED = "returned", _("Returned to the Party for changes")

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("plan"),
        help_text=_("The plan in force at the activity's dates: its actions, items and financing sources."),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="activities", verbose_name=_("reporting Party")
    )
    other_parties = models.ManyToManyField(
        Party, blank=True, related_name="joint_activities", verbose_name=_("other participating Parties")
    )
    actions = models.ManyToManyField(Action, related_name="activities", verbose_name=_("actions"))
    items = models.ManyToManyField(ActionItem, blank=True, related_name="activities", verbose_name=_("items"))
    partners = models.ManyToManyField(
        PartnerOrganisation,
        through="ActivityPartner",
        blank=True,
        related_name="activities",
        verbose_name=_("partner organisations"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outputs = models.TextField(_("outputs and results"), blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One address per line."))
    review = models.CharField(
        _("secretariat's check"), max_length=20, choices=Review.choices, default=Review.PENDING
    )
    reviewed_at = models.DateTimeField(_("checked or returned at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked or returned by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[actions, items, other_parties])

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["party", "state"], name="actions_activity_party_state"),
            models.Index(fields=["state", "status"], name="actions_activity_state_status"),
            models.Index(fields=["start_date"], name="actions_activity_start"),
            models.Index(fields=["party", "review"], name="actions_activity_party_review"),
            # The list's default order (newest first, undated last): the first page is read from
            # the index instead of sorting every activity. PostgreSQL only (see migration 0004).
            models.Index(
                models.F("start_date").desc(nulls_last=True),
                models.F("id").desc(),
                name="actions_activity_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="actions_activity_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:activity-detail", args=[self.pk])


class ActivityPartner(TimeStampedModel):
    class Role(models.TextChoices):
        FUNDING = "funding", _("Funding")
        IMPLEMENTING = "implementing", _("Implementing")
        PARTNER = "partner", _("Partner")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="partner_roles")
    organisation = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "organisation"]
        verbose_name = _("partner of an activity")
        verbose_name_plural = _("partners of activities")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation", "role"], name="actions_activitypartner_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class FinancingLine(TimeStampedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="financing_lines")
    source = models.ForeignKey(
        FinancingSource, on_delete=models.PROTECT, related_name="lines", verbose_name=_("source")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", help_text=_("ISO 4217 code"))
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="actions_financingline_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="actions_financingline_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.source})"


def document_upload_to(instance: ActivityDocument, filename: str) -> str:
    """A generated name: nothing of the uploader's file name reaches the disk."""
    import uuid

    return f"activities/{uuid.uuid4().hex}{instance.EXTENSIONS.get(instance.content_type, '')}"


class ActivityDocument(TimeStampedModel):
    """A file attached to an activity; its type was read from its content when it was uploaded."""

    EXTENSIONS = {
        "application/pdf": ".pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
        "application/vnd.oasis.opendocument.text": ".odt",
        "image/png": ".png",
        "image/jpeg": ".jpg",
    }

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="documents", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("actions:activity-document", args=[self.activity_id, self.pk])


class ActivitySettings(Versioned, TimeStampedModel):
    """The secretariat's settings for activities: one row (pk 1), read by the activity selectors.

    `readers_checked_only`: readers (ministers and senior officials) see only the activities the
    secretariat has checked, in every list, export and page (actions.selectors.activity_reach)."""

    readers_checked_only = models.BooleanField(
        _("readers see only checked activities"),
        default=False,
        help_text=_(
            "When on, readers see only the activities the secretariat has checked: in the lists, "
            "the exports, the activity pages and the Party and action pages."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("activity settings")
        verbose_name_plural = _("activity settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="actions_activitysettings_one_row"),
        ]

    def __str__(self) -> str:
        return str(_("activity settings"))
