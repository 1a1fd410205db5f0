"""Redis as the cache, where Redis being unreachable is a miss rather than a failed page.

The cache holds sign-in and link rate limits, used TOTP codes and rendered PDFs. If Redis goes
away, staff must still be able to sign in and practitioners to use their links: each operation
that cannot reach Redis logs a warning and answers as an empty cache would (rate limits then
count nothing until Redis is back; sessions live in the database and are unaffected).
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _as_a_miss(missing):
    """Wrap a cache operation so that an unreachable Redis gives `missing(args, kwargs)` instead."""

    def wrap(operation):
        @functools.wraps(operation)
        def tolerant(self, *args, **kwargs):
            try:
                return operation(self, *args, **kwargs)
            except UNREACHABLE as error:
                logger.warning(
                    "The cache is unreachable (%s): %s answered as a miss", type(error).__name__, operation.__name__
                )
                return missing(args, kwargs)

        return tolerant

    return wrap


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _not_counted(args, kwargs):
    # As Django does for a key that is not there: callers then start the count again.
    raise ValueError("The cache is unreachable")


class OneClientPerServer(RedisCacheClient):
    """Django's client, keeping one redis.Redis a server rather than making one for every operation.

    Each new redis.Redis copies its table of reply handlers, 0.15 to 0.3 ms: more than the round trip a
    kept page's change stamps cost. A client that draws on a connection pool is safe to share between
    threads; the pool, as before, is Django's, one a server.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerServer

    get = _as_a_miss(_default)(RedisCache.get)
    get_many = _as_a_miss(lambda args, kwargs: {})(RedisCache.get_many)
    has_key = _as_a_miss(lambda args, kwargs: False)(RedisCache.has_key)
    # As if it were added: a lock taken with add() must not spin until it gives up.
    add = _as_a_miss(lambda args, kwargs: True)(RedisCache.add)
    set = _as_a_miss(lambda args, kwargs: None)(RedisCache.set)
    set_many = _as_a_miss(lambda args, kwargs: [])(RedisCache.set_many)
    touch = _as_a_miss(lambda args, kwargs: False)(RedisCache.touch)
    delete = _as_a_miss(lambda args, kwargs: False)(RedisCache.delete)
    delete_many = _as_a_miss(lambda args, kwargs: None)(RedisCache.delete_many)
    incr = _as_a_miss(_not_counted)(RedisCache.incr)
    clear = _as_a_miss(lambda args, kwargs: False)(RedisCache.clear)
