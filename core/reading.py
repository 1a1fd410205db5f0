"""Confidentiality terms before reading: the one mechanism behind every confidential document.

A reader's row (an invitee reading the confidential summary, a checker reading the draft report,
anything later built the same way) inherits `TermsReader`, which records when they accepted the
terms. Each document describes its terms with `Terms` and gets from here:

- `accept(reader, ...)`: records the time once, with an audit entry;
- `terms_view(terms)`: the terms page. GET shows the terms (or, once accepted, goes on to the
  document); a POST with the box ticked records acceptance and goes on; without the tick, an error
  names the box and nothing is recorded;
- `guard(terms)`: for every page and download that shows the document or any part of it: a reader
  who has not accepted is sent to the terms page, and nothing is shown, counted or changed.

Both take the reader as the view's second argument, so each app wraps them in its own way of
finding the reader (usually `links.holder`, which refuses anyone without the link first).
"""

from dataclasses import dataclass
from functools import wraps

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.db import models, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import audit
from core.forms import Form


class TermsReader(models.Model):
    """Someone who reads a confidential document: when they accepted its terms (None until they do)."""

    terms_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Terms:
    """One confidential document's terms: its words, its pages, and how the app records acceptance."""

    # The document as the form names it: "the summary", "the draft report".
    document: str
    # The terms page, rendered with context(reader) and the form.
    template: str
    # URL names (without arguments) of the terms page and of the document's page acceptance leads to.
    terms_page: str
    read_page: str
    # The app's service: accept(reader, request) records acceptance (see `accept`).
    accept: object
    # The page's context: context(reader) -> dict.
    context: object


def accept(reader, *, action, request=None, **audit_detail):
    """Record (once) when `reader` accepted the terms, audited as `action` with `audit_detail`.

    Two presses at once record one time and one entry.
    """
    with transaction.atomic():
        now = timezone.now()
        updated = (
            type(reader)
            ._default_manager.filter(pk=reader.pk, terms_accepted_at__isnull=True)
            .update(terms_accepted_at=now)
        )
        if updated:
            reader.terms_accepted_at = now
            audit.record(action, request=request, obj=reader, **audit_detail)
    if not updated:
        reader.refresh_from_db(fields=["terms_accepted_at"])
    return reader


class TermsForm(Form):
    agree = forms.BooleanField(label="I accept these terms")

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agree"].error_messages["required"] = f"Confirm that you accept the terms to read {document}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkbox("agree"),
            Button("submit", f"Accept and read {document}"),
        )


def terms_view(terms):
    """The terms page for `terms`, as a view taking (request, reader)."""

    @never_cache
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request, reader):
        if reader.terms_accepted_at is not None and request.method != "POST":
            return redirect(terms.read_page)
        form = TermsForm(request.POST if request.method == "POST" else None, document=terms.document)
        if request.method == "POST" and form.is_valid():
            terms.accept(reader, request)
            return redirect(terms.read_page)
        return render(request, terms.template, terms.context(reader) | {"form": form})

    return view


def guard(terms):
    """For a view taking (request, reader, ...) that shows the document: the terms page until accepted."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, reader, *args, **kwargs):
            if reader.terms_accepted_at is None:
                return redirect(terms.terms_page)
            return view(request, reader, *args, **kwargs)

        return wrapper

    return decorate
