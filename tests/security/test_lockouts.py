"""Nobody can lock others out: only failures count, and per address and account together."""

import re

import pytest
import time_machine

from core.models import AuditEntry
from events import invitations
from practitioners.models import Agency
from tests.conftest import PASSWORD
from tests.events.conftest import NOW, invite, make_event, make_practitioners
from tests.security.conftest import browser, password_step, sign_in, signed_in

pytestmark = pytest.mark.django_db

THROTTLED = "Too many failed sign-in attempts. Wait 5 minutes, then try again."
SCANNER = "203.0.113.66"


@pytest.fixture
def invitation_link(review, partnership, django_capture_on_commit_callbacks, mailoutbox):
    """A practitioner's personal link to their invitation, as the email gave it."""
    with time_machine.travel(NOW, tick=False):
        agency = Agency.objects.create(
            partnership=partnership, name="Northvale Council", agency_type=Agency.Type.CHILDRENS_SOCIAL_CARE
        )
        event = make_event(review)
        invite(event, make_practitioners(partnership, agency, 1)[0])
        with django_capture_on_commit_callbacks(execute=True):
            invitations.send_invitations(event, sent_by=None)
    return re.search(r"https?://[^/]+(/invitation/[^/\s]+/)", mailoutbox[-1].body).group(1)


def test_a_working_link_opens_from_an_address_that_sent_many_bad_ones(invitation_link, caplog):
    with time_machine.travel(NOW, tick=False):
        scanner = browser(SCANNER)
        statuses = [scanner.get(f"/invitation/guess-{n}/").status_code for n in range(30)]
        assert statuses[:20] == [404] * 20 and statuses[20:] == [429] * 10

        # A practitioner behind the same address (a council's, a trust's) still gets in.
        practitioner = browser(SCANNER)
        assert practitioner.get(invitation_link).status_code == 200
        assert practitioner.post(invitation_link).status_code == 302
        assert practitioner.get("/invitation/").status_code == 200
        # Bad tokens from that address are still refused.
        assert practitioner.get("/invitation/guess-more/").status_code == 429

    # The throttling is audited once, with the address, and each refusal logged with it.
    throttled = AuditEntry.objects.get(action="link.throttled")
    assert throttled.ip_address == SCANNER and throttled.detail["bad_links"] == 21
    assert any("too many bad links from 203.0.113.66" in message for message in caplog.messages)


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(business_manager):
    attacker = browser(SCANNER)
    for n in range(5):
        assert THROTTLED not in password_step(attacker, business_manager.email, f"wrong-{n}").content.decode()
    # Past the limit even the right password is refused there, and the page says why.
    response = password_step(attacker, business_manager.email, PASSWORD)
    assert response.status_code == 200 and THROTTLED in response.content.decode()
    assert not signed_in(attacker)

    owner = browser("192.0.2.10")
    assert sign_in(owner, business_manager).status_code == 302
    assert signed_in(owner)

    entry = AuditEntry.objects.get(action="auth.sign_in_throttled")
    assert entry.actor_label == business_manager.email and entry.ip_address == SCANNER


def test_one_address_trying_many_accounts_is_still_limited(business_manager):
    attacker = browser(SCANNER)
    for n in range(10):
        assert THROTTLED not in password_step(attacker, f"person-{n}@northvale.example", "guess").content.decode()
    response = password_step(attacker, business_manager.email, PASSWORD)
    assert response.status_code == 200 and THROTTLED in response.content.decode()
    assert not signed_in(attacker)
