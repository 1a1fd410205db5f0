"""Numbers and words: every email the product sends, and the pages that count things, read as people write.

Times "10am" and "1:37pm" (never "a.m.", "AM" or "14:30"), dates "8 December 2026" (never "Dec. 8" or
"2026-12-08"), counts with the right word ("1 person has", "2 people have", never "1 people", "0 person",
"1 days" or "place(s)"), and nothing left as "None". Every email template is found on disk and rendered,
with each variable it names filled in, for counts of 1 and 2 and each of its branches; the pages that
count things are visited with 0, 1 and 2 of what they count.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone

from core import formatting
from events import digest
from events.agency import Contact
from events.models import ReplyDigestItem
from tests import test_url_access as access


@pytest.fixture
def world(partnership, other_partnership, business_manager, reviewer, review):
    """The world of tests/test_url_access.py, written for each test (beside the counts below, which must
    be alone in their partnership, it cannot be written once for the module)."""
    return access.build_world(partnership, business_manager, reviewer, review)


# What the product counts, in the singular and in the plural.
NOUNS = {
    "person": "people",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "year": "years",
    "hour": "hours",
    "minute": "minutes",
    "place": "places",
    "version": "versions",
    "agency": "agencies",
    "comment": "comments",
    "invitee": "invitees",
    "practitioner": "practitioners",
    "checker": "checkers",
    "email": "emails",
    "file": "files",
    "action": "actions",
    "reply": "replies",
    "reader": "readers",
    "entry": "entries",
    "reminder": "reminders",
    "theme": "themes",
    "paragraph": "paragraphs",
    "question": "questions",
    "code": "codes",
}
SINGULAR = "|".join(NOUNS)
PLURAL = "|".join(NOUNS.values())
WRONG = [
    (re.compile(r"\b[ap]\.m\.", re.IGNORECASE), "a.m. or p.m."),
    (re.compile(r"\b\d{1,2}(:\d\d)?\s?(AM|PM)\b"), "AM or PM"),
    (re.compile(r"\bnoon\b"), "noon (midday)"),
    (re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):[0-5]\d(?!\s?(am|pm|:))(?![\d])"), "a 24-hour time"),
    (re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d"), "an abbreviated month"),
    (re.compile(r"(?<![\w/-])\d{4}-\d\d-\d\d(?![\w/-])"), "a date written 2026-12-08"),
    (re.compile(r"\((s|es|ies)\)"), "a plural in brackets"),
    (re.compile(rf"(?<![\d,.])1 (working )?({PLURAL})\b"), "1 with a plural"),
    (
        re.compile(rf"(?<![\d,.])(0|[2-9]|\d\d+) (working )?({SINGULAR})\b(?!['’]s)"),
        "a number other than 1 with a singular",
    ),
    (re.compile(r"(?<![\d,.])1 (person|invitee|practitioner|checker|agency|reader) have\b"), "1 … have"),
    (
        re.compile(r"(?<![\d,.])(0|[2-9]|\d\d+) (people|invitees|practitioners|checkers|agencies|readers) has\b"),
        "several … has",
    ),
    (re.compile(r"\bNone\b"), "None"),
]


def wrong_words(text, *, pages=False):
    """What reads wrongly in `text` (links taken out, as they hold dates and numbers of their own). Pages say
    "None" on purpose ("None chosen"); in an email it is a value left empty."""
    text = re.sub(r"https?://\S+", " ", text)
    text = " ".join(text.split())
    problems = []
    for pattern, what in WRONG:
        if pages and what == "None":
            continue
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            problems.append(f"{what}: …{text[start : match.end() + 40]}…")
    return problems


def test_the_checks_catch_what_they_should():
    for text in (
        "at 10 a.m.",
        "at 10AM",
        "at 14:30",
        "on Dec. 8",
        "on 2026-12-08",
        "2 place(s)",
        "1 people",
        "0 person",
        "1 days",
        "2 day",
        "1 person have",
        "3 people has",
        "None",
    ):
        assert wrong_words(text), text
    for text in (
        "at 10am",
        "at 1:37pm",
        "at midday",
        "1 person has read it",
        "2 people have",
        "0 people",
        "8 December 2026",
        "https://example.org/2026-12-08/",
        "10 working days",
        "1 working day",
        "the agency's lead",
        "version 2 of the draft",
    ):
        assert not wrong_words(text), (text, wrong_words(text))


def test_the_formatting_module_writes_times_dates_and_counts():
    from datetime import date, time

    assert [formatting.format_time(time(h, m)) for h, m in ((10, 0), (13, 37), (12, 0), (0, 0), (0, 5))] == [
        "10am",
        "1:37pm",
        "midday",
        "midnight",
        "12:05am",
    ]
    assert formatting.uk_date(date(2026, 12, 8)) == "8 December 2026"
    assert formatting.long_date(date(2026, 12, 8)) == "Tuesday 8 December 2026"
    assert [formatting.counted(n, "place") for n in (0, 1, 2, 1200)] == [
        "0 places",
        "1 place",
        "2 places",
        "1,200 places",
    ]
    assert [formatting.people(n) for n in (0, 1, 2)] == ["0 people", "1 person", "2 people"]
    assert [formatting.people_have(n) for n in (1, 2)] == ["1 person has", "2 people have"]
    assert formatting.counted(1, "entry,entries") == "1 entry"
    assert formatting.counted(2, "entry,entries") == "2 entries"
    # A day still to come reads as future; one gone by as past.
    day = date(2026, 12, 8)
    assert formatting.due_by(day, today=date(2026, 12, 1)).startswith("are due by")
    assert formatting.due_by(day, today=day).startswith("are due by")
    assert formatting.due_by(day, today=date(2026, 12, 9)).startswith("were due by")


# Every email ---------------------------------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
MISSING = "@@missing@@"


def email_templates():
    """Every email the product sends, by its template's name ("events/emails/invitation")."""
    return sorted(
        str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt")
        for path in TEMPLATES.glob("*/emails/*_subject.txt")
    )


