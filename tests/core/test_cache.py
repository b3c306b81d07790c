"""The Redis cache production uses (CACHE_URL=redis://…): one client per pool, values round-trip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.cache import RedisCache

ROOT = Path(__file__).resolve().parents[2]


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


def test_a_redis_cache_url_selects_this_backend_and_cached_sessions():
    """Settings read in a fresh process with CACHE_URL naming Redis use this class, and keep
    sessions in it (written through to the database); without it, sessions are in the database."""
    env = {
        **os.environ,
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "DJANGO_SETTINGS_MODULE": "pragueprocess.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == [
        "core.cache.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    env["CACHE_URL"] = "locmemcache://"
    out = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]


SHOW = (
    "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
)


def test_signing_in_and_out_with_sessions_in_the_redis_cache(settings, client, redis_cache, plan):
    """As in production: a session read from Redis, written through, and gone from both on sign-out."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    from tests.factories import UserFactory

    base = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": f"{base}/11"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    UserFactory(username="cached-session", password="A long enough passphrase 1")
    response = client.post(
        "/accounts/login/", {"username": "cached-session", "password": "A long enough passphrase 1"}
    )
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()  # written through
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None  # and kept in Redis
    assert client.get("/activities/").status_code == 200  # read back: signed in
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie no longer signs anyone in
    assert client.get("/activities/").status_code == 302


def test_with_replicas_each_read_gets_the_client_of_the_pool_it_was_given(settings, monkeypatch):
    """Django reads from a replica chosen at random; the shared client must be that replica's."""
    import django.core.cache.backends.redis as django_redis

    base = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    cache = RedisCache([f"{base}/11", f"{base}/12", f"{base}/13"], {})
    picks = iter([1, 2, 2, 1, 2, 1, 1, 2])
    monkeypatch.setattr(django_redis.random, "randint", lambda low, high: next(picks))
    client = cache._cache
    for expected in [1, 2, 2, 1, 2, 1, 1, 2]:
        assert client.get_client().connection_pool is client._pools[expected]
    assert client.get_client(write=True).connection_pool is client._pools[0]
    assert len({id(client.get_client(write=True)), *map(id, client._clients.values())}) == 3
