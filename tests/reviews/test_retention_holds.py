"""Retention passes a review under a legal hold by: the dry run and the real run say so and remove nothing of it."""

import threading
import time as pytime
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.models import AuditEntry
from core.retention import REMOVED_NAME
from events import witnesses
from events.models import Invitation, PossibleWitness
from reviews import holds, retention
from tests.reviews.test_retention import (
    frozen,  # noqa: F401 - the fixture
    run_command,
    snapshot,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world, business_manager):  # noqa: F811
    holds.place_hold(world["old"], reason="An inquest has been opened.", by=business_manager)
    return world


def test_the_dry_run_names_the_held_review_and_counts_nothing_of_it(held):
    before = snapshot()

    output = run_command("--dry-run")

    assert "CSPR 2024-1 (Child 1), closed on 1 June 2025: under a legal hold, so nothing is removed" in output
    assert "The next run would remove:" not in output
    assert "Nothing to remove." in output
    assert snapshot() == before


def test_the_real_run_removes_nothing_of_the_held_review(held):
    before = snapshot()

    output = run_command()

    assert "under a legal hold, so nothing is removed until the hold is lifted" in output
    assert "Removed:" not in output
    # The hold's own audit entry aside, nothing changed: no purge, no file deleted, every link kept.
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action__startswith="retention.").exists()
    assert Invitation.objects.get(pk=held["sam_invite"].pk).token_hash is not None
    assert retention.run() == []


def test_once_lifted_the_next_run_removes_it(held, business_manager):
    holds.lift_hold(held["old"], reason="The inquest has closed.", by=business_manager)

    dry = run_command("--dry-run")
    assert "CSPR 2024-1 (Child 1), closed on 1 June 2025: 1 nomination" in dry
    assert "legal hold" not in dry

    assert [purge.review for result in retention.run() for purge in result.reviews] == [held["old"]]
    assert Invitation.objects.get(pk=held["sam_invite"].pk).token_hash is None


def test_a_witness_liaisons_name_goes_with_the_review_and_the_agreement_stays(world, business_manager):  # noqa: F811
    invitation = Invitation.objects.get(pk=world["sam_invite"].pk)
    witnesses.mark(invitation, by=business_manager)
    witnesses.record_agreement(
        invitation,
        liaison_name="DI Rachel Moss",
        liaison_organisation="Northvale Police",
        agreed_on=date(2024, 8, 1),
        by=business_manager,
    )

    assert "1 police or prosecution liaison named" in run_command("--dry-run")
    assert PossibleWitness.objects.get().liaison_name == "DI Rachel Moss"
    run_command()

    witness = PossibleWitness.objects.get()
    assert (witness.liaison_name, witness.liaison_organisation, witness.agreed_on) == (
        REMOVED_NAME,
        "Northvale Police",
        date(2024, 8, 1),
    )


# A hold placed while the sweep runs -----------------------------------------------------------


def test_a_hold_placed_after_the_due_reviews_were_found_leaves_everything_in_place(world, business_manager):  # noqa: F811
    due = retention.due_reviews(timezone.localdate())
    assert world["old"] in due[world["old"].partnership]
    holds.place_hold(world["old"], reason="An inquest has been opened.", by=business_manager)
    before = snapshot()

    for dry_run in (True, False):
        for partnership, reviews in due.items():
            result = retention.purge_partnership(partnership, reviews, now=timezone.now(), dry_run=dry_run)
            assert (result.reviews, result.across_reviews, result.total) == ([], [], 0)

    assert snapshot() == before
    assert not AuditEntry.objects.filter(action__startswith="retention.").exists()
    assert Invitation.objects.get(pk=world["sam_invite"].pk).token_hash is not None


def without_audit(state):
    """The snapshot less the audit log, which gains the hold's own entry."""
    return {name: rows for name, rows in state.items() if name != "AuditEntry"}


@pytest.mark.django_db(transaction=True)
def test_a_hold_committed_while_the_sweep_waits_for_the_review_is_respected(world, business_manager):  # noqa: F811
    """Real PostgreSQL, two connections: the hold is placed (not yet committed) before the sweep looks for due
    reviews, and committed once the sweep waits for the review's lock."""
    placed, failures = threading.Event(), []

    def place_hold():
        try:
            with transaction.atomic():
                holds.place_hold(world["old"], reason="An inquest has been opened.", by=business_manager)
                placed.set()
                with connection.cursor() as cursor:
                    for _ in range(200):
                        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        if cursor.fetchone()[0]:
                            break
                        pytime.sleep(0.05)
                    else:
                        failures.append("the sweep never waited for the review's lock")
        except Exception as error:
            failures.append(repr(error))
            placed.set()
        finally:
            connection.close()

    before = without_audit(snapshot())
    placer = threading.Thread(target=place_hold)
    placer.start()
    assert placed.wait(10)

    results = retention.run()

    placer.join(10)
    assert failures == []
    assert holds.is_held(world["old"])
    assert [purge.review for result in results for purge in result.reviews] == []
    assert without_audit(snapshot()) == before
    assert not AuditEntry.objects.filter(action__startswith="retention.").exists()
    assert Invitation.objects.get(pk=world["sam_invite"].pk).token_hash is not None
