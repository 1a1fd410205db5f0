"""PDFs rendered by WeasyPrint: tagged A4 (PDF/UA-1), loading nothing but the project's static files.

WeasyPrint is imported when the first PDF is made, not when Django starts: importing it takes most of a
second, which every web and Celery worker would otherwise pay at start whether it makes a PDF or not.
A prefork Celery worker on Redis imports it once before forking (`import_weasyprint`, config/celery.py),
so that its children do not each pay it on their first PDF.
"""

import functools
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string


class ResourceRefused(ValueError):
    """A document asked for something outside the project's static files."""


def static_dir():
    """The project's own static files: the only place a document may load anything from."""
    return (Path(settings.BASE_DIR) / "static").resolve()


def safe_url_fetcher(url):
    """Fetch a file:// URL inside the project's static files; refuse everything else.

    WeasyPrint would otherwise follow any URL in a document (the network, /etc, the uploads).
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"PDFs may only use the project's static files, not {url!r}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_relative_to(static_dir()) or not path.is_file():
        raise ResourceRefused(f"PDFs may only use the project's static files, not {url!r}")
    from weasyprint.urls import URLFetcherResponse

    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class StaticFilesFetcher(URLFetcher):
        """WeasyPrint's fetcher, narrowed to `safe_url_fetcher`; a refusal stops the rendering."""

        def __init__(self):
            super().__init__(fail_on_errors=True)

        def fetch(self, url, headers=None):
            return safe_url_fetcher(url)

    return StaticFilesFetcher


def static_files_fetcher():
    """A WeasyPrint URL fetcher that loads only the project's static files (`safe_url_fetcher`)."""
    return _fetcher_class()()


def import_weasyprint():
    """Import WeasyPrint now, rather than when the first PDF is made."""
    import weasyprint  # noqa: F401


def render_pdf(template_name, context):
    """Render a template to a tagged A4 PDF (PDF/UA-1). The template sets <title> and lang."""
    return pdf_of(render_to_string(template_name, context))


def pdf_of(html):
    """A tagged A4 PDF (PDF/UA-1) of an HTML document."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=static_dir().as_uri() + "/", url_fetcher=static_files_fetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
