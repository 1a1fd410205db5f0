"""A second demo review in each partnership, further along: its event held and its report drafted.

Northvale's is in its factual-accuracy check (one practitioner has commented, one has none); Eastmere's
is signed off and published, with an action plan that has an overdue action. Made-up people only.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from weasyprint import HTML

from actions import services as actions
from actions.models import Action
from core.models import Membership
from core.workdays import add_working_days
from events.models import Attendance, Event, Invitation
from practitioners.models import Agency, Practitioner
from reports import circulation, documents, responses, signoff
from reports.models import Circulation, ReportVersion
from reviews import holds, services
from reviews.models import Review

DRAFT_PAGES = [
    (
        "Introduction",
        "This review looks at how agencies worked together in the year before the incident. It was carried out "
        "with the practitioners who knew the family, who met the reviewer at a learning event.",
    ),
    (
        "What happened",
        "Several agencies saw signs that the family was under strain. Each held part of the picture, and no "
        "single meeting brought those parts together until late in the period the review covers.",
    ),
    (
        "Learning",
        "Information was shared when it was asked for, but rarely offered. Practitioners said they were unsure "
        "whether what they knew was serious enough to pass on.",
    ),
]


# The final version: page 2 amended in answer to the checker's comment.
FINAL_PAGES = [
    DRAFT_PAGES[0],
    (DRAFT_PAGES[1][0], f"{DRAFT_PAGES[1][1]} A strategy meeting was held in June."),
    *DRAFT_PAGES[2:],
]


def _draft_pdf(reference, pages=DRAFT_PAGES):
    pages = "".join(
        f'<section style="page-break-after: always"><h1>{title}</h1><p>{text}</p></section>' for title, text in pages
    )
    html = f"<html lang='en'><head><title>Draft report {reference}</title></head><body>{pages}</body></html>"
    return HTML(string=html).write_pdf()


def _held_event(review, reviewer, manager, days_ago):
    start = timezone.localtime() - timedelta(days=days_ago)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    event = Event.objects.create(
        review=review,
        title=f"Practitioner learning event for {review.reference}",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        format=Event.Format.IN_PERSON,
        venue_name="The Council Offices, Committee Room 1",
        venue_address="1 Market Street",
        chair=reviewer,
        facilitator=manager.full_name,
        capacity=20,
        rsvp_deadline=timezone.localdate(start) - timedelta(days=7),
        status=Event.Status.HELD,
        created_by=manager,
    )
    for person in Practitioner.objects.filter(partnership=review.partnership).order_by("pk")[:5]:
        Invitation.objects.create(
            event=event,
            practitioner=person,
            added_by=manager,
            status=Invitation.Status.ACCEPTED,
            attendance=Attendance.ATTENDED,
        )
    return event


def _review(partnership, manager, reviewer, *, review_type, reference, pseudonym, real_name, age_days):
    today = timezone.localdate()
    review = services.create_review(
        partnership=partnership,
        data={
            "review_type": review_type,
            "reference": reference,
            "pseudonym": pseudonym,
            "subject_name": real_name,
            "scope_start": today - timedelta(days=age_days + 700),
            "scope_end": today - timedelta(days=age_days + 30),
            "incident_notified_on": today - timedelta(days=age_days + 20),
            "commissioned_on": today - timedelta(days=age_days),
            "target_completion_on": today + timedelta(days=30),
            "reviewers": [reviewer],
            "theme_titles": ["Sharing information between agencies"],
        },
        created_by=manager,
    )
    for status in (Review.Status.GATHERING, Review.Status.PRACTITIONER_EVENT):
        services.advance_status(review=review, to_status=status, changed_by=manager)
    return review


def _circulated_draft(review, reviewer, manager):
    upload = SimpleUploadedFile("draft-report.pdf", _draft_pdf(review.reference), content_type="application/pdf")
    version = documents.add_version(review, upload=upload, created_by=reviewer)
    people = [person for person in circulation.default_checkers(review) if person.reachable]
    circulation.circulate(version, people=people, working_days=10, started_by=manager)
    return version


def seed(partnership, *, review_type, reference, pseudonym, real_name):
    """The partnership's later review, unless it has one already."""
    if partnership.reviews.filter(reference=reference).exists():
        return
    manager = Membership.objects.business_managers().get(partnership=partnership).user
    reviewer = Membership.objects.reviewers().get(partnership=partnership).user
    published = review_type == Review.Type.SAR
    review = _review(
        partnership,
        manager,
        reviewer,
        review_type=review_type,
        reference=reference,
        pseudonym=pseudonym,
        real_name=real_name,
        age_days=200 if published else 120,
    )
    _held_event(review, reviewer, manager, days_ago=120 if published else 28)
    version = _circulated_draft(review, reviewer, manager)
    checkers = list(version.circulation.checkers.order_by("pk"))
    # Those who answered read it first, after accepting its confidentiality terms.
    for checker in checkers[:2]:
        circulation.accept_terms(checker)
        circulation.record_read(checker)
    comment = circulation.add_comment(
        checkers[0],
        paragraph=2,
        text="The strategy meeting was in June, not July.",
        correction="Change the month of the strategy meeting to June.",
    )
    circulation.send_comments(checkers[0])
    circulation.say_no_comments(checkers[1])
    if not published:
        holds.place_hold(
            review,
            reason="An inquest has been opened; the coroner may ask for the review's material.",
            by=manager,
        )
        return
    # The check went out weeks before the meeting and its deadline has passed: sign-off waits for that,
    # and cannot be dated before the draft went out.
    _move_back(version, days=80)
    # Signed off as it should be: the version made after the check, with the amendment in it.
    responses.answer_comment(
        comment, response="amended", text="Page 2 now says the strategy meeting was in June.", by=reviewer
    )
    upload = SimpleUploadedFile(
        "final-report.pdf", _draft_pdf(review.reference, FINAL_PAGES), content_type="application/pdf"
    )
    final = documents.add_version(review, upload=upload, created_by=reviewer)
    ReportVersion.objects.filter(pk=final.pk).update(created_at=timezone.now() - timedelta(days=45))
    final.refresh_from_db()
    signoff.sign_off(
        review,
        version=final,
        body="Safeguarding Adults Board",
        signed_off_on=timezone.localdate() - timedelta(days=30),
        minute_reference="SAB 2026/17",
        recorded_by=manager,
    )
    services.record_timeline(
        review=review, data={"final_report_sent_on": timezone.localdate() - timedelta(days=21)}, recorded_by=manager
    )
    signoff.publish(review, by=manager)
    _action_plan(review, manager)


