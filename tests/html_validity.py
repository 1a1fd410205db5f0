"""Every HTML page the tests receive is checked with the Nu Html Checker at the end of the run.

A middleware, added to the front of the stack for the session (so the test client and the browser
tests' live server both pass through it), keeps one copy of each distinct page
(view name, status and body, with the per-request nonce and CSRF token blanked out) in a temporary
folder. Every BATCH new pages are handed to a run of vnu.jar in the background, at a low priority, so
the checker works while the tests wait on browsers and workers; when the session ends the last pages
are handed over and every run is waited for. Any error fails the run, and the
summary names the page's URL and its first errors. Without Java or vnu.jar the check is skipped,
and the summary says so. When the suite runs in several processes, each checks its own pages and
hands what it found to the controlling process (tests/parallel.py), which prints it and fails the run.
"""

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import parallel

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHECKED_STATUSES = {200} | set(range(400, 500))
FIRST_ERRORS = 5
# Pages a run of the checker takes: enough that starting Java (a second or two) is a small part of it.
BATCH = 500
CHECKER_TIMEOUT = 900
# A run lasts seconds, not hours: Java's quick compiler alone and its simplest collector take less than half
# the CPU its defaults (made for long-running servers) take over 500 pages. Compiled that way, the checker
# needs a deeper thread stack than the default to walk the HTML schema.
JAVA_OPTIONS = ["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
# Per-request values that would make every copy of a page look new.
VOLATILE = [
    (re.compile(rb'nonce="[^"]*"'), b'nonce=""'),
    (re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*"'), rb'\1"'),
    (re.compile(rb'(value=")[^"]*(" name="csrfmiddlewaretoken")'), rb"\1\2"),
]
# htmx swaps these into a page; they are checked inside a minimal document of their own.
FRAGMENT_WRAPPER = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fragment</title></head><body>',
    b"</body></html>",
)


@dataclass
class Page:
    url: str
    view: str
    status: int
    fragment: bool


@dataclass
class Collection:
    folder: Path
    pages: dict = field(default_factory=dict)  # file name -> Page
    seen: set = field(default_factory=set)
    # The live server answers in its own thread: names come from a counter, not from len(pages).
    numbers: itertools.count = field(default_factory=itertools.count)
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiting: list = field(default_factory=list)  # saved pages not yet handed to the checker
    runs: list = field(default_factory=list)  # Run

    def add(self, request, response):
        with self.lock:
            self._add(request, response)
            if len(self.waiting) >= BATCH:
                self.hand_over()

    def hand_over(self):
        """Start the checker on the pages saved since the last run."""
        if self.waiting:
            self.runs.append(Run.start(self.folder, self.waiting))
            self.waiting = []

    def _add(self, request, response):
        if request.method == "HEAD" or response.streaming or response.status_code not in CHECKED_STATUSES:
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        body = response.content
        if not body.strip():
            return
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "(no view)"
        normalised = body
        for pattern, replacement in VOLATILE:
            normalised = pattern.sub(replacement, normalised)
        key = (view, response.status_code, hashlib.sha1(normalised, usedforsecurity=False).hexdigest())
        if key in self.seen:
            return
        self.seen.add(key)
        fragment = not body.lstrip()[:15].lower().startswith(b"<!doctype html")
        name = f"page-{next(self.numbers):05d}.html"
        (self.folder / name).write_bytes(
            FRAGMENT_WRAPPER[0] + body + FRAGMENT_WRAPPER[1] if fragment else body,
        )
        self.pages[name] = Page(request.get_full_path(), view, response.status_code, fragment)
        self.waiting.append(name)


@dataclass
class Run:
    """One run of vnu.jar over some of the saved pages, its report going to a file (it may be long)."""

    names: list
    process: subprocess.Popen
    report: Path

    @classmethod
    def start(cls, folder, names):
        report = folder / f"report-{names[0]}.json"
        with report.open("wb") as out:
            # At a low priority (nice): the tests come first; the checker takes what they leave.
            checker = ["java", *JAVA_OPTIONS, "-jar", str(_jar()), "--errors-only", "--format", "json"]
            process = subprocess.Popen(
                ["nice", "-n", "10", *checker, *names],
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )
        return cls(list(names), process, report)

    def finish(self):
        """(the checker's exit code, its report)."""
        try:
            code = self.process.wait(timeout=CHECKER_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        return code, self.report.read_text(errors="replace")


_collection = None


class RecordHTML:
    """Test-only middleware: hands each response to the collection, unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _collection is not None:
            _collection.add(request, response)
        return response


def _jar():
    return Path(os.environ.get("VNU_JAR", DEFAULT_JAR))


def _why_not():
    """Why the check cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java is not installed"
    if not _jar().is_file():
        return f"vnu.jar is not at {_jar()} (run make install, or set VNU_JAR)"
    return None


@dataclass
class Outcome:
    skipped: str | None = None
    checked: int = 0
    invalid: list = field(default_factory=list)  # (Page, [message, ...])


_outcome = Outcome()


def pytest_configure(config):
    global _collection
    _outcome.skipped = _why_not()
    if _outcome.skipped is None and not parallel.is_controller(config):
        _collection = Collection(Path(tempfile.mkdtemp(prefix="convene-html-")))


@pytest.fixture(scope="session", autouse=True)
def _record_html():
    """For the whole session, so that it changes no function-scoped fixture's order of teardown."""
    if _collection is None:
        yield
        return
    from django.conf import settings
    from django.test import override_settings

    with override_settings(MIDDLEWARE=["tests.html_validity.RecordHTML", *settings.MIDDLEWARE]):
        yield


def pytest_sessionfinish(session):
    global _collection
    collection, _collection = _collection, None
    if collection is None:
        _fail_if_invalid(session)  # the controlling process, with what the others found
        return
    try:
        with collection.lock:
            collection.hand_over()
        for run in collection.runs:
            _outcome.invalid += _validate(collection, run)
        _outcome.checked = len(collection.pages)
    finally:
        shutil.rmtree(collection.folder, ignore_errors=True)
    if parallel.is_worker(session.config):
        session.config.workeroutput["html_check"] = {
            "checked": _outcome.checked,
            "invalid": [(vars(page), errors) for page, errors in _outcome.invalid],
        }
    _fail_if_invalid(session)


def _fail_if_invalid(session):
    if _outcome.invalid and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """In the controlling process: add up what each process found."""
    found = getattr(node, "workeroutput", {}).get("html_check")
    if found:
        _outcome.checked += found["checked"]
        _outcome.invalid.extend((Page(**page), errors) for page, errors in found["invalid"])


def _validate(collection, run):
    """What one run of the checker found: [(Page, [error, ...])] for the invalid pages."""
    code, report = run.finish()
    try:
        messages = json.loads(report)["messages"]  # a checker that said nothing has checked nothing
    except (json.JSONDecodeError, KeyError, TypeError):
        failed = Page(f"({len(run.names)} pages)", "vnu.jar", code, fragment=False)
        return [(failed, [f"The checker did not answer in JSON: {report[:500]}"])]
    errors = {}
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = message.get("url", "").rsplit("/", 1)[-1]
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        extract = message.get("extract", "").replace("\n", " ").strip()
        errors.setdefault(name, []).append(f"{where}{message.get('message')}  [{extract}]")
    if code != 0 and not errors:
        failed = Page(f"({len(run.names)} pages)", "vnu.jar", code, fragment=False)
        return [(failed, [f"The checker failed without naming a page: {report[:500]}"])]
    unknown = Page("?", "?", 0, fragment=False)
    return [(collection.pages.get(name, unknown), found) for name, found in sorted(errors.items())]


def pytest_terminal_summary(terminalreporter):
    if _outcome.skipped:
        terminalreporter.write_sep("=", "HTML check skipped", yellow=True)
        terminalreporter.write_line(f"The pages were not checked for valid HTML: {_outcome.skipped}.")
        return
    if not _outcome.checked:
        return
    if not _outcome.invalid:
        terminalreporter.write_line(f"HTML check: {_outcome.checked} distinct pages, all valid.")
        return
    terminalreporter.write_sep("=", f"invalid HTML on {len(_outcome.invalid)} of {_outcome.checked} pages", red=True)
    for page, errors in _outcome.invalid:
        kind = " (an htmx fragment)" if page.fragment else ""
        terminalreporter.write_line(f"{page.url} [{page.view}, {page.status}]{kind}")
        for error in errors[:FIRST_ERRORS]:
            terminalreporter.write_line(f"    {error}")
        if len(errors) > FIRST_ERRORS:
            terminalreporter.write_line(f"    … and {len(errors) - FIRST_ERRORS} more")
