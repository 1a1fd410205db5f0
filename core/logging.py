"""Log filters: personal-link tokens never reach a log line."""

import logging
import re

# Paths whose last segment is a secret: practitioners' and leads' links, and set-password keys.
TOKEN_PATHS = re.compile(
    r"(/(?:invitation|nominate|draft-report)/)"
    r"(?!new-link/|leave/|signed-out/|done/|people/|read/|download/|send/|no-comments/|comments/)[^/\s?\"']+"
)
# An action owner's link; the staff's action plan pages share the word but never a segment this long.
ACTION_LINKS = re.compile(r"(/actions/)(?!agency/)[A-Za-z0-9_-]{16,}")
# An agency's safeguarding lead's link to send its written account.
ACCOUNT_LINKS = re.compile(r"(/written-account/)(?!send/|more-time/|template/)[^/\s?\"']+")
RESET_KEYS = re.compile(r"(/accounts/password/reset/key/)[^/\s?\"']+")
# A member of staff's calendar feed: the address is its own key.
FEED_LINKS = re.compile(r"(/calendar/feed/)[^/\s?\"']+\.ics")


def redact(text):
    for pattern in (TOKEN_PATHS, ACTION_LINKS, ACCOUNT_LINKS, RESET_KEYS, FEED_LINKS):
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactTokens(logging.Filter):
    """Rewrites a record's message (and arguments) with every link token replaced."""

    def filter(self, record):
        record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: redact(v) if isinstance(v, str) else v for key, v in record.args.items()}
        elif record.args:
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
