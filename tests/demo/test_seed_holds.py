"""The demo shows a review under a legal hold and an invitee held back as a possible witness."""

from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Invitation, PossibleWitness
from reviews.models import LegalHold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _development(settings):
    settings.DEBUG = True


def test_the_demo_has_a_legal_hold_and_a_witness_held_back():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    hold = LegalHold.objects.standing().get()
    assert (hold.review.partnership.slug, hold.review.reference) == ("northvale", "CSPR 2025-09")
    witness = PossibleWitness.objects.filter(invitation__event__review__partnership__slug="northvale").get()
    assert not witness.agreed
    assert witness.invitation.status == Invitation.Status.NOT_SENT