def _move_back(version, *, days):
    """Date the draft and its check `days` ago, the check running its working days from then."""
    sent = timezone.now() - timedelta(days=days)
    ReportVersion.objects.filter(pk=version.pk).update(created_at=sent - timedelta(days=2))
    Circulation.objects.filter(version=version).update(
        started_at=sent, deadline=add_working_days(timezone.localdate(sent), version.circulation.working_days)
    )


def _action_plan(review, manager):
    agencies = list(Agency.objects.filter(partnership=review.partnership).order_by("pk"))
    first = actions.add_recommendation(
        review, text="Agencies should share concerns about self-neglect without waiting to be asked.", by=manager
    )
    second = actions.add_recommendation(
        review, text="The board should check that mental capacity is assessed and recorded.", by=manager
    )
    today = timezone.localdate()
    plans = [
        (first, agencies[0], "Add self-neglect to the information-sharing briefing for officers", 60),
        (first, agencies[1], "Remind staff how to raise a concern with another agency", 45),
        (second, agencies[-1], "Audit capacity assessments in twenty case files", 90),
    ]
    made = []
    for recommendation, agency, description, days in plans:
        made.append(
            actions.add_action(
                recommendation,
                data={
                    "description": description,
                    "agency": agency,
                    "lead_name": agency.lead_name,
                    "lead_email": agency.lead_email,
                    "due_date": today + timedelta(days=days),
                },
                by=manager,
            )
        )
    actions.add_update(
        made[1], text="Briefing given at two team meetings.", status=Action.Status.COMPLETE, rag="green", by=manager
    )
    # The first was agreed months ago and is now overdue.
    Action.objects.filter(pk=made[0].pk).update(
        created_on=today - timedelta(days=100), due_date=today - timedelta(days=10), rag=Action.Rag.RED
    )
