"""The current plan as every page's footer names it, at no query per page.

Each process keeps the current plan (actions.selectors.plan_current) in memory, under a generation
kept in the shared cache: saving or deleting a plan, or a revision of one of its translated texts,
moves the generation on (wired in apps.py). Once the change is committed, the process that made it
reads the plan afresh (the query is the writer's, not the next page's) and every other process does
on its next page. A page then asks the cache for the generation only.

Only a plan read outside a transaction is kept: one read inside a transaction that is later rolled
back would outlive it. So inside the transaction that changes a plan, each page reads the plan (it
sees the change at once); after the commit, the plan is kept again.

When the cache was emptied, the generation is gone and no plan was saved since (a save would have
set a new one): what the process keeps still holds. A process reads the plan once when it has none
yet (its first page, or `migrate`'s end, post_migrate, for a process that runs one)."""

from __future__ import annotations

import copy
import secrets
import threading

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from actions.models import ActionPlan
from actions.selectors import plan_current
from core.caching import move_on

GENERATION_KEY = "plan:current:generation"
_kept: dict[str, tuple[int, ActionPlan | None]] = {}
_lock = threading.Lock()


def _generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.randbits(48), None)
        value = cache.get(GENERATION_KEY)
    return value


def _read(generation: int) -> ActionPlan | None:
    plan = plan_current()
    if not connection.in_atomic_block:
        with _lock:
            # A copy: a view that changes its own plan object does not change what every page shows.
            _kept["plan"] = (generation, copy.copy(plan))
    return plan


def footer_plan() -> ActionPlan | None:
    """The current plan, or None when no plan is loaded; a query only when it changed."""
    generation = cache.get(GENERATION_KEY)
    kept = _kept.get("plan")
    if generation is None:
        generation = _generation()
        if kept is not None:
            with _lock:
                _kept["plan"] = (generation, kept[1])
            return kept[1]
    if kept is not None and kept[0] == generation:
        return kept[1]
    return _read(generation)


def plan_changed(**kwargs) -> None:
    """Signal receiver: a plan was saved or deleted. The pages of this transaction read the plan
    afresh; once it is committed, every process does, and this one keeps it at once."""
    move_on(GENERATION_KEY)
    transaction.on_commit(_committed)


def _committed() -> None:
    move_on(GENERATION_KEY)  # a process that read the plan before the commit reads it again
    try:
        _read(_generation())
    except DatabaseError:  # no plan table yet (a migration in progress): read on the next page
        _kept.pop("plan", None)


def plan_text_changed(sender, instance, **kwargs) -> None:
    """Signal receiver for a translation revision: a plan's Russian (or English) text changed."""
    from django.contrib.contenttypes.models import ContentType

    if instance.translation.content_type_id == ContentType.objects.get_for_model(ActionPlan).pk:
        plan_changed()


def migrated(**kwargs) -> None:
    """Signal receiver for post_migrate: the process that migrated reads the plan now."""
    plan_changed()
