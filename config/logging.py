"""Log filters: personal-link tokens never reach a log line."""

import logging
import re

# Paths whose last segment is a secret: practitioners' and leads' links, and set-password keys.
TOKEN_PATHS = re.compile(r"(/(?:invitation|nominate)/)(?!new-link/|leave/|signed-out/|done/|people/)[^/\s?\"']+")
RESET_KEYS = re.compile(r"(/accounts/password/reset/key/)[^/\s?\"']+")


def redact(text):
    return RESET_KEYS.sub(r"\1[redacted]", TOKEN_PATHS.sub(r"\1[redacted]", text))


class RedactTokens(logging.Filter):
    """Rewrites a record's message (and arguments) with every link token replaced."""

    def filter(self, record):
        record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: redact(v) if isinstance(v, str) else v for key, v in record.args.items()}
        elif record.args:
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
