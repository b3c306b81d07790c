"""The choices of forms that list reference data, cached: the plan's areas, actions and items, the
Parties and their groups, the financing sources and the partner organisations.

A page with the activity filters or the activity form asked the database for each of these lists
on every request (seven queries on the list, nine on the edit page, one per financing line). They
change rarely: each list is cached under the form, the field, the query's shape, the language and a
reference generation (core.caching.generation) that every save or delete of one of these models moves on (wired in
apps.py), so an edit shows on the next request. The choices are taken from the field itself, so
the labels and the order are exactly the field's own. Validating a submitted value still asks the
database, as before.

Each process also keeps the lists it has read in memory, under the same key: a key names one
generation, and a generation is never reused (figures.generation starts a new one at random when
the cache was emptied), so what is kept under it cannot go stale. A warm page then asks the cache
for the generation only, and a form that is validated but not shown (a successful save) not even
that: a widget's list is read when the widget is first rendered.
"""

from __future__ import annotations

import hashlib
from functools import cache as cache_once
from functools import partial

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language

from .caching import generation as generation_of
from .caching import move_on


def reference_models() -> set[str]:
    """The models whose rows are offered as choices and rarely change (settings.REFERENCE_CHOICE_MODELS,
    labels such as "parties.Party"): the project names them, so this module knows no app."""
    return set(settings.REFERENCE_CHOICE_MODELS)


GENERATION_KEY = "choices:generation"
CACHE_SECONDS = 60 * 60
LOCAL_MAX = 512  # lists kept in a process; all are dropped when full (old generations go with them)
_local: dict[str, list[tuple[str, str]]] = {}


def reference_changed(**kwargs) -> None:
    """Signal receiver: every cached list of choices is read afresh."""
    move_on(GENERATION_KEY)


class CachedChoices(BaseChoiceIterator):
    """A widget's choices, read from the cache when the widget is first rendered: a form that is
    only validated (a save that succeeds) never asks for its lists."""

    def __init__(self, load):
        self._load = load
        self._choices = None

    def __iter__(self):
        if self._choices is None:
            self._choices = self._load()
        return iter(self._choices)


def _shape(queryset) -> tuple:
    """What makes one list differ from another of the same field: its model, conditions (with their
    values), order, distinctness, slice, annotations and joins. Cheaper than compiling its SQL (0.1 to
    0.4 ms a field); a condition on a subquery shows the subquery's identity, so it is never shared."""
    q = queryset.query
    return (
        queryset.model._meta.label,
        str(q.where),
        q.order_by,
        q.extra_order_by,
        q.default_ordering,
        q.distinct,
        q.distinct_fields,
        q.low_mark,
        q.high_mark,
        tuple(q.annotations),
        q.select_related,
    )


def _choices_of(form: forms.BaseForm, name: str, field: forms.ModelChoiceField, generation) -> list:
    shape = _shape(field.queryset)
    digest = hashlib.sha256(repr((type(form).__qualname__, name, shape)).encode()).hexdigest()
    key = f"choices:{generation()}:{get_language()}:{digest[:32]}"
    choices = _local.get(key)
    if choices is None:
        choices = cache.get(key)
        if choices is None:
            choices = [(str(value), str(label)) for value, label in field.choices]
            cache.set(key, choices, CACHE_SECONDS)
        if len(_local) >= LOCAL_MAX:
            _local.clear()
        _local[key] = choices
    return choices


def use_cached_choices(form: forms.BaseForm) -> forms.BaseForm:
    """Give each model choice field of reference data its cached list of choices (for rendering)."""
    # Read once per form, and only if one of its lists is rendered.
    generation = cache_once(partial(generation_of, GENERATION_KEY))
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField):  # multiple choice fields are ones too
            continue
        queryset = field.queryset
        if queryset is None or queryset.model._meta.label not in reference_models():
            continue
        field.widget.choices = CachedChoices(partial(_choices_of, form, name, field, generation))
    return form
