"""Time the PDFs: a factsheet (median of 5 renders) and a sign-in sheet for 60 invitees.

    .venv/bin/python bench/bench_pdfs.py

Runs on a throwaway SQLite database in a temporary folder, whatever DATABASE_URL says.
"""

from sandbox import run, sample_event, timed  # isort: skip - sets up Django first

from figures import record

from events.models import Invitation
from events.pdfs import render_sign_in_sheet
from practitioners.models import Agency, Practitioner
from reviews.factsheets import factsheet_for, render_factsheet_pdf
from reviews.models import Review


def main():
    partnership, event = sample_event()
    agency = Agency.objects.create(partnership=partnership, name="Benchmark Health Trust")
    people = Practitioner.objects.bulk_create(
        Practitioner(partnership=partnership, full_name=f"Person {n:02d}", job_title="Nurse", agency=agency)
        for n in range(60)
    )
    Invitation.objects.bulk_create(
        Invitation(event=event, practitioner=person, status=Invitation.Status.ACCEPTED if n % 4 else "invited")
        for n, person in enumerate(people)
    )
    factsheet = factsheet_for(partnership, Review.Type.CSPR)
    render_factsheet_pdf(factsheet)  # the first render loads fonts; leave it out
    factsheet_time = timed(lambda: render_factsheet_pdf(factsheet, event=event), 5)
    sheet_time = timed(lambda: render_sign_in_sheet(event), 3)
    print(f"factsheet with an event box, median of 5: {factsheet_time:.3f}s")
    print(f"sign-in sheet of 60 invitees, median of 3: {sheet_time:.3f}s")
    record("Factsheet PDF with an event box (median of 5)", round(factsheet_time, 3), "s")
    record("Sign-in sheet PDF, 60 invitees (median of 3)", round(sheet_time, 3), "s")


if __name__ == "__main__":
    run(main)
