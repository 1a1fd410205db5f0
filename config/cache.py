"""Redis as the cache, where Redis being unreachable is a miss rather than a failed page.

The cache holds sign-in and link rate limits, used TOTP codes and rendered PDFs. If Redis goes
away, staff must still be able to sign in and practitioners to use their links: each operation
that cannot reach Redis logs a warning and answers as an empty cache would (rate limits then
count nothing until Redis is back; sessions live in the database and are unaffected).
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
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


class TolerantRedisCache(RedisCache):
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
