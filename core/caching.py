"""Figures that aggregate many rows and change rarely, cached under a data "generation".

The dashboard's figures and the participation matrix's activity counts read every activity; they
are cached, and every write to what they read moves the generation on (`data_changed`, a signal
receiver wired in evaluation/apps.py), so the next request computes them afresh. The time limit
bounds staleness from writes that send no signal (bulk inserts, QuerySet.update()). In production
the cache is shared by every process through Redis (`CACHE_URL`), so a write in one worker is seen
by all.

At a peak (many contact points saving at once) every save would throw the figures away and every
reader would pay for them again. So figures computed less than FIGURES_FRESH_SECONDS ago are served
even when a write has happened since: a write shows at once when the figures are older than that,
and within that many seconds at worst. The figures are computed at most once per that many seconds
per variant, however many writes there are, and by one request at a time: while one computes
stale figures afresh, the others are served the stale ones (not all computing the same at once).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

CACHE_SECONDS = 300
COMPUTING_SECONDS = 60  # a request computing stale figures is waited for at most this long
GENERATION_KEY = "figures:generation"

T = TypeVar("T")


def _fresh_start() -> int:
    """A generation no earlier one is likely to have had: a cache emptied or evicted starts anew
    from here, so nothing kept under an old generation (in Redis, or in a process's memory as
    core.choices does) can be mistaken for current."""
    return secrets.randbits(48)


def generation(key: str = GENERATION_KEY) -> int:
    """The current generation under `key` (this module's figures by default)."""
    value = cache.get(key)
    if value is None:
        value = _fresh_start()
        if not cache.add(key, value, None):  # another process set it first: theirs holds
            value = cache.get(key, value)
    return value


def move_on(key: str) -> None:
    """Move the generation under `key` on: whatever was cached under the old one is stale."""
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value invalidates
        cache.set(key, _fresh_start(), None)


def data_changed(**kwargs) -> None:
    """Signal receiver: every cached figure is computed afresh on its next request."""
    move_on(GENERATION_KEY)


def cached(parts: Iterable[object], compute: Callable[[], T], seconds: int = CACHE_SECONDS) -> T:
    """compute(), cached under the key of `parts`; computed afresh when a write has moved the
    generation on and the cached value is FIGURES_FRESH_SECONDS old or more."""
    key = ":".join(str(part) for part in ("figures", *parts))
    current = generation()
    entry = cache.get(key)
    lock = f"{key}:computing"
    if entry is not None:
        made_in, made_at, value = entry
        if made_in == current or time.time() - made_at < settings.FIGURES_FRESH_SECONDS:
            return value
        # Stale: one request computes them afresh; the others are served the stale figures
        # meanwhile, rather than all computing the same (at a peak, several at once).
        if not cache.add(lock, 1, COMPUTING_SECONDS):
            return value
    try:
        value = compute()
        cache.set(key, (current, time.time(), value), seconds)
    finally:
        if entry is not None:
            cache.delete(lock)
    return value
