"""Made-up agencies and people for the samples of every kind of email: never saved."""

from practitioners.models import Agency, Practitioner


def agency(partnership):
    return Agency(
        partnership=partnership,
        name="Example Police",
        agency_type=Agency.Type.POLICE,
        lead_name="Kim Lowe",
        lead_email="kim.lowe@police.example",
    )


def practitioner(partnership, agency):
    return Practitioner(
        partnership=partnership,
        full_name="Sam Example",
        job_title="Detective constable",
        agency=agency,
        email="sam.example@police.example",
        line_manager_name="Robin Hart",
        line_manager_email="robin.hart@police.example",
    )
