"""Showing an email before it goes: its HTML in a frame that can run nothing, its attachments as files."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse

from core.downloads import file_response
from notifications.services import ATTACHMENT_LABELS, attachment_file

# The email's own HTML, framed by the product's pages only. It may style itself inline (as emails
# do) and show inline images, and nothing else: no scripts, no requests, no forms, no plugins.
EMAIL_HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def email_html_response(html):
    """An email's HTML as a document of its own, for an iframe on the page that shows the email."""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = EMAIL_HTML_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_list(attachments, url):
    """Each attachment in words and the address that downloads it: url(number), counting from 1."""
    return [
        {"label": ATTACHMENT_LABELS.get(attachment["type"], "A file"), "url": url(number)}
        for number, attachment in enumerate(attachments, start=1)
    ]


def attachment_response(attachments, number):
    """The numbered attachment (from 1) as a download, or None if there is no such attachment."""
    if not 1 <= number <= len(attachments):
        return None
    try:
        filename, content, mimetype = attachment_file(attachments[number - 1])
    except ObjectDoesNotExist:  # what it was made from is gone (an event deleted since)
        return None
    return file_response(content, mimetype, filename)
