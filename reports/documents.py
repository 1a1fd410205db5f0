"""The draft report's versions: uploads checked and converted, numbered, and rendered as PDFs."""

from django.utils.safestring import mark_safe


def version_html(version):
    """The version as numbered HTML for the browser: each unit carries id="paragraph-N" (or "page-N")."""
    return mark_safe(version.body_html)  # noqa: S308 - built by this module from sanitised HTML


def render_plain_pdf(version):
    """The version's PDF with its numbers and no stamp."""
    raise NotImplementedError


def render_reader_pdf(version, *, reader_name, when):
    """The version's PDF, every page stamped with the reader's name, the date and
    "Draft — for factual-accuracy check only"."""
    raise NotImplementedError
