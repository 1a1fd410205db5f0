"""The demo's reviews, agencies, practitioners, events and invitees (made-up people only)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from core import links
from core.models import Membership
from events import witnesses
from events.models import Event, Invitation
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner
from reviews import services
from reviews.models import Review

AGENCIES = {
    "northvale": [
        ("Northvale Police", Agency.Type.POLICE, "DS Kim Lowe", "kim.lowe@police.northvale.example"),
        ("Northvale Community Health Trust", Agency.Type.HEALTH, "Ann Berry", "ann.berry@health.northvale.example"),
        (
            "Northvale Children's Services",
            Agency.Type.CHILDRENS_SOCIAL_CARE,
            "Raj Patel",
            "raj.patel@northvale.example",
        ),
        ("Hillside Primary School", Agency.Type.SCHOOL, "Mrs Jo Pike", "dsl@hillside.example"),
        ("Riverside Medical Practice", Agency.Type.GP, "Dr Lena Ford", "lena.ford@riverside-gp.example"),
    ],
    "eastmere": [
        ("Eastmere Constabulary", Agency.Type.POLICE, "DI Owen Clark", "owen.clark@police.eastmere.example"),
        ("Eastmere Adult Social Care", Agency.Type.ADULT_SOCIAL_CARE, "Fay Morgan", "fay.morgan@eastmere.example"),
        ("Eastmere Housing Association", Agency.Type.HOUSING, "Ben Shaw", "ben.shaw@housing.eastmere.example"),
        ("Eastmere Mental Health Trust", Agency.Type.HEALTH, "Dr Iris Lane", "iris.lane@mh.eastmere.example"),
    ],
}

# (name, job title, the agency type they work in); the first of each type manages the others.
PEOPLE = [
    ("Sam Reid", "Detective sergeant", Agency.Type.POLICE),
    ("Lee Porter", "Police constable", Agency.Type.POLICE),
    ("Omar Khan", "Health visitor team leader", Agency.Type.HEALTH),
    ("Mia Hughes", "Health visitor", Agency.Type.HEALTH),
    ("Leo Turner", "Community paediatrician", Agency.Type.HEALTH),
    ("Ella Wright", "Team manager", Agency.Type.CHILDRENS_SOCIAL_CARE),
    ("Isla Scott", "Social worker", Agency.Type.CHILDRENS_SOCIAL_CARE),
    ("Theo Hall", "Designated safeguarding lead", Agency.Type.SCHOOL),
    ("Ruby Green", "Class teacher", Agency.Type.SCHOOL),
    ("Ava Lewis", "GP partner", Agency.Type.GP),
    ("Jack Wood", "Practice nurse", Agency.Type.GP),
    ("Noah Evans", "Adult social worker", Agency.Type.ADULT_SOCIAL_CARE),
    ("Fay Dunn", "Housing officer", Agency.Type.HOUSING),
    ("Kit Moss", "Mental health nurse", Agency.Type.HEALTH),
]


def _practitioners(partnership, agencies):
    made = []
    domain = f"{partnership.slug}.example"
    by_type = {agency.agency_type: agency for agency in agencies}
    managers = {}
    for index, (name, title, kind) in enumerate(PEOPLE):
        agency = by_type.get(kind)
        if agency is None:
            continue
        first, last = name.lower().split(" ", 1)
        manager = managers.setdefault(kind, (name, f"{first}.{last}@{domain}"))
        is_manager = manager[0] == name
        practitioner, _ = Practitioner.objects.get_or_create(
            partnership=partnership,
            email=f"{first}.{last}@{domain}",
            defaults={
                "full_name": name,
                "job_title": title,
                "agency": agency,
                "phone": f"01632 960 {300 + index:03d}",
                "line_manager_name": "" if is_manager else manager[0],
                "line_manager_email": "" if is_manager else manager[1],
            },
        )
        made.append(practitioner)
    return made


def _at(days, hour):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(partnership, *, review_type, reference, pseudonym, real_name, themes):
    if partnership.reviews.exists():
        return
    manager = Membership.objects.business_managers().get(partnership=partnership).user
    reviewer = Membership.objects.reviewers().get(partnership=partnership).user
    agencies = [
        Agency.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={"agency_type": kind, "lead_name": lead, "lead_email": email},
        )[0]
        for name, kind, lead, email in AGENCIES[partnership.slug]
    ]
    people = _practitioners(partnership, agencies)
    today = timezone.localdate()
    review = services.create_review(
        partnership=partnership,
        data={
            "review_type": review_type,
            "reference": reference,
            "pseudonym": pseudonym,
            "subject_name": real_name,
            "scope_start": today.replace(year=today.year - 2, month=1, day=1),
            "scope_end": today - timedelta(days=90),
            "incident_notified_on": today - timedelta(days=80),
            "commissioned_on": today - timedelta(days=60),
            "target_completion_on": today + timedelta(days=120),
            "reviewers": [reviewer],
            "theme_titles": themes,
        },
        created_by=manager,
    )
    _record_timeline(review, manager, today)
    for status in (Review.Status.GATHERING, Review.Status.PRACTITIONER_EVENT):
        services.advance_status(review=review, to_status=status, changed_by=manager)
    event = Event.objects.create(
        review=review,
        title=f"Practitioner learning event for {reference}",
        starts_at=_at(10, 10),
        ends_at=_at(10, 13),
        format=Event.Format.HYBRID,
        venue_name="The Council Offices, Committee Room 2",
        venue_address="1 Market Street\nNorthvale\nNV1 2AB"
        if partnership.slug == "northvale"
        else "Town Hall\nEastmere",
        access_information="Step-free entrance on Market Street. Hearing loop in the room. Parking on site.",
        joining_link=f"https://meet.{partnership.slug}.example/practitioner-event",
        joining_details="Passcode 4821",
        chair=reviewer,
        facilitator=manager.full_name,
        capacity=20,
        rsvp_deadline=timezone.localdate() + timedelta(days=5),
        agenda="10am Welcome and ground rules\n10:15am What happened: first-hand accounts\n"
        "11:30am Break\n11:45am Learning themes\n12:45pm Next steps and support",
        created_by=manager,
    )
    themes = list(review.learning_themes.all())
    # Invitees see the first themes; the last stays with the review's team.
    event.learning_themes.set(themes, through_defaults={"shareable": True})
    if len(themes) > 1:
        event.theme_links.filter(theme=themes[-1]).update(shareable=False)
    for person in people[:9]:
        Invitation.objects.create(event=event, practitioner=person, added_by=manager)
    # One invitee may be a witness in criminal proceedings: held back until the police liaison agrees.
    witnesses.mark(event.invitations.order_by("pk").last(), by=manager)
    _, token_hash = links.new_token()
    nomination_request = NominationRequest.objects.create(
        review=review,
        agency=agencies[0],
        token_hash=token_hash,
        token_expires_at=timezone.now() + timedelta(days=60),
        deadline=timezone.localdate() + timedelta(days=3),
        requested_by=manager,
    )
    Nomination.objects.create(
        request=nomination_request,
        full_name="Dana Brooks",
        job_title="Police community support officer",
        email=f"dana.brooks@{partnership.slug}.example",
        role=Nomination.Role.PRACTITIONER,
        line_manager_name="Sam Reid",
        line_manager_email=f"sam.reid@{partnership.slug}.example",
    )
    for agency in agencies[1:3]:
        NominationRequest.objects.create(
            review=review,
            agency=agency,
            token_hash=links.new_token()[1],
            token_expires_at=timezone.now() + timedelta(days=60),
            deadline=timezone.localdate() + timedelta(days=3),
            requested_by=manager,
        )


def _record_timeline(review, manager, today):
    """The start of the review as the business manager records it on the review's timeline page."""
    if review.review_type == Review.Type.CSPR:
        start = {
            "became_aware_on": today - timedelta(days=84),
            "rapid_review_meeting_on": today - timedelta(days=70),
            "rapid_review_sent_on": today - timedelta(days=66),
            "rapid_review_outcome": Review.RapidReviewOutcome.LOCAL_REVIEW,
            "event_recommended_by": Review.EventRecommender.REVIEWER,
        }
    else:
        start = {
            "referral_decision": Review.ReferralDecision.SAR,
            "referral_decided_on": today - timedelta(days=65),
            "event_recommended_by": Review.EventRecommender.PANEL,
        }
    services.record_timeline(
        review=review, data=start | {"event_recommended_on": today - timedelta(days=40)}, recorded_by=manager
    )
