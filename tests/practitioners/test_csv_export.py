"""Downloading the directory as a CSV file, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry, Membership
from practitioners import csv_import
from practitioners.models import Agency, Practitioner


def read(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_export_has_the_import_columns_and_this_partnerships_rows_only(
    bm_client, partnership, practitioner, other_practitioner, business_manager
):
    response = bm_client.get(reverse("practitioners:practitioner_export", args=[partnership.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="practitioners-northvale-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = read(response)
    assert rows == [
        list(csv_import.COLUMNS),
        ["Jo Bloggs", "Detective constable", "Northvale Police", "jo.bloggs@police.example", "", "", ""],
    ]
    entry = AuditEntry.objects.get(action="practitioners.exported")
    assert entry.detail == {"count": 1}
    assert entry.actor == business_manager and entry.partnership == partnership


@pytest.mark.django_db
def test_cells_that_look_like_formulas_are_defused(bm_client, partnership, agency):
    Practitioner.objects.create(
        partnership=partnership,
        full_name='=HYPERLINK("http://evil.example","Click")',
        job_title="+SUM(A1:A9)",
        agency=Agency.objects.create(partnership=partnership, name="@Risk Agency"),
        email="",
        phone="-1+1",
        line_manager_name="\tTabbed",
        line_manager_email="",
    )
    rows = read(bm_client.get(reverse("practitioners:practitioner_export", args=[partnership.slug])))
    assert rows[1][:5] == [
        '\'=HYPERLINK("http://evil.example","Click")',
        "'+SUM(A1:A9)",
        "'@Risk Agency",
        "",
        "'-1+1",
    ]
    assert rows[1][5] == "'\tTabbed"


@pytest.mark.django_db
def test_the_export_follows_the_search_and_filter(bm_client, partnership, practitioner, agency):
    school = Agency.objects.create(partnership=partnership, name="St Anne's School")
    Practitioner.objects.create(partnership=partnership, full_name="Pat Quinn", job_title="Teacher", agency=school)
    url = reverse("practitioners:practitioner_export", args=[partnership.slug])
    assert [row[0] for row in read(bm_client.get(url, {"agency": school.pk}))[1:]] == ["Pat Quinn"]
    assert [row[0] for row in read(bm_client.get(url, {"q": "bloggs"}))[1:]] == ["Jo Bloggs"]
    listing = bm_client.get(reverse("practitioners:practitioner_list", args=[partnership.slug]), {"q": "bloggs"})
    assert f"{url}?q=bloggs" in listing.content.decode()


@pytest.mark.django_db
def test_an_export_imports_cleanly_into_another_partnership(
    bm_client, partnership, agency, business_manager, other_partnership
):
    Practitioner.objects.create(
        partnership=partnership,
        full_name="Zoë Ørsted",
        job_title="=Lead nurse",
        agency=agency,
        email="zoe@example.org",
        phone="+44 1632 960000",
        line_manager_name="Chris Lee",
        line_manager_email="chris@example.org",
    )
    exported = bm_client.get(reverse("practitioners:practitioner_export", args=[partnership.slug])).content
    Membership.objects.create(
        user=business_manager, partnership=other_partnership, role=Membership.Role.BUSINESS_MANAGER
    )
    csv_file = SimpleUploadedFile("export.csv", exported, content_type="text/csv")
    bm_client.post(reverse("practitioners:practitioner_import", args=[other_partnership.slug]), {"csv_file": csv_file})
    import_id = bm_client.session[f"practitioner_import:{other_partnership.pk}"]["id"]
    url = reverse("practitioners:practitioner_import_confirm", args=[other_partnership.slug])
    assert bm_client.post(url, {"import_id": import_id}).status_code == 302
    copy = Practitioner.objects.get(partnership=other_partnership)
    assert (copy.full_name, copy.job_title, copy.phone, copy.agency.name) == (
        "Zoë Ørsted",
        "=Lead nurse",
        "+44 1632 960000",
        "Northvale Police",
    )


@pytest.mark.django_db
def test_who_is_refused(client, partnership, practitioner, reviewer, outsider):
    url = reverse("practitioners:practitioner_export", args=[partnership.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="practitioners.exported").exists()
