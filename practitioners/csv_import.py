"""Reading a practitioner CSV file and checking every row; writing the directory back out as CSV.

Parsing (`parse`) knows nothing of the database. Checking (`check_rows`) compares the rows with
the partnership's directory and is run twice: for the preview, and again inside the import's
transaction, because the directory may change between the two.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from core.downloads import FORMULA_STARTS, guard_cell
from practitioners.models import Agency, Practitioner

COLUMNS = ("full_name", "job_title", "agency", "email", "phone", "line_manager_name", "line_manager_email")
REQUIRED = ("full_name", "job_title", "agency", "email")
EMAIL_COLUMNS = ("email", "line_manager_email")
MAX_LENGTHS = {
    "full_name": 150,
    "job_title": 150,
    "agency": 200,
    "email": 254,
    "phone": 40,
    "line_manager_name": 150,
    "line_manager_email": 254,
}
MAX_ROWS = 5000
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UPLOAD_LABEL = "1 MB"

EXAMPLE_ROW = {
    "full_name": "Sam Example",
    "job_title": "Health visitor",
    "agency": "Example Community Health Trust",
    "email": "sam.example@health.example",
    "phone": "01632 960 000",
    "line_manager_name": "Alex Example",
    "line_manager_email": "alex.example@health.example",
}

# Cells a spreadsheet would read as a formula (OWASP's list: = + - @ and tab or carriage return).
# Signatures of files people upload by mistake: Excel workbooks (zip and the old format) and PDFs.
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")

SAVE_AS_UTF8 = "In Excel, choose File, then Save As, and pick “CSV UTF-8 (Comma delimited)”."

READABLE_NAMES = {
    "full_name": "full name",
    "job_title": "job title",
    "agency": "agency",
    "email": "email address",
    "phone": "telephone number",
    "line_manager_name": "line manager's name",
    "line_manager_email": "line manager's email address",
}


# How alike a new agency's name must be to one in the directory for the import to suggest it
# (difflib's ratio: "Comunity Health" and "Community Health" score 0.97; "Northvale Police" and
# "Northvale Health Trust" 0.63).
CLOSE_NAME_CUTOFF = 0.85


class CSVFileError(Exception):
    """The file as a whole cannot be used; the message says why in plain English."""


@dataclass
class Problem:
    line: int
    column: str  # a CSV column name, or "" for the row as a whole
    message: str


@dataclass
class CheckedRows:
    """The outcome of checking every row against the rules and the directory."""

    rows: list
    problems: list = field(default_factory=list)
    new_agencies: list = field(default_factory=list)  # names, as first spelled in the file
    agencies: dict = field(default_factory=dict)  # lower-case name -> existing Agency
    close_matches: list = field(default_factory=list)  # CloseMatch for each new name close to an existing one

    @property
    def ok(self):
        return not self.problems


@dataclass(frozen=True)
class CloseMatch:
    """A new agency name in the file that is close to one already in the directory: perhaps a typing slip."""

    name: str  # as first spelled in the file
    agency: Agency  # the existing agency it is close to


def close_agency(name, agencies):
    """The existing agency (from a lower-case name -> Agency dict) whose name is closest to `name`, if close enough."""
    matches = difflib.get_close_matches(name.lower(), list(agencies), n=1, cutoff=CLOSE_NAME_CUTOFF)
    return agencies[matches[0]] if matches else None


def _decode(data):
    if not data.strip():
        raise CSVFileError("The file is empty. Add a header row and at least one practitioner.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CSVFileError(f"The file is saved as UTF-16. Save it as UTF-8 and upload it again. {SAVE_AS_UTF8}")
    if data.startswith(BINARY_SIGNATURES):
        raise CSVFileError(
            f"The file is not a CSV file: it looks like a spreadsheet or another kind of document. {SAVE_AS_UTF8}"
        )
    if b"\x00" in data:
        raise CSVFileError(
            f"The file is not a CSV file saved as UTF-8: it may be a spreadsheet, or saved as UTF-16. {SAVE_AS_UTF8}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CSVFileError(
            f"The file is not saved as UTF-8: we could not read a character on line {line}. "
            f"Save it as UTF-8 and upload it again. {SAVE_AS_UTF8}"
        ) from error
    if not text.strip():
        raise CSVFileError("The file is empty. Add a header row and at least one practitioner.")
    return text


def _check_header(header):
    names = [cell.strip().lower() for cell in header]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise CSVFileError(f"The header row names these columns more than once: {', '.join(repeated)}.")
    present = [name for name in names if name]
    missing = [name for name in COLUMNS if name not in present]
    unexpected = [cell.strip() for cell, name in zip(header, names, strict=True) if name and name not in COLUMNS]
    if not missing and not unexpected:
        return names
    if len(present) == 1 and any(separator in header[0] for separator in (";", "\t", "|")):
        raise CSVFileError("Separate the columns with commas. The file seems to use another separator.")
    if len(missing) == len(COLUMNS):
        raise CSVFileError(
            "The first row of the file must be the header row, naming the columns: "
            f"{', '.join(COLUMNS)}. Download the template to see the layout."
        )
    parts = []
    if missing:
        parts.append(f"The header row is missing these columns: {', '.join(missing)}.")
    if unexpected:
        parts.append(f"The header row has columns we do not recognise: {', '.join(unexpected)}.")
    parts.append(f"The columns must be: {', '.join(COLUMNS)}.")
    raise CSVFileError(" ".join(parts))


def _unguard(value):
    """Undo the quote our export puts before a formula-like cell, so an export imports cleanly."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def parse(data):
    """Rows of an uploaded file as dicts (plus "line", the file line each ends on); CSVFileError if unusable.

    Stops reading as soon as the file passes MAX_ROWS, so a huge file is refused quickly.
    """
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    rows = []
    names = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, before the header or between rows
            if names is None:
                names = _check_header(cells)
                continue
            if len(rows) == MAX_ROWS:
                raise CSVFileError(
                    f"The file has more than {MAX_ROWS:,} practitioners. Import at most {MAX_ROWS:,} at a time: "
                    "split the file into smaller files and upload each one."
                )
            row = {"line": reader.line_num, "extra_cells": 0}
            for index, cell in enumerate(cells):
                if index < len(names) and names[index]:
                    row[names[index]] = _unguard(cell.strip())
                elif cell.strip():
                    row["extra_cells"] += 1
            for name in COLUMNS:
                row.setdefault(name, "")
            rows.append(row)
    except csv.Error as error:
        raise CSVFileError(
            f"We could not read line {reader.line_num} of the file. Check that it is a CSV file "
            "and that any quotation marks in it are paired."
        ) from error
    if names is None:
        raise CSVFileError("The file is empty. Add a header row and at least one practitioner.")
    if not rows:
        raise CSVFileError("The file has a header row but no practitioners. Add a row for each practitioner.")
    return rows


