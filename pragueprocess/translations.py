"""The secretariat's translation pages: what is missing or unreviewed, per plan and per kind of content
(with counts), a list of each kind with English and Russian side by side, and the editor of one
record's Russian texts with their status and history.

English is edited where the record itself is (the plan's data file, the meeting form, the partner
form); here it is shown, never changed. Every change goes through core.translations (one status row
and one revision per text), stale edits are refused through core.concurrency.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.models import ActionPlan
from core.concurrency import StaleEdit, conflict_context
from core.models import TranslationRevision, TranslationStatus
from core.translations import (
    MISSING,
    OFFICIAL,
    REVIEW,
    SOURCE,
    WORKING,
    counts,
    kind_of,
    kinds,
    records_in_state,
    text_in,
    text_state,
    text_version,
    translation_save,
    translations_edit,
)
from meetings.minutes import minutes_revision_record
from meetings.models import Minutes
from parties.permissions import capability_required

CAPABILITY = "translation.edit"
PAGE = 50
UNREVIEWED, ALL = "unreviewed", "all"
STATE_LABELS = {
    MISSING: gettext_lazy("Missing"),
    UNREVIEWED: gettext_lazy("Unreviewed (working or needs review)"),
    WORKING: gettext_lazy("Working translation"),
    REVIEW: gettext_lazy("Needs review"),
    OFFICIAL: gettext_lazy("Official"),
    ALL: gettext_lazy("All"),
}
COLUMNS = ("texts", MISSING, WORKING, REVIEW, OFFICIAL)


def _kind_or_404(slug: str):
    kind = kind_of(slug)
    if kind is None:
        raise Http404
    return kind


def _statuses(kind, pks) -> dict[tuple[int, str], TranslationStatus]:
    """{(record pk, field): status row} for the records shown: one query."""
    ct = ContentType.objects.get_for_model(kind.model)
    rows = TranslationStatus.objects.filter(content_type=ct, object_id__in=list(pks))
    return {(r.object_id, r.field): r for r in rows}


# --- the status page ----------------------------------------------------------------------------


@require_GET
@capability_required(CAPABILITY)
def status_page(request):
    plans = list(ActionPlan.objects.order_by("-start_year"))
    by_kind = {slug: counts(kind) for slug, kind in kinds().items()}
    empty = dict.fromkeys(COLUMNS, 0)

    def row(kind, plan=None):
        figures = by_kind[kind.slug].get(plan.pk if plan else None, empty)
        base = {"plan": plan.slug} if plan else {}
        cells = []
        for key in COLUMNS:
            state = ALL if key == "texts" else key
            query = urlencode({**base, "state": state})
            cells.append({"key": key, "n": figures[key], "url": f"{_list_url(kind)}?{query}"})
        return {"kind": kind, "cells": cells}

    sections = [
        {"plan": plan, "rows": [row(k, plan) for k in kinds().values() if k.plan_path]} for plan in plans
    ]
    shared = [row(k) for k in kinds().values() if not k.plan_path]
    return render(
        request,
        "pragueprocess/translation_status.html",
        {"sections": sections, "shared": shared, "columns": _column_labels()},
    )


def _column_labels():
    return [
        (key, label)
        for key, label in (
            ("texts", _("Texts")),
            (MISSING, _("Missing")),
            (WORKING, _("Working translation")),
            (REVIEW, _("Needs review")),
            (OFFICIAL, _("Official")),
        )
    ]


def _list_url(kind) -> str:
    return reverse("translations-kind", args=[kind.slug])


# --- the list of one kind -------------------------------------------------------------------------


class ListFilter(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False, choices=STATE_LABELS.items())
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Action Plan"),
        required=False,
        queryset=ActionPlan.objects.order_by("-start_year"),
        to_field_name="slug",
        empty_label=gettext_lazy("Every plan"),
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if not kind.plan_path:
            del self.fields["plan"]


@require_GET
@capability_required(CAPABILITY)
def kind_list(request, kind: str):
    kind = _kind_or_404(kind)
    form = ListFilter(request.GET or None, kind=kind)
    state, plan = UNREVIEWED, None
    if form.is_bound and form.is_valid():
        state = form.cleaned_data.get("state") or UNREVIEWED
        plan = form.cleaned_data.get("plan")
    elif form.is_bound:
        state = None  # a malformed filter lists nothing, never everything
    if not form.is_bound:
        form = ListFilter(initial={"state": state}, kind=kind)
    records = records_in_state(kind, state, plan) if state else kind.model._default_manager.none()
    page = Paginator(records, PAGE).get_page(request.GET.get("page"))
    statuses = _statuses(kind, (o.pk for o in page.object_list))
    rows = []
    for obj in page.object_list:
        for field in kind.fields:
            row_status = statuses.get((obj.pk, field))
            current = text_state(obj, field, row_status.status if row_status else None)
            if current is None or not _in_state(current, state):
                continue
            rows.append(
                {
                    "obj": obj,
                    "name": kind.name(obj),
                    "field": field,
                    "field_label": kind.field_label(field),
                    "en": text_in(obj, field, SOURCE),
                    "ru": text_in(obj, field, "ru"),
                    "state": current,
                    "state_label": STATE_LABELS[current],
                    "key": f"{obj.pk}:{field}",
                }
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pragueprocess/translation_list.html",
        {
            "kind": kind,
            "form": form,
            "page": page,
            "rows": rows,
            "state": state,
            "state_label": STATE_LABELS.get(state, ""),
            "query": query.urlencode(),
            "many_fields": len(kind.fields) > 1,
        },
    )


def _in_state(current: str, wanted: str) -> bool:
    if wanted == ALL:
        return True
    if wanted == UNREVIEWED:
        return current in (WORKING, REVIEW)
    return current == wanted


@require_POST
@capability_required(CAPABILITY)
def mark_official(request, kind: str):
    """Mark the chosen texts official, as they are: one revision per text that was not official yet."""
    kind = _kind_or_404(kind)
    chosen: dict[int, set[str]] = {}
    for key in request.POST.getlist("text"):
        pk, _sep, field = key.partition(":")
        if pk.isdigit() and field in kind.fields:
            chosen.setdefault(int(pk), set()).add(field)
    statuses = _statuses(kind, chosen)
    marked = 0
    for obj in kind.model._default_manager.filter(pk__in=chosen):
        for field in sorted(chosen[obj.pk]):
            row = statuses.get((obj.pk, field))
            if text_state(obj, field, row.status if row else None) in (WORKING, REVIEW):
                translation_save(obj, field, ru=text_in(obj, field, "ru"), status=OFFICIAL, by=request.user)
                marked += 1
    messages.success(
        request,
        ngettext("%(n)s text marked as official.", "%(n)s texts marked as official.", marked) % {"n": marked},
    )
    back = request.POST.get("next", "")
    if not back.startswith(_list_url(kind)):
        back = _list_url(kind)
    return redirect(back)


# --- the editor of one record ---------------------------------------------------------------------


class TextForm(forms.Form):
    """The Russian of one text, its status and the version the editor was opened at."""

    ru = forms.CharField(required=False, strip=True)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=TranslationStatus.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, model_field, label, **kwargs):
        super().__init__(*args, **kwargs)
        ru = self.fields["ru"]
        ru.label = _("%(field)s in Russian") % {"field": label}
        if model_field.max_length:
            ru.max_length = model_field.max_length
            ru.validators.append(MaxLengthValidator(model_field.max_length))
        rows = 2 if model_field.max_length and model_field.max_length <= 300 else 6
        ru.widget = forms.Textarea(attrs={"rows": rows, "lang": "ru"})
        if model_field.max_length:
            ru.widget.attrs["maxlength"] = model_field.max_length

    def clean(self):
        data = super().clean()
        if not data.get("ru") and data.get("status") == TranslationStatus.Status.OFFICIAL:
            self.add_error("status", _("A missing text cannot be official: write its Russian first."))
        return data


def _record_or_404(kind, pk: int):
    try:
        return kind.records().get(pk=pk)
    except kind.model.DoesNotExist:
        raise Http404 from None


def _forms(kind, obj, statuses, data=None):
    result = []
    for field in kind.fields:
        if not text_in(obj, field, SOURCE) and not text_in(obj, field, "ru"):
            continue  # no English: nothing to translate
        row = statuses.get((obj.pk, field))
        initial = {
            "ru": text_in(obj, field, "ru"),
            "status": row.status if row else TranslationStatus.Status.WORKING,
            "version": text_version(row),
        }
        form = TextForm(
            data,
            prefix=field,
            initial=initial,
            model_field=kind.model._meta.get_field(f"{field}_ru"),
            label=kind.field_label(field).capitalize(),
        )
        result.append({"field": field, "form": form, "initial": initial, "row": row})
    return result


def _changed(entry) -> bool:
    data, initial = entry["form"].cleaned_data, entry["initial"]
    return (data.get("ru") or "") != initial["ru"] or data.get("status") != initial["status"]


@require_http_methods(["GET", "POST"])
@capability_required(CAPABILITY)
def edit(request, kind: str, pk: int):
    kind = _kind_or_404(kind)
    obj = _record_or_404(kind, pk)
    statuses = _statuses(kind, [obj.pk])
    entries = _forms(kind, obj, statuses, request.POST if request.method == "POST" else None)
    conflict, status = None, 200
    if request.method == "POST":
        if all(e["form"].is_valid() for e in entries):
            changes = {
                e["field"]: {
                    "ru": e["form"].cleaned_data["ru"],
                    "status": e["form"].cleaned_data["status"],
                    "version": e["form"].cleaned_data["version"],
                }
                for e in entries
                if _changed(e)
            }
            try:
                with transaction.atomic():
                    translations_edit(obj, changes, by=request.user)
                    if isinstance(obj, Minutes) and "text" in changes:
                        # the minutes keep this text as a revision, and their editors see the change
                        minutes_revision_record(minutes_pk=obj.pk, by=request.user)
            except StaleEdit as stale:
                conflict, status = _conflict(kind, obj, entries, stale.texts), 409
            else:
                if changes:
                    messages.success(request, _("Translation saved."))
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect(request.get_full_path())
        else:
            status = 200
    return render(
        request,
        "pragueprocess/translation_edit.html",
        {
            "kind": kind,
            "obj": obj,
            "name": kind.name(obj),
            "entries": [_entry_view(kind, obj, e) for e in entries],
            "history": _history(kind, obj, statuses),
            "conflict": conflict,
            "list_url": _list_url(kind),
        },
        status=status,
    )


def _entry_view(kind, obj, entry) -> dict:
    return {
        **entry,
        "label": kind.field_label(entry["field"]).capitalize(),
        "en": text_in(obj, entry["field"], SOURCE),
    }


def _conflict(kind, obj, entries, current: dict[str, TranslationStatus]) -> dict:
    """One conflict screen for every text that changed meanwhile: the saved text beside the person's,
    their input kept, each stale text's version moved on so that saving again overwrites knowingly."""
    fresh = kind.model._default_manager.get(pk=obj.pk)
    merged = None
    for entry in entries:
        state = current.get(entry["field"])
        if state is None:
            continue
        form = entry["form"]
        label = kind.field_label(entry["field"]).capitalize()
        extra = [
            {
                "label": _("%(field)s in Russian") % {"field": label},
                "theirs": text_in(fresh, entry["field"], "ru"),
                "mine": form.cleaned_data.get("ru") or "",
            }
        ]
        one = conflict_context(state, form, ["status"], extra_rows=extra)
        for r in one["rows"]:
            if r["label"] == state._meta.get_field("status").verbose_name:
                r["label"] = f"{label}: {r['label']}"
        if merged is None:
            merged = one
        else:
            merged["rows"].extend(one["rows"])
    return merged


def _history(kind, obj, statuses) -> list[dict]:
    """Every revision of the record's texts, newest first: one query."""
    by_pk = {row.pk: field for (_pk, field), row in statuses.items()}
    revisions = (
        TranslationRevision.objects.filter(translation_id__in=list(by_pk))
        .select_related("by")
        .order_by("-at", "-pk")
    )
    return [
        {
            "rev": rev,
            "field_label": kind.field_label(by_pk[rev.translation_id]).capitalize(),
            "status_label": rev.get_status_display(),
        }
        for rev in revisions
    ]
