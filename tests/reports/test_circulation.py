"""Sending a checked draft for its factual-accuracy check: who is asked, the deadline, the emails, and refusals."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core import links
from core.errors import DomainError
from core.models import AuditEntry, Membership
from events.models import Attendance, Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Agency, NominationRequest, Practitioner
from reports import circulation
from reports.models import Checker, Circulation, NameHit, ReportVersion, SignOff
from reviews.models import Review, ReviewStatusChange
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Monday: five working days later, past Christmas Day and the Monday that stands in for Boxing Day.
CIRCULATED = datetime(2026, 12, 21, 9, 0, tzinfo=LONDON)
BODY = "".join(
    f'<p id="paragraph-{n}"><span class="convene-number">{n}</span> {text}</p>'
    for n, text in enumerate(
        [
            "Child B lived with their mother and two siblings.",
            "The health visitor saw the family in March 2025.",
            "Police attended the home on 4 June 2025.",
        ],
        start=1,
    )
)


@pytest.fixture
def frozen():
    with time_machine.travel(CIRCULATED, tick=False) as traveller:
        yield traveller


def agency(partnership, name, lead_name="", lead_email=""):
    return Agency.objects.create(partnership=partnership, name=name, lead_name=lead_name, lead_email=lead_email)


def practitioner(partnership, agency, name, email):
    return Practitioner.objects.create(
        partnership=partnership, full_name=name, job_title="Practitioner", agency=agency, email=email
    )


def make_event(review, day=8):
    return Event.objects.create(
        review=review,
        title="Practitioner learning event",
        starts_at=datetime(2026, 10, day, 10, 0, tzinfo=LONDON),
        ends_at=datetime(2026, 10, day, 13, 0, tzinfo=LONDON),
        capacity=40,
        rsvp_deadline=date(2026, 10, 1),
        status=Event.Status.HELD,
    )


def attend(event, person, attendance=Attendance.ATTENDED):
    return Invitation.objects.create(
        event=event, practitioner=person, status=Invitation.Status.ACCEPTED, attendance=attendance
    )


def make_version(review, number=1, *, checked=True, body=BODY, units=3):
    return ReportVersion.objects.create(
        review=review,
        number=number,
        source=ReportVersion.Source.DOCX,
        body_html=body,
        unit_count=units,
        name_check_at=CIRCULATED if checked else None,
    )


@pytest.fixture
def people(partnership, review):
    """Two events; attendees from two agencies, leads of theirs and of an agency asked for nominations."""
    police = agency(partnership, "Northvale Police", "Dana Reid", "dana.reid@police.example")
    # Health's lead is also an attendee, written in capitals: asked once, as an attendee.
    health = agency(partnership, "Northvale Health Trust", "Lee Patel", "LEE.PATEL@health.example")
    school = agency(partnership, "Northvale Academy", "Jo Marsh", "jo.marsh@school.example")
    housing = agency(partnership, "Northvale Housing", "Ray Cole", "")
    agency(partnership, "Northvale Probation", "Not Asked", "not.asked@probation.example")
    sam = practitioner(partnership, police, "Sam Green", "sam.green@police.example")
    lee = practitioner(partnership, health, "Lee Patel", "lee.patel@health.example")
    pat = practitioner(partnership, health, "Pat Doe", "")
    kim = practitioner(partnership, police, "Kim Lowe", "kim.lowe@police.example")
    first, second = make_event(review, 8), make_event(review, 15)
    attend(first, sam)
    attend(second, sam)
    attend(first, lee, Attendance.WITH_MANAGER)
    attend(first, pat)
    attend(first, kim, Attendance.DID_NOT_ATTEND)
    for asked in (school, housing):
        NominationRequest.objects.create(
            review=review,
            agency=asked,
            token_hash=links.new_token()[1],
            token_expires_at=CIRCULATED,
            deadline=date(2026, 9, 1),
        )
    return {"sam": sam, "lee": lee, "pat": pat, "kim": kim, "police": police, "health": health, "school": school}


@pytest.fixture
def version(review):
    return make_version(review)


def circulate_url(review, number=1):
    return reverse("reports:report_circulate", args=[review.partnership.slug, review.pk, number])


def progress_url(review):
    return reverse("reports:report_check_progress", args=[review.partnership.slug, review.pk])


def chosen_form(attendees=(), leads=(), days=5, extra_name="", extra_email="", **more):
    return {
        "attendees": list(attendees),
        "leads": list(leads),
        "extra_name": extra_name,
        "extra_email": extra_email,
        "working_days": str(days),
        **more,
    }


def start(review, version, by, days=5):
    """Circulate to everyone reachable by default, as the page would."""
    chosen = [person for person in circulation.default_checkers(review) if person.reachable]
    return circulation.circulate(version, people=chosen, working_days=days, started_by=by)


def link_in(message):
    return re.search(r"https?://[^/]+/draft-report/([^/\s]+)/", message.body).group(1)


# Who is asked ---------------------------------------------------------------------------------


def test_the_defaults_are_the_attendees_then_the_leads_once_each(review, people):
    found = circulation.default_checkers(review)
    summary = [(p.role, p.name, p.email) for p in found]
    assert summary == [
        ("attendee", "Lee Patel", "lee.patel@health.example"),
        ("attendee", "Pat Doe", ""),
        ("attendee", "Sam Green", "sam.green@police.example"),
        ("lead", "Jo Marsh", "jo.marsh@school.example"),
        ("lead", "Ray Cole", ""),
        ("lead", "Dana Reid", "dana.reid@police.example"),
    ]
    assert [p.name for p in found if not p.reachable] == ["Pat Doe", "Ray Cole"]
    assert found[0].agency == people["health"] and found[0].practitioner_id == people["lee"].pk


# Circulating through the pages ----------------------------------------------------------------


def test_circulating_shows_the_date_then_emails_each_person_their_own_link(
    frozen, client, business_manager, review, people, version, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(business_manager)
    page = client.get(circulate_url(review)).content.decode()
    assert "People who attended the practitioner event" in page and "Safeguarding leads" in page
    assert page.count('type="checkbox"') == 4 and page.count('checked="checked"') == 4
    assert page.index("Lee Patel") < page.index("Sam Green") < page.index("Jo Marsh") < page.index("Dana Reid")
    assert "We have no email address for" in page and "Pat Doe" in page and "Ray Cole" in page
    assert 'name="working_days"' in page and 'value="10"' in page

    choice = chosen_form(
        attendees=["sam.green@police.example", "lee.patel@health.example"],
        leads=["dana.reid@police.example"],
        extra_name="Chris  Ward",
        extra_email="Chris.Ward@GP.example",
    )
    confirm = client.post(circulate_url(review), choice).content.decode()
    assert "Wednesday 30 December 2026" in confirm and "5 working days" in confirm
    assert "Chris Ward" in confirm and "Jo Marsh" not in confirm
    assert not Circulation.objects.exists() and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(circulate_url(review), choice | {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == progress_url(review)

    sent = Circulation.objects.get()
    assert sent.version == version and sent.deadline == date(2026, 12, 30) and sent.working_days == 5
    assert sent.started_by == business_manager and sent.closed_at is None
    checkers = {c.email: c for c in sent.checkers.all()}
    assert set(checkers) == {
        "sam.green@police.example",
        "lee.patel@health.example",
        "dana.reid@police.example",
        "chris.ward@gp.example",
    }
    assert checkers["chris.ward@gp.example"].role == Checker.Role.OTHER
    assert checkers["dana.reid@police.example"].role == Checker.Role.LEAD
    assert checkers["sam.green@police.example"].practitioner == people["sam"]

    assert sorted(m.to[0] for m in mailoutbox) == sorted(checkers)
    keys = set(OutboundMessage.objects.values_list("idempotency_key", flat=True))
    assert keys == {f"draft-circulated:{c.pk}" for c in checkers.values()}
    email = next(m for m in mailoutbox if m.to == ["sam.green@police.example"])
    assert "CSPR 2026-01 (Child B)" in email.subject and "Wednesday 30 December 2026" in email.subject
    assert "factual accuracy" in email.body and "confidential" in email.body and "facts only" in email.body
    assert "Alex" not in email.subject + email.body + email.alternatives[0][0]
    # Only the link's hash is kept.
    token = link_in(email)
    assert checkers["sam.green@police.example"].token_hash == links.hash_token(token)
    assert token not in str(list(AuditEntry.objects.values_list("detail", flat=True)))

    review.refresh_from_db()
    assert review.status == Review.Status.FACTUAL_ACCURACY
    change = ReviewStatusChange.objects.filter(review=review).latest("pk")
    assert (change.from_status, change.to_status, change.changed_by) == (
        "scoping",
        "factual_accuracy",
        business_manager,
    )
    entry = AuditEntry.objects.get(action="report.circulated")
    assert entry.actor == business_manager and entry.detail == {
        "version": 1,
        "checkers": 4,
        "working_days": 5,
        "deadline": "2026-12-30",
    }
    assert AuditEntry.objects.filter(action="review.status_changed", object_id=str(review.pk)).exists()


def test_the_reviewer_can_circulate_too_and_a_review_further_on_keeps_its_stage(
    frozen, client, reviewer, review, people, version
):
    Review.objects.filter(pk=review.pk).update(status=Review.Status.AWAITING_SIGN_OFF)
    client.force_login(reviewer)
    response = client.post(circulate_url(review), chosen_form(leads=["jo.marsh@school.example"]) | {"confirm": "yes"})
    assert response.status_code == 302
    assert Circulation.objects.get().checkers.get().email == "jo.marsh@school.example"
    assert Review.objects.get(pk=review.pk).status == Review.Status.AWAITING_SIGN_OFF


def test_choosing_nobody_or_a_bad_number_of_days_is_refused_with_nothing_sent(
    frozen, bm_client, review, people, version, mailoutbox
):
    page = bm_client.post(circulate_url(review), chosen_form() | {"confirm": "yes"}).content.decode()
    assert "Choose at least one person to check the draft" in page
    for days in ("0", "61", "ten"):
        page = bm_client.post(
            circulate_url(review), chosen_form(attendees=["sam.green@police.example"], days=days)
        ).content.decode()
        assert "Enter" in page and "working days" in page and "govuk-error-summary" in page
    page = bm_client.post(
        circulate_url(review), chosen_form(extra_name="Chris Ward", working_days="5")
    ).content.decode()
    assert "Enter the email address of the person you are adding" in page
    with pytest.raises(DomainError, match="between 1 and 60"):
        circulation.circulate(version, people=circulation.default_checkers(review), working_days=61, started_by=None)
    with pytest.raises(DomainError, match="at least one person"):
        unreachable = [p for p in circulation.default_checkers(review) if not p.reachable]
        circulation.circulate(version, people=unreachable, working_days=5, started_by=None)
    assert not Circulation.objects.exists() and not Checker.objects.exists() and mailoutbox == []


def test_a_version_with_open_name_hits_or_never_checked_is_refused(
    frozen, bm_client, business_manager, review, people, mailoutbox
):
    unchecked = make_version(review, 1, checked=False)
    page = bm_client.get(circulate_url(review, 1)).content.decode()
    assert "has not been checked for names yet" in page and 'type="checkbox"' not in page

    named = make_version(review, 2)
    hit = NameHit.objects.create(version=named, kind="subject", paragraph=2, matched="Alex", context="…Alex…")
    page = bm_client.get(circulate_url(review, 2)).content.decode()
    assert "found names in 1 place in version 2" in page and "Alex" not in page
    response = bm_client.post(circulate_url(review, 2), chosen_form(attendees=["sam.green@police.example"]))
    assert 'type="checkbox"' not in response.content.decode()
    for version in (unchecked, named):
        with pytest.raises(DomainError):
            start(review, version, business_manager)
    assert not Circulation.objects.exists() and mailoutbox == []
    assert Review.objects.get(pk=review.pk).status == Review.Status.SCOPING

    NameHit.objects.filter(pk=hit.pk).update(status=NameHit.Status.NOT_A_PERSON)
    assert start(review, named, business_manager).version == named


def test_circulating_after_sign_off_is_refused(
    frozen, bm_client, business_manager, review, people, version, mailoutbox
):
    SignOff.objects.create(
        review=review,
        version=version,
        body="Partnership executive",
        signed_off_on=date(2026, 12, 18),
        minute_reference="M1",
    )
    page = bm_client.get(circulate_url(review)).content.decode()
    assert "has been signed off" in page
    with pytest.raises(DomainError, match="signed off"):
        start(review, version, business_manager)
    assert not Circulation.objects.exists() and mailoutbox == []


def test_a_new_version_closes_the_earlier_check_and_its_links(
    frozen, business_manager, review, people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(review, make_version(review, 1), business_manager)
    old_token = link_in(mailoutbox[0])
    assert links.lookup(circulation.CHECKER_LINK, old_token) is not None
    with pytest.raises(DomainError, match="already been sent"):
        start(review, first.version, business_manager)

    frozen.move_to(datetime(2026, 12, 22, 9, 0, tzinfo=LONDON))
    second = start(review, make_version(review, 2), business_manager, days=10)
    first.refresh_from_db()
    assert first.closed_at is not None and second.closed_at is None
    assert not first.checkers.filter(token_revoked_at__isnull=True).exists()
    assert links.lookup(circulation.CHECKER_LINK, old_token) is None
    assert second.deadline == date(2027, 1, 8)
    assert AuditEntry.objects.get(action="report.circulation_closed").detail == {"reason": "replaced"}


def test_an_older_version_cannot_be_sent_over_a_later_ones_check(frozen, business_manager, review, people):
    older = make_version(review, 1)
    start(review, make_version(review, 2), business_manager)
    with pytest.raises(DomainError, match="later version"):
        start(review, older, business_manager)
    assert Circulation.objects.filter(closed_at__isnull=True).get().version.number == 2


def test_close_circulation_stops_every_link_once(frozen, business_manager, review, people, version):
    sent = start(review, version, business_manager)
    assert circulation.close_circulation(sent, reason="signed off", by=business_manager) is True
    assert circulation.close_circulation(sent, reason="signed off", by=business_manager) is False
    sent.refresh_from_db()
    assert sent.closed_at == CIRCULATED
    assert set(sent.checkers.values_list("token_revoked_at", flat=True)) == {CIRCULATED}
    assert AuditEntry.objects.filter(action="report.circulation_closed").count() == 1


# Following the check --------------------------------------------------------------------------


def test_the_progress_page_groups_people_by_agency_with_counts(
    frozen, bm_client, business_manager, review, people, version
):
    sent = start(review, version, business_manager)
    checkers = {c.email: c for c in sent.checkers.all()}
    Checker.objects.filter(pk=checkers["sam.green@police.example"].pk).update(
        first_read_at=CIRCULATED, responded_at=CIRCULATED, no_comments=True
    )
    lee = checkers["lee.patel@health.example"]
    Checker.objects.filter(pk=lee.pk).update(first_read_at=CIRCULATED, responded_at=CIRCULATED)
    lee.comments.create(paragraph=2, text="The visit was in April.")
    lee.comments.create(paragraph=3, text="It was 5 June.")

    page = bm_client.get(progress_url(review)).content.decode()
    assert "Wednesday 30 December 2026" in page
    assert re.search(r'id="count-asked">4<', page) and re.search(r'id="count-read">2<', page)
    assert "2 (1 with comments, 1 with no comments)" in page and re.search(r'id="count-waiting">2<', page)
    # Agencies in alphabetical order, each with its people and counts.
    assert page.index("Northvale Academy") < page.index("Northvale Health Trust") < page.index("Northvale Police")
    assert "0 of 1 answered" in page and "1 of 1 answered, 1 read it" in page and "1 of 2 answered, 1 read it" in page
    assert "2 comments" in page and "No comments" in page and page.count("Not answered") >= 2
    assert page.count("Stop link") == 4


def test_reminders_now_go_to_those_who_have_not_answered_once_a_day(
    frozen, bm_client, business_manager, review, people, version, mailoutbox, django_capture_on_commit_callbacks
):
    sent = start(review, version, business_manager)
    answered = sent.checkers.get(email="sam.green@police.example")
    Checker.objects.filter(pk=answered.pk).update(responded_at=CIRCULATED, no_comments=True)
    stopped = sent.checkers.get(email="dana.reid@police.example")
    circulation.stop_link(stopped, stopped_by=business_manager)
    before = dict(sent.checkers.values_list("email", "token_hash"))
    remind = reverse("reports:report_check_remind", args=[review.partnership.slug, review.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(remind, follow=True)
    assert "Reminders are on their way to 2 people" in response.content.decode()
    # The batch sends whatever else is due too (the check's first emails, queued earlier in this test).
    reminders = [m for m in mailoutbox if "Reminder" in m.subject]
    assert sorted(m.to[0] for m in reminders) == ["jo.marsh@school.example", "lee.patel@health.example"]
    email = next(m for m in reminders if m.to == ["lee.patel@health.example"])
    assert "Reminder" in email.subject and "Wednesday 30 December 2026" in email.body
    lee = sent.checkers.get(email="lee.patel@health.example")
    assert lee.token_hash == links.hash_token(link_in(email)) != before["lee.patel@health.example"]

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(remind, follow=True)
    assert "Nobody was reminded" in response.content.decode() and mailoutbox == []
    assert AuditEntry.objects.filter(action="report.check_reminded").count() == 2


def test_stopping_one_link_and_sending_a_new_one(
    frozen, bm_client, business_manager, review, people, version, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = start(review, version, business_manager)
    sam = sent.checkers.get(email="sam.green@police.example")
    token = link_in(next(m for m in mailoutbox if m.to == ["sam.green@police.example"]))
    mailoutbox.clear()
    stop = reverse("reports:report_check_stop", args=[review.partnership.slug, review.pk, sam.pk])
    assert "link has stopped working" in bm_client.post(stop, follow=True).content.decode()
    assert links.lookup(circulation.CHECKER_LINK, token) is None
    assert "had already stopped" in bm_client.post(stop, follow=True).content.decode()
    assert AuditEntry.objects.filter(action="draft.link_stopped").count() == 1

    new_link = reverse("reports:report_check_new_link", args=[review.partnership.slug, review.pk, sam.pk])
    with django_capture_on_commit_callbacks(execute=True):
        bm_client.post(new_link)
    assert [m.to for m in mailoutbox] == [["sam.green@police.example"]]
    assert links.lookup(circulation.CHECKER_LINK, link_in(mailoutbox[0])).pk == sam.pk


def test_the_report_panel_shows_the_check_and_what_can_go_next(frozen, business_manager, review, people, version):
    panel = circulation.panel_context(review, business_manager)
    assert panel["circulation"] is None and panel["circulation_next_version"] == version
    start(review, version, business_manager)
    panel = circulation.panel_context(review, business_manager)
    assert panel["circulation"].version == version and panel["circulation_next_version"] is None
    assert panel["circulation_counts"]["asked"] == 4 and panel["circulation_deadline"] == "Wednesday 30 December 2026"
    make_version(review, 2, checked=False)
    panel = circulation.panel_context(review, business_manager)
    assert panel["circulation_blocked"] == "Version 2 has not been checked for names yet."


# Who may see the staff pages ------------------------------------------------------------------


def test_outsiders_and_unassigned_reviewers_get_404_on_every_staff_page(
    frozen, client, outsider, partnership, business_manager, review, people, version
):
    sent = start(review, version, business_manager)
    checker = sent.checkers.first()
    slug = review.partnership.slug
    pages = [
        ("get", circulate_url(review)),
        ("post", circulate_url(review)),
        ("get", progress_url(review)),
        ("post", reverse("reports:report_check_remind", args=[slug, review.pk])),
        ("post", reverse("reports:report_check_stop", args=[slug, review.pk, checker.pk])),
        ("post", reverse("reports:report_check_new_link", args=[slug, review.pk, checker.pk])),
    ]
    unassigned = make_staff("nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER)
    for user in (outsider, unassigned):
        client.force_login(user)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    client.logout()
    assert client.get(progress_url(review)).status_code == 302
    assert not Checker.objects.filter(token_revoked_at__isnull=False).exists()
    assert set(OutboundMessage.objects.values_list("kind", flat=True)) == {"draft_circulated"}


def test_the_draft_report_page_shows_the_panel(frozen, bm_client, business_manager, review, people, version):
    report_page = reverse("reports:report_home", args=[review.partnership.slug, review.pk])
    page = bm_client.get(report_page).content.decode()
    assert "No version has been sent for checking yet." in page and circulate_url(review) in page
    start(review, version, business_manager)
    page = bm_client.get(report_page).content.decode()
    assert "Comments are due by the end of Wednesday 30 December 2026" in page
    assert "0 of 4 checkers have answered</strong>" in page and progress_url(review) in page
    assert circulate_url(review) not in page