def _engine(autoescape):
    options = settings.TEMPLATES[0]["OPTIONS"]
    return Engine(
        dirs=[str(TEMPLATES)],
        app_dirs=True,
        autoescape=autoescape,
        builtins=options.get("builtins", []),
        libraries=options.get("libraries", {}),
        string_if_invalid=MISSING,
    )


def _contexts(world, count):
    """The variables the emails' senders give them, from the world's objects, with `count` of what is counted."""
    objects = world.objects
    invitation = objects["invitation"]
    event = invitation.event
    event.format = "hybrid"
    event.venue_address = "1 High Street\nNorthvale"
    event.access_information = "Step-free access."
    event.joining_details = "https://meet.example/abc"
    invitation.access_needs = "A hearing loop."
    checker = objects["checker"]
    circulation = checker.circulation
    account_request = objects["account_request"]
    reviewer = world.review.reviewers.first()
    contact = Contact("Kim Lowe", "kim.lowe@police.example", "safeguarding lead")
    base = {
        "partnership": world.partnership,
        "review": world.review,
        "event": event,
        "invitation": invitation,
        "practitioner": invitation.practitioner,
        "link": "https://convene.example/i/abc/",
        "new_link_url": "https://convene.example/invitation/new-link/",
        "release": objects["reader"].release,
        "checker": checker,
        "circulation": circulation,
        "version": circulation.version,
        "deadline": formatting.long_date(circulation.deadline),
        "sent_on": formatting.long_date(timezone.localdate()),
        "agency": objects["agency"],
        "agency_link": objects["agency_link"],
        "action": objects["action"],
        "recommendation": objects["recommendation"],
        "name": "Kim Lee",
        "weeks": count,
        "user": reviewer,
        "delete_on": timezone.localdate() + timedelta(days=count),
        "pseudonym": world.review.pseudonym,
        "contact": contact,
        "added_by": world.bm,
        "role": "Independent reviewer",
        "set_password_url": "https://convene.example/password/set/abc/",
        "sign_in_url": "https://convene.example/accounts/login/",
        "request": objects["nomination_request"],
        "url": "https://convene.example/published/child-d/",
        "account_request": account_request,
        "extension": objects["extension"],
        "changed": ["the date", "the time"][:count],
        "agency_told": contact,
        # The business manager's daily digest of replies.
        "summary": digest.summary_line({kind: count for kind in ReplyDigestItem.Kind}),
        "events": digest._by_event([(invitation, kind, "") for kind in ReplyDigestItem.Kind]),
        "today": timezone.localdate(),
        "note": "A ramp at the side entrance.",
    }
    # Each branch the templates take: first answers and reminders, then the changed and repeated ones.
    first = base | {"resent": False, "chase": False, "reminder": "", "new_account": True}
    again = base | {"resent": True, "chase": True, "reminder": "before", "new_account": False}
    after = base | {"reminder": "after", "agency_told": None, "changed": []}
    return [first, again, after]