def _row_problems(row):
    line = row["line"]
    if row.get("extra_cells"):
        yield Problem(line, "", "This row has a value outside the columns named in the header row.")
    for name in REQUIRED:
        if not row[name]:
            yield Problem(line, name, f"Enter the {READABLE_NAMES[name]}.")
    for name, limit in MAX_LENGTHS.items():
        if len(row[name]) > limit:
            yield Problem(line, name, f"The {READABLE_NAMES[name]} must be {limit} characters or fewer.")
    for name in EMAIL_COLUMNS:
        if row[name] and len(row[name]) <= MAX_LENGTHS[name]:
            try:
                validate_email(row[name])
            except ValidationError:
                yield Problem(line, name, f"Enter the {READABLE_NAMES[name]} in the right form, like name@example.org.")


def _normalise(row, index):
    """A clean copy of a row, whatever shape it arrived in (rows wait in the session between steps)."""
    clean = {name: str(row.get(name) or "").strip() for name in COLUMNS}
    for name in EMAIL_COLUMNS:
        clean[name] = clean[name].lower()
    line, extra = row.get("line"), row.get("extra_cells")
    clean["line"] = line if isinstance(line, int) else index + 2
    clean["extra_cells"] = extra if isinstance(extra, int) else 0
    return clean


def check_rows(partnership, rows):
    """Check each row, and the rows against each other and the partnership's directory."""
    rows = [_normalise(row, index) for index, row in enumerate(rows)]
    checked = CheckedRows(rows=rows)
    for row in rows:
        checked.problems.extend(_row_problems(row))

    first_line = {}
    for row in rows:
        email = row["email"]
        if not email:
            continue
        if email in first_line:
            checked.problems.append(
                Problem(row["line"], "email", f"This email address is also on line {first_line[email]}.")
            )
        else:
            first_line[email] = row["line"]

    taken = set(
        Practitioner.objects.for_partnership(partnership)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(first_line))
        .values_list("email_lower", flat=True)
    )
    for row in rows:
        if row["email"] in taken:
            checked.problems.append(
                Problem(row["line"], "email", "A practitioner with this email address is already in the directory.")
            )

    checked.agencies = {agency.name.lower(): agency for agency in Agency.objects.for_partnership(partnership)}
    new = {}
    for row in rows:
        key = row["agency"].lower()
        if key and key not in checked.agencies and len(key) <= MAX_LENGTHS["agency"]:
            new.setdefault(key, row["agency"])
    checked.new_agencies = list(new.values())
    for name in checked.new_agencies:
        if (agency := close_agency(name, checked.agencies)) is not None:
            checked.close_matches.append(CloseMatch(name, agency))
    checked.problems.sort(key=lambda problem: (problem.line, _column_order(problem.column)))
    return checked


def with_agencies_chosen(rows, choices):
    """The rows, each whose agency name is in `choices` (lower-case name -> Agency) given that agency's name."""
    chosen = {name.lower(): agency.name for name, agency in choices.items()}
    return [
        {**row, "agency": chosen.get(str(row.get("agency") or "").strip().lower(), row.get("agency"))} for row in rows
    ]


def _column_order(column):
    return COLUMNS.index(column) + 1 if column in COLUMNS else 0


def write_csv(out, rows):
    """Write the header and each row (a dict keyed by COLUMNS) to `out`, guarding every cell."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([guard_cell(row[name]) for name in COLUMNS])


def practitioner_row(practitioner):
    return {
        "full_name": practitioner.full_name,
        "job_title": practitioner.job_title,
        "agency": practitioner.agency.name,
        "email": practitioner.email,
        "phone": practitioner.phone,
        "line_manager_name": practitioner.line_manager_name,
        "line_manager_email": practitioner.line_manager_email,
    }
