"""Content in English and Russian: one way to read a text in the reader's language, and one way to
write a translation with its status and history.

The columns come from django-modeltranslation (`<field>_en`, `<field>_ru` beside each translated
field, registered in each app's `translation.py`), so reading a list in either language costs the
same one query. English is the plan's own text and always present; a Russian text may be missing,
in which case the English is shown *marked* (`lang="en"` and a visible note, see
core/templatetags/content.py), never silently.

Each Russian text has a status (core.models.TranslationStatus): official, working translation or
needs review. A Russian text without a status row is a working translation. Every change made
through `translation_save` keeps a revision (who, when, both texts, the status).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from .models import TranslationRevision, TranslationStatus

SOURCE = "en"
LANGUAGES = ("en", "ru")


def current_language() -> str:
    """The reader's content language: one of LANGUAGES (a regional variant maps to its language)."""
    lang = (get_language() or SOURCE).split("-")[0]
    return lang if lang in LANGUAGES else SOURCE


def translated_fields(model: type[Model] | Model) -> tuple[str, ...]:
    """The fields of a model that have a column per language, in declaration order."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        return tuple(
            translator.get_options_for_model(model if isinstance(model, type) else type(model)).fields
        )
    except NotRegistered:
        return ()


def translated_models() -> list[type[Model]]:
    from modeltranslation.translator import translator

    return [m for m in translator.get_registered_models(abstract=False) if translated_fields(m)]


def column(field: str, lang: str) -> str:
    return f"{field}_{lang}"


def text_in(obj: Model, field: str, lang: str) -> str:
    """The stored text of one language, '' when there is none (no fallback)."""
    return getattr(obj, column(field, lang), None) or ""


@dataclass(frozen=True)
class Text:
    """A content text as a reader sees it: its words and the language they are in."""

    value: str
    lang: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != current_language()

    def __str__(self) -> str:
        return self.value

    def as_label(self) -> dict:
        """JSON-safe form, for figures that are cached or frozen (rendered by the `content` filter)."""
        return {"text": self.value, "lang": self.lang}


def localized(obj: Model | None, field: str, lang: str | None = None) -> Text:
    """The text of `field` in `lang` (the reader's by default), or the English when it has none."""
    lang = lang or current_language()
    if obj is None:
        return Text("", lang)
    value = text_in(obj, field, lang)
    if value:
        return Text(value, lang)
    english = text_in(obj, field, SOURCE) or (getattr(obj, field, "") or "")
    return Text(english, SOURCE)


def label(en: str | None, ru: str | None, lang: str | None = None) -> dict:
    """A label from the two columns read with `.values()`, as `Text.as_label()`."""
    lang = lang or current_language()
    texts = {"en": en or "", "ru": ru or ""}
    if texts.get(lang):
        return {"text": texts[lang], "lang": lang}
    return {"text": texts[SOURCE], "lang": SOURCE}


def status_of(obj: Model, field: str) -> TranslationStatus | None:
    return TranslationStatus.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, field=field
    ).first()


def translation_save(
    obj: Model,
    field: str,
    *,
    ru: str | None,
    en: str | None = None,
    status: str = TranslationStatus.Status.WORKING,
    by=None,
    source: str = "",
    keep_edited: bool = False,
) -> TranslationStatus | None:
    """Write the Russian (and, if given, the English) text of one field with its status, and keep a
    revision. With `keep_edited` (a data file being loaded again), a text a person has changed in
    the portal is left as it is and None is returned. An empty text is stored as NULL (missing)."""
    if field not in translated_fields(obj):
        raise ValueError(f"{type(obj).__name__}.{field} is not a translated field")
    ru = (ru or "").strip() or None
    ct = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        state, created = TranslationStatus.objects.select_for_update().get_or_create(
            content_type=ct, object_id=obj.pk, field=field, defaults={"status": status, "updated_by": by}
        )
        if keep_edited and not created and state.updated_by_id is not None:
            return None
        changes = {column(field, "ru"): ru}
        if en is not None and en.strip():
            changes[column(field, "en")] = en.strip()
        before = {k: getattr(obj, k) for k in changes}
        same_text = before == changes
        if not same_text:
            type(obj)._default_manager.filter(pk=obj.pk).update(**changes)
            for k, v in changes.items():
                setattr(obj, k, v)
        if not created and same_text and state.status == status and not by:
            return state
        if not created:
            state.status = status
            state.updated_by = by
            state.version += 1
            state.save(update_fields=["status", "updated_by", "version", "updated_at"])
        TranslationRevision.objects.create(
            translation=state,
            at=timezone.now(),
            by=by,
            text_en=text_in(obj, field, "en"),
            text_ru=ru or "",
            status=status,
            source=source,
        )
        return state


