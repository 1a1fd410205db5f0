"""The CSV import suggests an agency already in the directory when a new name is close to it."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from practitioners import csv_import
from practitioners.models import Agency, Practitioner
from tests.practitioners.test_csv_import import HEADER, confirm, preview, upload

pytestmark = pytest.mark.django_db

SLIPPED = "\n".join(
    [
        HEADER,
        "Alex Morgan,School nurse,Comunity Health,alex.morgan@health.example,,,",
        "Pat Quinn,Health visitor,comunity health,pat.quinn@health.example,,,",
        "Sam Hart,Youth worker,Riverside Youth Project,sam.hart@youth.example,,,",
    ]
)


@pytest.fixture
def community(partnership):
    return Agency.objects.create(partnership=partnership, name="Community Health")


def confirm_url(partnership):
    return reverse("practitioners:practitioner_import_confirm", args=[partnership.slug])


def send(client, partnership, **answers):
    import_id = client.session[f"practitioner_import:{partnership.pk}"]["id"]
    return client.post(confirm_url(partnership), {"import_id": import_id, **answers})


def test_close_names_are_found_and_unrelated_ones_are_not(community, partnership):
    agencies = {"community health": community, "northvale police": Agency(name="Northvale Police")}
    assert csv_import.close_agency("Comunity Health", agencies) == community
    assert csv_import.close_agency("Community Heath", agencies) == community
    assert csv_import.close_agency("Northvale Health Trust", agencies) is None
    assert csv_import.close_agency("Riverside Youth Project", agencies) is None


def test_the_preview_asks_about_the_close_name(bm_client, partnership, community):
    upload(bm_client, partnership, SLIPPED)
    page = preview(bm_client, partnership).content.decode()
    assert "Is “Comunity Health” the agency Community Health?" in page
    assert "Yes, use Community Health" in page
    assert "No, create “Comunity Health” as a new agency" in page
    # The unrelated new agency is simply created.
    assert "Riverside Youth Project" in page and "Will be created" in page


def test_using_the_suggested_agency(bm_client, partnership, community, business_manager):
    upload(bm_client, partnership, SLIPPED)
    response = send(bm_client, partnership, **{"agency-0": str(community.pk)})
    assert response.status_code == 302
    assert set(Practitioner.objects.filter(agency=community).values_list("full_name", flat=True)) == {
        "Alex Morgan",
        "Pat Quinn",
    }
    assert sorted(Agency.objects.filter(partnership=partnership).values_list("name", flat=True)) == [
        "Community Health",
        "Riverside Youth Project",
    ]
    entry = AuditEntry.objects.get(action="practitioners.imported")
    assert entry.detail["agencies_matched"] == {"Comunity Health": community.pk}
    assert entry.actor == business_manager


def test_keeping_the_new_name(bm_client, partnership, community):
    upload(bm_client, partnership, SLIPPED)
    send(bm_client, partnership, **{"agency-0": "new"})
    created = Agency.objects.get(partnership=partnership, name="Comunity Health")
    assert Practitioner.objects.filter(agency=created).count() == 2
    assert not Practitioner.objects.filter(agency=community).exists()


@pytest.mark.parametrize("answer", [None, "", "maybe", "999999"])
def test_no_answer_is_refused_at_the_question_and_nothing_is_imported(bm_client, partnership, community, answer):
    upload(bm_client, partnership, SLIPPED)
    answers = {} if answer is None else {"agency-0": answer}
    response = send(bm_client, partnership, **answers)
    assert response.status_code == 200
    page = response.content.decode()
    message = "Choose whether to use Community Health or to create Comunity Health as a new agency"
    assert page.count(message) == 2  # the summary and the question
    assert "<title>Error: " in page
    assert 'href="#agency-0"' in page
    assert not Practitioner.objects.exists()
    assert Agency.objects.filter(partnership=partnership).count() == 1
    # The file is still waiting: answering imports it.
    send(bm_client, partnership, **{"agency-0": str(community.pk)})
    assert Practitioner.objects.count() == 3


def test_another_partnerships_agency_cannot_be_chosen(bm_client, partnership, other_partnership, community):
    theirs = Agency.objects.create(partnership=other_partnership, name="Community Health")
    upload(bm_client, partnership, SLIPPED)
    response = send(bm_client, partnership, **{"agency-0": str(theirs.pk)})
    assert response.status_code == 200
    assert not Practitioner.objects.exists()
    assert not Practitioner.objects.filter(agency=theirs).exists()


def test_an_agency_removed_since_the_preview_stops_the_import(partnership, community, business_manager):
    from practitioners import services

    rows = csv_import.parse(SLIPPED.encode())
    community_pk = community.pk
    community.delete()
    with pytest.raises(services.DomainError):
        services.import_practitioners(
            partnership, rows, business_manager, agency_choices={"Comunity Health": community_pk}
        )
    assert not Practitioner.objects.exists()


def test_a_file_without_close_names_imports_as_before(bm_client, partnership, community):
    upload(bm_client, partnership, "\n".join([HEADER, "Ann Lee,Nurse,Community Health,ann@health.example,,,"]))
    assert "close to one" not in preview(bm_client, partnership).content.decode()
    assert confirm(bm_client, partnership).status_code == 302
    assert Practitioner.objects.get().agency == community
