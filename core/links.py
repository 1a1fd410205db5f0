"""Personal links: an unguessable secret in the URL, only its hash in the database."""

import hashlib
import hmac
import secrets


def new_token():
    """A fresh secret for a link, and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


# A browser opened by a personal link keeps it open this long without use.
LINK_SESSION_SECONDS = 2 * 60 * 60


def grant(request, purpose, obj):
    """After a link's POST: this browser may act for that one object, without the token in the URL.

    The session remembers the link's hash too, so rotating or stopping the link closes it here as well.
    """
    request.session.cycle_key()
    request.session[f"link:{purpose}"] = {"id": obj.pk, "hash": obj.token_hash}
    if not request.user.is_authenticated:
        request.session.set_expiry(LINK_SESSION_SECONDS)


def granted(request, purpose, queryset):
    """The object this browser was granted, while its link is the same one; otherwise None."""
    grant_ = request.session.get(f"link:{purpose}")
    if not isinstance(grant_, dict):
        return None
    obj = queryset.filter(pk=grant_.get("id")).first()
    if obj is None or not obj.token_hash or not hmac.compare_digest(obj.token_hash, str(grant_.get("hash"))):
        return None
    return obj


def forget(request, purpose):
    request.session.pop(f"link:{purpose}", None)


def _count(key, window):
    from django.core.cache import cache

    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def too_many(bucket, limit, window):
    """Count one attempt in `bucket`; True once there have been more than `limit` in the window."""
    return _count(f"limit:{bucket}", window) > limit


def too_many_bad_links(request, limit=20, window=600):
    """Count a bad token from this address; True once it has tried too many in the window."""
    return too_many(f"bad-link:{request.META.get('REMOTE_ADDR', '')}", limit, window)


def is_limited(request, limit=20):
    from django.core.cache import cache

    return (cache.get(f"limit:bad-link:{request.META.get('REMOTE_ADDR', '')}") or 0) >= limit