def translations_load(entries, *, status: str = TranslationStatus.Status.WORKING, source: str = "") -> int:
    """Write many Russian texts from a data file at once: `entries` are (record, field, text).

    A text a person has changed in the portal (its status row names who) is kept; a text already
    as the file has it is left alone; each text written gets its status row and one revision. A
    handful of queries whatever the number of texts. Returns how many texts were written."""
    entries = [(o, f, t.strip()) for o, f, t in entries if o is not None and isinstance(t, str) and t.strip()]
    if not entries:
        return 0
    cts = {type(o): ContentType.objects.get_for_model(type(o)) for o, _f, _t in entries}
    ids = {o.pk for o, _f, _t in entries}
    existing = {
        (s.content_type_id, s.object_id, s.field): s
        for s in TranslationStatus.objects.filter(content_type__in=cts.values(), object_id__in=ids)
    }
    changed: dict[type[Model], dict[str, list[Model]]] = {}
    written = []
    for obj, field, text in entries:
        row = existing.get((cts[type(obj)].pk, obj.pk, field))
        if row is not None and (row.updated_by_id is not None or text_in(obj, field, "ru") == text):
            continue
        setattr(obj, column(field, "ru"), text)
        changed.setdefault(type(obj), {}).setdefault(column(field, "ru"), []).append(obj)
        written.append((obj, field, text, row))
    with transaction.atomic():
        for model, by_column in changed.items():
            for name, objs in by_column.items():
                model._default_manager.bulk_update(objs, [name], batch_size=500)
        new_rows = TranslationStatus.objects.bulk_create(
            [
                TranslationStatus(content_type=cts[type(o)], object_id=o.pk, field=f, status=status)
                for o, f, _t, row in written
                if row is None
            ]
        )
        rows = iter(new_rows)
        now = timezone.now()
        TranslationRevision.objects.bulk_create(
            [
                TranslationRevision(
                    translation=row if row is not None else next(rows),
                    at=now,
                    text_en=text_in(o, f, "en"),
                    text_ru=t,
                    status=row.status if row is not None else status,
                    source=source,
                )
                for o, f, t, row in written
            ]
        )
    return len(written)


def option_text(obj: Model, field: str) -> str:
    """A content text for an <option> or a choice label, where no markup can go: the reader's
    language, or the English followed by the translated note "(not yet translated)"."""
    from django.utils.translation import gettext

    text = localized(obj, field)
    if text.is_fallback and text.value:
        return f"{text.value} ({gettext('not yet translated')})"
    return text.value


# --- kinds of content: what the secretariat translates, counted and listed per kind -------------

MISSING, WORKING, REVIEW, OFFICIAL = "missing", "working", "review", "official"
STATES = (MISSING, WORKING, REVIEW, OFFICIAL)


@dataclass(frozen=True)
class Kind:
    """One kind of translated content: its model, a stable slug for addresses, a readable label, the
    path from a record to its Action Plan (None for what the plans share), the order of a list and
    what a list reads beside each record (`select`) to name it (`ref`) without a query per row."""

    slug: str
    label: object  # a lazy translated string
    model_path: str  # "app_label.ModelName"
    plan_path: str | None
    order: tuple[str, ...]
    select: tuple[str, ...] = ()
    ref: object = None  # callable(record) -> str

    @property
    def model(self) -> type[Model]:
        from django.apps import apps

        return apps.get_model(self.model_path)

    @property
    def fields(self) -> tuple[str, ...]:
        return translated_fields(self.model)

    def field_label(self, field: str) -> str:
        return str(self.model._meta.get_field(field).verbose_name)

    def name(self, obj: Model) -> str:
        return self.ref(obj) if self.ref else str(obj.pk)

    def records(self, plan=None):
        qs = self.model._default_manager.all()
        if self.select:
            qs = qs.select_related(*self.select)
        if plan is not None and self.plan_path:
            qs = qs.filter(**{self.plan_path: plan})
        return qs.order_by(*self.order, "pk")


