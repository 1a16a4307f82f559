"""Django's Redis cache, minus the cost of building a redis-py client for every call.

Django's client makes a new `redis.Redis` for each get, set or incr. The object is only a thin
wrapper around a shared connection pool, but building it (redis-py fills a table of response
callbacks each time) was about 6 % of the CPU an accepted booking costs. A client is safe to
share between threads, so one per connection pool serves every call.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if pool not in self._clients:
            self._clients[pool] = self._client(connection_pool=pool)
        return self._clients[pool]


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
