"""Change stamps, and the parts of busy pages kept in the cache against them.

A stamp is a short random token kept in the cache under a name: "event:42" (an event, its invitations
and what hangs off them), "review:7", "directory:3" (a partnership's agencies, practitioners and
settings), "outbox:3" (the state of a partnership's emails) and "partnership:3" (anything at all in
the partnership). Every change to what a name covers gives it a new token, so a part of a page kept
under the tokens of everything it shows is found only while none of it has changed. A token the
cache has lost is replaced by a new one, so the worst a lost stamp can do is make the part afresh; a
renewal the cache could not take (Redis unreachable) leaves a part out of date for PART_SECONDS at most.

How changes move stamps, without each service having to remember:

- each app says, for each of its models, which names a row of it moves (`watch`): a lookup from the
  row to its partnership, and to its event or review where a page is kept per event or review;
- Django's signals move them on every save and delete (and on many-to-many changes);
- a watched model's manager is a `StampedQuerySet`, whose update(), bulk_create() and bulk_update()
  move the names of the rows they write.

A stamp moves at once, so that a page asked for later in the same transaction is made afresh, and
again when the transaction commits, so that a page made from the old rows by another request while
the change was being written is never found under the token that follows it.

The parts are kept encrypted (they hold people's names), compressed, for five minutes at most, under a
key that also names the code's release, so a new release never serves a part laid out by the last.
With `CHANGE_STAMPS_CHECK` (on in the tests) every part found in the cache is also made afresh and
compared, and a difference is an error that names the part: a change that moved no stamp fails
wherever a test looks at the page after it.
"""

import difflib
import hashlib
import os
import secrets
import zlib
from functools import cache as memo
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.middleware.csrf import get_token
from django.utils import timezone

from core import crypto

STAMP_SECONDS = 7 * 24 * 3600
# Short enough that a stamp whose renewal the cache lost (Redis unreachable for a moment, answered as a
# miss by the tolerant cache) leaves a page out of date for minutes at most.
PART_SECONDS = 300
# Stands for the CSRF token in a kept part; each request's own token replaces it.
CSRF_MARKER = "csrf-token-of-this-request-3b9d7c"

# model -> {name prefix: lookup from a row to the id the name carries}; "partnership" is always there.
WATCHED = {}


class StalePart(AssertionError):
    """A part found in the cache differs from the part made afresh: a change moved no stamp."""


def watch(model, *, partnership, **scopes):
    """Have every change to a row of `model` move "partnership:<id>" and "<scope>:<id>" for each scope.

    Each value is a lookup from the row, as in `values_list`: "event__review__partnership_id". The
    relations it follows must never change for a row (an invitation never moves to another event).
    """
    WATCHED[model] = {"partnership": partnership, **scopes}
    uid = f"stamps:{model._meta.label_lower}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid)
    # Before the delete: the rows it looks up (a user's memberships) are still there.
    pre_delete.connect(_saved, sender=model, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")


def watch_below(scope, partnership, paths):
    """`watch` each model of `paths` ({model: path to its parent}) under its parent's `scope` name, and its
    partnership as reached from the parent: watch_below("review", "partnership_id", {Action:
    "recommendation__review"}) moves "review:<the action's review>" and that review's partnership."""
    for model, path in paths.items():
        watch(model, partnership=f"{path}__{partnership}", **{scope: f"{path}_id"})


def _saved(sender, instance, **kwargs):
    bump(*names_of(instance))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if type(instance) in WATCHED:
        bump(*names_of(instance))
    if model in WATCHED and pk_set:
        bump(*names_of_rows(model._base_manager.filter(pk__in=pk_set)))


def names_of(instance):
    """The names a change to this row moves."""
    spec = WATCHED.get(type(instance), {})
    # Each lookup once: a user's partnership and directory are both their memberships' partnerships.
    reached = {lookup: _values(instance, lookup) for lookup in set(spec.values())}
    return {f"{prefix}:{value}" for prefix, lookup in spec.items() for value in reached[lookup] if value is not None}


def names_of_rows(queryset):
    """The names a change to these rows moves, in one query (none for a model no app watches, as in migrations)."""
    spec = WATCHED.get(queryset.model)
    if spec is None:
        return set()
    prefixes, lookups = list(spec), list(spec.values())
    names = set()
    for row in queryset.order_by().values_list(*lookups).distinct():
        names.update(f"{prefix}:{value}" for prefix, value in zip(prefixes, row, strict=True) if value is not None)
    return names


def _values(instance, lookup):
    """The values `lookup` reaches from the row: its own attribute, or through a foreign key."""
    if "__" not in lookup:
        return {getattr(instance, lookup)}
    first, rest = lookup.split("__", 1)
    field = instance._meta.get_field(first)
    if field.many_to_one or (field.one_to_one and field.concrete):
        related_id = getattr(instance, field.attname)
        if related_id is None:
            return set()
        if field.is_cached(instance):  # already fetched: no query
            return _values(getattr(instance, first), rest)
        return set(_along(field.related_model, related_id, rest))
    # A reverse relation (a user's memberships): asked of the database as it is now.
    return set(type(instance)._base_manager.filter(pk=instance.pk).values_list(lookup, flat=True))


@lru_cache(maxsize=20_000)
def _along(model, pk, lookup):
    # Kept: the relations followed never change, and PostgreSQL never gives a key out twice.
    return tuple(model._base_manager.filter(pk=pk).values_list(lookup, flat=True))


def forget_relations():
    """Forget the relations followed so far (the tests' databases give keys out again)."""
    _along.cache_clear()


class StampedQuerySet(models.QuerySet):
    """A watched model's queryset: writes that send no signals move the stamps of the rows they write."""

    def update(self, **kwargs):
        names = names_of_rows(self)
        updated = super().update(**kwargs)
        if updated:
            bump(*names)
        return updated

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        bump(*{name for obj in created for name in names_of(obj)})
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        bump(*{name for obj in objs for name in names_of(obj)})
        return updated

    bulk_update.alters_data = True


def bump(*names):
    """Give each name a new token now, and again once the transaction commits."""
    names = {name for name in names if name}
    if not names:
        return
    _renew(names)
    if not connection.in_atomic_block:
        return
    # Each change registers its own hook (a savepoint rolled back drops its hooks with it), and the hooks of
    # one transaction share what they have renewed, so a transaction that deletes 500 rows renews each name once.
    shared = getattr(connection, "_stamps_after_commit", None)
    if shared is None or shared["hooks"] is not connection.run_on_commit:
        shared = connection._stamps_after_commit = {"renewed": set(), "hooks": connection.run_on_commit}

    def after_commit():
        if todo := names - shared["renewed"]:
            shared["renewed"] |= todo
            _renew(todo)

    transaction.on_commit(after_commit, robust=True)


def _renew(names):
    if len(names) == 1:  # most changes (an email's outcome): one command, without a pipeline to build
        cache.set(f"stamp:{next(iter(names))}", secrets.token_hex(6), STAMP_SECONDS)
    else:
        cache.set_many({f"stamp:{name}": secrets.token_hex(6) for name in names}, STAMP_SECONDS)


def tokens(names):
    """The current token of each name, made where the cache has none; None where the cache cannot be reached."""
    keys = [f"stamp:{name}" for name in names]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(6), STAMP_SECONDS)  # another request's new token wins
        found.update(cache.get_many(missing))
    return [found.get(key) for key in keys]


