"""The real name kept for the child or adult: the parts of it that must not appear where a pseudonym belongs."""

import re


def name_parts(real_name):
    """The full real name and every part of it with 3 or more letters, longest first."""
    real_name = " ".join(real_name.split())
    if not real_name:
        return []
    parts = {real_name}
    parts.update(part for part in re.split(r"[\s\-]+", real_name) if sum(ch.isalpha() for ch in part) >= 3)
    return sorted(parts, key=len, reverse=True)


def contains_real_name(text, real_name):
    """Whether `text` names the person as a whole word (or words), ignoring case."""
    for part in name_parts(real_name):
        if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text, flags=re.IGNORECASE):
            return True
    return False
