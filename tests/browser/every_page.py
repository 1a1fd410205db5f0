"""Every page of the product, in every state, in a real browser with axe-core (WCAG 2.2 A and AA).

The walk is split into parts (PARTS, at the end), each run by a test file of its own
(tests/browser/test_every_page_*.py), so that the processes of a parallel run share it.

One data set is built (by each part, afresh) through the product's own services: a partnership with a business
manager and a reviewer (both with an authenticator app) and a review at each stage that matters —
a new one with nothing in it; one whose events have invitees who replied in every way, a released
summary, attendance, feedback and private notes; one whose draft report has names to check and is
out for checking with comments and answers; one signed off and published with an action plan; one
signed off and held back — and a second partnership with nothing in it, for the empty states.

Then every URL name in the access table (tests/test_url_access.py) is visited by the person it is
for: a member of staff, a practitioner, safeguarding lead or action owner through their personal
link (in a phone-sized window), or the public. Each page is checked with axe-core in its full state
and, where it has one, its empty state; each form is sent once with nothing in it (or clearly wrong
input) and the page with its errors is checked too; so are the pages people see when refused, the
sign-in and account pages, and pages with a message after saving. Files (PDF, CSV, calendar) are
fetched and only their status and type are checked. The test fails listing every violation, and
naming any URL in the table it neither visited nor skipped with a reason, and any page with a form
that was never sent with bad input (nor said why it cannot be wrong): each part checks its own steps,
and the last part to finish checks what all the parts visited together. Every page checked must
also fit a window 320 CSS px wide without scrolling sideways (WCAG 2.2 reflow).
"""

import fcntl
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from weasyprint import HTML

from actions import services as actions
from actions.models import Action, AgencyLink
from core import links
from core.models import Membership, Partnership
from events import attendance, feeds, invitations, notes, summary, summary_documents, witnesses
from events import services as events
from events.models import Attendance, Event, Invitation
from notifications.kinds import KINDS
from notifications.models import OutboundMessage
from partnerships import services as partnership_services
from partnerships.models import SingleSignOnProvider
from practitioners import nominations
from practitioners.models import Agency, NominationRequest, Practitioner
from reports import anonymisation, circulation, documents, responses, signoff
from reports.models import Checker, Circulation, Comment, NameHit, ReportVersion
from reviews import holds
from reviews import services as reviews
from reviews.models import Review
from submissions import services as written_accounts
from submissions.models import AccountRequest, AccountVersion
from tests import parallel
from tests.browser.conftest import (
    AXE_OPTIONS,
    AXE_SCRIPT,
    AccessibilityChecker,
    described,
    seen_before,
    uses_axe,
)
from tests.browser.journey import sign_in
from tests.conftest import PASSWORD, make_staff
from tests.reports.documents import docx
from tests.test_url_access import ACCESS

# Each part's test file uses these marks. A part takes over a minute: the parts start first, so a parallel
# run shares them between its processes while the fast tests fill in around them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.starts_early]

# The data set ------------------------------------------------------------------------------------

SUMMARY_TEXT = """## What is known

Child C lived with their father and was known to the school nurse and the health visitor.

- The family moved twice in the year the review covers.
- Two referrals were made to children's social care.
"""
FIRST_DRAFT = [
    "Introduction",
    "Lee Porter, a police constable, visited the family twice in March.",
    "Jordan Example was seen by the health visitor at home in April.",
    "The family lived near Ruby Green Park.",
]
CLEAN_DRAFT = [
    "Introduction",
    "A police constable visited the family twice in March.",
    "The school shared its concerns with children's social care in May.",
    "Agencies met in June to plan what to do next.",
]
PEOPLE = [
    # name, job title, agency key
    ("Lee Porter", "Police constable", "police"),
    ("Mia Hughes", "Health visitor", "health"),
    ("Isla Scott", "Social worker", "social_care"),
    ("Ruby Green", "Class teacher", "school"),
    ("Omar Khan", "Health visitor team leader", "health"),
    ("Sam Reid", "Detective sergeant", "police"),
    ("Theo Hall", "Designated safeguarding lead", "school"),
    ("Ella Wright", "Team manager", "social_care"),
]


class World:
    """The data set: its people and objects as attributes, and the secret of each personal link the browsers open."""

    def __init__(self, **objects):
        self.tokens = {}
        self.add(**objects)

    def add(self, **objects):
        self.__dict__.update(objects)


def _new_review(partnership, manager, reviewer, *, reference, pseudonym, real_name, at_event_stage=True, kind="cspr"):
    """A review through the product's service, moved on to its practitioner event stage unless told not to."""
    today = timezone.localdate()
    review = reviews.create_review(
        partnership=partnership,
        data={
            "review_type": kind,
            "reference": reference,
            "pseudonym": pseudonym,
            "subject_name": real_name,
            "scope_start": today - timedelta(days=900),
            "scope_end": today - timedelta(days=200),
            "incident_notified_on": today - timedelta(days=180),
            "commissioned_on": today - timedelta(days=150),
            "target_completion_on": today + timedelta(days=60),
            "reviewers": [reviewer],
            "theme_titles": ["Hearing the voice of the child", "Sharing information between agencies"],
        },
        created_by=manager,
    )
    if at_event_stage:
        for status in (Review.Status.GATHERING, Review.Status.PRACTITIONER_EVENT):
            reviews.advance_status(review=review, to_status=status, changed_by=manager)
    return Review.objects.get(pk=review.pk)