def _kinds() -> dict[str, Kind]:
    from django.utils.translation import gettext_lazy as _

    kinds = [
        Kind("plan", _("Action Plan"), "actions.ActionPlan", "pk", ("-start_year",),
             ref=lambda o: o.slug),
        Kind("areas", _("Priority area titles"), "actions.PriorityArea", "plan", ("plan", "order"),
             ref=lambda o: o.numeral),
        Kind("actions", _("Action texts"), "actions.Action", "area__plan",
             ("area__plan", "area__order", "number"), select=("area",), ref=lambda o: o.code),
        Kind("items", _("Action item texts"), "actions.ActionItem", "action__area__plan",
             ("action__area__plan", "action__area__order", "action__number", "letter"),
             select=("action__area",), ref=lambda o: f"{o.action.code} {o.letter}"),
        Kind("financing", _("Financing sources"), "actions.FinancingSource", "plan", ("plan", "order"),
             ref=lambda o: str(o.order)),
        Kind("party-names", _("Party names as the plan writes them"), "actions.PartyName", "plan",
             ("plan", "party__order", "party__code"), select=("party",), ref=lambda o: o.party.code),
        Kind("review-criteria", _("Review criteria"), "evaluation.ReviewCriterion", "plan",
             ("plan", "order"), ref=lambda o: o.code),
        Kind("report-conclusions", _("Conclusions and recommendations of reports"),
             "evaluation.ReportConclusions", "plan", ("plan", "kind", "-year"),
             ref=lambda o: f"{o.kind} {o.year}"),
        Kind("groups", _("Geographic groups"), "parties.GeographicGroup", None, ("code",),
             ref=lambda o: o.code),
        Kind("parties", _("Parties (today's names)"), "parties.Party", None, ("code",), ref=lambda o: o.code),
        Kind("partners", _("Partner organisations"), "parties.PartnerOrganisation", None, ("acronym",),
             ref=lambda o: o.acronym),
        Kind("meetings", _("Meeting titles"), "meetings.Meeting", None, ("-starts_at",),
             ref=lambda o: f"{o.starts_at:%Y-%m-%d}"),
        Kind("agenda", _("Agenda items"), "meetings.AgendaItem", None,
             ("-meeting__starts_at", "meeting", "order"), select=("meeting",),
             ref=lambda o: f"{o.meeting.starts_at:%Y-%m-%d} #{o.order}"),
        Kind("decisions", _("Decisions and recommendations"), "meetings.Decision", None,
             ("-meeting__starts_at", "meeting", "pk"), select=("meeting",),
             ref=lambda o: f"{o.meeting.starts_at:%Y-%m-%d} #{o.pk}"),
        Kind("minutes", _("Minutes of meetings"), "meetings.Minutes", None, ("-meeting__starts_at",),
             select=("meeting",), ref=lambda o: f"{o.meeting.starts_at:%Y-%m-%d}"),
    ]  # fmt: skip
    return {k.slug: k for k in kinds}


_KINDS: dict[str, Kind] | None = None


def kinds() -> dict[str, Kind]:
    """{slug: Kind} for every translated model, in the order the status page shows them."""
    global _KINDS
    if _KINDS is None:
        _KINDS = _kinds()
    return _KINDS


def kind_of(slug: str) -> Kind | None:
    return kinds().get(slug)


def _status_subquery(kind: Kind, field: str):
    from django.db.models import OuterRef, Subquery

    ct = ContentType.objects.get_for_model(kind.model)
    return Subquery(
        TranslationStatus.objects.filter(content_type=ct, object_id=OuterRef("pk"), field=field).values(
            "status"
        )[:1]
    )


def _has(field: str, lang: str):
    from django.db.models import Q

    name = column(field, lang)
    return Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})


