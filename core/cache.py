"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

Django's backend builds a new `redis.Redis` for every get and set: about 0.2 ms of Python each
(it fills the client's table of response callbacks), some fifteen times on an edit page. A client
over a connection pool is safe to share between threads, so each pool's client is made once.
`settings.CACHES` uses this class wherever `CACHE_URL` names Redis.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Keyed by the pool Django chose: with replicas, a read picks one of them at random.
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
