"""The practitioner factsheets: default wording, editing, the PDF, the per-event copy and who may see them."""

import io
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from core.models import AuditEntry
from core.pdfs import ResourceRefused, safe_url_fetcher, static_files_fetcher
from events import factsheets as event_factsheets
from events.factsheets import event_factsheet
from reviews import factsheets
from reviews.factsheets import DEFAULT_WORDING, SECTIONS, factsheet_for, update_factsheet
from reviews.models import Factsheet
from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, for the test at the end)
    AccessibilityChecker,
    browser_context_args,
    browser_type_launch_args,
)
from tests.events.conftest import make_event


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    """Cached PDFs go to a throwaway folder, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


def url(name, partnership, review_type=None):
    args = [partnership.slug] if review_type is None else [partnership.slug, review_type]
    return reverse(name, args=args)


def pdf_text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def form_data(factsheet, **changes):
    return {name: getattr(factsheet, name) for name in SECTIONS} | changes


# The default wording


@pytest.mark.parametrize(
    ("review_type", "law", "person"),
    [
        ("cspr", ["Children Act 2004", "Children and Social Work Act 2017"], "child"),
        ("sar", ["Care Act 2014", "section 44"], "adult"),
    ],
)
def test_each_type_has_all_seven_sections_naming_its_law(review_type, law, person):
    wording = DEFAULT_WORDING[review_type]
    assert set(wording) == set(SECTIONS)
    assert all(text.strip() for text in wording.values())
    for words in law:
        assert words in wording["what_it_is"]
    assert "{contact_name}" in wording["who_will_be_there"]
    assert person in wording["at_the_event"]
    assert "not used in the final report" in wording["how_to_prepare"]
    assert "blame" in wording["at_the_event"]
    assert "not shared" in wording["at_the_event"]
    assert "factual accuracy" in wording["afterwards"]
    assert "confidential" in wording["confidentiality"]


@pytest.mark.django_db
def test_a_partnership_gets_the_default_wording_once(partnership):
    factsheet = factsheet_for(partnership, "sar")
    assert factsheet.version == 1
    assert factsheet.what_it_is == DEFAULT_WORDING["sar"]["what_it_is"]
    assert factsheet_for(partnership, "sar").pk == factsheet.pk
    assert Factsheet.objects.filter(partnership=partnership).count() == 1


@pytest.mark.django_db
def test_the_list_shows_both_factsheets_with_their_links(bm_client, partnership):
    response = bm_client.get(url("reviews:factsheet_list", partnership))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Child Safeguarding Practice Review" in page and "Safeguarding Adult Review" in page
    for review_type in ("cspr", "sar"):
        for name in ("reviews:factsheet_edit", "reviews:factsheet_preview", "reviews:factsheet_download"):
            assert url(name, partnership, review_type) in page
    assert url("partnerships:partnership_edit", partnership) in page


@pytest.mark.django_db
def test_the_preview_fills_in_the_partnership_details(bm_client, partnership):
    partnership.support_text = "Call the employee assistance line on 0800 000 000."
    partnership.save()
    response = bm_client.get(url("reviews:factsheet_preview", partnership, "cspr"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Priya Shah, the partnership" in page
    assert "{contact_name}" not in page
    assert "partnership@northvale.example" in page
    assert "employee assistance line" in page
    assert "Download the PDF" in page and url("reviews:factsheet_download", partnership, "cspr") in page
    assert page.count("<h1") == 1


# Editing


@pytest.mark.django_db
def test_editing_saves_a_new_version_and_audits_it(bm_client, partnership, business_manager):
    factsheet = factsheet_for(partnership, "cspr")
    data = form_data(factsheet, support="Ask your line manager.\r\n\r\n- Call {contact_phone}.")
    response = bm_client.post(url("reviews:factsheet_edit", partnership, "cspr"), data)
    assert response.status_code == 302
    assert response.url == url("reviews:factsheet_list", partnership)
    factsheet.refresh_from_db()
    assert factsheet.version == 2
    assert factsheet.support == "Ask your line manager.\n\n- Call {contact_phone}."
    assert factsheet.updated_by == business_manager
    entry = AuditEntry.objects.get(action="factsheet.updated")
    assert entry.actor == business_manager
    assert entry.partnership == partnership
    assert entry.object_id == str(factsheet.pk)
    assert entry.detail == {"review_type": "cspr", "version": 2, "sections": ["support"]}
    assert "line manager" not in str(entry.detail)  # the audit log records facts, not the text


@pytest.mark.django_db
def test_saving_the_same_wording_changes_nothing(bm_client, partnership):
    factsheet = factsheet_for(partnership, "sar")
    response = bm_client.post(url("reviews:factsheet_edit", partnership, "sar"), form_data(factsheet))
    assert response.status_code == 302
    factsheet.refresh_from_db()
    assert factsheet.version == 1
    assert not AuditEntry.objects.filter(action="factsheet.updated").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("how_to_prepare", "   ", "Enter the text for “How to prepare”"),
        ("afterwards", "x" * 3001, "“What happens afterwards” must be 3,000 characters or fewer"),
        ("who_will_be_there", "Ask {contact_nme}.", "“Who will be there” uses {contact_nme}."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(bm_client, partnership, field, value, message):
    factsheet = factsheet_for(partnership, "cspr")
    data = form_data(factsheet, **{field: value}, confidentiality="Changed as well.")
    response = bm_client.post(url("reviews:factsheet_edit", partnership, "cspr"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Error: " in page  # in the title, as GOV.UK asks
    factsheet.refresh_from_db()
    assert factsheet.version == 1
    assert factsheet.confidentiality == DEFAULT_WORDING["cspr"]["confidentiality"]
    assert not AuditEntry.objects.filter(action="factsheet.updated").exists()


@pytest.mark.django_db
def test_3000_characters_with_line_breaks_is_allowed(bm_client, partnership):
    factsheet = factsheet_for(partnership, "cspr")
    text = ("y" * 99 + "\r\n") * 29 + "z" * 100  # 3,000 characters once \r\n is counted as one
    response = bm_client.post(url("reviews:factsheet_edit", partnership, "cspr"), form_data(factsheet, afterwards=text))
    assert response.status_code == 302
    factsheet.refresh_from_db()
    assert len(factsheet.afterwards) == 3000


# The PDF


@pytest.mark.django_db
def test_the_download_is_a_tagged_a4_pdf_in_the_partnerships_name(bm_client, partnership):
    response = bm_client.get(url("reviews:factsheet_download", partnership, "cspr"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="practitioner-event-factsheet-CSPR.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.3, abs=1)
    assert float(box.height) == pytest.approx(841.9, abs=1)
    text = pdf_text(response.content)
    assert "Northvale Children's Safeguarding Partnership" in text
    assert "partnership@northvale.example" in text
    assert "Children Act 2004" in text
    assert "{contact_name}" not in text
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Practitioner event factsheet")


@pytest.mark.django_db
def test_an_events_factsheet_names_the_pseudonym_never_the_real_name(partnership, review):
    event = make_event(review, title="Practitioner learning event for Child B")
    filename, pdf = event_factsheet(event)
    assert filename == "practitioner-event-factsheet-CSPR-2026-01.pdf"
    text = pdf_text(pdf)
    assert "Child B" in text
    assert "CSPR 2026-01" in text
    assert "Tuesday 8 December 2026, 10am to 1pm" in text
    assert "Northvale Civic Centre" in text
    assert "Priya Shah" in text and "01632 960 101" in text
    assert review.subject_name == "Alex Smith"
    assert "Alex" not in text and "Smith" not in text


def stored_factsheets():
    return sorted(default_storage.listdir("factsheets")[1])


@pytest.mark.django_db
def test_an_events_factsheet_is_rendered_once_per_time_and_wording(partnership, review, business_manager):
    event = make_event(review)
    with mock.patch.object(event_factsheets, "render_factsheet_pdf", wraps=factsheets.render_factsheet_pdf) as render:
        first = event_factsheet(event)
        second = event_factsheet(event)
        assert render.call_count == 1
        assert second == first
        [stored] = stored_factsheets()
        assert stored.startswith(f"event-{event.pk}-s0-v1-")

        event.sequence += 1  # the event moved: invitees get its new time
        event.save()
        event_factsheet(event)
        assert render.call_count == 2

        factsheet = factsheet_for(partnership, "cspr")
        data = form_data(factsheet, confidentiality="Keep everything about the review to yourself.")
        update_factsheet(factsheet, data=data, updated_by=business_manager)
        _, pdf = event_factsheet(event)
        assert render.call_count == 3
        assert "Keep everything about the review to yourself." in pdf_text(pdf)

        review.pseudonym = "Child C"  # shown on the factsheet, though neither sequence nor version moved
        review.save()
        _, pdf = event_factsheet(event)
        assert render.call_count == 4
        assert "Child C" in pdf_text(pdf)
        event_factsheet(event)
        assert render.call_count == 4
    [name] = stored_factsheets()  # the copies for the event's earlier time and wording are gone
    assert name.startswith(f"event-{event.pk}-s1-v2-")


def test_online_events_say_so_instead_of_a_venue():
    event = mock.Mock(format="online", venue_name="", venue_address="")
    assert event_factsheets.event_place(event).startswith("Online")
    event = mock.Mock(format="hybrid", venue_name="Civic Centre", venue_address="1 High Street\nNorthvale")
    assert event_factsheets.event_place(event) == "Civic Centre, 1 High Street, Northvale, or online"


# Fetching nothing from outside the project's static files


@pytest.mark.parametrize(
    "address",
    [
        "http://example.com/x.png",
        "https://example.com/font.woff2",
        "file:///etc/passwd",
        "file://elsewhere.example/static/css/pdf.css",
        "data:text/css,body{}",
    ],
)
def test_the_url_fetcher_refuses_anything_but_static_files(address):
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(address)


def test_the_url_fetcher_refuses_a_way_out_of_the_static_folder(settings):
    static = settings.BASE_DIR / "static"
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(f"{static.as_uri()}/../config/settings.py")
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(f"{static.as_uri()}/%2e%2e/config/settings.py")
    with pytest.raises(ResourceRefused):
        safe_url_fetcher(f"{static.as_uri()}/css/")  # a folder, not a file


def test_the_url_fetcher_serves_the_pdf_stylesheet(settings):
    response = safe_url_fetcher((settings.BASE_DIR / "static" / "css" / "pdf.css").as_uri())
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_a_document_asking_for_the_network_is_not_rendered():
    with mock.patch("urllib.request.OpenerDirector.open") as network:
        document = HTML(string='<img src="http://example.com/x.png" alt="">', url_fetcher=static_files_fetcher())
        with pytest.raises(FatalURLFetchingError):
            document.write_pdf()
    network.assert_not_called()


# Who may see the factsheets


def all_urls(partnership):
    yield url("reviews:factsheet_list", partnership)
    for name in ("reviews:factsheet_edit", "reviews:factsheet_preview", "reviews:factsheet_download"):
        yield url(name, partnership, "cspr")


@pytest.mark.django_db
def test_a_reviewer_is_refused(client, partnership, reviewer):
    client.force_login(reviewer)
    for address in all_urls(partnership):
        assert client.get(address).status_code == 403, address
    assert client.post(url("reviews:factsheet_edit", partnership, "cspr"), {}).status_code == 403
    assert not Factsheet.objects.exists()


@pytest.mark.django_db
def test_another_partnerships_manager_gets_404(client, partnership, outsider):
    client.force_login(outsider)
    for address in all_urls(partnership):
        assert client.get(address).status_code == 404, address
    assert client.post(url("reviews:factsheet_edit", partnership, "cspr"), {}).status_code == 404
    assert not Factsheet.objects.exists()


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, partnership):
    for address in all_urls(partnership):
        response = client.get(address)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["reviews:factsheet_edit", "reviews:factsheet_preview", "reviews:factsheet_download"])
def test_an_unknown_type_of_review_is_404(bm_client, partnership, name):
    assert bm_client.get(url(name, partnership, "scr")).status_code == 404
    assert not Factsheet.objects.exists()


# In a real browser


def serve(body, headers):
    def handler(route, request):
        route.fulfill(status=200, headers=headers, body=body)

    return handler


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_pass_axe_in_a_browser(page, live_server, partnership, business_manager):
    """Each page, fetched with the test client, is shown to Chromium with its own headers (CSP included)."""
    client = Client()
    client.force_login(business_manager)
    edit = url("reviews:factsheet_edit", partnership, "sar")
    states = {
        "list": client.get(url("reviews:factsheet_list", partnership)),
        "edit": client.get(edit),
        "edit-errors": client.post(edit, {"what_it_is": "", "afterwards": "x" * 3001}),
        "preview": client.get(url("reviews:factsheet_preview", partnership, "sar")),
    }
    checker = AccessibilityChecker(page)
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    for name, response in states.items():
        assert response.status_code == 200, name
        address = f"{live_server.url}/page-under-test/{name}/"
        headers = {key: value for key, value in response.items() if key.lower() != "content-length"}
        page.route(address, serve(response.content, headers))
        page.goto(address)
        checker.check()
    checker.assert_clean()
    assert not console_errors
