"""A business manager lists, adds and changes the partnership's agencies."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from practitioners import services
from practitioners.models import Agency


def agency_data(**changes):
    return {
        "name": "Northvale Community Health Trust",
        "agency_type": "health",
        "lead_name": "Ravi Patel",
        "lead_email": "ravi.patel@health.example",
        "lead_phone": "01632 960 303",
    } | changes


def urls(partnership, agency):
    return [
        (reverse("practitioners:agency_list", args=[partnership.slug]), "get"),
        (reverse("practitioners:agency_add", args=[partnership.slug]), "get"),
        (reverse("practitioners:agency_add", args=[partnership.slug]), "post"),
        (reverse("practitioners:agency_edit", args=[partnership.slug, agency.pk]), "get"),
        (reverse("practitioners:agency_edit", args=[partnership.slug, agency.pk]), "post"),
    ]


@pytest.mark.django_db
def test_the_list_shows_each_agency_with_its_type_and_lead(bm_client, partnership, agency, other_agency):
    response = bm_client.get(reverse("practitioners:agency_list", args=[partnership.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Northvale Police" in page
    assert "Dana Reed" in page and "dana.reed@police.example" in page
    assert "Eastmere Police" not in page
    assert f'Change<span class="govuk-visually-hidden"> {agency.name}</span>' in page


@pytest.mark.django_db
def test_adding_an_agency_saves_it_and_audits_it(bm_client, partnership, business_manager):
    response = bm_client.post(
        reverse("practitioners:agency_add", args=[partnership.slug]), agency_data(name="  Northvale Trust  ")
    )
    assert response.status_code == 302
    agency = Agency.objects.get(partnership=partnership)
    assert agency.name == "Northvale Trust"
    assert agency.agency_type == Agency.Type.HEALTH
    assert agency.lead_email == "ravi.patel@health.example"
    entry = AuditEntry.objects.get(action="agency.created")
    assert entry.actor == business_manager and entry.partnership == partnership
    assert entry.object_id == str(agency.pk)
    assert "Ravi" not in str(entry.detail)


@pytest.mark.django_db
def test_a_name_already_used_in_any_letter_case_is_a_form_error(bm_client, partnership, agency):
    response = bm_client.post(
        reverse("practitioners:agency_add", args=[partnership.slug]), agency_data(name="NORTHVALE police")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [services.AGENCY_NAME_TAKEN]
    page = response.content.decode()
    assert page.count("govuk-error-summary__title") == 1
    assert "<title>Error:" in page
    assert Agency.objects.filter(partnership=partnership).count() == 1


@pytest.mark.django_db
def test_the_same_name_is_fine_in_another_partnership(bm_client, partnership, other_agency):
    response = bm_client.post(
        reverse("practitioners:agency_add", args=[partnership.slug]), agency_data(name="Eastmere Police")
    )
    assert response.status_code == 302
    assert Agency.objects.filter(name="Eastmere Police").count() == 2


@pytest.mark.django_db
def test_bad_input_is_shown_at_each_field(bm_client, partnership):
    data = agency_data(name="", agency_type="spaceship", lead_email="not an email")
    response = bm_client.post(reverse("practitioners:agency_add", args=[partnership.slug]), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "agency_type", "lead_email"}
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_an_empty_post_shows_the_errors(bm_client, partnership):
    response = bm_client.post(reverse("practitioners:agency_add", args=[partnership.slug]), {})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


@pytest.mark.django_db
def test_changing_an_agency_audits_the_fields_changed(bm_client, partnership, agency):
    url = reverse("practitioners:agency_edit", args=[partnership.slug, agency.pk])
    page = bm_client.get(url).content.decode()
    assert 'value="Northvale Police"' in page
    data = agency_data(
        name="Northvale Police", agency_type="police", lead_name="Sam Hart", lead_email="", lead_phone=""
    )
    assert bm_client.post(url, data).status_code == 302
    agency.refresh_from_db()
    assert agency.lead_name == "Sam Hart"
    assert AuditEntry.objects.get(action="agency.updated").detail == {"fields": ["lead_email", "lead_name"]}


@pytest.mark.django_db
def test_an_agency_keeps_its_own_name_in_another_case(bm_client, partnership, agency):
    url = reverse("practitioners:agency_edit", args=[partnership.slug, agency.pk])
    data = agency_data(name="NORTHVALE POLICE", agency_type="police")
    assert bm_client.post(url, data).status_code == 302
    agency.refresh_from_db()
    assert agency.name == "NORTHVALE POLICE"


@pytest.mark.django_db
def test_renaming_to_another_agencys_name_is_a_form_error(bm_client, partnership, agency):
    other = Agency.objects.create(partnership=partnership, name="Northvale Council")
    url = reverse("practitioners:agency_edit", args=[partnership.slug, other.pk])
    response = bm_client.post(url, agency_data(name="northvale police"))
    assert response.context["form"].errors["name"] == [services.AGENCY_NAME_TAKEN]
    other.refresh_from_db()
    assert other.name == "Northvale Council"
    # The heading still names the agency as saved, not the rejected name.
    assert '<h1 class="govuk-heading-l">Northvale Council</h1>' in response.content.decode()


@pytest.mark.django_db
def test_the_service_refuses_a_duplicate_name(partnership, agency, business_manager):
    with pytest.raises(services.DomainError) as raised:
        services.create_agency(partnership, name="Northvale POLICE", created_by=business_manager)
    assert raised.value.field == "name"


@pytest.mark.django_db
def test_an_agency_of_another_partnership_is_not_found(bm_client, partnership, other_agency):
    url = reverse("practitioners:agency_edit", args=[partnership.slug, other_agency.pk])
    assert bm_client.get(url).status_code == 404
    assert bm_client.post(url, agency_data()).status_code == 404
    other_agency.refresh_from_db()
    assert other_agency.name == "Eastmere Police"


@pytest.mark.django_db
def test_who_is_refused(client, partnership, agency, reviewer, outsider):
    for url, method in urls(partnership, agency):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
    client.force_login(reviewer)
    for url, method in urls(partnership, agency):
        assert getattr(client, method)(url, agency_data()).status_code == 403, url
    client.force_login(outsider)
    for url, method in urls(partnership, agency):
        assert getattr(client, method)(url, agency_data()).status_code == 404, url
    assert Agency.objects.filter(partnership=partnership).count() == 1
    assert not AuditEntry.objects.filter(action__startswith="agency.").exists()
