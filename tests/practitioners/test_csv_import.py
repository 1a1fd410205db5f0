"""Importing practitioners from a CSV file: check every row, preview, then import all or nothing."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from practitioners import csv_import, services
from practitioners.models import Agency, Practitioner

HEADER = "full_name,job_title,agency,email,phone,line_manager_name,line_manager_email"
GOOD_FILE = "\n".join(
    [
        HEADER,
        "Alex Morgan,Social worker,Northvale Health,Alex.Morgan@health.example,01632 960 001,"
        "Chris Lee,chris@health.example",
        "Pat Quinn,Health visitor,NORTHVALE HEALTH,pat.quinn@health.example,,,",
        "Sam Hart,Detective constable,northvale police,sam.hart@police.example,,,",
    ]
)


def upload(client, partnership, content, name="practitioners.csv"):
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    csv_file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("practitioners:practitioner_import", args=[partnership.slug]), {"csv_file": csv_file})


def preview(client, partnership):
    return client.get(reverse("practitioners:practitioner_import_confirm", args=[partnership.slug]))


def confirm(client, partnership, import_id=None):
    if import_id is None:
        import_id = client.session[f"practitioner_import:{partnership.pk}"]["id"]
    return client.post(
        reverse("practitioners:practitioner_import_confirm", args=[partnership.slug]), {"import_id": import_id}
    )


def rows_file(count, start=0):
    lines = [HEADER]
    lines += [f"Person {n},Nurse,Agency {n % 3},person{n}@example.org,,," for n in range(start, start + count)]
    return "\n".join(lines) + "\n"


def assert_nothing_imported(partnership, agencies=0):
    assert not Practitioner.objects.filter(partnership=partnership).exists()
    assert Agency.objects.filter(partnership=partnership).count() == agencies
    assert not AuditEntry.objects.filter(action="practitioners.imported").exists()


@pytest.mark.django_db
def test_a_good_file_is_previewed_then_imported_in_one_go(bm_client, partnership, agency, business_manager):
    response = upload(bm_client, partnership, GOOD_FILE)
    assert response.status_code == 302
    assert response["Location"] == reverse("practitioners:practitioner_import_confirm", args=[partnership.slug])
    assert_nothing_imported(partnership, agencies=1)

    response = preview(bm_client, partnership)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the practitioners before you import them" in page
    assert response.context["checked"].new_agencies == ["Northvale Health"]
    assert "Will be created" in page
    assert "Import 3 practitioners" in page
    assert_nothing_imported(partnership, agencies=1)

    response = confirm(bm_client, partnership)
    assert response.status_code == 302
    assert response["Location"] == reverse("practitioners:practitioner_list", args=[partnership.slug])
    imported = {p.email: p for p in Practitioner.objects.filter(partnership=partnership).select_related("agency")}
    assert set(imported) == {"alex.morgan@health.example", "pat.quinn@health.example", "sam.hart@police.example"}
    health = Agency.objects.get(partnership=partnership, name="Northvale Health")
    assert imported["pat.quinn@health.example"].agency == health
    assert imported["sam.hart@police.example"].agency == agency
    assert imported["alex.morgan@health.example"].line_manager_name == "Chris Lee"
    assert all(p.added_by == business_manager for p in imported.values())
    entry = AuditEntry.objects.get(action="practitioners.imported")
    assert entry.detail == {"count": 3, "agencies_created": [health.pk]}
    assert entry.actor == business_manager and entry.partnership == partnership
    assert not AuditEntry.objects.filter(action="practitioner.created").exists()

    follow = bm_client.get(response["Location"])
    assert "3 practitioners added to the directory." in follow.content.decode()
    # The rows are gone from the session: confirming again imports nothing more.
    again = confirm(bm_client, partnership, import_id="anything")
    assert again["Location"] == reverse("practitioners:practitioner_import", args=[partnership.slug])
    assert Practitioner.objects.filter(partnership=partnership).count() == 3


@pytest.mark.django_db
def test_a_byte_order_mark_spaces_and_column_order_are_accepted(bm_client, partnership):
    content = (
        "\ufeff email , Full_Name ,job_title, agency ,phone,line_manager_name,line_manager_email\r\n"
        "  SAM@Example.org , Sam Hart ,  Nurse , Health ,,,\r\n"
        "\r\n"
    )
    assert upload(bm_client, partnership, content).status_code == 302
    assert confirm(bm_client, partnership).status_code == 302
    added = Practitioner.objects.get(partnership=partnership)
    assert (added.full_name, added.job_title, added.email, added.agency.name) == (
        "Sam Hart",
        "Nurse",
        "sam@example.org",
        "Health",
    )


@pytest.mark.django_db
def test_every_row_problem_is_named_by_line_and_column(bm_client, partnership, practitioner):
    content = "\n".join(
        [
            HEADER,
            ",Nurse,Health,one@example.org,,,",  # line 2: no name
            "Two,Nurse,Health,not-an-email,,,",  # line 3
            "Three,Nurse,Health,three@example.org,,Boss,boss@",  # line 4
            "Four,Nurse,Health,ONE@example.org,,,",  # line 5: same email as line 2
            "Five,Nurse,Health,JO.BLOGGS@police.example,,,",  # line 6: already in the directory
            "Six,,,,,,",  # line 7: three required cells missing
            f"{'S' * 151},Nurse,Health,seven@example.org,,,",  # line 8
            "Eight,Nurse,Health,eight@example.org,,,,surplus",  # line 9
        ]
    )
    assert upload(bm_client, partnership, content).status_code == 302
    response = preview(bm_client, partnership)
    found = [(p.line, p.column) for p in response.context["problems"]]
    assert found == [
        (2, "full_name"),
        (3, "email"),
        (4, "line_manager_email"),
        (5, "email"),
        (6, "email"),
        (7, "job_title"),
        (7, "agency"),
        (7, "email"),
        (8, "full_name"),
        (9, ""),
    ]
    messages = {(p.line, p.column): p.message for p in response.context["problems"]}
    assert messages[(5, "email")] == "This email address is also on line 2."
    assert messages[(6, "email")] == services.EMAIL_TAKEN
    assert messages[(8, "full_name")] == "The full name must be 150 characters or fewer."
    page = response.content.decode()
    assert "Fix the problems in your file" in page
    assert page.count("govuk-error-summary__title") == 1
    assert "<title>Error:" in page
    assert 'href="#problem-1">Line 2, full_name: Enter the full name.</a>' in page
    assert 'name="import_id"' not in page
    # A confirmation posted all the same is refused, and nothing is imported.
    response = confirm(bm_client, partnership)
    assert response.status_code == 200
    assert "Fix the problems in your file" in response.content.decode()
    assert "The directory changed after you checked the file" not in response.content.decode()
    assert Practitioner.objects.filter(partnership=partnership).count() == 1
    assert not AuditEntry.objects.filter(action="practitioners.imported").exists()


def _utf16():
    return rows_file(2).encode("utf-16")


def _latin1():
    return (HEADER + "\nJosé Núñez,Nurse,Health,jose@example.org,,,\n").encode("latin-1")


BAD_FILES = [
    ("utf-16", _utf16(), "practitioners.csv", "The file is saved as UTF-16"),
    (
        "latin-1",
        _latin1(),
        "practitioners.csv",
        "The file is not saved as UTF-8: we could not read a character on line 2",
    ),
    ("empty", b"", "practitioners.csv", "The file is empty."),
    ("blank lines", b"\n \r\n\t\n", "practitioners.csv", "The file is empty."),
    ("header only", HEADER.encode(), "practitioners.csv", "The file has a header row but no practitioners."),
    (
        "missing columns",
        b"full_name,job_title,agency,email,line_manager_name\nA,B,C,a@example.org,D\n",
        "practitioners.csv",
        "The header row is missing these columns: phone, line_manager_email.",
    ),
    (
        "unexpected column",
        (HEADER + ",mobile\nA,B,C,a@example.org,,,,07700 900000\n").encode(),
        "practitioners.csv",
        "The header row has columns we do not recognise: mobile.",
    ),
    (
        "repeated column",
        (HEADER + ",email\n").encode(),
        "practitioners.csv",
        "The header row names these columns more than once: email.",
    ),
    (
        "no header",
        b"Alex Morgan,Social worker,Health,alex@example.org,,,\n",
        "practitioners.csv",
        "The first row of the file must be the header row",
    ),
    (
        "semicolons",
        HEADER.replace(",", ";").encode() + b"\nA;B;C;a@example.org;;;\n",
        "practitioners.csv",
        "Separate the columns with commas.",
    ),
    ("a workbook", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "practitioners.csv", "The file is not a CSV file:"),
    ("binary", b"full_name\x00job_title\x00", "practitioners.csv", "The file is not a CSV file saved as UTF-8"),
    ("a pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "practitioners.csv", "The file is not a CSV file:"),
    ("wrong extension", rows_file(2).encode(), "practitioners.xlsx", "The file must be a CSV file"),
    ("too many rows", rows_file(5001).encode(), "practitioners.csv", "The file has more than 5,000 practitioners."),
    (
        "too big",
        (HEADER + "\n" + ("x" * 1000 + "\n") * 1100).encode(),
        "practitioners.csv",
        "The file must be smaller than 1 MB.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_imported(bm_client, partnership, content, name, message):
    response = upload(bm_client, partnership, content, name=name)
    assert response.status_code == 200
    errors = response.context["form"].errors["csv_file"]
    assert len(errors) == 1 and message in errors[0]
    page = response.content.decode()
    assert page.count("govuk-error-summary__title") == 1 and 'href="#id_csv_file"' in page
    assert f"practitioner_import:{partnership.pk}" not in bm_client.session
    assert_nothing_imported(partnership)


@pytest.mark.django_db
def test_no_file_at_all_is_a_clear_error(bm_client, partnership):
    response = bm_client.post(reverse("practitioners:practitioner_import", args=[partnership.slug]), {})
    assert response.context["form"].errors["csv_file"] == ["Choose a CSV file to upload."]


@pytest.mark.django_db
def test_ten_thousand_rows_are_refused_quickly(bm_client, partnership):
    content = rows_file(10_000).encode()
    assert len(content) < csv_import.MAX_UPLOAD_BYTES
    started = time.perf_counter()
    response = upload(bm_client, partnership, content)
    elapsed = time.perf_counter() - started
    assert "more than 5,000 practitioners" in response.context["form"].errors["csv_file"][0]
    assert elapsed < 2
    assert_nothing_imported(partnership)


@pytest.mark.django_db
def test_five_thousand_rows_are_checked_and_imported(bm_client, partnership):
    assert upload(bm_client, partnership, rows_file(5000)).status_code == 302
    response = preview(bm_client, partnership)
    assert response.context["checked"].ok
    assert len(response.context["preview_rows"]) == 100
    assert "The first 100 of 5,000 practitioners" in response.content.decode()
    assert confirm(bm_client, partnership).status_code == 302
    assert Practitioner.objects.filter(partnership=partnership).count() == 5000
    assert AuditEntry.objects.get(action="practitioners.imported").detail["count"] == 5000


@pytest.mark.django_db
def test_an_email_added_after_the_preview_stops_the_whole_import(bm_client, partnership, agency):
    assert upload(bm_client, partnership, GOOD_FILE).status_code == 302
    assert preview(bm_client, partnership).context["checked"].ok
    # Someone adds one of the file's people while the business manager reads the preview.
    Practitioner.objects.create(
        partnership=partnership, full_name="Pat Q", job_title="HV", agency=agency, email="PAT.QUINN@health.example"
    )
    response = confirm(bm_client, partnership)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The directory changed after you checked the file" in page
    assert [(p.line, p.column) for p in response.context["problems"]] == [(3, "email")]
    assert Practitioner.objects.filter(partnership=partnership).count() == 1
    assert not Agency.objects.filter(name="Northvale Health").exists()
    assert not AuditEntry.objects.filter(action="practitioners.imported").exists()


@pytest.mark.django_db
def test_a_database_clash_during_the_import_rolls_back_everything(partnership, agency, business_manager, monkeypatch):
    """If a duplicate slips past the check, the database refuses it and no row or agency is kept."""
    Practitioner.objects.create(
        partnership=partnership, full_name="Sam", job_title="DC", agency=agency, email="sam.hart@police.example"
    )
    rows = csv_import.parse(GOOD_FILE.encode())
    real_check = csv_import.check_rows

    def check_that_misses_the_directory(partnership, rows):
        checked = real_check(partnership, rows)
        checked.problems = []
        return checked

    monkeypatch.setattr(csv_import, "check_rows", check_that_misses_the_directory)
    with pytest.raises(services.DomainError, match="nothing was imported"):
        services.import_practitioners(partnership, rows, business_manager)
    assert Practitioner.objects.filter(partnership=partnership).count() == 1
    assert not Agency.objects.filter(name="Northvale Health").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_confirmation_uses_the_rows_in_the_session_not_the_form(bm_client, partnership):
    assert upload(bm_client, partnership, rows_file(1)).status_code == 302
    import_id = bm_client.session[f"practitioner_import:{partnership.pk}"]["id"]
    url = reverse("practitioners:practitioner_import_confirm", args=[partnership.slug])
    forged = {"import_id": import_id, "rows": "Mallory,Admin,Agency 0,mallory@example.org,,,", "email": "x@example.org"}
    assert bm_client.post(url, forged).status_code == 302
    assert list(Practitioner.objects.values_list("email", flat=True)) == ["person0@example.org"]


@pytest.mark.django_db
def test_a_confirmation_of_a_replaced_file_is_refused(bm_client, partnership):
    assert upload(bm_client, partnership, rows_file(1)).status_code == 302
    old_id = bm_client.session[f"practitioner_import:{partnership.pk}"]["id"]
    assert upload(bm_client, partnership, rows_file(2, start=10)).status_code == 302
    response = confirm(bm_client, partnership, import_id=old_id)
    assert response.status_code == 302
    assert response["Location"] == reverse("practitioners:practitioner_import_confirm", args=[partnership.slug])
    assert "Another file was uploaded" in bm_client.get(response["Location"]).content.decode()
    assert_nothing_imported(partnership)


@pytest.mark.django_db
def test_the_check_page_without_an_upload_sends_you_to_upload(bm_client, partnership):
    for method in ("get", "post"):
        response = getattr(bm_client, method)(
            reverse("practitioners:practitioner_import_confirm", args=[partnership.slug])
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("practitioners:practitioner_import", args=[partnership.slug])
    assert_nothing_imported(partnership)


@pytest.mark.django_db
def test_an_upload_is_kept_apart_for_each_partnership(bm_client, partnership, other_partnership, business_manager):
    from core.models import Membership

    Membership.objects.create(
        user=business_manager, partnership=other_partnership, role=Membership.Role.BUSINESS_MANAGER
    )
    assert upload(bm_client, partnership, rows_file(1)).status_code == 302
    response = bm_client.get(reverse("practitioners:practitioner_import_confirm", args=[other_partnership.slug]))
    assert response["Location"] == reverse("practitioners:practitioner_import", args=[other_partnership.slug])


@pytest.mark.django_db
def test_the_upload_page_explains_the_columns(bm_client, partnership):
    response = bm_client.get(reverse("practitioners:practitioner_import", args=[partnership.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    for column in csv_import.COLUMNS:
        assert f"<code>{column}</code>" in page
    assert 'enctype="multipart/form-data"' in page
    assert reverse("practitioners:practitioner_import_template", args=[partnership.slug]) in page


@pytest.mark.django_db
def test_the_template_has_the_header_and_an_example_row_and_imports_cleanly(bm_client, partnership):
    response = bm_client.get(reverse("practitioners:practitioner_import_template", args=[partnership.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="practitioners-template.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 2
    assert upload(bm_client, partnership, response.content, name="practitioners-template.csv").status_code == 302
    assert preview(bm_client, partnership).context["checked"].ok


@pytest.mark.django_db
def test_who_is_refused(client, partnership, reviewer, outsider):
    names = [
        "practitioners:practitioner_import",
        "practitioners:practitioner_import_confirm",
        "practitioners:practitioner_import_template",
    ]
    requests = [(reverse(name, args=[partnership.slug]), method) for name in names for method in ("get", "post")]
    for url, method in requests:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
    client.force_login(reviewer)
    for url, method in requests:
        assert getattr(client, method)(url).status_code == 403, url
    assert upload(client, partnership, rows_file(1)).status_code == 403
    client.force_login(outsider)
    for url, method in requests:
        assert getattr(client, method)(url).status_code == 404, url
    assert upload(client, partnership, rows_file(1)).status_code == 404
    assert_nothing_imported(partnership)
