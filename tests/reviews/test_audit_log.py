"""The business manager's audit log page: filters, pages, a fixed number of queries, and who is refused."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from core.models import AuditEntry, Membership, User
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def url(partnership, **query):
    return reverse("partnerships:audit_log", args=[partnership.slug]) + (f"?{urlencode(query)}" if query else "")


def entry(partnership, action="review.created", *, actor=None, at=None, **values):
    return AuditEntry.objects.create(
        partnership=partnership,
        action=action,
        actor=actor,
        actor_label=actor.email if actor else values.pop("actor_label", ""),
        created_at=at or datetime(2026, 7, 1, 12, 0, tzinfo=LONDON),
        **values,
    )


def shown(response):
    return [e.pk for e in response.context["page"]]


def test_entries_are_shown_newest_first_with_who_what_when_and_where(bm_client, partnership, business_manager, review):
    older = entry(partnership, "staff.added", actor=business_manager, at=datetime(2026, 1, 10, 9, 0, tzinfo=LONDON))
    newer = entry(
        partnership,
        "review.status_changed",
        actor=business_manager,
        at=datetime(2026, 7, 1, 9, 5, tzinfo=LONDON),
        object_type="reviews.Review",
        object_id=str(review.pk),
        ip_address="203.0.113.9",
    )

    response = bm_client.get(url(partnership))

    assert response.status_code == 200
    # The review fixture writes its own "review.created" entry, dated today.
    assert [pk for pk in shown(response) if pk in (newer.pk, older.pk)] == [newer.pk, older.pk]
    page = response.content.decode()
    # British Summer Time: 08:05 UTC is 09:05 in the UK.
    assert newer.created_at.astimezone(ZoneInfo("UTC")).hour == 8
    assert "1 July 2026, 9:05:00am" in page
    assert "10 January 2026, 9:00:00am" in page
    assert "Priya Shah" in page
    assert "Moved a review to its next stage" in page
    assert "review.status_changed" in page
    assert "Review CSPR 2026-01 (Child B)" in page
    assert f"Review {review.pk}" not in page
    assert "203.0.113.9" in page


def test_automatic_entries_show_their_label_and_unknown_codes_read_plainly(bm_client, partnership):
    entry(partnership, "notes.deleted_after_sign_off", actor_label="Convene (automatic note deletion)")
    entry(partnership, "something.new_happened")

    page = bm_client.get(url(partnership)).content.decode()

    assert "Convene (automatic note deletion)" in page
    assert "Reviewers&#x27; notes deleted after sign-off" in page
    assert "Something: new happened" in page


def test_only_this_partnerships_entries_and_no_sign_ins(bm_client, partnership, other_partnership, business_manager):
    mine = entry(partnership)
    entry(other_partnership, "review.created")
    AuditEntry.objects.create(partnership=None, action="auth.signed_in", actor=business_manager)

    response = bm_client.get(url(partnership))

    assert shown(response) == [mine.pk]
    assert "auth.signed_in" not in response.content.decode()


def test_filter_by_action_offers_the_actions_present(bm_client, partnership, other_partnership):
    created = entry(partnership, "review.created")
    entry(partnership, "staff.added")
    entry(other_partnership, "factsheet.updated")

    response = bm_client.get(url(partnership, action="review.created"))

    assert shown(response) == [created.pk]
    choices = [code for code, _ in response.context["form"].fields["action"].choices]
    assert choices == ["", "review.created", "staff.added"]


def test_filter_by_person(bm_client, partnership, business_manager, reviewer, outsider):
    mine = entry(partnership, actor=business_manager)
    entry(partnership, actor=reviewer)

    response = bm_client.get(url(partnership, person=business_manager.pk))

    assert shown(response) == [mine.pk]
    people = [pk for pk, _ in response.context["form"].fields["person"].choices]
    assert people == ["", business_manager.pk, reviewer.pk]
    assert outsider.pk not in people


def test_a_person_not_in_the_log_is_an_error_not_a_leak(bm_client, partnership, outsider):
    entry(partnership)

    response = bm_client.get(url(partnership, person=outsider.pk))

    assert response.status_code == 200
    assert "Choose who did it from the list" in response.content.decode()


def test_filter_by_date_range_in_uk_days(bm_client, partnership):
    # 23:30 UK time on 30 June is 22:30 UTC: still 30 June here.
    late_june = entry(partnership, at=datetime(2026, 6, 30, 23, 30, tzinfo=LONDON))
    first_july = entry(partnership, at=datetime(2026, 7, 1, 0, 30, tzinfo=LONDON))
    entry(partnership, at=datetime(2026, 7, 2, 0, 0, tzinfo=LONDON))

    response = bm_client.get(
        url(
            partnership,
            date_from_0="30",
            date_from_1="6",
            date_from_2="2026",
            date_to_0="1",
            date_to_1="7",
            date_to_2="2026",
        )
    )

    assert shown(response) == [first_july.pk, late_june.pk]


def test_a_date_range_the_wrong_way_round_is_explained(bm_client, partnership):
    entry(partnership)

    response = bm_client.get(
        url(
            partnership,
            date_from_0="2",
            date_from_1="7",
            date_from_2="2026",
            date_to_0="1",
            date_to_1="7",
            date_to_2="2026",
        )
    )

    assert "The last date must be the same as or after the first date" in response.content.decode()


def test_an_unreal_date_is_explained(bm_client, partnership):
    response = bm_client.get(url(partnership, date_from_0="31", date_from_1="2", date_from_2="2026"))

    assert "The first date must be a real date" in response.content.decode()


def test_pages_of_fifty_keep_the_filter(bm_client, partnership):
    start = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    AuditEntry.objects.bulk_create(
        AuditEntry(partnership=partnership, action="review.updated", created_at=start + timedelta(minutes=n))
        for n in range(120)
    )

    first = bm_client.get(url(partnership, action="review.updated"))
    third = bm_client.get(url(partnership, action="review.updated", page=3))

    assert len(first.context["page"]) == 50
    assert len(third.context["page"]) == 20
    assert "action=review.updated&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("count", [5, 300])
def test_the_page_makes_the_same_few_queries_however_long_the_log(
    bm_client, partnership, business_manager, reviewer, count, django_assert_max_num_queries
):
    start = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    actors = [business_manager, reviewer]
    AuditEntry.objects.bulk_create(
        AuditEntry(
            partnership=partnership,
            action=f"action.number_{n % 7}",
            actor=actors[n % 2],
            actor_label=actors[n % 2].email,
            object_type="reviews.Review",
            object_id=str(n),
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    )

    with django_assert_max_num_queries(13):
        response = bm_client.get(url(partnership, person=reviewer.pk))

    assert response.status_code == 200


def test_a_reviewer_gets_403(client, partnership, reviewer):
    client.force_login(reviewer)

    assert client.get(url(partnership)).status_code == 403


def test_an_outsider_gets_404(client, partnership, outsider):
    client.force_login(outsider)

    assert client.get(url(partnership)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, partnership):
    response = client.get(url(partnership))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_superuser_may_read_it(client, partnership):
    admin_user = make_staff("admin@convene.example", "Service Admin", None, None)
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True)
    client.force_login(admin_user)

    assert client.get(url(partnership)).status_code == 200


def test_the_business_manager_of_one_partnership_only(client, partnership, other_partnership, business_manager):
    Membership.objects.create(user=business_manager, partnership=other_partnership, role=Membership.Role.REVIEWER)
    client.force_login(business_manager)

    assert client.get(url(other_partnership)).status_code == 403
