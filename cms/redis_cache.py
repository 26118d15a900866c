"""Django's Redis cache backend, keeping its Redis client instead of building one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` around the shared
connection pool on every cache operation, and building one fills its table of response
callbacks: a few hundred dictionary writes, about a tenth of a millisecond each time.
The client holds no state of its own beyond the pool, so one per pool serves every call.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
