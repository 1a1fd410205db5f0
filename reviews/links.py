"""Personal links: an unguessable secret in the URL, only its hash in the database."""

import hashlib
import secrets


def new_token():
    """A fresh secret for a link, and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def grant(request, purpose, object_id):
    """After a link's POST: this browser may act for that one object, without the token in the URL."""
    request.session.cycle_key()
    request.session[f"link:{purpose}"] = object_id


def granted(request, purpose):
    return request.session.get(f"link:{purpose}")


def too_many_bad_links(request, limit=20, window=600):
    """Count a bad token from this address; True once it has tried too many in the window."""
    from django.core.cache import cache

    key = f"bad-link:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def is_limited(request, limit=20):
    from django.core.cache import cache

    return (cache.get(f"bad-link:{request.META.get('REMOTE_ADDR', '')}") or 0) >= limit