def _at(days, hour=10):
    return (timezone.localtime() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _new_event(review, manager, reviewer, *, title, days, reply_days):
    event = events.create_event(
        review,
        details={
            "title": title,
            "starts_at": _at(days),
            "ends_at": _at(days, 13),
            "format": Event.Format.HYBRID,
            "venue_name": "Northvale Civic Centre, Committee Room 2",
            "venue_address": "1 High Street\nNorthvale\nNV1 2AB",
            "access_information": "Step-free entrance on High Street. Hearing loop in the room.",
            "joining_link": "https://meet.northvale.example/event",
            "joining_details": "Passcode 4821",
            "chair": reviewer,
            "facilitator": manager.full_name,
            "capacity": 20,
            "rsvp_deadline": timezone.localdate() + timedelta(days=reply_days),
            "agenda": "10:00 Welcome\n10:15 First-hand accounts\n11:30 Break\n11:45 Learning themes",
        },
        learning_themes=list(review.learning_themes.all()),
        created_by=manager,
    )
    # The reviewer shares the first theme with invitees; the second stays with the review's team.
    themes = list(review.learning_themes.all())
    events.describe_event(
        event,
        agenda=event.agenda,
        facilitator=event.facilitator,
        themes=themes,
        shared_themes=themes[:1],
        updated_by=reviewer,
    )
    return event


def _invite(event, people, manager):
    events.add_invitees(event, people, source=Invitation.Source.DIRECTORY, added_by=manager)
    invitations.send_invitations(event, sent_by=manager)
    return {i.practitioner_id: i for i in event.invitations.select_related("practitioner")}


def _reply(invitation, **answer):
    return invitations.record_rsvp(Invitation.objects.get(pk=invitation.pk), **answer)


def _pdf(text):
    return HTML(
        string=f"<html lang='en'><head><title>{text}</title></head><body><p>{text}</p></body></html>"
    ).write_pdf()


def _upload_draft(review, reviewer, paragraphs, name):
    upload = SimpleUploadedFile(name, docx(paragraphs), content_type="application/octet-stream")
    return documents.add_version(review, upload=upload, created_by=reviewer)


def _token_for(model, pk):
    """Give a personal link a fresh secret (only its hash is kept) and return the secret for the browser."""
    token, token_hash = links.new_token()
    model.objects.filter(pk=pk).update(token_hash=token_hash)
    return token


def build_directory(world):
    partnership, manager = world.partnership, world.manager
    agencies = {
        "police": ("Northvale Police", Agency.Type.POLICE, "DS Kim Lowe", "kim.lowe@police.example"),
        "health": ("Northvale Community Health Trust", Agency.Type.HEALTH, "Ann Berry", "ann.berry@health.example"),
        "social_care": (
            "Northvale Children's Services",
            Agency.Type.CHILDRENS_SOCIAL_CARE,
            "Raj Patel",
            "raj.patel@northvale.example",
        ),
        "school": ("Hillside Primary School", Agency.Type.SCHOOL, "", ""),
    }
    made = {}
    for key, (name, kind, lead, email) in agencies.items():
        made[key] = Agency.objects.create(
            partnership=partnership, name=name, agency_type=kind, lead_name=lead, lead_email=email
        )
    world.agencies = made
    people = []
    for index, (name, title, agency) in enumerate(PEOPLE):
        first, last = name.lower().split(" ", 1)
        people.append(
            Practitioner.objects.create(
                partnership=partnership,
                full_name=name,
                job_title=title,
                agency=made[agency],
                email=f"{first}.{last}@{agency.replace('_', '-')}.example",
                phone=f"01632 960 {300 + index:03d}",
                line_manager_name="" if index > 5 else "Ella Wright",
                line_manager_email="" if index > 5 else "ella.wright@social-care.example",
            )
        )
    world.people = people
    world.manager_membership = Membership.objects.get(user=manager, partnership=partnership)
    world.reviewer_membership = Membership.objects.get(user=world.reviewer, partnership=partnership)


def build_events_review(world):
    """A review with an upcoming event with every kind of reply and a released summary; a held one; a cancelled one."""
    manager, reviewer, people = world.manager, world.reviewer, world.people
    review = _new_review(
        world.partnership,
        manager,
        reviewer,
        reference="CSPR 2026-02",
        pseudonym="Child C",
        real_name="Casey Sample",
    )
    world.events_review = review

    # The upcoming event: accepted (with and without needs), declined (with and without a reason), no reply.
    upcoming = _new_event(review, manager, reviewer, title="Practitioner learning event", days=14, reply_days=7)
    invited = _invite(upcoming, people[:6], manager)
    lee, mia, isla, ruby, omar, sam = (invited[p.pk] for p in people[:6])
    _reply(lee, attending=True, joining="in_room", access_needs="I use a wheelchair.", line_manager_attending=True)
    _reply(mia, attending=True, joining="online", line_manager_attending=False)
    _reply(
        isla,
        attending=False,
        decline_reason="I am on leave that week.",
        suggested_colleague_name="Ella Wright",
        suggested_colleague_email="ella.wright@social-care.example",
    )
    _reply(ruby, attending=False)
    # Sam's invitation email failed; Theo is on the list but not yet invited.
    OutboundMessage.objects.about_one(sam).update(
        state=OutboundMessage.State.FAILED, last_error="Mailbox unavailable (550)"
    )
    events.add_invitees(upcoming, [people[6]], source=Invitation.Source.DIRECTORY, added_by=manager)
    # Omar's invitation email is still waiting to go: the event page shows the emails on their way.
    OutboundMessage.objects.about_one(omar).filter(kind="invitation").update(state=OutboundMessage.State.QUEUED)
    world.add(upcoming=upcoming, lee=lee, mia=mia, isla=isla, omar=omar, sam=sam)
    # Theo may be a witness in criminal proceedings: held back until the police agree. Isla's agreement is recorded.
    world.theo = Invitation.objects.get(event=upcoming, practitioner=people[6])
    witnesses.mark(world.theo, by=manager)
    witnesses.mark(isla, by=manager)
    witnesses.record_agreement(
        isla,
        liaison_name="DI Rachel Moss",
        liaison_organisation="Northvale Police",
        agreed_on=timezone.localdate(),
        by=manager,
    )

    # Its confidential summary: a written version and an uploaded PDF; the first released today.
    written = summary_documents.add_version(upcoming, text=SUMMARY_TEXT, created_by=reviewer)
    upload = SimpleUploadedFile("summary.pdf", _pdf("Confidential summary"), content_type="application/pdf")
    summary_documents.add_version(upcoming, upload=upload, created_by=reviewer)
    summary.release_summary(upcoming, version=written, available_from=timezone.now(), released_by=manager)
    # A third version names an invitee: the names check has a place for the reviewer to deal with.
    named = SUMMARY_TEXT + "\nLee Porter visited the family twice in March.\n"
    summary_documents.add_version(upcoming, text=named, created_by=reviewer)
    mia_reader = summary.reader_for(Invitation.objects.get(pk=mia.pk))
    summary.accept_terms(mia_reader)
    summary.record_read(mia_reader)

    # Notes: one on the review, one on the event.
    world.note = notes.create_note(
        review=review, author=reviewer, title="Themes to explore", body="Ask about the missed appointments."
    )
    notes.create_note(
        review=review, event=upcoming, author=reviewer, title="On the day", body="Start with the timeline."
    )

    # The held event: Lee attended, Mia came with her manager, Isla did not; Mia gave feedback.
    held = _new_event(review, manager, reviewer, title="First practitioner learning event", days=3, reply_days=1)
    invited = _invite(held, [people[0], people[1], people[2]], manager)
    for invitation in invited.values():
        _reply(invitation, attending=True, joining="in_room", line_manager_attending=False)
    Event.objects.filter(pk=held.pk).update(
        starts_at=_at(-7), ends_at=_at(-7, 13), rsvp_deadline=timezone.localdate() - timedelta(days=10)
    )
    held.refresh_from_db()
    attendance.record_attendance(
        held,
        {
            invited[people[0].pk].pk: Attendance.ATTENDED,
            invited[people[1].pk].pk: Attendance.WITH_MANAGER,
            invited[people[2].pk].pk: Attendance.DID_NOT_ATTEND,
        },
        recorded_by=manager,
    )
    attendance.send_thank_yous(held, sent_by=manager)
    attendance.give_feedback(
        Invitation.objects.get(pk=invited[people[1].pk].pk),
        safe_space="yes",
        felt_heard="partly",
        what_would_help="More time for the timeline.",
    )
    world.add(held=held, held_lee=invited[people[0].pk])

    # A cancelled event.
    cancelled = _new_event(review, manager, reviewer, title="Extra practitioner event", days=20, reply_days=10)
    _invite(cancelled, [people[4]], manager)
    events.cancel_event(cancelled, reason="The venue is closed for repairs.", cancelled_by=manager)
    world.add(cancelled=cancelled, cancelled_invitation=cancelled.invitations.get())

    # Nominations: the police's lead named two people and finished; one was accepted onto the upcoming event.
    police, health = world.agencies["police"], world.agencies["health"]
    nominations.request_nominations(
        review=review,
        agencies=[police, health],
        deadline=timezone.localdate() + timedelta(days=7),
        requested_by=manager,
    )
    police_request = NominationRequest.objects.get(review=review, agency=police)
    first = nominations.add_nomination(
        nomination_request=police_request,
        data={
            "full_name": "Dana Brooks",
            "job_title": "Police community support officer",
            "email": "dana.brooks@police.example",
            "line_manager_name": "Sam Reid",
            "line_manager_email": "sam.reid@police.example",
        },
    )
    nominations.add_nomination(
        nomination_request=police_request,
        data={"full_name": "Kit Moss", "job_title": "Detective constable", "email": "kit.moss@police.example"},
    )
    nominations.mark_complete(nomination_request=police_request)
    events.accept_nominations(review=review, nominations=[first], event=upcoming, accepted_by=manager)
    world.nomination_request = police_request
    world.empty_nomination_request = NominationRequest.objects.get(review=review, agency=health)


def build_written_accounts(world):
    """The events review's written accounts: the police sent two files (one in two versions) and asked for more
    time; the health trust has not opened its link."""
    review, manager = world.events_review, world.manager
    police, health = world.agencies["police"], world.agencies["health"]
    written_accounts.request_accounts(
        review=review,
        agencies=[police, health],
        kind=AccountRequest.Kind.TEMPLATE,
        template_name="Individual management review",
        template_upload=SimpleUploadedFile("IMR template.docx", docx(["Your agency's account"])),
        working_days=15,
        requested_by=manager,
    )
    police_request = AccountRequest.objects.get(review=review, agency=police)
    first = written_accounts.upload_file(
        account_request=police_request, upload=SimpleUploadedFile("chronology.pdf", _pdf("Chronology"))
    )
    written_accounts.upload_file(
        account_request=police_request,
        upload=SimpleUploadedFile("chronology corrected.pdf", _pdf("Chronology, corrected")),
        document=first.document,
    )
    written_accounts.upload_file(
        account_request=police_request, upload=SimpleUploadedFile("agency report.docx", docx(["Agency report"]))
    )
    extension = written_accounts.ask_for_more_time(
        account_request=police_request,
        new_deadline=police_request.deadline + timedelta(days=14),
        reason="Our records are archived off site.",
    )
    world.add(
        account_request=police_request,
        account_extension=extension,
        account_file=AccountVersion.objects.get(document__request=police_request, number=2),
    )


def written_account_steps(world):
    """The agencies' written accounts: the business manager's and reviewer's pages, and the police's lead."""
    review, empty = _review(world.events_review), _review(world.empty_review)
    bm = "manager"
    return [
        Step("accounts:progress", "empty_manager", empty, "nobody asked yet"),
        Step("accounts:progress", bm, review, error=send_form("Send the requests")),
        Step("accounts:progress", "reviewer", review, "as the reviewer"),
        Step(
            "accounts:extension",
            bm,
            review | {"extension_id": world.account_extension.pk},
            error=send_form("Send your answer"),
        ),
        Step(
            "accounts:file",
            bm,
            review | {"account_file_id": world.account_file.pk},
            kind=FILE,
            content_type="application/pdf",
        ),
        Step(
            "account_link:start",
            "lead",
            {"token": world.tokens["account_lead"]},
            then=press("main .govuk-button--start"),
        ),
        Step("account_link:page", "lead", check=False, error=send_form("Upload the file")),
        Step("account_link:more_time", "lead", error=send_form("Ask for more time")),
        Step("account_link:send", "lead", error=send_form("Send your account")),
        Step(
            "account_link:template",
            "lead",
            kind=FILE,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Step("account_link:start", "public", {"token": "not-a-real-link"}, "a link that does not work", status=404),
    ]


def build_draft_review(world):
    """A review in its factual-accuracy check: a draft naming people, a clean one out with comments and answers."""
    manager, reviewer, people = world.manager, world.reviewer, world.people
    review = _new_review(
        world.partnership,
        manager,
        reviewer,
        reference="CSPR 2025-09",
        pseudonym="Child E",
        real_name="Jordan Example",
    )
    held = Event.objects.create(
        review=review,
        title="Practitioner learning event",
        starts_at=_at(-30),
        ends_at=_at(-30, 13),
        venue_name="Northvale Civic Centre",
        chair=reviewer,
        capacity=20,
        rsvp_deadline=timezone.localdate() - timedelta(days=40),
        status=Event.Status.HELD,
        created_by=manager,
    )
    for person in people[:3]:
        Invitation.objects.create(
            event=held, practitioner=person, status=Invitation.Status.ACCEPTED, attendance=Attendance.ATTENDED
        )
    first = _upload_draft(review, reviewer, FIRST_DRAFT, "draft report.docx")
    park = NameHit.objects.get(version=first, kind=NameHit.Kind.PRACTITIONER)  # "Ruby Green Park"
    anonymisation.mark_not_a_person(park, reason="It is the name of a park.", by=reviewer)
    second = _upload_draft(review, reviewer, CLEAN_DRAFT, "draft report v2.docx")
    started = circulation.circulate(
        second, people=circulation.default_checkers(review), working_days=10, started_by=manager
    )
    checkers = {checker.name: checker for checker in started.checkers.all()}
    lee, mia = checkers["Lee Porter"], checkers["Mia Hughes"]
    circulation.add_comment(lee, paragraph=2, text="I visited three times in March.", correction="three times")
    circulation.add_comment(lee, paragraph=3, text="The school shared its concerns in April.")
    circulation.send_comments(lee)
    answered, waiting = lee.comments.order_by("paragraph")
    responses.answer_comment(answered, response=Comment.Response.AMENDED, text="Now says three.", by=reviewer)
    circulation.accept_terms(mia)
    circulation.say_no_comments(mia)
    # A third version, checked and clean, not yet sent.
    _upload_draft(review, reviewer, [*CLEAN_DRAFT, "Next steps are set out below."], "draft report v3.docx")
    world.add(
        draft_review=review,
        checker=lee,
        checker_done=mia,
        comment=waiting,
    )


def build_published_review(world):
    """A review signed off and published, with an action plan; another signed off and held back."""
    manager, reviewer, agencies = world.manager, world.reviewer, world.agencies
    review = _new_review(
        world.partnership,
        manager,
        reviewer,
        reference="CSPR 2025-04",
        pseudonym="Child D",
        real_name="Morgan Sample",
    )
    version = _upload_draft(review, reviewer, CLEAN_DRAFT, "final report.docx")
    _checked_by_a_lead(version, manager)
    signoff.sign_off(
        review,
        version=version,
        body="Safeguarding Partnership Executive",
        signed_off_on=timezone.localdate() - timedelta(days=30),
        minute_reference="SPE 2026/12",
        recorded_by=manager,
    )
    reviews.record_timeline(
        review=review, data={"final_report_sent_on": timezone.localdate() - timedelta(days=21)}, recorded_by=manager
    )
    world.publication = signoff.publish(review, by=manager)
    today = timezone.localdate()
    first = actions.add_recommendation(
        review, text="Agencies should share concerns about neglect without waiting to be asked.", by=manager
    )
    second = actions.add_recommendation(
        review, text="The partnership should check that the child's voice is recorded.", by=manager
    )
    overdue = actions.add_action(
        first,
        data={
            "description": "Brief every response team on sharing concerns about neglect",
            "agency": agencies["police"],
            "lead_name": "DS Kim Lowe",
            "lead_email": "kim.lowe@police.example",
            "due_date": today + timedelta(days=30),
        },
        by=manager,
    )
    complete = actions.add_action(
        first,
        data={
            "description": "Remind health visitors how to raise a concern with another agency",
            "agency": agencies["health"],
            "lead_name": "Ann Berry",
            "lead_email": "ann.berry@health.example",
            "due_date": today + timedelta(days=45),
        },
        by=manager,
    )
    actions.add_action(
        second,
        data={
            "description": "Audit twenty case files for the child's voice",
            "agency": agencies["social_care"],
            "lead_name": "Raj Patel",
            "lead_email": "raj.patel@northvale.example",
            "due_date": today + timedelta(days=90),
        },
        by=manager,
    )
    evidence = SimpleUploadedFile("briefing register.pdf", _pdf("Briefing register"), content_type="application/pdf")
    update = actions.add_update(
        overdue,
        text="Four of six teams briefed.",
        status=Action.Status.IN_PROGRESS,
        rag=Action.Rag.AMBER,
        evidence_file=evidence,
        by=manager,
    )
    actions.add_update(
        complete, text="Reminder sent to every team.", status=Action.Status.COMPLETE, rag=Action.Rag.GREEN, by=manager
    )
    # Agreed months ago and now overdue.
    Action.objects.filter(pk=overdue.pk).update(
        created_on=today - timedelta(days=100), due_date=today - timedelta(days=10), rag=Action.Rag.RED
    )
    actions.send_agency_link(review, agencies["police"], name="Jo Kent", email="jo.kent@police.example", by=manager)
    actions.send_agency_link(review, agencies["health"], name="Ann Berry", email="ann.berry@health.example", by=manager)
    actions.stop_agency_link(AgencyLink.objects.get(review=review, agency=agencies["health"]), by=manager)
    world.add(
        published_review=review,
        recommendation=first,
        action=overdue,
        update=update,
        agency=agencies["police"],
        agency_link=AgencyLink.objects.get(review=review, agency=agencies["police"]),
    )

    held_back = _new_review(
        world.partnership,
        manager,
        reviewer,
        reference="CSPR 2025-07",
        pseudonym="Child F",
        real_name="Riley Sample",
    )
    version = _upload_draft(held_back, reviewer, CLEAN_DRAFT, "final report.docx")
    _checked_by_a_lead(version, manager)
    signoff.sign_off(
        held_back,
        version=version,
        body="Safeguarding Partnership Executive",
        signed_off_on=timezone.localdate() - timedelta(days=3),
        minute_reference="SPE 2026/15",
        recorded_by=manager,
    )
    signoff.hold_publication(held_back, reason="Criminal proceedings have not ended.", by=manager)
    # An event still to come: the publication page names it as what stops publication.
    _new_event(held_back, manager, reviewer, title="Learning event for the agencies", days=20, reply_days=10)
    holds.place_hold(held_back, reason="Criminal proceedings: the police may need the material.", by=manager)
    world.held_review = held_back


def _checked_by_a_lead(version, manager):
    """The version goes through its factual-accuracy check, as sign-off requires, weeks before the meeting
    (a sign-off cannot be dated before the draft went out); the lead answers that they have no comments."""
    lead = circulation.Person(role=Checker.Role.LEAD, name="DS Kim Lowe", email="kim.lowe@police.example")
    started = circulation.circulate(version, people=[lead], working_days=10, started_by=manager)
    circulation.say_no_comments(started.checkers.get())
    ReportVersion.objects.filter(pk=version.pk).update(created_at=timezone.now() - timedelta(days=50))
    Circulation.objects.filter(pk=started.pk).update(started_at=timezone.now() - timedelta(days=45))


def build_empty(world):
    """The empty partnership's review and event, added once its partnership pages have been seen empty."""
    review = _new_review(
        world.empty,
        world.empty_manager,
        world.reviewer,
        reference="SAR 2026-01",
        pseudonym="Adult A",
        real_name="Robin Sample",
        at_event_stage=False,
        kind=Review.Type.SAR,
    )
    event = _new_event(review, world.empty_manager, world.reviewer, title="Practitioner event", days=30, reply_days=20)
    world.add(empty_review=review, empty_event=event)


def build_world(partnership, business_manager, reviewer, review):
    empty = Partnership.objects.create(
        name="Southfield Safeguarding Adults Board",
        slug="southfield",
        kind=Partnership.Kind.ADULTS,
        contact_name="Ada Mensah",
        contact_email="board@southfield.example",
    )
    empty_manager = make_staff("manager@southfield.example", "Ada Mensah", empty, Membership.Role.BUSINESS_MANAGER)
    # The reviewer works for both partnerships, so their home page lists the two.
    Membership.objects.create(user=reviewer, partnership=empty, role=Membership.Role.REVIEWER)
    world = World(
        partnership=partnership,
        empty=empty,
        manager=business_manager,
        reviewer=reviewer,
        empty_manager=empty_manager,
        new_review=review,
    )
    # The business manager keeps recovery codes, to reach the page that shows them.
    RecoveryCodes.activate(business_manager)
    build_directory(world)
    build_events_review(world)
    build_written_accounts(world)
    build_draft_review(world)
    build_published_review(world)
    world.message = OutboundMessage.objects.filter(kind="invitation").first()
    world.sso_provider = partnership_services.save_sso_provider(
        partnership=partnership,
        provider=SingleSignOnProvider(
            name="Northvale Council account",
            issuer_url="https://login.microsoftonline.com/2f6a4b1c-0000-4000-8000-1234567890ab/v2.0",
            client_id="9d1c2b3a-1111-4222-8333-444455556666",
            client_secret="a secret the provider gave",
        ),
        domains=["northvale-council.example"],
        changed_by=business_manager,
        fields=["name"],
    )

    # Fresh secrets for each personal link the browsers open (only their hashes are stored).
    world.tokens["attendee"] = invitations.rotate_link(Invitation.objects.get(pk=world.lee.pk))
    world.tokens["invitee"] = invitations.rotate_link(Invitation.objects.get(pk=world.omar.pk))
    world.tokens["feedback"] = invitations.rotate_link(Invitation.objects.get(pk=world.held_lee.pk))
    world.tokens["checker"] = _token_for(Checker, world.checker.pk)
    world.tokens["owner"] = _token_for(AgencyLink, world.agency_link.pk)
    world.tokens["lead"] = _token_for(NominationRequest, world.nomination_request.pk)
    world.tokens["declined"] = invitations.rotate_link(Invitation.objects.get(pk=world.isla.pk))
    world.tokens["cancelled"] = invitations.rotate_link(Invitation.objects.get(pk=world.cancelled_invitation.pk))
    world.tokens["checker_done"] = _token_for(Checker, world.checker_done.pk)
    world.tokens["lead_empty"] = _token_for(NominationRequest, world.empty_nomination_request.pk)
    world.tokens["account_lead"] = _token_for(AccountRequest, world.account_request.pk)
    world.tokens["feed"] = feeds.reset_feed(user=reviewer, partnership=partnership)
    return world


# What the browsers do ----------------------------------------------------------------------------

PAGE, FILE, FRAGMENT = "page", "file", "fragment"
# Text-like fields a form can be emptied of (file inputs, radios and checkboxes are left alone).
TEXT_FIELDS = (
    "input:not([type]), input[type=text], input[type=email], input[type=number], input[type=tel], "
    "input[type=url], input[type=search], input[type=date], input[type=password], textarea"
)


# Empties the form's text fields in one step (one round trip instead of one for each field).
CLEAR = """(form, selector) => {
  for (const box of form.querySelectorAll(selector)) {
    if (!box.disabled && !box.readOnly && box.offsetParent !== null) box.value = "";
  }
}"""


def send_form(button, *, clear=True, fill=(), check=(), files=()):
    """Send the form `button` belongs to: emptied unless told not to, with `fill`, `check` and `files` applied."""

    def send(page):
        submit = page.get_by_role("main").get_by_role("button", name=button).first
        form = submit.locator("xpath=ancestor::form[1]")
        if clear:
            form.evaluate(CLEAR, TEXT_FIELDS)
        for label, value in fill:
            form.get_by_label(label, exact=True).first.fill(value)
        for label in check:
            # Every box of that name: "Yes" may answer several questions.
            for box in form.get_by_label(label, exact=True).all():
                box.check()
        for label, path in files:
            form.get_by_label(label, exact=True).set_input_files(path)
        with page.expect_navigation():
            submit.click()

    return send


# A session that has expired, or a form left open too long: the form's CSRF token no longer matches.
STALE_TOKEN = """form => { form.querySelector("[name=csrfmiddlewaretoken]").value = "x".repeat(64); }"""


def send_stale_form(button):
    """Send the form `button` belongs to with a token that no longer matches, as after a long break."""

    def send(page):
        submit = page.get_by_role("main").get_by_role("button", name=button).first
        submit.locator("xpath=ancestor::form[1]").evaluate(STALE_TOKEN)
        with page.expect_navigation():
            submit.click()

    return send


def try_bad_links(path, times):
    """Open a link that does not work, again and again, as someone guessing links would."""

    def run(page):
        for _ in range(times):
            page.context.request.get(path)

    return run


def press(button):
    """Press a button on the page (a personal link's start page, a confirmation) and wait for the next page."""

    def run(page):
        if isinstance(button, str) and button.startswith("main "):
            target = page.locator(button)
        else:
            target = page.get_by_role("main").get_by_role("button", name=button)
        with page.expect_navigation():
            target.first.click()

    return run


@dataclass
class Step:
    """One URL visited by one person: a page (axe-core), or a file or fragment (status and type only)."""

    name: str
    who: str
    kwargs: dict = field(default_factory=dict)
    state: str = "full"
    query: str = ""
    kind: str = PAGE
    content_type: str = "text/html"
    status: int = 200
    # Sends the page's form with nothing (or something wrong) in it; the page with its errors is checked.
    error: Callable | None = None
    # Something to do on the page after it is checked (press a button); the page it leads to is checked too.
    then: Callable | None = None
    # A path of its own, for pages outside the table (refusals, signing in).
    url: str = ""
    # False for a page already checked in this state by an earlier step (a link's start page opened again, or
    # the page a button just led to).
    check: bool = True
    # Something to do before the page is opened.
    before: Callable | None = None

    def path(self):
        return (self.url or reverse(self.name, kwargs=self.kwargs)) + (f"?{self.query}" if self.query else "")

    def label(self):
        return f"{self.name} ({self.state}, as {self.who})"


class PipelinedChecker(AccessibilityChecker):
    """The suite's checker (the same WCAG 2.2 A and AA rules), able to run in the background.

    `start` sets axe-core going on the page as it is and returns at once; `finish` waits for its
    violations. Meanwhile the next page loads in another tab, so the browser checks one page while
    the server renders the next. Only the violations come back: the full results list every rule
    that passed with every node it looked at, which costs more to bring back than the rules to run.
    """

    START = """options => {
      if (typeof axe === "undefined") return false;
      window.conveneAxe = axe.run(document, options).then(results => results.violations);
      return true;
    }"""

    def __init__(self, page):
        super().__init__(page)
        self.pending = None

    def start(self, where):
        self.finish()
        self.page.wait_for_load_state("load")
        if seen_before(self.page):
            self.checked.append(self.page.url)
            return
        # The browser context adds axe-core to every page as it loads (see Visitors); in case it did not:
        if not self.page.evaluate(self.START, AXE_OPTIONS):
            self.page.evaluate(AXE_SCRIPT)
            self.page.evaluate(self.START, AXE_OPTIONS)
        self.pending = (where, self.page.url)

    def finish(self):
        """Wait for the check under way, if any; returns the new violations, each labelled."""
        if self.pending is None:
            return []
        where, url = self.pending
        self.pending = None
        self.checked.append(url)
        violations = self.page.evaluate("() => window.conveneAxe")
        found = [f"{where} {url}: {described(violation)}" for violation in violations]
        self.violations += found
        return found

    def check(self):
        self.start(self.page.url)
        self.finish()


# Everyone holding a personal link shares one browser, as one person might; each member of staff has
# their own; signing in happens last in the public's browser.
LINK_HOLDERS = {"invitee", "attendee", "feedback", "declined", "cancelled", "lead", "checker", "owner"}
BROWSER_OF = {"signing_in": "public"} | dict.fromkeys(LINK_HOLDERS, "link holder")
# People who follow a link in an email often do so on a phone: their pages are checked in a phone-sized
# window (where the layout, and the space between links and buttons, differ); staff use Playwright's
# desktop-sized default.
VIEWPORTS = {"link holder": {"width": 360, "height": 740}, "public": {"width": 360, "height": 740}}


@dataclass
class Report:
    visited: set = field(default_factory=set)
    violations: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    checked: int = 0
    # URL names whose page has a form to fill in, and those whose form was sent with bad input.
    forms: set = field(default_factory=set)
    errors_shown: set = field(default_factory=set)


class Visitors:
    """A browser context for each person, with two tabs taken in turn: one is checked while the other loads."""

    def __init__(self, browser, live_server, people, report):
        self.browser, self.live_server, self.people, self.report = browser, live_server, people, report
        self.contexts, self.tabs, self.turn = {}, {}, {}

    def tab(self, who):
        key = BROWSER_OF.get(who, who)
        if key not in self.contexts:
            context = self.browser.new_context(base_url=self.live_server.url, viewport=VIEWPORTS.get(key))
            context.set_default_timeout(10_000)
            # axe-core in every page from the start, as the browser loads it: sending the script to each
            # page after it has loaded costs a third of the time the check takes.
            uses_axe(context)
            if self.people.get(who) is not None:
                sign_in(context, self.live_server, self.people[who])
            self.contexts[key] = context
            self.tabs[key] = [PipelinedChecker(context.new_page()) for _ in range(2)]
            self.turn[key] = 0
        self.turn[key] = 1 - self.turn[key]
        checker = self.tabs[key][self.turn[key]]
        self.collect(checker)
        # Chromium draws only the tab in front, and Playwright waits for a tab to draw before each click,
        # fill or scroll: in the tab behind, each waited about a second. The other tab's check goes on behind.
        checker.page.bring_to_front()
        return checker

    def collect(self, checker):
        if checker.pending is not None:
            self.report.checked += 1
            self.report.violations += checker.finish()

    def finish_all(self):
        for tabs in self.tabs.values():
            for checker in tabs:
                self.collect(checker)

    def close(self):
        for context in self.contexts.values():
            context.close()


# Whether the main content has a form with something to fill in or choose (not just a button).
HAS_FORM = """() => [...document.querySelectorAll("main form")].some(form => form.querySelector(
  "textarea, select, input:not([type=hidden]):not([type=submit]):not([type=button])"))"""


# Reflow (WCAG 2.2, 1.4.10): at 320 CSS px wide the page itself does not scroll sideways. Returns the
# document's width and the widest element that sticks out past the window's right edge, if any.
REFLOW_WIDTH = 320
WIDEST = """limit => {
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return [width, null];
  // Inside a region that scrolls, unless positioned against something outside it (as visually hidden text is).
  const clipped = element => {
    if (["absolute", "fixed"].includes(getComputedStyle(element).position)) return false;
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null, right = limit;
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right > right && !clipped(element)) {
      right = box.right;
      const id = element.id ? "#" + element.id : "";
      const classes = [...element.classList].slice(0, 2).map(name => "." + name).join("");
      const text = (element.textContent || "").trim().slice(0, 40);
      const tag = `<${element.tagName.toLowerCase()}${id}${classes}> "${text}"`;
      widest = `${tag} ${Math.round(box.width)} px wide, to ${Math.round(right)} px`;
    }
  }
  return [width, widest];
}"""


def check_reflow(page, where, report):
    """At 320 px wide, the page must fit: tables scroll in their own region and long words wrap."""
    size = page.viewport_size
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"] if size else 740})
    try:
        width, widest = page.evaluate(WIDEST, REFLOW_WIDTH)
    finally:
        if size:
            page.set_viewport_size(size)
    if width > REFLOW_WIDTH:
        report.failures.append(f"{where} {page.url}: {width} px wide at {REFLOW_WIDTH} px; widest: {widest}")


def run_step(step, visitors, report):
    checker = visitors.tab(step.who)
    page = checker.page
    path = step.path()
    where = step.label()
    if step.kind != PAGE:
        response = page.context.request.get(path, max_redirects=0)
        content_type = response.headers.get("content-type", "")
        if response.status != step.status or not content_type.startswith(step.content_type):
            report.failures.append(f"{where} {path}: {response.status} {content_type!r}")
        else:
            report.visited.add(step.name)
        return
    if step.before is not None:
        step.before(page)
    response = page.goto(path)
    if response is None or response.status != step.status:
        report.failures.append(f"{where} {path}: {response.status if response else 'no response'}")
        return
    report.visited.add(step.name)
    if step.check and page.evaluate(HAS_FORM):
        report.forms.add(step.name)
    check_now = step.check
    for action, label in ((step.error, "with errors"), (step.then, "after that")):
        if action is None:
            continue
        if check_now:
            # The page is about to change: its check must end first.
            check_reflow(page, where, report)
            checker.start(where)
            visitors.collect(checker)
        action(page)
        check_now = True
        where = f"{step.label()}, {label}"
        if action is step.error:
            report.errors_shown.add(step.name)
            if not page.locator(".govuk-error-summary").first.is_visible():
                report.failures.append(f"{where} {page.url}: no error summary after sending bad input")
    if check_now:
        check_reflow(page, where, report)
        checker.start(where)


# The plan: who visits what, in which state --------------------------------------------------------


def _partnership(partnership):
    return {"slug": partnership.slug}


def _review(review):
    return {"slug": review.partnership.slug, "review_id": review.pk}


def _event(event):
    return {"slug": event.review.partnership.slug, "event_id": event.pk}


def empty_partnership_steps(world):
    """The empty partnership's own pages, before it has a review."""
    empty = _partnership(world.empty)
    who = "empty_manager"
    return [
        Step("overview:partnership_overview", who, empty, "empty"),
        Step("reviews:review_list", who, empty, "empty"),
        Step("partnerships:staff_list", who, empty, "only the business manager"),
        Step("partnerships:audit_log", who, empty, "empty"),
        Step("emails:list", who, empty, "no emails yet"),
        Step("partnerships:sso_list", who, empty, "no provider"),
        Step("reviews:factsheet_list", who, empty, "the standard wording"),
        Step("practitioners:agency_list", who, empty, "empty"),
        Step("practitioners:practitioner_list", who, empty, "empty"),
        Step("practitioners:practitioner_add", who, empty, "no agencies yet"),
        Step("events:event_calendar", who, empty, "no events"),
        Step("events:calendar_feed_settings", who, empty, "no feed yet", then=press("Get your feed's address")),
        Step("published:list", "public", empty, "empty"),
    ]


def empty_review_steps(world):
    """A review and an event with nothing in them yet, in the empty partnership."""
    review, event = _review(world.empty_review), _event(world.empty_event)
    who = "empty_manager"
    return [
        Step("overview:review_detail", who, review, "a new review with one event"),
        Step("events:nomination_list", who, review, "nobody asked yet"),
        Step("events:event_detail", who, event, "nobody invited"),
        Step("events:invitee_add", who, event, "empty directory"),
        Step("events:summary_versions", who, event, "no summary"),
        Step("events:summary_release", who, event, "nothing to release"),
        Step("events:attendance_register", who, event, "nobody on the register"),
        Step("events:feedback_summary", who, event, "no feedback"),
        Step("events:event_notes", "reviewer", event, "no notes"),
        Step("events:review_notes", "reviewer", review, "no notes"),
        Step("reports:report_home", who, review, "no draft"),
        Step("reports:report_check_progress", who, review, "no draft"),
        Step("reports:report_responses", who, review, "no draft"),
        Step("reports:report_sign_off", who, review, "no draft"),
        Step("reports:report_publication", who, review, "not signed off"),
        Step("actions:action_plan", who, review, "not started"),
        Step("actions:agency_links", who, review, "not started"),
    ]


def full_steps(world, files):
    p = _partnership(world.partnership)
    new, ev_review, draft, published, held_back = (
        _review(world.new_review),
        _review(world.events_review),
        _review(world.draft_review),
        _review(world.published_review),
        _review(world.held_review),
    )
    upcoming, held, cancelled = _event(world.upcoming), _event(world.held), _event(world.cancelled)
    pdf, csv = "application/pdf", "text/csv"
    bm, rv = "manager", "reviewer"
    return {
        "public": [
            # Public pages.
            Step("accessibility", "public"),
            Step("privacy", "public"),
            Step("healthz", "public", kind=FILE, content_type="text/plain"),
            Step("published:list", "public", p),
            Step("published:report", "public", p | {"report_slug": world.publication.slug}),
            Step(
                "published:report_pdf",
                "public",
                p | {"report_slug": world.publication.slug},
                kind=FILE,
                content_type=pdf,
            ),
            Step("notifications:demo_mailbox", "public"),
            Step("notifications:demo_message", "public", {"message_id": world.message.pk}),
            Step("notifications:demo_message_html", "public", {"message_id": world.message.pk}, kind=FILE),
            Step(
                "notifications:demo_attachment",
                "public",
                {"message_id": world.message.pk, "number": 1},
                kind=FILE,
                content_type="text/calendar",
            ),
            Step(
                "notifications:demo_attachment",
                "public",
                {"message_id": world.message.pk, "number": 2},
                "the factsheet",
                kind=FILE,
                content_type=pdf,
            ),
            Step(
                "invitation:new_link",
                "public",
                error=send_form("Send me a new link"),
                then=send_form("Send me a new link", fill=[("Your work email address", "nobody@example.org")]),
            ),
            Step("invitation:left", "public"),
            Step("action_owner:left", "public"),
            Step("account:sso_start", "public", error=send_form("Continue")),
            Step("account:signed_out", "public"),
        ],
        "staff": [
            # The staff's own pages.
            Step("overview:home", rv, state="two partnerships"),
            Step("account:page", bm),
            Step("overview:partnership_overview", bm, p),
            Step("overview:partnership_overview", rv, p, "a reviewer's"),
            Step("reviews:review_list", bm, p),
            Step("reviews:review_list", rv, p, "a reviewer's"),
            Step("partnerships:partnership_edit", bm, p, error=send_form("Save details")),
            Step("partnerships:staff_list", bm, p),
            Step("partnerships:staff_add", bm, p, error=send_form("Add and send the invitation")),
            Step("partnerships:staff_edit", bm, p | {"membership_id": world.reviewer_membership.pk}),
            Step(
                "partnerships:staff_edit",
                bm,
                p | {"membership_id": world.manager_membership.pk},
                "the last business manager",
                error=send_form("Save role", check=["Independent reviewer"]),
            ),
            Step(
                "partnerships:audit_log",
                bm,
                p,
                error=send_form("Show entries", fill=[("Day", "31"), ("Month", "2"), ("Year", "x")]),
            ),
            Step("partnerships:audit_log", bm, p, "one review's entries", query=f"review={world.events_review.pk}"),
            Step(
                "partnerships:audit_log_csv",
                bm,
                p,
                query=f"review={world.events_review.pk}",
                kind=FILE,
                content_type=csv,
            ),
            Step("partnerships:sso_list", bm, p),
            Step("partnerships:sso_add", bm, p, error=send_form("Save provider")),
            Step(
                "partnerships:sso_edit",
                bm,
                p | {"provider_id": world.sso_provider.pk},
                error=send_form("Save provider", fill=[("Email domains that must use this provider", "not a domain")]),
            ),
            Step("reviews:factsheet_list", bm, p),
            Step("reviews:factsheet_edit", bm, p | {"review_type": "cspr"}, error=send_form("Save the factsheet")),
            Step("reviews:factsheet_preview", bm, p | {"review_type": "sar"}),
            Step("reviews:factsheet_download", bm, p | {"review_type": "cspr"}, kind=FILE, content_type=pdf),
            Step("practitioners:agency_list", bm, p),
            Step("practitioners:agency_add", bm, p, error=send_form("Save agency")),
            Step("practitioners:agency_edit", bm, p | {"agency_id": world.agency.pk}, error=send_form("Save agency")),
            Step("practitioners:practitioner_list", bm, p),
            Step("practitioners:practitioner_list", bm, p, "nobody found", query="q=nobody+by+this+name"),
            Step("practitioners:practitioner_add", bm, p, error=send_form("Save practitioner")),
            Step(
                "practitioners:practitioner_edit",
                bm,
                p | {"practitioner_id": world.people[0].pk},
                error=send_form("Save practitioner"),
            ),
            Step(
                "practitioners:practitioner_import",
                bm,
                p,
                error=send_form("Upload and check the file"),
                then=send_form("Upload and check the file", files=[("Upload a CSV file", files["bad csv"])]),
            ),
            Step(
                "practitioners:practitioner_import",
                bm,
                p,
                "a good file",
                check=False,
                then=send_form("Upload and check the file", files=[("Upload a CSV file", files["good csv"])]),
            ),
            # The page the upload just led to, checked there.
            Step("practitioners:practitioner_import_confirm", bm, p, "the good file checked", check=False),
            # A file naming an agency a little differently: the preview asks whether it is the one in the list.
            Step(
                "practitioners:practitioner_import",
                bm,
                p,
                "a file with an agency's name mistyped",
                check=False,
                then=send_form("Upload and check the file", files=[("Upload a CSV file", files["close csv"])]),
            ),
            Step(
                "practitioners:practitioner_import_confirm",
                bm,
                p,
                "an agency's name mistyped, not answered",
                check=False,
                error=send_form("Import 1 practitioner", clear=False),
            ),
            Step("practitioners:practitioner_import_template", bm, p, kind=FILE, content_type=csv),
            Step("practitioners:practitioner_export", bm, p, kind=FILE, content_type=csv),
        ],
        "reviews": [
            # Reviews.
            Step("reviews:review_add", bm, p, error=send_form("Save review")),
            Step("overview:review_detail", bm, new, "a new review", then=press("Show the real name")),
            Step("overview:review_detail", bm, ev_review, "with events", error=send_form("Move to the next stage")),
            Step("overview:review_detail", rv, ev_review, "a reviewer's"),
            Step("overview:review_detail", bm, draft, "in its factual-accuracy check"),
            Step("overview:review_detail", bm, published, "published"),
            Step("reviews:review_edit", bm, ev_review, error=send_form("Save review")),
            Step("reviews:review_timeline", bm, new, "nothing recorded"),
            Step("reviews:review_timeline", rv, ev_review, "a reviewer's"),
            Step("reviews:review_timeline", bm, published, "published"),
            Step(
                "reviews:review_timeline_edit",
                bm,
                ev_review,
                error=send_form("Save the timeline", check=["No local review"]),
            ),
            Step("reviews:legal_hold", bm, new, "no hold", error=send_form("Place a legal hold")),
            Step("reviews:legal_hold", bm, held_back, "under a hold", error=send_form("Lift the legal hold")),
            Step("overview:review_detail", bm, held_back, "under a legal hold"),
            Step(
                "events:nomination_list",
                bm,
                ev_review,
                error=send_form("Send the requests"),
                then=send_form("Accept the people chosen"),
            ),
        ],
        "events": [
            # Events across reviews: the month of the upcoming event, the month of the held one, the feed.
            Step("events:event_calendar", bm, p, query=f"month={timezone.localtime(world.upcoming.starts_at):%Y-%m}"),
            Step(
                "events:event_calendar",
                rv,
                p,
                "a reviewer's, with a held event",
                query=f"month={timezone.localtime(world.held.starts_at):%Y-%m}",
            ),
            Step("events:calendar_feed_settings", rv, p, "with a feed"),
            Step("events:calendar_feed_settings", bm, p, "no feed yet", then=press("Get your feed's address")),
            Step(
                "events:calendar_feed",
                "public",
                p | {"token": world.tokens["feed"]},
                kind=FILE,
                content_type="text/calendar",
            ),
            # Events.
            Step("events:event_add", bm, ev_review, error=send_form("Create the event")),
            Step("events:event_detail", bm, upcoming, "replies of every kind"),
            Step("events:event_detail", rv, upcoming, "a reviewer's"),
            Step("events:event_detail", bm, held, "held"),
            Step("events:event_detail", bm, cancelled, "cancelled"),
            Step("events:event_sending", bm, upcoming, kind=FRAGMENT),
            Step("events:event_edit", bm, upcoming, error=send_form("Save the changes")),
            Step(
                "events:event_outline",
                rv,
                upcoming,
                "as the reviewer",
                error=send_form("Save", clear=False, fill=[("Agenda (optional)", "Casey Sample's timeline")]),
            ),
            Step("events:event_cancel", bm, upcoming, error=send_form("Cancel the event")),
            Step("events:event_replies_csv", bm, upcoming, kind=FILE, content_type=csv),
            Step("events:event_sign_in_sheet", bm, upcoming, kind=FILE, content_type=pdf),
            Step("events:invitee_add", bm, upcoming, error=send_form("Add the people you chose", clear=False)),
            Step(
                "events:invitee_add",
                bm,
                upcoming,
                "everyone from an agency, with no agency chosen",
                check=False,
                error=send_form("Select everyone from this agency", clear=False),
            ),
            Step("events:invitee_add", bm, upcoming, "people chosen", check=False, then=press("Select all shown")),
            Step("events:invitee_add", bm, upcoming, "nobody found", query="q=nobody+by+this+name"),
            Step("events:invitee_add_new", bm, upcoming, error=send_form("Add to the invitee list")),
            Step("events:invitee_detail", bm, upcoming | {"invitation_id": world.sam.pk}, "an email that failed"),
            Step("events:invitee_detail", bm, upcoming | {"invitation_id": world.lee.pk}, "attending"),
            Step(
                "events:invitee_witness",
                bm,
                upcoming | {"invitation_id": world.theo.pk},
                "held back",
                error=send_form("Record the agreement"),
            ),
            Step("events:invitee_witness", bm, upcoming | {"invitation_id": world.isla.pk}, "agreement recorded"),
            Step("events:invitee_witness", bm, upcoming | {"invitation_id": world.lee.pk}, "not marked"),
            Step("events:access_needs_arranged", bm, upcoming | {"invitation_id": world.mia.pk}, "nothing to arrange"),
            Step(
                "events:access_needs_arranged",
                bm,
                upcoming | {"invitation_id": world.lee.pk},
                "not arranged yet",
                # The note is emailed: one that gives the child's real name is refused.
                error=send_form(
                    "Mark as arranged", fill=[("What have you arranged? (optional)", "Casey Sample's room")]
                ),
                then=send_form("Mark as arranged", fill=[("What have you arranged? (optional)", "A ramp at the side")]),
            ),
            Step("events:access_needs_arranged", bm, upcoming | {"invitation_id": world.lee.pk}, "arranged"),
        ],
        "summary": [
            # The confidential summary, staff side.
            Step("events:summary_versions", rv, upcoming),
            Step("events:summary_write", rv, upcoming, error=send_form("Save as a new version")),
            Step("events:summary_upload", rv, upcoming, error=send_form("Upload as a new version")),
            Step("events:summary_version", rv, upcoming | {"number": 1}, "written"),
            Step("events:summary_version", rv, upcoming | {"number": 2}, "an uploaded PDF"),
            Step(
                "events:summary_version",
                rv,
                upcoming | {"number": 3},
                "a name to deal with",
                error=send_form(re.compile("Mark as not a person")),
            ),
            Step("events:summary_version_file", rv, upcoming | {"number": 2}, kind=FILE, content_type=pdf),
            Step("events:summary_version_pdf", rv, upcoming | {"number": 1}, kind=FILE, content_type=pdf),
            Step("events:summary_release", bm, upcoming, "released", error=send_form("Release the summary")),
            Step("events:summary_readers", bm, upcoming),
            Step("events:summary_readers_csv", bm, upcoming, kind=FILE, content_type=csv),
            # The day itself.
            Step("events:attendance_register", bm, held, "held"),
            Step("events:attendance_register", bm, upcoming, "before the day"),
            Step("events:attendance_register_pdf", bm, held, kind=FILE, content_type=pdf),
            Step("events:feedback_summary", bm, held),
            # A reviewer's private notes.
            Step("events:review_notes", rv, ev_review),
            Step("events:review_note_add", rv, ev_review, error=send_form("Save the note")),
            Step("events:event_notes", rv, upcoming),
            Step("events:event_note_add", rv, upcoming, error=send_form("Save the note")),
            Step("events:note_detail", rv, p | {"note_id": world.note.pk}),
            Step("events:note_edit", rv, p | {"note_id": world.note.pk}, error=send_form("Save the changes")),
            Step("events:note_delete", rv, p | {"note_id": world.note.pk}),
        ],
        "reports": [
            # The draft report and its check.
            Step("reports:report_home", rv, draft, error=send_form("Upload and check for names")),
            Step("reports:report_home", bm, draft, "a business manager's"),
            Step(
                "reports:report_version",
                rv,
                draft | {"number": 1},
                "names to check",
                error=send_form(re.compile("Mark as not a person")),
            ),
            Step("reports:report_version", rv, draft | {"number": 2}, "out for checking"),
            Step("reports:report_version_pdf", rv, draft | {"number": 2}, kind=FILE, content_type=pdf),
            Step("reports:report_circulate", bm, draft | {"number": 1}, "names not dealt with"),
            Step("reports:report_circulate", bm, draft | {"number": 2}, "already sent"),
            Step(
                "reports:report_circulate",
                bm,
                draft | {"number": 3},
                "ready to send",
                error=send_form("Continue", fill=[("Working days to check it", "0")]),
                then=send_form("Continue", fill=[("Working days to check it", "10")]),
            ),
            Step("reports:report_check_progress", bm, draft),
            Step("reports:report_check_progress_csv", rv, draft, kind=FILE, content_type=csv),
            Step("reports:report_responses", rv, draft, error=send_form(re.compile("Save your answer"))),
            Step("reports:report_responses", bm, draft, "a business manager's"),
            Step("reports:report_responses", rv, draft, "unanswered only", query="show=unanswered"),
            Step("reports:report_comment_report", bm, draft, kind=FILE, content_type=pdf),
            # A comment has no answer and the check is open: the page says why it cannot be signed off yet.
            Step("reports:report_sign_off", bm, draft, "waiting for answers"),
            Step("reports:report_sign_off", bm, published, "signed off"),
            Step("reports:report_publication", bm, draft, "not signed off"),
            Step("reports:report_publication", bm, published, "published"),
            Step("reports:report_publication", bm, held_back, "held back", error=send_form("Hold the report back")),
        ],
        "actions": [
            # The action plan.
            Step("actions:action_plan", bm, published),
            Step("actions:action_plan", rv, published, "a reviewer's"),
            Step("actions:action_plan", bm, held_back, "started, nothing in it"),
            Step("actions:action_plan", bm, new, "not started"),
            Step("actions:action_plan_pdf", bm, published, kind=FILE, content_type=pdf),
            Step("actions:action_plan_csv", bm, published, kind=FILE, content_type=csv),
            Step("actions:recommendation_add", bm, published, error=send_form("Add the recommendation")),
            Step(
                "actions:recommendation_edit",
                bm,
                published | {"recommendation_id": world.recommendation.pk},
                error=send_form("Save the recommendation"),
            ),
            Step(
                "actions:action_add",
                bm,
                published | {"recommendation_id": world.recommendation.pk},
                error=send_form("Add the action"),
            ),
            Step(
                "actions:action_edit",
                bm,
                published | {"action_id": world.action.pk},
                error=send_form("Save the action"),
            ),
            Step(
                "actions:action_detail",
                bm,
                published | {"action_id": world.action.pk},
                "overdue, with evidence",
                error=send_form("Save the update"),
            ),
            Step("actions:action_detail", rv, published | {"action_id": world.action.pk}, "a reviewer's"),
            Step(
                "actions:action_evidence",
                bm,
                published | {"action_id": world.action.pk, "update_id": world.update.pk},
                kind=FILE,
                content_type=pdf,
            ),
            Step("actions:agency_links", bm, published),
            Step("actions:agency_links", bm, held_back, "no actions yet"),
            Step(
                "actions:agency_link_send",
                bm,
                published | {"agency_id": world.agency.pk},
                error=send_form("Send the link"),
            ),
        ],
        "messages": [
            # Pages with a message at the top, after something is done.
            Step(
                "reviews:factsheet_edit",
                bm,
                p | {"review_type": "cspr"},
                "saved unchanged",
                check=False,
                then=send_form("Save the factsheet", clear=False),
            ),
            Step(
                "reports:report_home",
                rv,
                draft,
                "a draft naming someone uploaded",
                check=False,
                then=send_form(
                    "Upload and check for names", clear=False, files=[("The draft report file", files["draft"])]
                ),
            ),
        ],
        "links": [
            # A practitioner invited to the upcoming event who has not replied.
            Step(
                "invitation:start",
                "invitee",
                {"token": world.tokens["invitee"]},
                then=press("main .govuk-button--start"),
            ),
            # Each page a link's button leads to is checked as the button is pressed; it is opened again here.
            Step("invitation:page", "invitee", state="no reply yet", check=False, error=send_form("Send your reply")),
            # A practitioner attending it, who reads the summary.
            Step(
                "invitation:start",
                "attendee",
                {"token": world.tokens["attendee"]},
                "attending",
                then=press("main .govuk-button--start"),
            ),
            Step("invitation:page", "attendee", state="attending, summary released", check=False),
            Step("invitation:calendar", "attendee", kind=FILE, content_type="text/calendar"),
            Step("invitation:factsheet", "attendee", kind=FILE, content_type=pdf),
            Step(
                "invitation:summary_terms",
                "attendee",
                error=send_form("Accept and read the summary"),
                then=send_form("Accept and read the summary", check=["I accept these terms"]),
            ),
            Step("invitation:summary_read", "attendee", check=False),
            Step("invitation:summary_download", "attendee", kind=FILE, content_type=pdf),
            # A practitioner who attended the held event: feedback.
            Step(
                "invitation:start",
                "feedback",
                {"token": world.tokens["feedback"]},
                "after the event",
                then=press("main .govuk-button--start"),
            ),
            Step("invitation:page", "feedback", state="after the event", check=False),
            Step(
                "invitation:feedback",
                "feedback",
                error=send_form("Send your feedback"),
                then=send_form("Send your feedback", check=["Yes"]),
            ),
            # Practitioners who are not coming, or whose event was cancelled (the start page is as above).
            Step(
                "invitation:start",
                "declined",
                {"token": world.tokens["declined"]},
                "not attending",
                check=False,
                then=press("main .govuk-button--start"),
            ),
            Step(
                "invitation:start",
                "cancelled",
                {"token": world.tokens["cancelled"]},
                "the event cancelled",
                check=False,
                then=press("main .govuk-button--start"),
            ),
            # The health trust's safeguarding lead, who has named nobody yet.
            Step(
                "nomination:start",
                "lead",
                {"token": world.tokens["lead_empty"]},
                "nobody named yet",
                check=False,
                then=press("main .govuk-button--start"),
            ),
            # The police's safeguarding lead, nominating key staff.
            Step("nomination:start", "lead", {"token": world.tokens["lead"]}, then=press("main .govuk-button--start")),
            Step("nomination:page", "lead", check=False, error=send_form("Add this person")),
            # A practitioner checking the draft report.
            Step("draft:start", "checker", {"token": world.tokens["checker"]}, then=press("main .govuk-button--start")),
            Step(
                "draft:terms",
                "checker",
                check=False,
                error=send_form("Accept and read the draft report"),
                then=send_form("Accept and read the draft report", check=["I accept these terms"]),
            ),
            Step("draft:read", "checker", check=False),
            Step("draft:download", "checker", kind=FILE, content_type=pdf),
            Step("draft:comment_add", "checker", error=send_form("Save comment")),
            Step("draft:comment_add", "checker", state="from the link beside paragraph 2", query="paragraph=2"),
            Step("draft:comment_edit", "checker", {"comment_id": world.comment.pk}, error=send_form("Save changes")),
            # A practitioner who had no comments on the draft.
            Step(
                "draft:start",
                "checker",
                {"token": world.tokens["checker_done"]},
                "no comments",
                check=False,
                then=press("main .govuk-button--start"),
            ),
            # The police's action owner.
            Step(
                "action_owner:start", "owner", {"token": world.tokens["owner"]}, then=press("main .govuk-button--start")
            ),
            Step("action_owner:list", "owner", check=False),
            Step("action_owner:update", "owner", {"action_id": world.action.pk}, error=send_form("Save the update")),
        ],
        "emails": [
            # The partnership's emails: every one's state (a failed one tried again), and every kind as a sample.
            Step("emails:list", bm, p),
            Step("emails:list", bm, p, "failed ones", query="state=failed", then=press(re.compile("Try again"))),
            Step("emails:list", bm, p, "none match", query="kind=thank_you&state=withdrawn"),
            Step("emails:kinds", bm, p),
            *[Step("emails:kind", bm, p | {"kind": name}, name) for name in sorted(KINDS)],
            Step("emails:kind_html", bm, p | {"kind": "invitation"}, kind=FILE),
        ],
        "sending": [
            # Last, as it changes the upcoming event: the invitations still to send are checked, then sent.
            Step("events:event_send_email", bm, upcoming, kind=FILE),
            Step("events:event_send_attachment", bm, upcoming | {"number": 1}, kind=FILE, content_type="text/calendar"),
            Step("events:event_send_attachment", bm, upcoming | {"number": 2}, kind=FILE, content_type=pdf),
            Step(
                "events:event_detail",
                bm,
                upcoming,
                "invitations to check",
                check=False,
                then=press(re.compile("Send invitations to")),
            ),
            Step(
                "events:event_send",
                bm,
                upcoming,
                "checked before sending",
                check=False,
                then=press(re.compile("^Send invitations$")),
            ),
        ],
    }


def account_steps(world):
    """Staff's own account pages (allauth's, in the product's templates): not in the access table, but reachable."""
    return [
        Step("account_change_password", "manager", error=send_form("Save password")),
        Step("mfa_index", "manager"),
        # Recovery codes need the password (or a code) typed in the last few minutes.
        Step(
            "account_reauthenticate",
            "manager",
            error=send_form("Continue"),
            then=send_form("Continue", fill=[("Password", PASSWORD)]),
        ),
        Step("mfa_view_recovery_codes", "manager"),
        Step("account_logout", "manager"),
        Step(
            "account_reset_password",
            "public",
            error=send_form("Send the link"),
            then=send_form("Send the link", fill=[("Email address", "nobody@example.org")]),
        ),
        Step(
            "account_reset_password_from_key",
            "public",
            {"uidb36": "1", "key": "not-a-key"},
            "a link that does not work",
        ),
    ]


def refusal_steps(world):
    """The pages people see when they are refused, or their link does not work; and signing in."""
    bogus = {"token": "not-a-real-link"}
    return [
        Step(
            "(CSRF)",
            "public",
            state="a form sent after its token changed",
            url=reverse("invitation:new_link"),
            check=False,
            then=send_stale_form("Send me a new link"),
        ),
        Step(
            "(403)",
            "reviewer",
            state="a reviewer on a business manager's page",
            status=403,
            url=reverse("partnerships:partnership_edit", args=[world.partnership.slug]),
        ),
        Step("(404)", "manager", state="no such page", status=404, url="/no-such-page/"),
        Step("invitation:start", "public", bogus, "a link that does not work", status=404),
        Step("nomination:start", "public", bogus, "a link that does not work", status=404),
        Step("draft:start", "public", bogus, "a link that does not work", status=404),
        Step("action_owner:start", "public", bogus, "a link that does not work", status=404),
        Step("invitation:page", "public", state="no link opened", status=403),
        Step("invitation:summary_read", "public", state="no link opened", status=403),
        Step("action_owner:list", "public", state="no link opened", status=403),
        Step(
            "account_login",
            "signing_in",
            state="signing in",
            error=send_form("Sign in"),
            then=send_form("Sign in", fill=[("Email address", world.manager.email), ("Password", PASSWORD)]),
        ),
        Step(
            "(sign in)",
            "signing_in",
            state="the security code",
            url=reverse("mfa_authenticate"),
            error=send_form("Continue", fill=[("Security code", "000000")]),
        ),
        # Last of all: it shuts this address's bad links out for a while (a working link still opens).
        Step(
            "invitation:start",
            "public",
            bogus,
            "too many links that do not work",
            status=429,
            before=try_bad_links(reverse("invitation:start", args=["not-a-real-link"]), 20),
        ),
    ]


def upload_files(folder):
    """The files the browsers upload: a directory import with problems, a good one, and a draft naming people."""
    header = "full_name,job_title,agency,email,phone,line_manager_name,line_manager_email\n"
    files = {
        "bad csv": folder / "practitioners with problems.csv",
        "good csv": folder / "practitioners.csv",
        "draft": folder / "draft naming someone.docx",
        "close csv": folder / "practitioners with a mistyped agency.csv",
    }
    files["bad csv"].write_text(
        header + "Ava Lewis,GP partner,Northvale Police,not-an-email,,,\n,Nurse,Nowhere Trust,jack@gp.example,,,\n"
    )
    files["good csv"].write_text(header + "Ava Lewis,GP partner,Northvale Police,ava.lewis@gp.example,,,\n")
    files["close csv"].write_text(header + "Ava Lewis,GP partner,Northvale Polise,ava.lewis@gp.example,,,\n")
    files["draft"].write_bytes(docx(FIRST_DRAFT))
    return files


# Names in the access table that no browser opens as a page, and why.
SKIPPED = {
    name: "takes POST only: its button is on a page that is visited, and it answers with a redirect to a page "
    "that is visited, or with no page at all"
    for name, rule in ACCESS.items()
    if rule.get is None
}


# Pages with a form to fill in that nothing typed or chosen can make wrong, and why.
NO_ERROR_STATE = {
    "events:attendance_register": (
        "each person's answer is one of three radios and may be left empty, which changes nothing"
    ),
    "practitioners:practitioner_list": (
        "its only form is the search: any words are a search, and the page with no results is visited"
    ),
    "emails:list": (
        "its only form is the filter: each choice is picked from a list, one not on offer is ignored, and the "
        "page with nothing matching is visited"
    ),
}


# The parts ---------------------------------------------------------------------------------------

# The walk is split into parts, each a test file of its own (tests/browser/test_every_page_*.py), so that
# a parallel run shares it between its processes. Each part builds the same data set afresh and visits
# its own sections, in the order the sections come in here; what a part changes (a reply, an upload)
# is seen only by the steps after it in the same part. Sections that build on one another stay together:
# the empty partnership is seen empty before its review is added; the invitations are sent last, after
# the emails' pages; the bad links come last of all.
PARTS = {
    "empty_and_accounts": (
        "empty partnership",
        "empty review",
        "written accounts",
        "account",
        "refusals",
    ),
    "partnership_and_reviews": ("public", "staff", "reviews"),
    "events_and_summary": ("events", "summary"),
    "reports_and_actions": ("reports", "actions", "messages"),
    "links_and_emails": ("links", "emails", "sending"),
}


def sections(world, files):
    """Every section of the walk by name, in the order they are visited."""
    return {
        "empty partnership": lambda: empty_partnership_steps(world),
        "empty review": lambda: empty_review_steps(world),
        **{name: (lambda steps=steps: steps) for name, steps in full_steps(world, files).items()},
        "written accounts": lambda: written_account_steps(world),
        "account": lambda: account_steps(world),
        "refusals": lambda: refusal_steps(world),
    }


def walk(part, *, browser, live_server, partnership, business_manager, reviewer, review, tmp_path, tmp_path_factory):
    """Build the data set, visit the part's sections, then check what the part found; once every part has
    run in this session, the last to finish also checks what they found together (`check_coverage`)."""
    named = [name for names in PARTS.values() for name in names]
    assert len(named) == len(set(named)), "a section is in more than one part"
    started = time.monotonic()
    world = build_world(partnership, business_manager, reviewer, review)
    files = upload_files(tmp_path)
    if "empty partnership" not in PARTS[part]:
        build_empty(world)
    built = time.monotonic()

    report = Report()
    visitors = Visitors(
        browser,
        live_server,
        {"manager": business_manager, "reviewer": reviewer, "empty_manager": world.empty_manager},
        report,
    )

    def run(steps):
        for step in steps:
            try:
                run_step(step, visitors, report)
            except PlaywrightError as error:
                report.failures.append(f"{step.label()} {step.path()}: {str(error).splitlines()[0]}")

    walked = sections(world, files)
    assert set(named) == set(walked), f"sections in no part: {sorted(set(walked) - set(named))}"
    try:
        for name, steps in walked.items():
            if name not in PARTS[part]:
                continue
            run(steps())
            if name == "empty partnership":
                # Its review and event are added once its pages have been seen empty.
                build_empty(world)
        visitors.finish_all()
    finally:
        visitors.close()

    problems = []
    if report.failures:
        problems.append("steps that did not go as planned:\n  " + "\n  ".join(report.failures))
    if report.violations:
        problems.append("axe-core found:\n  " + "\n  ".join(report.violations))
    print(
        f"{part}: {report.checked} pages checked with axe-core; data built in {built - started:.0f} s, "
        f"pages visited in {time.monotonic() - built:.0f} s"
    )
    problems += check_coverage(part, report, _shared_folder(tmp_path_factory))
    assert not problems, "\n".join(problems)


def _shared_folder(tmp_path_factory):
    """A folder every process of this run sees: the parent of the processes' own temporary folders in a
    parallel run (pytest-xdist makes each process's folder inside the run's), else the run's own."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if parallel.WORKER else base) / "every-page-parts"
    folder.mkdir(exist_ok=True)
    return folder


def check_coverage(part, report, folder):
    """Record what this part visited; if every part has now been recorded, check them together.

    A URL name in the access table must be visited by some part (or skipped with a reason), and each page
    with a form must have been sent with bad input by some part (or say why it cannot be wrong). The parts
    record under a lock, so exactly one of them, the last, sees all the others and makes the check.
    """
    found = {"visited": report.visited, "forms": report.forms, "errors_shown": report.errors_shown}
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        (folder / f"{part}.json").write_text(json.dumps({key: sorted(value) for key, value in found.items()}))
        recorded = {path.stem: json.loads(path.read_text()) for path in folder.glob("*.json")}
    if set(recorded) != set(PARTS):
        return []
    visited, forms, errors_shown = (
        set().union(*(set(each[key]) for each in recorded.values())) for key in ("visited", "forms", "errors_shown")
    )
    missing = sorted(set(ACCESS) - visited - set(SKIPPED))
    untried = sorted(forms - errors_shown - set(NO_ERROR_STATE))
    # A reason kept for a page whose form now can be wrong (or that no longer has one) is out of date.
    stale = sorted(set(NO_ERROR_STATE) - (forms - errors_shown))
    problems = []
    if missing:
        problems.append("URL names neither visited nor skipped with a reason:\n  " + "\n  ".join(missing))
    if untried:
        problems.append("pages with a form never sent with bad input (nor said why not):\n  " + "\n  ".join(untried))
    if stale:
        problems.append("NO_ERROR_STATE gives reasons for pages without such a form:\n  " + "\n  ".join(stale))
    return problems
