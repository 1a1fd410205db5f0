"""The practitioner directory: list, search, filter, pages, add and change."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from practitioners import services
from practitioners.models import Agency, Practitioner

# Session, user, authenticator check, partnership, role (twice: the view and the layout's navigation),
# count, page of rows, agencies for the filter, and saving the session's last-seen time (a savepoint,
# the update and its release). None of them grows with the number of rows.
DIRECTORY_QUERIES = 12


def person(**changes):
    return {
        "full_name": "Alex Morgan",
        "job_title": "Social worker",
        "email": "Alex.Morgan@Council.example",
        "phone": "01632 960 404",
        "line_manager_name": "Chris Lee",
        "line_manager_email": "Chris.Lee@Council.example",
    } | changes


def fill_directory(partnership, count):
    agencies = [
        Agency.objects.create(partnership=partnership, name=f"Agency {number}", agency_type="other")
        for number in range(5)
    ]
    Practitioner.objects.bulk_create(
        Practitioner(
            partnership=partnership,
            full_name=f"Person {number:04}",
            job_title="Nurse",
            agency=agencies[number % 5],
            email=f"person{number}@example.org",
            line_manager_name="A Manager",
        )
        for number in range(count)
    )
    return agencies


def urls(partnership, practitioner):
    return [
        (reverse("practitioners:practitioner_list", args=[partnership.slug]), "get"),
        (reverse("practitioners:practitioner_add", args=[partnership.slug]), "get"),
        (reverse("practitioners:practitioner_add", args=[partnership.slug]), "post"),
        (reverse("practitioners:practitioner_edit", args=[partnership.slug, practitioner.pk]), "get"),
        (reverse("practitioners:practitioner_edit", args=[partnership.slug, practitioner.pk]), "post"),
    ]


@pytest.mark.django_db
def test_the_directory_lists_only_this_partnerships_practitioners(
    bm_client, partnership, practitioner, other_practitioner
):
    response = bm_client.get(reverse("practitioners:practitioner_list", args=[partnership.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jo Bloggs" in page and "Detective constable" in page and "Northvale Police" in page
    assert "jo.bloggs@police.example" in page
    assert "Kim Lowe" not in page
    assert f'Change<span class="govuk-visually-hidden"> {practitioner.full_name}</span>' in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_an_empty_directory_says_so(bm_client, partnership):
    response = bm_client.get(reverse("practitioners:practitioner_list", args=[partnership.slug]))
    assert "The directory is empty" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["bloggs", "JO.BLOGGS@", "detective", "northvale pol"])
def test_search_finds_by_name_email_job_title_or_agency(bm_client, partnership, practitioner, text):
    Practitioner.objects.create(
        partnership=partnership,
        full_name="Pat Quinn",
        job_title="Teacher",
        agency=Agency.objects.create(partnership=partnership, name="St Anne's School"),
        email="pat.quinn@school.example",
    )
    response = bm_client.get(reverse("practitioners:practitioner_list", args=[partnership.slug]), {"q": text})
    names = [p.full_name for p in response.context["page"].object_list]
    assert names == ["Jo Bloggs"]


@pytest.mark.django_db
def test_filter_by_agency(bm_client, partnership, practitioner):
    school = Agency.objects.create(partnership=partnership, name="St Anne's School")
    Practitioner.objects.create(partnership=partnership, full_name="Pat Quinn", job_title="Teacher", agency=school)
    url = reverse("practitioners:practitioner_list", args=[partnership.slug])
    response = bm_client.get(url, {"agency": school.pk})
    assert [p.full_name for p in response.context["page"].object_list] == ["Pat Quinn"]
    assert "Clear the search" in response.content.decode()
    response = bm_client.get(url, {"q": "nobody at all"})
    assert "No practitioners match your search" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"agency": "abc"}, {"agency": "999999"}, {"page": "last-but-one"}, {"q": "x" * 500}]
)
def test_odd_query_strings_are_ignored_not_errors(bm_client, partnership, practitioner, params):
    response = bm_client.get(reverse("practitioners:practitioner_list", args=[partnership.slug]), params)
    assert response.status_code == 200
    assert [p.full_name for p in response.context["page"].object_list] == ["Jo Bloggs"]


@pytest.mark.django_db
def test_an_agency_of_another_partnership_cannot_be_used_as_a_filter(
    bm_client, partnership, practitioner, other_agency, other_practitioner
):
    response = bm_client.get(
        reverse("practitioners:practitioner_list", args=[partnership.slug]), {"agency": other_agency.pk}
    )
    assert [p.full_name for p in response.context["page"].object_list] == ["Jo Bloggs"]


@pytest.mark.django_db
def test_pages_of_100_keep_the_search(bm_client, partnership):
    fill_directory(partnership, 250)
    url = reverse("practitioners:practitioner_list", args=[partnership.slug])
    first = bm_client.get(url, {"q": "person"})
    assert len(first.context["page"].object_list) == 100
    page = first.content.decode()
    assert 'class="govuk-pagination"' in page
    assert 'href="?q=person&amp;page=2" rel="next"' in page
    assert 'aria-current="page"' in page
    last = bm_client.get(url, {"q": "person", "page": 3})
    assert len(last.context["page"].object_list) == 50
    assert last.context["page"].object_list[0].full_name == "Person 0200"
    assert "Showing 201 to 250 of 250" in last.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 300])
def test_the_directory_runs_the_same_number_of_queries_however_many_rows(
    bm_client, partnership, django_assert_max_num_queries, rows
):
    agencies = fill_directory(partnership, rows)
    url = reverse("practitioners:practitioner_list", args=[partnership.slug])
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = bm_client.get(url)
    assert len(response.context["page"].object_list) == min(rows, 100)
    # A search and an agency filter add one query: looking up the chosen agency.
    with django_assert_max_num_queries(DIRECTORY_QUERIES + 1):
        response = bm_client.get(url, {"q": "person", "agency": agencies[0].pk, "page": 2})
    assert response.status_code == 200


@pytest.mark.django_db
def test_adding_a_practitioner(bm_client, partnership, agency, business_manager):
    data = person(agency=agency.pk)
    response = bm_client.post(reverse("practitioners:practitioner_add", args=[partnership.slug]), data)
    assert response.status_code == 302
    added = Practitioner.objects.get(partnership=partnership)
    assert added.email == "alex.morgan@council.example"
    assert added.line_manager_email == "chris.lee@council.example"
    assert added.agency == agency and added.added_by == business_manager
    entry = AuditEntry.objects.get(action="practitioner.created")
    assert entry.object_id == str(added.pk)
    assert entry.detail == {"agency_id": agency.pk}


@pytest.mark.django_db
def test_a_practitioner_may_be_added_without_an_email_address(bm_client, partnership, agency, practitioner):
    Practitioner.objects.filter(pk=practitioner.pk).update(email="")
    data = person(agency=agency.pk, email="", line_manager_email="")
    response = bm_client.post(reverse("practitioners:practitioner_add", args=[partnership.slug]), data)
    assert response.status_code == 302
    assert Practitioner.objects.filter(partnership=partnership, email="").count() == 2


@pytest.mark.django_db
def test_an_email_already_in_the_directory_is_a_field_error(bm_client, partnership, agency, practitioner):
    data = person(agency=agency.pk, email="  JO.Bloggs@Police.example ")
    response = bm_client.post(reverse("practitioners:practitioner_add", args=[partnership.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [services.EMAIL_TAKEN]
    page = response.content.decode()
    assert 'href="#id_email"' in page
    assert page.count("govuk-error-summary__title") == 1
    assert Practitioner.objects.filter(partnership=partnership).count() == 1


@pytest.mark.django_db
def test_the_same_email_is_fine_in_another_partnership(bm_client, partnership, agency, other_practitioner):
    data = person(agency=agency.pk, email=other_practitioner.email)
    assert bm_client.post(reverse("practitioners:practitioner_add", args=[partnership.slug]), data).status_code == 302


@pytest.mark.django_db
def test_bad_input_is_shown_at_each_field(bm_client, partnership, agency, other_agency):
    data = person(full_name="", job_title="", agency=other_agency.pk, email="nope", line_manager_email="@")
    response = bm_client.post(reverse("practitioners:practitioner_add", args=[partnership.slug]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "job_title", "agency", "email", "line_manager_email"}
    assert errors["agency"] == ["Choose one of the partnership's agencies."]
    assert not Practitioner.objects.exists()


@pytest.mark.django_db
def test_the_add_page_offers_only_this_partnerships_agencies(bm_client, partnership, agency, other_agency):
    page = bm_client.get(reverse("practitioners:practitioner_add", args=[partnership.slug])).content.decode()
    assert "Northvale Police" in page and "Eastmere Police" not in page


@pytest.mark.django_db
def test_the_add_page_without_agencies_says_to_add_one_first(bm_client, partnership):
    page = bm_client.get(reverse("practitioners:practitioner_add", args=[partnership.slug])).content.decode()
    assert "there are none yet" in page


@pytest.mark.django_db
def test_changing_a_practitioner_audits_the_field_names_only(bm_client, partnership, agency, practitioner):
    school = Agency.objects.create(partnership=partnership, name="St Anne's School")
    url = reverse("practitioners:practitioner_edit", args=[partnership.slug, practitioner.pk])
    assert 'value="jo.bloggs@police.example"' in bm_client.get(url).content.decode()
    data = person(full_name="Jo Bloggs", job_title="Teacher", agency=school.pk, email="JO.BLOGGS@police.example")
    data |= {"phone": "", "line_manager_name": "", "line_manager_email": ""}
    assert bm_client.post(url, data).status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.agency == school and practitioner.job_title == "Teacher"
    assert AuditEntry.objects.get(action="practitioner.updated").detail == {"fields": ["agency", "job_title"]}


@pytest.mark.django_db
def test_changing_to_another_practitioners_email_is_a_field_error(bm_client, partnership, agency, practitioner):
    other = Practitioner.objects.create(
        partnership=partnership, full_name="Pat Quinn", job_title="Nurse", agency=agency, email="pat@example.org"
    )
    url = reverse("practitioners:practitioner_edit", args=[partnership.slug, other.pk])
    response = bm_client.post(url, person(agency=agency.pk, email="jo.bloggs@police.example"))
    assert response.context["form"].errors["email"] == [services.EMAIL_TAKEN]
    other.refresh_from_db()
    assert other.email == "pat@example.org"


@pytest.mark.django_db
def test_a_practitioner_of_another_partnership_is_not_found(bm_client, partnership, agency, other_practitioner):
    url = reverse("practitioners:practitioner_edit", args=[partnership.slug, other_practitioner.pk])
    assert bm_client.get(url).status_code == 404
    assert bm_client.post(url, person(agency=agency.pk)).status_code == 404
    other_practitioner.refresh_from_db()
    assert other_practitioner.full_name == "Kim Lowe"


@pytest.mark.django_db
def test_who_is_refused(client, partnership, agency, practitioner, reviewer, outsider):
    data = person(agency=agency.pk)
    for url, method in urls(partnership, practitioner):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
    client.force_login(reviewer)
    for url, method in urls(partnership, practitioner):
        assert getattr(client, method)(url, data).status_code == 403, url
    client.force_login(outsider)
    for url, method in urls(partnership, practitioner):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert Practitioner.objects.filter(partnership=partnership).count() == 1
    assert not AuditEntry.objects.filter(action__startswith="practitioner").exists()


@pytest.mark.django_db
def test_a_superuser_may_manage_the_directory(client, partnership, practitioner):
    from tests.conftest import make_staff

    admin = make_staff("admin@convene.example", "Service Admin", None, None)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse("practitioners:practitioner_list", args=[partnership.slug])).status_code == 200


# find_or_create_practitioner, used by the nomination and invitee pages


@pytest.mark.django_db
def test_find_or_create_returns_the_existing_practitioner_unchanged(partnership, agency, practitioner, reviewer):
    found, created = services.find_or_create_practitioner(
        partnership,
        full_name="Someone Else",
        job_title="Other",
        agency=agency,
        email=" JO.BLOGGS@police.example",
        added_by=reviewer,
    )
    assert (found, created) == (practitioner, False)
    found.refresh_from_db()
    assert found.full_name == "Jo Bloggs"
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_find_or_create_adds_a_new_practitioner(partnership, agency, business_manager):
    added, created = services.find_or_create_practitioner(
        partnership,
        full_name="Alex Morgan",
        job_title="Social worker",
        agency=agency,
        email="Alex@Example.org",
        line_manager_email="Boss@Example.org",
        added_by=business_manager,
    )
    assert created
    assert added.email == "alex@example.org" and added.line_manager_email == "boss@example.org"
    assert AuditEntry.objects.get(action="practitioner.created").object_id == str(added.pk)


@pytest.mark.django_db
def test_find_or_create_refuses_another_partnerships_agency_and_a_bad_email(
    partnership, other_agency, agency, business_manager
):
    details = {"full_name": "A", "job_title": "B", "added_by": business_manager}
    with pytest.raises(services.DomainError) as raised:
        services.find_or_create_practitioner(partnership, agency=other_agency, email="a@example.org", **details)
    assert raised.value.field == "agency"
    with pytest.raises(services.DomainError) as raised:
        services.find_or_create_practitioner(partnership, agency=agency, email="not an email", **details)
    assert raised.value.field == "email"
    assert not Practitioner.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_that_slips_past_the_check_leaves_the_callers_transaction_usable(
    partnership, agency, practitioner, business_manager, monkeypatch
):
    """Two requests may add the same email at once: the loser gets a field error, not a broken transaction."""
    from django.db import transaction

    monkeypatch.setattr(services, "email_taken", lambda *args, **kwargs: False)
    with transaction.atomic():
        with pytest.raises(services.DomainError) as raised:
            services.create_practitioner(
                partnership,
                full_name="Jo Bloggs",
                job_title="Detective constable",
                agency=agency,
                email="jo.bloggs@police.example",
                added_by=business_manager,
            )
        assert raised.value.field == "email"
        assert Practitioner.objects.count() == 1
    assert not AuditEntry.objects.exists()
