"""The business manager's whole scheduling journey in a real browser, by links, buttons and forms.

Sign in with the authenticator code, create a review, import the directory from a CSV file, ask
two agencies for their key staff (the safeguarding lead answers in a second browser, with no
account), accept the person named, add a practitioner event and build its invitee list. axe-core
checks every page either browser loads.
"""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event, Invitation
from notifications.models import OutboundMessage
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner
from reviews.models import Review
from tests.browser.conftest import AccessibilityChecker
from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REAL_NAME = "Jordan Whitfield"
REFERENCE = "CSPR 2026-07"
HEADER = "full_name,job_title,agency,email,phone,line_manager_name,line_manager_email"
# Line 3 (the header is line 1) has an email address that is not one.
CSV_WITH_A_MISTAKE = f"""{HEADER}
Ana Lopes,Police constable,Northvale Police,ana.lopes@police.example,,,
Ben Carter,Detective sergeant,Northvale Police,ben.carter.police.example,,,
"""
CSV = f"""{HEADER}
Ana Lopes,Police constable,Northvale Police,ana.lopes@police.example,01632 960 301,Ravi Mehta,ravi.mehta@police.example
Ben Carter,Detective sergeant,Northvale Police,ben.carter@police.example,,,
Chloe Evans,Health visitor,Northvale Community Health Trust,chloe.evans@health.example,,Dee Moss,dee.moss@health.example
Dev Patel,School nurse,Northvale Community Health Trust,dev.patel@health.example,,,
Erin Walsh,Designated safeguarding lead,St Anne's Primary School,erin.walsh@stannes.example,,,
Finn Hughes,Class teacher,St Anne's Primary School,finn.hughes@stannes.example,,Erin Walsh,erin.walsh@stannes.example
"""


def menu(page, label):
    """A link in the service navigation."""
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=label, exact=True)


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def follow(page, checker, action, h1):
    """Click a link or button, wait for the page it loads, then check its heading and run axe on it."""
    with page.expect_navigation() as navigation:
        action.click()
    status = navigation.value.status if navigation.value else None
    assert status == 200, f"{status} from {page.url}"
    expect(page.get_by_role("heading", level=1)).to_have_text(h1)
    checker.check()


def watch(page, problems):
    """Record any failed request and any console error (a Content Security Policy violation shows as one)."""
    page.on(
        "response", lambda response: response.status >= 400 and problems.append(f"{response.status} {response.url}")
    )
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))