@pytest.mark.parametrize("template", email_templates())
def test_every_email_reads_as_people_write(template, world):
    text_engine, html_engine = _engine(autoescape=False), _engine(autoescape=True)
    problems = []
    for count, status in ((1, "accepted"), (2, "declined"), (1, "declined"), (2, "accepted")):
        world.objects["invitation"].status = status
        world.objects["extension"].decision = "granted" if status == "accepted" else "refused"
        for context in _contexts(world, count):
            parts = {
                "subject": text_engine.get_template(f"{template}_subject.txt").render(
                    Context(context, autoescape=False)
                ),
                "text": text_engine.get_template(f"{template}.txt").render(Context(context, autoescape=False)),
                "html": BeautifulSoup(
                    html_engine.get_template(f"{template}.html").render(Context(context)), "html.parser"
                ).get_text(" "),
            }
            for part, rendered in parts.items():
                if MISSING in rendered:
                    problems.append(f"{part}: a variable the test does not fill in: …{rendered[:300]}…")
                problems += [f"{part}: {problem}" for problem in wrong_words(rendered)]
                if part != "html" and (entity := re.search(r"&(#x?[0-9a-f]+|amp|lt|gt|quot);", rendered)):
                    problems.append(f"{part}: an HTML entity in plain text: {entity[0]}")
    assert not problems, "\n".join(sorted(set(problems)))


def test_every_email_template_is_found():
    found = email_templates()
    assert len(found) >= 20
    for name in found:
        for suffix in (".txt", ".html"):
            assert (TEMPLATES / f"{name}{suffix}").exists(), f"{name} has a subject but no {suffix} body"


# Pages that count things, with 0, 1 and 2 of each --------------------------------------------------


@pytest.fixture(params=[0, 1, 2], ids=["none", "one", "two"])
def counts(request, partnership, business_manager, reviewer, review, agencies):
    """A review with `n` of everything its pages count: invitees who accepted and who have not replied,
    summary readers, people who attended and gave feedback, checkers with comments, overdue actions,
    audit entries, and partnership settings of `n` days (at least 1)."""
    from actions.models import Action, Recommendation
    from core import audit, links
    from events.models import (
        Attendance,
        Event,
        FeedbackResponse,
        Invitation,
        SummaryReader,
        SummaryRelease,
        SummaryVersion,
    )
    from practitioners.models import Practitioner
    from reports.models import Checker, Circulation, Comment, ReportVersion

    n = request.param
    now = timezone.now()
    days = max(n, 1)
    type(partnership).objects.filter(pk=partnership.pk).update(
        publication_notice_working_days=days, notes_deletion_days=days, summary_access_days=days
    )

    def event(title, start, status, capacity):
        return Event.objects.create(
            review=review,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            venue_name="Northvale Civic Centre",
            capacity=capacity,
            rsvp_deadline=(start - timedelta(days=10)).date(),
            status=status,
        )

    coming = event("Practitioner learning event", now + timedelta(days=20), Event.Status.INVITATIONS_SENT, days)
    held = event("First practitioner event", now - timedelta(days=5), Event.Status.HELD, days)
    version = SummaryVersion.objects.create(
        event=coming, number=1, source=SummaryVersion.Source.WRITTEN, body_html="<p>What is known.</p>"
    )
    release = SummaryRelease.objects.create(
        event=coming, version=version, available_from=now - timedelta(days=1), closes_at=now + timedelta(days=days)
    )
    report = ReportVersion.objects.create(
        review=review, number=1, source=ReportVersion.Source.DOCX, body_html="<p>The report.</p>", unit_count=days
    )
    circulation = Circulation.objects.create(
        review=review, version=report, working_days=days, deadline=(now + timedelta(days=14)).date()
    )
    recommendation = Recommendation.objects.create(review=review, number=1, text="Share what was learnt.")

    for i in range(n):
        person = Practitioner.objects.create(
            partnership=partnership,
            full_name=f"Sam Green {i}",
            job_title="Constable",
            agency=agencies[0],
            email=f"sam{i}@police.example",
        )
        waiting = Practitioner.objects.create(
            partnership=partnership,
            full_name=f"Lee Brown {i}",
            job_title="Nurse",
            agency=agencies[1],
            email=f"lee{i}@health.example",
        )
        for practitioner, status, on in (
            (person, Invitation.Status.ACCEPTED, coming),
            (waiting, Invitation.Status.INVITED, coming),
            (person, Invitation.Status.ACCEPTED, held),
        ):
            invitation = Invitation.objects.create(
                event=on,
                practitioner=practitioner,
                status=status,
                token_hash=links.new_token()[1],
                token_expires_at=now + timedelta(days=60),
                attendance=Attendance.ATTENDED if on is held else "",
            )
            if on is coming and status == Invitation.Status.ACCEPTED:
                SummaryReader.objects.create(
                    release=release, invitation=invitation, terms_accepted_at=now, first_read_at=now, last_read_at=now
                )
        FeedbackResponse.objects.create(event=held, safe_space="yes", felt_heard="yes")
        checker = Checker.objects.create(
            circulation=circulation,
            role=Checker.Role.ATTENDEE,
            name=person.full_name,
            email=person.email,
            practitioner=person,
            token_hash=links.new_token()[1],
            token_expires_at=now + timedelta(days=14),
            responded_at=now,
        )
        Comment.objects.create(checker=checker, paragraph=1, text="A date is wrong.")
        action = Action.objects.create(
            recommendation=recommendation,
            description="Train staff.",
            agency=agencies[0],
            lead_name="Kim Lee",
            due_date=(now + timedelta(days=30)).date(),
        )
        # Overdue: due (and so made) in the past.
        past = (now - timedelta(days=10 + 7 * i)).date()
        Action.objects.filter(pk=action.pk).update(created_on=past - timedelta(days=30), due_date=past)
        audit.record("review.updated", actor=business_manager, partnership=partnership, obj=review)
    return {"review": review, "coming": coming, "held": held, "partnership": partnership}


