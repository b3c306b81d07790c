"""The loaded plans, read once per process: the footer's current plan, the plan a URL names, the
plan switcher's choices and "are several plans loaded" cost no query on a page.

Plans are few and change rarely. Each process keeps every plan (newest first) in memory, under a
generation kept in the shared cache: saving or deleting a plan, or a revision of one of its
translated texts, moves the generation on (wired in apps.py). Once the change is committed, the
process that made it reads the plans afresh (the query is the writer's, not the next page's) and
every other process does on its next page. A page then asks the cache for the generation only.

Only plans read outside a transaction are kept: plans read inside a transaction that is later
rolled back would outlive it. So inside the transaction that changes a plan, each page reads the
plans (it sees the change at once); after the commit, they are kept again.

When the cache was emptied, the generation is gone, and with it any change a process has not seen
yet: each process reads the plans once more and a new generation starts. A process reads the plans
once when it has none yet (its first page, or `migrate`'s end, post_migrate, for a process that
runs one).

Each caller gets its own copies: a view that changes its plan object changes no other page's."""

from __future__ import annotations

import copy
import secrets
import threading

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from core.caching import move_on

from .models import ActionPlan, slugs_for_url

GENERATION_KEY = "plan:current:generation"
_kept: dict[str, tuple[int, tuple[ActionPlan, ...]]] = {}
_lock = threading.Lock()


def _generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.randbits(48), None)
        value = cache.get(GENERATION_KEY)
    return value


def _read(generation: int) -> tuple[ActionPlan, ...]:
    plans = tuple(ActionPlan.objects.order_by("-start_year", "-pk"))
    if not connection.in_atomic_block:
        with _lock:
            _kept["plans"] = (generation, plans)
    return plans


def _plans() -> tuple[ActionPlan, ...]:
    generation = cache.get(GENERATION_KEY)
    kept = _kept.get("plans")
    if generation is not None and kept is not None and kept[0] == generation:
        return kept[1]
    return _read(_generation() if generation is None else generation)


def plans() -> list[ActionPlan]:
    """Every loaded plan, newest first (the plan switcher's choices); a query only when one changed."""
    return [copy.copy(plan) for plan in _plans()]


def current() -> ActionPlan | None:
    """The plan the portal shows by default (the latest loaded), or None when none is loaded."""
    kept = _plans()
    return copy.copy(kept[0]) if kept else None


def several() -> bool:
    """Whether more than one plan is loaded: pages then name the plan of what they list."""
    return len(_plans()) > 1


def by_url_slug(url_slug: str) -> ActionPlan | None:
    """The plan a URL names (its short slug, or its full slug), or None."""
    slugs = slugs_for_url(url_slug)
    for plan in _plans():
        if plan.slug in slugs:
            return copy.copy(plan)
    return None


def by_pk(pk: int) -> ActionPlan | None:
    """The plan of this id (a record's `plan_id`), or None."""
    for plan in _plans():
        if plan.pk == pk:
            return copy.copy(plan)
    return None


def plan_changed(**kwargs) -> None:
    """Signal receiver: a plan was saved or deleted. The pages of this transaction read the plans
    afresh; once it is committed, every process does, and this one keeps them at once."""
    move_on(GENERATION_KEY)
    transaction.on_commit(_committed)


def _committed() -> None:
    move_on(GENERATION_KEY)  # a process that read the plans before the commit reads them again
    try:
        _read(_generation())
    except DatabaseError:  # no plan table yet (a migration in progress): read on the next page
        _kept.pop("plans", None)


def plan_text_changed(sender, instance, **kwargs) -> None:
    """Signal receiver for a translation revision: a plan's Russian (or English) text changed."""
    from django.contrib.contenttypes.models import ContentType

    if instance.translation.content_type_id == ContentType.objects.get_for_model(ActionPlan).pk:
        plan_changed()


def migrated(**kwargs) -> None:
    """Signal receiver for post_migrate: the process that migrated reads the plans now."""
    plan_changed()
