"""The Redis cache production uses (CACHE_URL=redis://…): one client per pool, values round-trip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from pragueprocess.cache import RedisCache


@pytest.fixture
def redis_cache():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "integration tests run on Redis"
    base = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    cache = RedisCache(f"{base}/11", {"KEY_PREFIX": "cache-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_round_trip_through_one_shared_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    redis_cache.set("k", {"a": [1, 2]}, 30)
    assert redis_cache.get("k") == {"a": [1, 2]}
    assert redis_cache.add("n", 5, None) and not redis_cache.add("n", 6, None)
    assert redis_cache.incr("n") == 6
    redis_cache.delete("k")
    assert redis_cache.get("k") is None
    assert redis_cache._cache.get_client(write=True) is client  # made once, not per operation
    assert redis_cache._cache.get_client() is client


def test_a_redis_cache_url_selects_this_backend():
    """Settings read in a fresh process with CACHE_URL naming Redis use this class."""
    env = {
        **os.environ,
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "DJANGO_SETTINGS_MODULE": "pragueprocess.settings",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "pragueprocess.cache.RedisCache"
