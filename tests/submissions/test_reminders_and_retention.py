"""The written accounts' reminders (once before the deadline, once after, through the beat's sweep) and
their place in the retention schedule."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEntry
from core.retention import REMOVED_EMAIL
from notifications.models import OutboundMessage
from reviews.models import Review, ReviewStatusChange
from submissions import reminders, services, tasks
from submissions.models import AccountRequest, AccountVersion, Extension
from tests.reports.documents import docx, pdf, upload
from tests.submissions.conftest import LONDON, link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def reminder_kinds():
    return list(
        OutboundMessage.objects.filter(kind__endswith="_reminder").order_by("pk").values_list("kind", flat=True)
    )


def at(day, hour=7):
    return datetime(2026, 12, day, hour, 0, tzinfo=LONDON) if day > 20 else datetime(2027, 1, day, hour, tzinfo=LONDON)


def test_one_reminder_before_the_deadline_and_one_after(asked, frozen):
    # The deadline is Wednesday 30 December; the reminder before goes 3 working days earlier, on the 23rd.
    frozen.move_to(at(22))
    assert reminders.run_reminders() == 0
    frozen.move_to(at(23))
    assert reminders.run_reminders() == 1
    assert reminders.run_reminders() == 0
    frozen.move_to(at(29))
    assert reminders.run_reminders() == 0
    frozen.move_to(at(30))
    assert reminders.run_reminders() == 0  # due today is not late
    frozen.move_to(at(31))
    tasks.send_account_reminders.delay()  # the beat's task
    assert reminders.run_reminders() == 0
    frozen.move_to(at(8))
    assert reminders.run_reminders() == 0
    assert reminder_kinds() == ["account_before_reminder", "account_after_reminder"]
    before, after = OutboundMessage.objects.filter(kind__endswith="_reminder").order_by("pk")
    assert before.subject.startswith("Reminder:") and after.subject.startswith("Overdue:")
    assert "was due on Wednesday 30 December 2026" in after.body_text
    assert AuditEntry.objects.filter(action="account.reminded").count() == 2
    assert "remind-account-writers" in settings.CELERY_BEAT_SCHEDULE


def test_each_reminder_carries_a_new_link_and_the_old_one_stops(asked, frozen):
    frozen.move_to(at(23))
    reminders.run_reminders()
    reminder = OutboundMessage.objects.get(kind="account_before_reminder")
    from django.test import Client

    assert Client().post(asked).status_code == 404
    assert Client().post(link_in(reminder)).status_code == 302


def test_no_reminder_once_the_account_is_sent(lead, frozen):
    lead.post(reverse("account_link:page"), {"file": upload(pdf(["Chronology"]), "c.pdf"), "document": 0})
    lead.post(reverse("account_link:send"), {"author_name": "Kim Lowe", "author_role": "DS"})
    frozen.move_to(at(31))
    assert reminders.run_reminders() == 0
    assert reminder_kinds() == []


def test_a_granted_extension_moves_the_reminders(lead, bm_client, business_manager, review, frozen):
    lead.post(
        reverse("account_link:more_time"),
        {"new_deadline_0": "15", "new_deadline_1": "1", "new_deadline_2": "2027", "reason": "Records archived."},
    )
    extension = Extension.objects.get()
    bm_client.post(
        reverse("accounts:extension", args=[review.partnership.slug, review.pk, extension.pk]), {"decision": "grant"}
    )
    frozen.move_to(at(31))
    assert reminders.run_reminders() == 0  # not late: the new date is 15 January
    frozen.move_to(at(12))
    assert reminders.run_reminders() == 1
    frozen.move_to(at(18))
    assert reminders.run_reminders() == 1
    assert reminder_kinds() == ["account_before_reminder", "account_after_reminder"]


def test_no_overdue_reminder_while_a_request_for_more_time_waits_for_its_answer(lead, business_manager, frozen):
    lead.post(
        reverse("account_link:more_time"),
        {"new_deadline_0": "15", "new_deadline_1": "1", "new_deadline_2": "2027", "reason": "Records archived."},
    )
    frozen.move_to(at(31))
    assert reminders.run_reminders() == 0
    assert reminder_kinds() == []

    services.decide_extension(
        extension=Extension.objects.get(),
        grant=False,
        decided_by=business_manager,
        refusal_reason="The panel meets on 5 January.",
    )
    assert reminders.run_reminders() == 1
    assert reminder_kinds() == ["account_after_reminder"]


def test_retention_removes_the_files_the_links_and_the_names(lead, bm_client, review, frozen):
    lead.post(reverse("account_link:page"), {"file": upload(pdf(["Chronology"]), "chronology.pdf"), "document": 0})
    lead.post(reverse("account_link:page"), {"file": upload(docx(["Report"]), "report.docx"), "document": 0})
    lead.post(
        reverse("account_link:more_time"),
        {"new_deadline_0": "15", "new_deadline_1": "1", "new_deadline_2": "2027", "reason": "Records archived."},
    )
    lead.post(reverse("account_link:send"), {"author_name": "DS Kim Lowe", "author_role": "Detective sergeant"})
    stored = [Path(settings.MEDIA_ROOT) / v.file.name for v in AccountVersion.objects.all()]
    assert all(path.exists() for path in stored)
    Review.objects.filter(pk=review.pk).update(status=Review.Status.CLOSED)
    ReviewStatusChange.objects.create(
        review=review, from_status=Review.Status.PUBLISHED, to_status=Review.Status.CLOSED, changed_at=at(21)
    )
    frozen.move_to(at(21) + timedelta(days=review.partnership.retention_days + 1))

    from io import StringIO

    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert "2 agency account files" in out.getvalue() and "1 agency account request" in out.getvalue()
    assert all(path.exists() for path in stored)

    call_command("retention", stdout=StringIO())
    assert not any(path.exists() for path in stored)
    assert list(AccountVersion.objects.values_list("file", "original_filename")) == [("", ""), ("", "")]
    account_request = AccountRequest.objects.get()
    assert (account_request.token_hash, account_request.author_name, account_request.author_role) == (None, "", "")
    assert account_request.token_revoked_at is not None
    assert Extension.objects.get().reason == ""
    assert set(OutboundMessage.objects.values_list("recipient", flat=True)) == {REMOVED_EMAIL}
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert out.getvalue() == "Nothing to remove.\n"
