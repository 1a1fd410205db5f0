"""In the tests, a PDF is made once per process for each distinct HTML document.

Many tests send invitations, and each invitation carries the event's factsheet, which WeasyPrint lays
out afresh in every test (a quarter to half a second each) although most tests make the same few
documents. The same HTML always makes the same PDF, so the tests keep what WeasyPrint made for each
document they have already seen; a test that changes what a document says gets a PDF of its own.
"""

import hashlib

from core import pdfs

_made = {}
_pdf_of = pdfs.pdf_of


def made_once(html):
    key = hashlib.sha256(html.encode()).hexdigest()
    if key not in _made:
        _made[key] = _pdf_of(html)
    return _made[key]


def use_it():
    pdfs.pdf_of = made_once
