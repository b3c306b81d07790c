"""Cached figures: computed once per generation, and at most once per freshness window."""

from __future__ import annotations

import pytest

from core import caching as figures


@pytest.fixture
def computed():
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    return calls, compute


@pytest.fixture
def clock(settings, monkeypatch):
    """A 30 s freshness window and a clock the test moves on: clock[0] += seconds."""
    settings.FIGURES_FRESH_SECONDS = 30
    now = [1_000_000.0]
    monkeypatch.setattr(figures.time, "time", lambda: now[0])
    return now


def test_a_write_is_seen_at_once_without_a_window(settings, computed):
    settings.FIGURES_FRESH_SECONDS = 0
    calls, compute = computed
    assert figures.cached(("t", "a"), compute) == {"n": 1}
    assert figures.cached(("t", "a"), compute) == {"n": 1}  # from the cache
    assert figures.cached(("t", "b"), compute) == {"n": 2}  # another variant, its own entry
    figures.data_changed()
    assert figures.cached(("t", "a"), compute) == {"n": 3}
    assert len(calls) == 3


def test_within_the_window_a_write_waits_and_after_it_shows(computed, clock):
    calls, compute = computed
    assert figures.cached(("t",), compute) == {"n": 1}
    for _ in range(5):  # a burst of saves, each followed by a reader
        figures.data_changed()
        clock[0] += 5
        assert figures.cached(("t",), compute) == {"n": 1}
    clock[0] += 5  # 30 s after it was computed: the next reader sees the writes
    assert figures.cached(("t",), compute) == {"n": 2}
    assert figures.cached(("t",), compute) == {"n": 2}  # and, no write since, it stays cached
    clock[0] += 100
    assert figures.cached(("t",), compute) == {"n": 2}  # unchanged data is not recomputed
    assert len(calls) == 2


def test_the_generation_survives_an_evicted_key(computed):
    calls, compute = computed
    from django.core.cache import cache

    figures.cached(("t",), compute)
    cache.delete(figures.GENERATION_KEY)
    figures.data_changed()  # no key to increment: a new one is set, and it differs
    assert figures.cached(("t",), compute) == {"n": 2}


def test_while_one_request_computes_stale_figures_the_others_are_served_the_stale_ones(computed, clock):
    calls, compute = computed
    from django.core.cache import cache

    assert figures.cached(("t",), compute) == {"n": 1}
    figures.data_changed()
    clock[0] += 31  # stale now
    served_meanwhile = []

    def compute_while_another_asks():
        served_meanwhile.append(figures.cached(("t",), compute))  # a second request, meanwhile
        return compute()

    assert figures.cached(("t",), compute_while_another_asks) == {"n": 2}
    assert served_meanwhile == [{"n": 1}]  # the stale figures, without computing them again
    assert len(calls) == 2
    assert cache.get("figures:t:computing") is None  # released: the next stale read computes
    figures.data_changed()
    clock[0] += 31
    assert figures.cached(("t",), compute) == {"n": 3}


def test_a_failed_computation_releases_the_stale_figures_for_the_next_request(computed, clock):
    calls, compute = computed
    figures.cached(("t",), compute)
    figures.data_changed()
    clock[0] += 31

    def broken():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        figures.cached(("t",), broken)
    assert figures.cached(("t",), compute) == {"n": 2}
