import pytest

from practitioners.models import Agency, Practitioner


@pytest.fixture
def agency(partnership):
    return Agency.objects.create(
        partnership=partnership,
        name="Northvale Police",
        agency_type=Agency.Type.POLICE,
        lead_name="Dana Reed",
        lead_email="dana.reed@police.example",
    )


@pytest.fixture
def other_agency(other_partnership):
    return Agency.objects.create(partnership=other_partnership, name="Eastmere Police", agency_type=Agency.Type.POLICE)


@pytest.fixture
def practitioner(partnership, agency):
    return Practitioner.objects.create(
        partnership=partnership,
        full_name="Jo Bloggs",
        job_title="Detective constable",
        agency=agency,
        email="jo.bloggs@police.example",
    )


@pytest.fixture
def other_practitioner(other_partnership, other_agency):
    return Practitioner.objects.create(
        partnership=other_partnership,
        full_name="Kim Lowe",
        job_title="Sergeant",
        agency=other_agency,
        email="kim.lowe@eastmere.example",
    )
