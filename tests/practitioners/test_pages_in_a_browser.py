"""Every directory page, in each state a business manager can reach, passes axe-core in Chromium.

The pages are fetched with Django's test client (which can post forms and files) and shown to the
browser at the live server's address with their own headers, so the real CSS, JavaScript and
Content Security Policy apply.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from practitioners.models import Agency, Practitioner
from tests.browser.conftest import (  # noqa: F401 (the browser fixtures, for this folder too)
    AccessibilityChecker,
    browser_context_args,
    browser_type_launch_args,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "full_name,job_title,agency,email,phone,line_manager_name,line_manager_email"


def csv_upload(text):
    return {"csv_file": SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")}


def page_states(client, partnership, agency, practitioner):
    """(name, response) for each page and state."""
    slug = partnership.slug
    yield "agencies", client.get(reverse("practitioners:agency_list", args=[slug]))
    yield "agency-add", client.get(reverse("practitioners:agency_add", args=[slug]))
    yield (
        "agency-add-errors",
        client.post(reverse("practitioners:agency_add", args=[slug]), {"name": "", "lead_email": "x"}),
    )
    edit = reverse("practitioners:agency_edit", args=[slug, agency.pk])
    yield "agency-edit", client.get(edit)
    Agency.objects.create(partnership=partnership, name="Northvale Council")
    yield "agency-edit-errors", client.post(edit, {"name": "northvale council", "agency_type": "police"})
    directory = reverse("practitioners:practitioner_list", args=[slug])
    yield "directory", client.get(directory, {"page": 2})
    yield "directory-searched", client.get(directory, {"q": "person 01", "agency": agency.pk})
    yield "directory-no-match", client.get(directory, {"q": "nobody"})
    yield "practitioner-add", client.get(reverse("practitioners:practitioner_add", args=[slug]))
    yield (
        "practitioner-add-errors",
        client.post(
            reverse("practitioners:practitioner_add", args=[slug]),
            {"email": practitioner.email, "line_manager_email": "@"},
        ),
    )
    yield "practitioner-edit", client.get(reverse("practitioners:practitioner_edit", args=[slug, practitioner.pk]))
    upload = reverse("practitioners:practitioner_import", args=[slug])
    check = reverse("practitioners:practitioner_import_confirm", args=[slug])
    yield "import", client.get(upload)
    yield "import-bad-file", client.post(upload, csv_upload("name,role\nA,B\n"))
    client.post(
        upload, csv_upload(f"{HEADER}\n,Nurse,New Trust,bad-email,,,\nB,Nurse,New Trust,{practitioner.email},,,\n")
    )
    yield "import-problems", client.get(check)
    client.post(
        upload, csv_upload(f"{HEADER}\nA Person,Nurse,New Trust,a@example.org,01632 960000,Boss,boss@example.org\n")
    )
    yield "import-preview", client.get(check)


def serve(body, headers):
    def handler(route, request):
        route.fulfill(status=200, headers=headers, body=body)

    return handler


def test_every_page_passes_axe(page, live_server, partnership, business_manager):
    agency = Agency.objects.create(partnership=partnership, name="Northvale Police", lead_name="Dana Reed")
    Practitioner.objects.bulk_create(
        Practitioner(
            partnership=partnership,
            full_name=f"Person {n:03}",
            job_title="Nurse",
            agency=agency,
            email=f"person{n}@example.org",
            line_manager_name="A Manager" if n % 2 else "",
            line_manager_email="manager@example.org" if n % 3 else "",
        )
        for n in range(350)
    )
    practitioner = Practitioner.objects.get(email="person1@example.org")
    client = Client()
    client.force_login(business_manager)
    checker = AccessibilityChecker(page)
    # A Content Security Policy violation (an inline style or script) shows as a console error.
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    for name, response in page_states(client, partnership, agency, practitioner):
        assert response.status_code == 200, name
        url = f"{live_server.url}/page-under-test/{name}/"
        headers = {key: value for key, value in response.items() if key.lower() != "content-length"}
        page.route(url, serve(response.content, headers))
        page.goto(url)
        checker.check()
    checker.assert_clean()
    assert not console_errors
    assert not failed
