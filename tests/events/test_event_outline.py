"""What the event is: the business manager or reviewer describes it; invitees see only the shared themes."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry
from events import invitations
from events.factsheets import event_factsheet
from events.models import Event, EventTheme
from tests.events.conftest import REAL_NAME, invite, make_practitioners

pytestmark = pytest.mark.django_db

AGENDA = "10am Welcome\n10:15am First-hand accounts\n12:30pm Close"


def outline_url(event):
    return reverse("events:event_outline", args=[event.review.partnership.slug, event.pk])


def data(themes, **overrides):
    return {
        "agenda": AGENDA,
        "facilitator": "Jan Price",
        "learning_themes": [str(theme.pk) for theme in themes],
        "shared_themes": [str(themes[1].pk)],
    } | overrides


def errors(response):
    return {name: list(errs) for name, errs in response.context["form"].errors.items()}


@pytest.fixture
def reviewer_client(reviewer):
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def described(event, themes, reviewer, frozen):
    """The reviewer chairs the event; both themes are explored and only the second is shared."""
    event.chair = reviewer
    event.agenda, event.facilitator = AGENDA, "Jan Price"
    event.save()
    EventTheme.objects.create(event=event, theme=themes[0], shareable=False)
    EventTheme.objects.create(event=event, theme=themes[1], shareable=True)
    return event


@pytest.mark.parametrize("who", ["bm_client", "reviewer_client"])
def test_the_business_manager_or_the_reviewer_says_what_the_event_is(who, request, event, themes, frozen):
    client = request.getfixturevalue(who)
    assert client.get(outline_url(event)).status_code == 200
    response = client.post(outline_url(event), data(themes))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.agenda == AGENDA and event.facilitator == "Jan Price"
    assert list(event.learning_themes.all()) == themes
    assert list(event.shared_themes()) == [themes[1]]
    entry = AuditEntry.objects.get(action="event.described")
    assert entry.detail["fields"] == ["agenda", "facilitator", "learning_themes", "shared_themes"]
    page = client.get(reverse("events:event_detail", args=[event.review.partnership.slug, event.pk]))
    assert "Invitees see it" in page.content.decode()


def test_a_theme_is_shared_only_if_the_event_explores_it(bm_client, event, themes, frozen):
    response = bm_client.post(outline_url(event), data(themes, learning_themes=[str(themes[0].pk)]))
    assert response.status_code == 200
    assert errors(response) == {
        "shared_themes": [
            "Tick “Hearing the voice of the child” under learning themes to explore as well, or do not share it"
        ]
    }
    # What was typed stays, and nothing is saved.
    assert AGENDA in response.content.decode()
    event.refresh_from_db()
    assert event.agenda == "" and not event.theme_links.exists()
    assert not AuditEntry.objects.filter(action="event.described").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agenda", "x" * 2001, "The agenda must be 2,000 characters or fewer"),
        ("facilitator", "x" * 151, "The facilitator's name must be 150 characters or fewer"),
        ("learning_themes", ["not-a-number"], "Choose learning themes from the list"),
        (
            "agenda",
            "10am Amelia's timeline",
            "Invitees see the agenda, so it must not contain the real name of the child or adult. "
            "Use the pseudonym, Child A.",
        ),
        (
            "facilitator",
            "Hart-Smith family liaison",
            "Invitees see the facilitator, so it must not contain the real name of the child or adult. "
            "Use the pseudonym, Child A.",
        ),
    ],
)
def test_bad_input_is_refused_by_name_and_changes_nothing(bm_client, event, themes, frozen, field, value, message):
    response = bm_client.post(outline_url(event), data(themes, **{field: value}))
    assert response.status_code == 200
    assert errors(response) == {field: [message]}
    event.refresh_from_db()
    assert event.agenda == "" and event.facilitator == "" and not event.theme_links.exists()


def test_a_cancelled_event_cannot_be_described(bm_client, event, themes, frozen):
    event.status = event.Status.CANCELLED
    event.save()
    response = bm_client.post(outline_url(event), data(themes))
    assert response.status_code == 302
    assert bm_client.get(response["Location"]).context["messages"]
    event.refresh_from_db()
    assert event.agenda == ""


def test_saving_the_same_again_records_nothing(bm_client, event, themes, frozen):
    bm_client.post(outline_url(event), data(themes))
    bm_client.post(outline_url(event), data(themes))
    assert AuditEntry.objects.filter(action="event.described").count() == 1


def test_changing_the_event_keeps_which_themes_are_shared(bm_client, described, themes):
    from tests.events.test_event_edit_cancel import edit_data, edit_url

    response = bm_client.post(edit_url(described), edit_data(learning_themes=[str(t.pk) for t in themes]))
    assert response.status_code == 302
    assert list(described.shared_themes()) == [themes[1]]


# What invitees see ---------------------------------------------------------------------------


@pytest.fixture
def sent(described, partnership, agency, mailoutbox, django_capture_on_commit_callbacks):
    invite(described, make_practitioners(partnership, agency, 1)[0])
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_invitations(described, sent_by=None)
    return mailoutbox[-1]


def assert_shows_the_event(text):
    text = " ".join(text.split())
    for words in ("10am Welcome", "12:30pm Close", "Hearing the voice of the child", "Jan Price", "Tom Ellis"):
        assert words in text
    assert "Priya Shah" in text and "partnership@northvale.example" in text and "01632 960 101" in text
    # The theme the reviewer did not share, and the real name, never reach a practitioner.
    assert "Information sharing" not in text
    for part in REAL_NAME.replace("-", " ").split():
        if len(part) > 2:
            assert part not in text


def test_the_invitation_email_shows_what_the_event_is(sent):
    assert_shows_the_event(sent.body)
    assert_shows_the_event(re.sub(r"<[^>]+>", " ", sent.alternatives[0][0]))


def test_the_invitation_page_shows_what_the_event_is(sent):
    browser = Client()
    link = re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", sent.body).group(1)
    browser.post(link)
    page = browser.get(reverse("invitation:page")).content.decode()
    assert_shows_the_event(re.sub(r"<[^>]+>", " ", page))


def test_the_factsheet_box_shows_what_the_event_is(described):
    _name, pdf = event_factsheet(described)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    box = text.split("What the event is")[0] if "What the event is" in text else text
    assert_shows_the_event(box)


def test_the_factsheet_changes_when_the_shared_themes_do(described, themes):
    _name, before = event_factsheet(described)
    EventTheme.objects.filter(event=described).update(shareable=True)
    _name, after = event_factsheet(described)
    assert "Information sharing" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(after)).pages)
    assert before != after


def test_without_a_chair_invitees_are_told_the_review_s_reviewers(event, review, unassigned_reviewer):
    assert event.chair is None
    assert Event.objects.get(pk=event.pk).reviewer_name == "Tom Ellis"
    review.reviewers.add(unassigned_reviewer)
    assert Event.objects.get(pk=event.pk).reviewer_name == "Nadia Rahman and Tom Ellis"


def test_a_review_without_themes_offers_the_agenda_and_facilitator_only(bm_client, event, frozen):
    page = bm_client.get(outline_url(event))
    assert "This review has no learning themes yet" in page.content.decode()
    assert set(page.context["form"].fields) == {"agenda", "facilitator"}
    assert bm_client.post(outline_url(event), {"agenda": "10am Welcome", "facilitator": ""}).status_code == 302
    event.refresh_from_db()
    assert event.agenda == "10am Welcome"