def fresh_code(user):
    """The code the app shows now, waiting for the next one if this one is about to expire."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.2)
    return totp_code(user)


def test_business_manager_schedules_a_practitioner_event(
    page, a11y, browser, live_server, mailoutbox, tmp_path, partnership, business_manager, reviewer
):
    Agency.objects.create(
        partnership=partnership,
        name="Northvale Police",
        agency_type=Agency.Type.POLICE,
        lead_name="Dana Reed",
        lead_email="dana.reed@police.example",
    )
    Agency.objects.create(
        partnership=partnership, name="Northvale Community Health Trust", agency_type=Agency.Type.HEALTH
    )
    today = timezone.localdate()
    main = page.get_by_role("main")
    error_summary = page.locator(".govuk-error-summary")
    success = page.locator(".govuk-notification-banner--success")

    problems = []
    watch(page, problems)

    def go(action, h1):
        follow(page, a11y, action, h1)

    # 1. Sign in with email, password and the authenticator code.
    page.goto("/")
    expect(page).to_have_url(re.compile("/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    a11y.check()
    page.get_by_label("Email").fill(business_manager.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    go(page.get_by_role("button", name=re.compile("Sign in", re.I)), "Enter your security code")
    page.get_by_label("Security code").fill(fresh_code(business_manager))
    go(page.get_by_role("button", name="Continue"), partnership.name)
    expect(page).to_have_url(re.compile(rf"/p/{partnership.slug}/$"))

    # 2. Create the review.
    go(menu(page, "Reviews"), "Reviews")
    go(main.get_by_role("link", name="Create a review"), "Create a review")
    page.get_by_label("Child Safeguarding Practice Review").check()
    page.get_by_label("Reference", exact=True).fill(REFERENCE)
    page.get_by_label("Pseudonym", exact=True).fill("Child A")
    page.get_by_label("Real name of the child or adult (optional)").fill(REAL_NAME)
    fill_date(page, "Scope period starts", today.replace(year=today.year - 2, month=1, day=1))
    fill_date(page, "Scope period ends", today.replace(year=today.year - 1, month=12, day=31))
    page.get_by_label("Tom Ellis").check()
    page.get_by_label("Learning themes (optional)").fill("Information sharing\nHearing the voice of the child")
    go(page.get_by_role("button", name="Save review"), f"{REFERENCE}: Child A")
    expect(success).to_contain_text("is created")
    expect(main).to_contain_text("Tom Ellis")
    expect(main).to_contain_text("Information sharing")
    expect(main).to_contain_text("Hearing the voice of the child")
    expect(main).not_to_contain_text(REAL_NAME)

    # 3. Import the directory: first a file with a mistake, then the corrected one.
    go(menu(page, "Directory"), "Practitioner directory")
    go(page.get_by_role("link", name="Import from a CSV file"), "Import practitioners from a CSV file")
    (tmp_path / "people-with-a-mistake.csv").write_text(CSV_WITH_A_MISTAKE, encoding="utf-8")
    page.get_by_label("Upload a CSV file").set_input_files(tmp_path / "people-with-a-mistake.csv")
    go(page.get_by_role("button", name="Upload and check the file"), "Fix the problems in your file")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(error_summary).to_contain_text("We found 1 problem in the file. Nothing has been imported.")
    expect(error_summary.get_by_role("link")).to_have_text(
        ["Line 3, email: Enter the email address in the right form, like name@example.org."]
    )
    expect(main.get_by_role("table", name="Problems in the file").locator("tbody tr")).to_have_text(
        [re.compile(r"^\s*3\s+email\s+Enter the email address")]
    )
    assert Practitioner.objects.count() == 0
    go(page.get_by_role("link", name="Upload the corrected file"), "Import practitioners from a CSV file")
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")
    page.get_by_label("Upload a CSV file").set_input_files(tmp_path / "people.csv")
    go(page.get_by_role("button", name="Upload and check the file"), "Check the practitioners before you import them")
    expect(main.get_by_role("listitem").filter(has_text="St Anne's Primary School")).to_contain_text("Will be created")
    expect(main.get_by_role("listitem").filter(has_text="Will be created")).to_have_count(1)
    expect(main.locator("tbody tr")).to_have_count(6)
    assert Practitioner.objects.count() == 0
    go(page.get_by_role("button", name="Import 6 practitioners"), "Practitioner directory")
    expect(success).to_contain_text("6 practitioners added to the directory.")
    directory = main.get_by_role("table")
    for name in ("Ana Lopes", "Ben Carter", "Chloe Evans", "Dev Patel", "Erin Walsh", "Finn Hughes"):
        expect(directory.get_by_role("rowheader", name=name)).to_be_visible()
    expect(directory).to_contain_text("St Anne's Primary School")

    # 4. Give the health trust a safeguarding lead, then ask two agencies for their key staff.
    go(menu(page, "Agencies"), "Agencies")
    go(page.get_by_role("link", name="Change Northvale Community Health Trust"), "Northvale Community Health Trust")
    page.get_by_label("Name (optional)", exact=True).fill("Sam Rowe")
    page.get_by_label("Email address (optional)", exact=True).fill("sam.rowe@health.example")
    go(page.get_by_role("button", name="Save agency"), "Agencies")
    expect(main.get_by_role("row", name=re.compile("Northvale Community Health Trust"))).to_contain_text(
        "sam.rowe@health.example"
    )

    go(menu(page, "Reviews"), "Reviews")
    go(main.get_by_role("link", name=REFERENCE), f"{REFERENCE}: Child A")
    go(page.get_by_role("link", name="Agency nominations of key staff"), "Nominations of key staff")
    page.get_by_label("Northvale Police").check()
    page.get_by_label("Northvale Community Health Trust").check()
    fill_date(page, "Names needed by", today + timedelta(days=14))
    # The form must reach the view that sends the requests, and say so.
    go(page.get_by_role("button", name="Send the requests"), "Nominations of key staff")
    expect(success).to_contain_text("We have emailed 2 safeguarding leads their own link.")
    asked = main.get_by_role("table", name="Agencies asked")
    for agency in ("Northvale Police", "Northvale Community Health Trust"):
        expect(asked.get_by_role("row", name=re.compile(agency))).to_contain_text("No reply yet")

    # The police lead opens the link in the email they received (the outbox keeps no usable copy
    # of a link once the email is sent), with no account, in a browser of their own.
    assert OutboundMessage.objects.filter(kind="nomination_request", recipient="dana.reed@police.example").exists()
    (email,) = [message for message in mailoutbox if message.to == ["dana.reed@police.example"]]
    link_path = re.search(r"https?://\S+?(/nominate/\S+/)", email.body)[1]
    lead_context = browser.new_context(base_url=live_server.url)
    try:
        lead = lead_context.new_page()
        lead_a11y = AccessibilityChecker(lead)
        watch(lead, problems)
        assert lead.goto(link_path).status == 200
        expect(lead.get_by_role("heading", level=1)).to_have_text(f"Name your key staff for review {REFERENCE}")
        lead_a11y.check()
        expect(lead.get_by_role("main")).to_contain_text("Child A")
        expect(lead.get_by_role("main")).not_to_contain_text(REAL_NAME)
        follow(lead, lead_a11y, lead.get_by_role("button", name="Continue"), f"Key staff for review {REFERENCE}")
        lead.get_by_label("Full name", exact=True).fill("Kim Osei")
        lead.get_by_label("Job title", exact=True).fill("Police sergeant")
        lead.get_by_label("Work email address", exact=True).fill("kim.osei@police.example")
        lead.get_by_label("Worked with the child or adult or their family").check()
        follow(lead, lead_a11y, lead.get_by_role("button", name="Add this person"), f"Key staff for review {REFERENCE}")
        expect(lead.locator(".govuk-notification-banner--success")).to_contain_text("Kim Osei is on your list.")
        expect(lead.get_by_role("table", name="People you have named")).to_contain_text("Kim Osei")
        lead_a11y.assert_clean()
    finally:
        lead_context.close()

    # Back as the business manager: accept the person named into the directory.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominations of key staff")
    a11y.check()
    expect(asked.get_by_role("row", name=re.compile("Northvale Police"))).to_contain_text("Started")
    page.get_by_label("Kim Osei, Police sergeant (Northvale Police)").check()
    go(page.get_by_role("button", name="Accept the people chosen"), "Nominations of key staff")
    expect(success).to_contain_text("1 person is in the directory.")
    expect(main.get_by_role("table", name="Northvale Police")).to_contain_text("Added to the directory")

    # 5. Add the practitioner event: a title with the real surname is refused.
    event_day = today + timedelta(days=35)
    reply_by = today + timedelta(days=21)
    go(page.get_by_role("link", name="Back to the review"), f"{REFERENCE}: Child A")
    go(page.get_by_role("link", name="Add a practitioner event"), "Add a practitioner event")
    title = page.get_by_label("Title", exact=True)
    title.fill("Learning event about the Whitfield family")
    fill_date(page, "Date", event_day)
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("End time").fill("1pm")
    page.get_by_label("Hybrid (in person and online)").check()
    page.get_by_label("Name of the venue").fill("Northvale Civic Centre")
    page.get_by_label("Address of the venue").fill("1 High Street\nNorthvale\nNV1 2AB")
    page.get_by_label("Access information").fill("Step-free entrance on Mill Lane. Hearing loop in room 2.")
    page.get_by_label("Joining link").fill("https://meet.example/northvale-cspr")
    page.get_by_label("Other joining details (optional)").fill("Passcode 4821")
    page.get_by_label("Chair (optional)").select_option(label="Tom Ellis")
    page.get_by_label("Number of places").fill("12")
    fill_date(page, "Reply by", reply_by)
    page.get_by_label("Information sharing").check()
    page.get_by_label("Hearing the voice of the child").check()
    go(page.get_by_role("button", name="Create the event"), "Add a practitioner event")
    refusal = "The title must not contain the real name of the child or adult. Use the pseudonym, such as Child A."
    expect(page).to_have_title(re.compile("^Error: "))
    expect(error_summary.get_by_role("link")).to_have_text([refusal])
    expect(page.locator(".govuk-form-group--error")).to_have_count(1)
    expect(page.locator(".govuk-form-group--error")).to_contain_text(refusal)
    expect(page.locator(".govuk-form-group--error").get_by_label("Title", exact=True)).to_be_visible()
    assert Event.objects.count() == 0
    title.fill("Practitioner learning event for Child A")
    go(page.get_by_role("button", name="Create the event"), "Practitioner learning event for Child A")
    expect(success).to_contain_text("The event is created.")
    details = main.locator(".govuk-summary-list")
    expect(details).to_contain_text("Hybrid (in person and online)")
    expect(details).to_contain_text("Northvale Civic Centre")
    expect(details).to_contain_text("Step-free entrance on Mill Lane")
    expect(details).to_contain_text("https://meet.example/northvale-cspr")
    expect(details).to_contain_text("Tom Ellis")
    expect(details).to_contain_text(f"{event_day:%A} {event_day.day} {event_day:%B %Y}, 10am to 1pm")
    expect(details).to_contain_text(f"{reply_by:%A} {reply_by.day} {reply_by:%B %Y}")
    expect(details).to_contain_text("Hearing the voice of the child")

    # 6. Build the invitee list: the police, filtered by agency; the health staff, found by a search.
    go(page.get_by_role("link", name="Add people from the directory"), "Add people from the directory")
    page.get_by_label("Agency", exact=True).select_option(label="Northvale Police")
    go(page.get_by_role("button", name="Search"), "Add people from the directory")
    expect(main.get_by_role("checkbox")).to_have_count(3)
    for name in ("Ana Lopes", "Ben Carter", "Kim Osei"):
        page.get_by_label(f"Invite {name}").check()
    go(page.get_by_role("button", name="Add the people you chose"), "Practitioner learning event for Child A")
    expect(success).to_contain_text("3 people added to the invitee list.")

    go(page.get_by_role("link", name="Add people from the directory"), "Add people from the directory")
    expect(main.get_by_text("Already invited")).to_have_count(3)
    page.get_by_label("Search by name, job title, email or agency").fill("health")
    go(page.get_by_role("button", name="Search"), "Add people from the directory")
    expect(main.get_by_role("checkbox")).to_have_count(2)
    page.get_by_label("Invite Chloe Evans").check()
    page.get_by_label("Invite Dev Patel").check()
    go(page.get_by_role("button", name="Add the people you chose"), "Practitioner learning event for Child A")
    expect(success).to_contain_text("2 people added to the invitee list.")

    go(page.get_by_role("link", name="Add a new person"), "Add a new person")
    page.get_by_label("Full name", exact=True).fill("Gill Harper")
    page.get_by_label("Job title", exact=True).fill("Social worker")
    page.get_by_label("Agency", exact=True).select_option(label="St Anne's Primary School")
    page.get_by_label("Email address", exact=True).fill("gill.harper@stannes.example")
    go(page.get_by_role("button", name="Add to the invitee list"), "Practitioner learning event for Child A")
    expect(success).to_contain_text("Gill Harper is added to the directory and the invitee list.")

    invitees = main.get_by_role("table", name="People on the invitee list")
    expect(invitees.locator("tbody tr")).to_have_count(6)
    for name in ("Ana Lopes", "Ben Carter", "Kim Osei", "Chloe Evans", "Dev Patel", "Gill Harper"):
        expect(invitees.get_by_role("row", name=re.compile(name))).to_contain_text("Not invited yet")
    replies = main.get_by_role("table", name="Replies")
    expect(replies.locator("tbody tr")).to_have_text(
        [
            re.compile(r"^\s*Not invited yet\s+6\s*$"),
            re.compile(r"^\s*Invited, no reply\s+0\s*$"),
            re.compile(r"^\s*Attending\s+0\s*$"),
            re.compile(r"^\s*Not attending\s+0\s*$"),
            re.compile(r"^\s*Everyone on the list\s+6\s*$"),
        ]
    )
    by_agency = main.get_by_role("table", name="Invitees by agency")
    expect(by_agency.locator("tbody tr")).to_have_text(
        [
            re.compile(r"^\s*Northvale Community Health Trust\s+2\s+0\s*$"),
            re.compile(r"^\s*Northvale Police\s+3\s+0\s*$"),
            re.compile(r"^\s*St Anne's Primary School\s+1\s+0\s*$"),
        ]
    )
    expect(main).to_contain_text("0 of 12 places taken.")

    # Dev Patel is not needed after all.
    go(page.get_by_role("button", name="Remove Dev Patel from the list"), "Practitioner learning event for Child A")
    expect(success).to_contain_text("Dev Patel is removed from the invitee list.")
    expect(invitees.locator("tbody tr")).to_have_count(5)
    expect(invitees).not_to_contain_text("Dev Patel")
    expect(replies.locator("tbody tr").first).to_have_text(re.compile(r"^\s*Not invited yet\s+5\s*$"))
    expect(replies.locator("tbody tr").last).to_have_text(re.compile(r"^\s*Everyone on the list\s+5\s*$"))
    expect(by_agency.locator("tbody tr").first).to_have_text(
        re.compile(r"^\s*Northvale Community Health Trust\s+1\s+0\s*$")
    )

    # The new person is in the directory too.
    go(menu(page, "Directory"), "Practitioner directory")
    expect(main.get_by_role("table").get_by_role("rowheader", name="Gill Harper")).to_be_visible()

    assert not problems, problems

    # What the journey left in the database.
    review = Review.objects.get(partnership=partnership)
    assert (review.reference, review.pseudonym, review.subject_name) == (REFERENCE, "Child A", REAL_NAME)
    assert list(review.reviewers.all()) == [reviewer]
    assert sorted(theme.title for theme in review.learning_themes.all()) == [
        "Hearing the voice of the child",
        "Information sharing",
    ]
    assert Agency.objects.filter(partnership=partnership).count() == 3
    assert Practitioner.objects.filter(partnership=partnership).count() == 8  # 6 imported, 1 nominated, 1 new
    assert NominationRequest.objects.filter(review=review).count() == 2
    nomination = Nomination.objects.get(request__review=review)
    assert nomination.status == Nomination.Status.ACCEPTED
    assert nomination.practitioner.email == "kim.osei@police.example"
    event = Event.objects.get(review=review)
    assert event.title == "Practitioner learning event for Child A"
    assert (event.format, event.capacity, event.chair, event.rsvp_deadline) == (
        Event.Format.HYBRID,
        12,
        reviewer,
        reply_by,
    )
    assert timezone.localtime(event.starts_at).date() == event_day
    assert event.learning_themes.count() == 2
    assert Invitation.objects.filter(event=event).count() == 5
    assert not Invitation.objects.filter(event=event, practitioner__full_name="Dev Patel").exists()
    assert set(Invitation.objects.filter(event=event).values_list("status", flat=True)) == {Invitation.Status.NOT_SENT}