def state_q(kind: Kind, field: str, state: str):
    """Records whose text of `field` is in `state` (a text with no English is not a text). Needs the
    alias `_st_<field>` (`with_states`)."""
    from django.db.models import Q

    english = _has(field, SOURCE)
    russian = _has(field, "ru")
    st = f"_st_{field}"
    if state == MISSING:
        return english & ~russian
    if state == OFFICIAL:
        return english & russian & Q(**{st: TranslationStatus.Status.OFFICIAL})
    if state == REVIEW:
        return english & russian & Q(**{st: TranslationStatus.Status.REVIEW})
    if state == WORKING:
        return (
            english & russian & (Q(**{f"{st}__isnull": True}) | Q(**{st: TranslationStatus.Status.WORKING}))
        )
    if state == "unreviewed":
        return (
            english & russian & (Q(**{f"{st}__isnull": True}) | ~Q(**{st: TranslationStatus.Status.OFFICIAL}))
        )
    return english


def with_states(kind: Kind, queryset):
    """The queryset with each field's status read beside each record (`_st_<field>`), not selected."""
    return queryset.alias(**{f"_st_{f}": _status_subquery(kind, f) for f in kind.fields})


def records_in_state(kind: Kind, state: str, plan=None):
    """The records of a kind with at least one text in `state` ("all": every record with a text)."""
    from django.db.models import Q

    any_field = Q()
    for field in kind.fields:
        any_field |= state_q(kind, field, state)
    return with_states(kind, kind.records(plan)).filter(any_field)


def counts(kind: Kind) -> dict:
    """{plan id or None: {"texts", "missing", "working", "review", "official"}} for one kind, in one
    aggregate query whatever the number of records: a text is one field of one record with English."""
    from django.db.models import Count, F

    aggregates = {}
    for field in kind.fields:
        aggregates[f"{field}__texts"] = Count("pk", filter=state_q(kind, field, "all"))
        for state in STATES:
            aggregates[f"{field}__{state}"] = Count("pk", filter=state_q(kind, field, state))
    # A plain QuerySet: modeltranslation's own `values()` selects every column, splitting the groups.
    qs = with_states(kind, QuerySet(kind.model))
    if kind.plan_path:
        rows = qs.values(_plan=F(kind.plan_path)).annotate(**aggregates).order_by()
    else:
        rows = [qs.aggregate(**aggregates)]
    result = {}
    for row in rows:
        plan = row.get("_plan") if kind.plan_path else None
        total = dict.fromkeys(("texts", *STATES), 0)
        for field in kind.fields:
            for key in total:
                total[key] += row[f"{field}__{key}"] or 0
        result[plan] = total
    return result


def text_state(obj: Model, field: str, status: str | None) -> str | None:
    """The state of one text: missing, working, review or official; None when it has no English."""
    if not text_in(obj, field, SOURCE):
        return None
    if not text_in(obj, field, "ru"):
        return MISSING
    return status or WORKING


def text_version(state: TranslationStatus | None) -> int:
    """The version an editor carries for a text: its status row's, or the one a new row starts at."""
    return state.version if state is not None else TranslationStatus._meta.get_field("version").default


def translations_edit(obj: Model, changes: dict[str, dict], *, by) -> list[TranslationStatus]:
    """Save a person's edits of several texts of one record at once: `changes` is
    {field: {"ru", "status", "version"}}, only the texts the person changed. Each text's status row
    is locked and its version compared (core.concurrency.locked_for_edit): when any text changed
    since the editor was opened, core.concurrency's StaleEdit is raised (its `texts`:
    {field: that text's status row now}) and nothing is written. Each text saved keeps
    its revision (`translation_save`)."""
    from core.concurrency import StaleEdit, locked_for_edit

    ct = ContentType.objects.get_for_model(type(obj))
    with transaction.atomic():
        stale = {}
        for field, change in changes.items():
            state, _created = TranslationStatus.objects.get_or_create(
                content_type=ct, object_id=obj.pk, field=field
            )
            try:
                locked_for_edit(TranslationStatus, state.pk, change["version"], bump=False)
            except StaleEdit as error:
                stale[field] = error.current
        if stale:
            error = StaleEdit(next(iter(stale.values())))
            error.texts = stale
            raise error
        return [
            translation_save(obj, field, ru=change["ru"], status=change["status"], by=by)
            for field, change in changes.items()
        ]
