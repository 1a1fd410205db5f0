"""Outbox emails made into bytes: in a batch, an attachment the messages share is encoded and flattened once.

Every invitation of an event carries the same factsheet PDF. Made into a message as Django makes
any attachment, it would be base64-encoded and then written out line by line for each message;
within `parts_shared()` the messages carry one MIME part instead, whose bytes are made the first
time a message is flattened and copied into every later one. The bytes are the same either way
(tests/notifications/test_outbox.py compares them).
"""

import threading
from contextlib import contextmanager
from email.generator import BytesGenerator
from email.mime.base import MIMEBase
from email.policy import compat32
from io import BytesIO

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart

# Kept per thread, so a worker pool of threads keeps each batch's own.
_shared = threading.local()


@contextmanager
def parts_shared():
    """Within the block, emails with the same attachment carry one MIME part, encoded and flattened once."""
    _shared.parts = {}
    try:
        yield
    finally:
        _shared.parts = None


class OutboxEmail(EmailMultiAlternatives):
    """An outbox message; Django's own, but for the parts it shares with others in a batch."""

    def message(self):
        parts = getattr(_shared, "parts", None)
        if parts is None:
            return super().message()
        attachments = self.attachments
        self.attachments = [self._shared_part(parts, attachment) for attachment in attachments]
        try:
            message = super().message()
        finally:
            self.attachments = attachments
        if type(message) is SafeMIMEMultipart:
            message.__class__ = _Multipart  # the same message, turned into bytes by _Generator
        return message

    def _shared_part(self, parts, attachment):
        if isinstance(attachment, MIMEBase):  # made for this message alone (its calendar file)
            return attachment
        if attachment not in parts:  # (filename, content, mimetype); the same content is the same bytes
            part = self._create_attachment(*attachment)
            part.flattened = {}  # its bytes, by how they were written
            parts[attachment] = part
        return parts[attachment]


class _Multipart(SafeMIMEMultipart):
    def as_bytes(self, unixfrom=False, linesep="\n"):
        buffer = BytesIO()
        _Generator(buffer, mangle_from_=False).flatten(self, unixfrom=unixfrom, linesep=linesep)
        return buffer.getvalue()


class _Generator(BytesGenerator):
    """The standard generator, but a shared part is written as the bytes it was flattened to the first time,
    and a header that folding would leave as it is is written without folding it."""

    def flatten(self, msg, unixfrom=False, linesep=None):
        flattened = getattr(msg, "flattened", None)
        if flattened is None or unixfrom:
            return super().flatten(msg, unixfrom=unixfrom, linesep=linesep)
        how = (linesep, self._mangle_from_, repr(self.policy))
        if how not in flattened:
            buffer = BytesIO()
            BytesGenerator.flatten(self.clone(buffer), msg, linesep=linesep)
            flattened[how] = buffer.getvalue()
        self._fp.write(flattened[how])
        return None

    def _write_headers(self, msg):
        limit = self.policy.max_line_length if isinstance(self.policy, type(compat32)) else None
        for name, value in msg.raw_items():
            # Short enough for one line, printable ASCII, not ending in a space: Compat32 folding
            # returns such a header unchanged, so it is written as it is (most of a message's headers).
            if (
                limit
                and isinstance(value, str)
                and len(name) + 2 + len(value) <= limit
                and value.isascii()
                and value.isprintable()
                and not value.endswith(" ")
            ):
                self._fp.write(f"{name}: {value}{self._NL}".encode("ascii"))
            else:
                self._fp.write(self.policy.fold_binary(name, value))
        self.write(self._NL)

    @classmethod
    def _make_boundary(cls, text=None):
        """A random boundary that is nowhere in the text (the standard one compiles a pattern each time)."""
        boundary = super()._make_boundary()
        if text is None:
            return boundary
        candidate, counter = boundary, 0
        while b"--" + candidate.encode() in text:
            candidate, counter = f"{boundary}.{counter}", counter + 1
        return candidate
