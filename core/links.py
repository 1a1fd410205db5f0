"""Personal links: the one mechanism behind every link sent to someone without an account.

A link carries `secrets.token_urlsafe(32)`; only its SHA-256 is stored, unique. Every link expires
and can be revoked; issuing a new one (rotating) revokes the old. Each model that carries a link
inherits `PersonalLink`; each app describes its kind of link with a `LinkKind` (where its pages
are, and its own rule for when the link is open) and gets from here:

- `issue`, `revoke`, `lookup`: the service, each change audited;
- `start_view(kind)`: the one page a link opens. GET and HEAD show a neutral page and change nothing
  (mail scanners open every link); the button's POST opens a session bound to the link's hash and
  redirects to an address without the token; never cached; any other method refused;
- `holder(kind)`: the decorator for the pages behind the link, which refuse any browser whose link
  has since been rotated, revoked, expired or closed.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import audit
from core.stamps import StampedQuerySet

logger = logging.getLogger(__name__)

# A browser opened by a personal link keeps it open this long without use.
LINK_SESSION_SECONDS = 2 * 60 * 60
# Longer than any token this module makes: anything longer is not worth hashing.
MAX_TOKEN_LENGTH = 100


def new_token():
    """A fresh secret for a link, and the hash to store in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class LinkQuerySet(StampedQuerySet):
    def live(self, now=None):
        """Links not revoked and not expired (an app's own rule may close them sooner)."""
        return self.filter(
            token_hash__isnull=False, token_revoked_at__isnull=True, token_expires_at__gt=now or timezone.now()
        )


class PersonalLink(models.Model):
    """A row that someone reaches by a personal link: the link's hash, its expiry, its revocation."""

    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField("link expires", null=True, blank=True)
    token_revoked_at = models.DateTimeField("link stopped", null=True, blank=True)

    # The name of the session entry a link of this kind opens, and the word its audit entries give.
    link_purpose = ""

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            # A link that was issued always has an expiry.
            models.CheckConstraint(
                condition=Q(token_hash__isnull=True) | Q(token_expires_at__isnull=False),
                name="%(app_label)s_%(class)s_link_expires",
            ),
        ]

    def link_partnership(self):
        """The partnership the link belongs to, for its audit entries."""
        raise NotImplementedError

    def link_works(self, now=None):
        """Issued, not revoked, not expired. Each app adds its own rule in its LinkKind."""
        return (
            self.token_hash is not None
            and self.token_revoked_at is None
            and self.token_expires_at is not None
            and self.token_expires_at > (now or timezone.now())
        )


def issue(link, *, expires_at, request=None, actor=None, actor_label="", action=None, **detail):
    """Give `link` a new secret (the old one, if any, stops working at once); returns the token for the email.

    Audited as `action`, by default "link.issued", or "link.rotated" when it replaces a link.
    """
    rotated = link.token_hash is not None
    token, link.token_hash = new_token()
    link.token_expires_at = expires_at
    link.token_revoked_at = None
    link.save(update_fields=["token_hash", "token_expires_at", "token_revoked_at"])
    _record(action or ("link.rotated" if rotated else "link.issued"), link, request, actor, actor_label, detail)
    return token


def revoke(link, *, request=None, actor=None, actor_label="", action="link.revoked", **detail):
    """Stop a link at once, here and in every browser it opened. False if it had already stopped."""
    stopped = (
        type(link)
        .objects.filter(pk=link.pk, token_hash__isnull=False, token_revoked_at__isnull=True)
        .update(token_revoked_at=timezone.now())
    )
    if stopped:
        _record(action, link, request, actor, actor_label, detail)
    return bool(stopped)


def revoke_all(queryset, now=None):
    """Stop every link in `queryset` (the caller audits the act that closes them all, once)."""
    return queryset.filter(token_hash__isnull=False, token_revoked_at__isnull=True).update(
        token_revoked_at=now or timezone.now()
    )


def _record(action, link, request, actor, actor_label, detail):
    if actor is None and actor_label:
        detail["actor_label"] = actor_label
    if action.startswith("link."):
        # A generic entry says which kind of link it was; an app's own action name already does.
        detail["purpose"] = link.link_purpose
    audit.record(action, request=request, actor=actor, partnership=link.link_partnership(), obj=link, **detail)


