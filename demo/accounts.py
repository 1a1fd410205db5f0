"""The demo's agencies' written accounts: on the review at its practitioner event, the police have sent their
chronology (in two versions) and the health trust has asked for more time; the others have not replied."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from core.models import Membership
from reviews.models import Review
from submissions import services
from submissions.models import AccountRequest


def _chronology_pdf(agency, reference, corrected):
    rows = "".join(
        f"<tr><td>{day}</td><td>{what}</td></tr>"
        for day, what in [
            ("3 March 2025", "Officers attended the family home after a neighbour's call."),
            ("19 March 2025", "A referral was made to children's social care."),
            ("2 June 2025", "A second visit; the child was seen and spoken to alone."),
        ]
    )
    note = "<p>Corrected: the second visit's date.</p>" if corrected else ""
    return HTML(
        string=f"<html lang='en'><head><title>Chronology</title></head><body><h1>{agency}: chronology for "
        f"{reference}</h1>{note}<table><tr><th>Date</th><th>What happened</th></tr>{rows}</table></body></html>"
    ).write_pdf()


def seed(partnership, *, reference):
    review = Review.objects.filter(partnership=partnership, reference=reference).first()
    if review is None or AccountRequest.objects.filter(review=review).exists():
        return
    manager = Membership.objects.business_managers().get(partnership=partnership).user
    agencies = list(partnership.agencies.exclude(lead_email="").order_by("pk")[:4])
    requests = services.request_accounts(
        review=review, agencies=agencies, kind=AccountRequest.Kind.CHRONOLOGY, working_days=15, requested_by=manager
    )
    sent, asking = requests[0], requests[1]
    first = services.upload_file(
        account_request=sent,
        upload=SimpleUploadedFile("chronology.pdf", _chronology_pdf(sent.agency, reference, corrected=False)),
    )
    services.upload_file(
        account_request=sent,
        upload=SimpleUploadedFile("chronology corrected.pdf", _chronology_pdf(sent.agency, reference, corrected=True)),
        document=first.document,
    )
    services.send_account(account_request=sent, author_name=sent.agency.lead_name, author_role="Safeguarding lead")
    AccountRequest.objects.filter(pk=asking.pk).update(opened_at=sent.requested_at)
    services.ask_for_more_time(
        account_request=asking,
        new_deadline=asking.deadline + timedelta(days=14),
        reason="Our records for 2024 are archived off site and take two weeks to retrieve.",
    )
