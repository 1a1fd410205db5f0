"""Files for the browser to save: safe names, never sniffed, run or kept; spreadsheet cells that cannot run."""

import csv
import io
import re
from itertools import chain

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_name(text):
    """Letters, digits and hyphens only: safe in a file name and a Content-Disposition header."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def guard_cell(value):
    """A cell made safe to open in a spreadsheet: a formula-like value gets a leading quote."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def file_response(content, content_type, filename, *, inline=False):
    """A file for the browser to save (or, inline, to show), never to sniff or run, and never to keep."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def pdf_response(pdf, filename, *, inline=False):
    return file_response(pdf, "application/pdf", filename, inline=inline)


def csv_response(filename, header, rows):
    """A CSV file for the browser to save, every cell guarded so that no spreadsheet runs it as a formula."""
    out = io.StringIO()
    out.write("\ufeff")  # a byte order mark, so Excel reads the file as UTF-8
    writer = csv.writer(out)
    for row in chain([header], rows):
        writer.writerow([guard_cell(value) for value in row])
    return file_response(out.getvalue(), "text/csv; charset=utf-8", filename)