@dataclass(frozen=True)
class LinkKind:
    """What one app's links open: its model's rows, its pages, and its own rule for when a link is open."""

    # The rows, with what the pages show (select_related), of a PersonalLink model.
    queryset: object
    # The page a link opens, shown before the button is pressed: rendered with context(link).
    start_template: str
    # The one page for a link that does not work, whatever the reason (status 404, 403 or 429).
    unavailable_template: str
    # Where the button's POST leads: a URL name without the token.
    landing: str
    # The app's own rule, on top of expiry and revocation: is_open(link, now) -> bool.
    is_open: object = None
    # The start page's context: context(link) -> dict.
    context: object = None
    # Who holds the link, as the audit log names them: holder_label(link) -> str.
    holder_label: object = None
    # Anything else the app records when its link is opened: on_open(link, request).
    on_open: object = None

    @property
    def purpose(self):
        return self.queryset.model.link_purpose

    def rows(self):
        return self.queryset.all()

    def works(self, link, now=None):
        now = now or timezone.now()
        return link.link_works(now) and (self.is_open is None or self.is_open(link, now))

    def unavailable(self, request, status):
        return render(request, self.unavailable_template, status=status)


def lookup(kind, token, now=None):
    """The row a link's token belongs to, while the link works; None for any other token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = kind.rows().filter(token_hash=hash_token(token)).first()
    if link is None or not kind.works(link, now):
        return None
    return link


def grant(request, link):
    """After a link's POST: this browser may act for that one row, without the token in the URL.

    The session remembers the link's hash too, so rotating or stopping the link closes it here as well.
    """
    request.session.cycle_key()
    request.session[f"link:{link.link_purpose}"] = {"id": link.pk, "hash": link.token_hash}
    if not request.user.is_authenticated:
        request.session.set_expiry(LINK_SESSION_SECONDS)


def granted(request, kind, now=None):
    """The row this browser was granted, while its link is the same one and still works; otherwise None."""
    grant_ = request.session.get(f"link:{kind.purpose}")
    if not isinstance(grant_, dict):
        return None
    link = kind.rows().filter(pk=grant_.get("id")).first()
    if link is None or not link.token_hash or not hmac.compare_digest(link.token_hash, str(grant_.get("hash"))):
        return None
    return link if kind.works(link, now) else None


def forget(request, kind):
    request.session.pop(f"link:{kind.purpose}", None)


def start_view(kind):
    """The page every link of `kind` opens (see the module's docstring)."""

    @never_cache
    @require_http_methods(["GET", "HEAD", "POST"])
    def start(request, token):
        # Only a bad token counts against an address, and a working link always opens: a council
        # or a mail scanner behind one address must not lock its own people out.
        link = lookup(kind, token)
        if link is None:
            if too_many_bad_links(request):
                return kind.unavailable(request, 429)
            return kind.unavailable(request, 404)
        request.partnership = link.link_partnership()
        if request.method == "POST":
            grant(request, link)
            label = kind.holder_label(link) if kind.holder_label else "link holder"
            _record("link.opened", link, request, None, label, {})
            if kind.on_open:
                kind.on_open(link, request)
            return redirect(kind.landing)
        context = kind.context(link) if kind.context else {}
        return render(request, kind.start_template, {"link": link, **context})

    return start


def holder(kind):
    """For a page behind a link: the view gets the row this browser's link opened; anyone else the refusal."""

    def decorate(view):
        @wraps(view)
        @never_cache
        def wrapper(request, *args, **kwargs):
            link = granted(request, kind)
            if link is None:
                return kind.unavailable(request, 403)
            request.partnership = link.link_partnership()
            return view(request, link, *args, **kwargs)

        return wrapper

    return decorate


# Rate limits: a guessed or stale token costs the address that tried it.


def _count(key, window):
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
    """Count a bad token from this address; True once it has tried too many in the window.

    The first refusal of a window is audited and every one logged, with the address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    count = _count(f"limit:bad-link:{address}", window)
    if count <= limit:
        return False
    logger.warning("Personal link refused: too many bad links from %s (%d in %d s)", address, count, window)
    if count == limit + 1:
        audit.record("link.throttled", request=request, actor_label="unknown visitor", bad_links=count)
    return True


def is_limited(request, limit=20):
    """Has this address had more than `limit` bad tokens refused in the window? (A valid link still opens.)"""
    return (cache.get(f"limit:bad-link:{request.META.get('REMOTE_ADDR', '')}") or 0) > limit