COUNTING_PAGES = [
    ("overview:partnership_overview", None),
    ("overview:review_detail", None),
    ("reviews:review_list", None),
    ("reviews:review_timeline", None),
    ("events:event_detail", "coming"),
    ("events:event_detail", "held"),
    ("events:invitee_add", "coming"),
    ("events:summary_readers", "coming"),
    ("events:summary_release", "coming"),
    ("events:summary_versions", "coming"),
    ("events:attendance_register", "held"),
    ("events:feedback_summary", "held"),
    ("events:nomination_list", None),
    ("reports:report_home", None),
    ("reports:report_version", None),
    ("reports:report_check_progress", None),
    ("reports:report_responses", None),
    ("reports:report_sign_off", None),
    ("reports:report_publication", None),
    ("actions:action_plan", None),
    ("accounts:progress", None),
    ("partnerships:audit_log", None),
    ("partnerships:staff_list", None),
    ("practitioners:practitioner_list", None),
    ("practitioners:agency_list", None),
]


def test_pages_that_count_read_as_people_write(counts, business_manager, client):
    client.force_login(business_manager)
    problems = []
    for name, event in COUNTING_PAGES:
        values = {"slug": counts["partnership"].slug, "review_id": counts["review"].pk, "number": 1}
        if event is not None:
            values["event_id"] = counts[event].pk
        arguments = access._kwargs_of(name)
        url = reverse(name, kwargs={key: value for key, value in values.items() if key in arguments})
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        main = BeautifulSoup(response.content, "html.parser").find("main")
        problems += [f"{url}: {problem}" for problem in wrong_words(main.get_text(" "), pages=True)]
    assert not problems, "\n".join(problems)


# One formatting module --------------------------------------------------------------------------------

# Django's own ways of writing counts, dates and times ("1 comment" by pluralize, "Dec. 8, 2026", "2 p.m.",
# "3 days ago"), which read differently from core/formatting.py's.
DJANGO_WORDS = re.compile(r"\|\s*(pluralize|naturaltime|naturalday|timesince|timeuntil|time\b|date\b)")


def test_templates_write_counts_dates_and_times_with_the_formatting_module():
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt", ".ics") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # A machine-readable date in a <time datetime="…"> attribute is not for reading.
            readable = re.sub(r'datetime="[^"]*"', "", line)
            if match := DJANGO_WORDS.search(readable):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: |{match[1]}")
    assert not found, "use core/formatting.py's filters (counted, agree, uk_date, uk_time…):\n" + "\n".join(found)


def test_counts_agree():
    assert [formatting.agree(n, "has,have") for n in (0, 1, 2)] == ["have", "has", "have"]
    assert formatting.counted(1, "unused recovery code") == "1 unused recovery code"