@memo
def release():
    """What names this release of the code: set by the deployment, or else read off its apps' and templates' files."""
    if named := getattr(settings, "CONVENE_RELEASE", ""):
        return named
    base = str(settings.BASE_DIR)
    folders = [
        config.path
        for config in apps.get_app_configs()
        if config.path.startswith(base) and "site-packages" not in config.path
    ]
    folders += [str(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    digest = hashlib.sha256()
    for top in sorted(set(folders)):
        for folder, subfolders, files in os.walk(top):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "__")))
            for file in sorted(files):
                if file.endswith((".py", ".html", ".txt")):
                    status = os.stat(os.path.join(folder, file))
                    digest.update(f"{folder}/{file}:{status.st_size}:{status.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def part(names, variant, make):
    """The HTML `make()` returns, kept against the stamps of `names`; `variant` says what else it depends on.

    `make` renders with CSRF_MARKER for the CSRF token (see `with_csrf`). A part that also depends on
    the time returns (html, until): it is kept only until then.
    """
    stamp = tokens(names)
    if None in stamp:  # no cache to keep it in
        return _made(make())[0]
    key = "part:" + hashlib.sha256(repr((release(), list(names), stamp, variant)).encode()).hexdigest()
    kept = cache.get(key)
    if kept is not None:
        until, sealed = kept
        try:
            html = zlib.decompress(crypto.unseal(sealed)).decode()
        except ValueError:
            html = None  # sealed under a key since retired: made afresh
        if html is not None and (until is None or timezone.now().timestamp() < until):
            if settings.CHANGE_STAMPS_CHECK:
                _check(html, _made(make())[0], names, variant)
            return html
    html, until = _made(make())
    cache.set(key, (until and until.timestamp(), crypto.seal(zlib.compress(html.encode(), 1))), PART_SECONDS)
    return html


def _made(made):
    return made if isinstance(made, tuple) else (made, None)


def _check(kept, fresh, names, variant):
    if kept != fresh:
        diff = difflib.unified_diff(kept.splitlines(), fresh.splitlines(), "kept", "made afresh", lineterm="", n=1)
        raise StalePart(
            f"The part kept for {variant} under {names} is out of date: a change moved none of its stamps.\n"
            + "\n".join(list(diff)[:40])
        )


def with_csrf(html, request):
    """A kept part with this request's CSRF token in place of the marker."""
    # Only where the tag wrote it: escaped text someone typed cannot hold a quotation mark.
    marker = f'value="{CSRF_MARKER}"'
    return html.replace(marker, f'value="{get_token(request)}"') if marker in html else html
