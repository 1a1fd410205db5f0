"""Numbered document versions: the one mechanism behind the confidential summary's versions and the
draft report's.

A version is numbered 1..N under its parent (an event, a review) and never changes once stored.
Each app's model inherits `NumberedVersion` and keeps its own parent, its own sources and its own
folder for files; each app checks its content by its own rules, then calls:

- `add_version`: lock the parent, take the next number, store an uploaded PDF under a generated
  name, save, run the app's own steps in the same transaction, lay the version out once after
  commit; if anything fails, the stored file is deleted;
- `cached_pdf`: a version's rendered PDF, made once and kept (encrypted) in the cache;
- `NumberedVersion.file_bytes`: an uploaded file's bytes, as they were uploaded.
"""

import base64
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from core import crypto
from core.crypto import EncryptedTextField

# How long a version's rendered PDF is kept for the next reader (versions never change).
PDF_CACHE_SECONDS = 7 * 24 * 3600


class NumberedVersion(models.Model):
    """One numbered version of a document. Each subclass adds its parent (a foreign key with a unique
    constraint on parent and number), its `source` choices, and overrides `file` to name its folder."""

    number = models.PositiveSmallIntegerField()
    # Sanitised HTML as the app stores it; empty for a version that is only an uploaded file.
    body_html = EncryptedTextField(blank=True)
    # An uploaded file, stored under a generated name outside the web root.
    file = models.FileField(blank=True)
    original_filename = models.CharField(max_length=200, blank=True)
    # When the names check (core.names) last ran on it: a version is shared only once it has passed.
    name_check_at = models.DateTimeField("names check run", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-number"]

    def file_bytes(self):
        """The uploaded file's bytes, exactly as they were uploaded."""
        with self.file.open("rb") as stored:
            return stored.read()


def add_version(parents, parent_pk, versions, *, build, pdf=None, after_save=None, render=None):
    """Store the parent's next numbered version and return it, saved.

    `parents` is the parent's queryset (with whatever `select_related` the callbacks need),
    `parent_pk` the parent's key and `versions` the name of its versions' related manager
    ("summary_versions"). In one transaction: the parent's row is locked; `build(locked_parent,
    number)` returns the unsaved version numbered one past the last (it may raise to refuse, now
    that the parent is locked); `pdf`, if given, is stored as the version's file under a generated
    name; the version is saved; `after_save(locked_parent, version)` does the app's own steps (its
    audit entry and anything that must happen with the version, or not at all). After commit, a
    version without an uploaded PDF (the PDF is its own layout) is laid out once by `render(version)`,
    so that the first reader does not wait; a failure there only costs that wait. If anything fails,
    the stored file is deleted and the error raised again.
    """
    version = stored = None
    try:
        with transaction.atomic():
            locked = parents.select_for_update().get(pk=parent_pk)
            last = getattr(locked, versions).aggregate(last=Max("number"))["last"] or 0
            version = build(locked, last + 1)
            if pdf is not None:
                version.file.save(f"{uuid.uuid4()}.pdf", ContentFile(pdf), save=False)
                stored = version.file.name
            version.save()
            if after_save is not None:
                after_save(locked, version)
            if render is not None and pdf is None:
                transaction.on_commit(lambda: render(version), robust=True)
    except BaseException:
        if stored:
            version.file.storage.delete(stored)
        raise
    return version


def cached_pdf(key_prefix, version, body, render):
    """The PDF `render()` makes of a version whose content is `body`, made once and kept in the cache.

    Laying out a long document takes WeasyPrint seconds, longer than a reader should wait; only the
    stamp differs between readers, so each reader's copy is this plus a merged stamp. Kept encrypted
    under "{key_prefix}:{version pk}:{hash of body}"; a copy encrypted under a retired key is
    rendered afresh.
    """
    key = f"{key_prefix}:{version.pk}:{hashlib.sha256(body.encode()).hexdigest()[:16]}"
    if (cached := cache.get(key)) is not None:
        try:
            return base64.b64decode(crypto.decrypt(cached))
        except ValueError:
            pass  # encrypted under a key since retired: render afresh
    pdf = render()
    cache.set(key, crypto.encrypt(base64.b64encode(pdf).decode()), PDF_CACHE_SECONDS)
    return pdf
