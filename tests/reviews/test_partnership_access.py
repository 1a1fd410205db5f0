"""Who may open a partnership's pages: its members, by role; everyone else gets 404."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from core.models import Membership

PARTNERSHIP_URLS = [
    ("overview:partnership_overview", "get"),
    ("partnerships:partnership_edit", "get"),
    ("partnerships:partnership_edit", "post"),
    ("partnerships:staff_list", "get"),
    ("partnerships:staff_add", "get"),
    ("partnerships:staff_add", "post"),
]
MEMBERSHIP_URLS = [
    ("partnerships:staff_edit", "get"),
    ("partnerships:staff_edit", "post"),
    ("partnerships:staff_remove", "post"),
]


def all_urls(partnership, membership):
    for name, method in PARTNERSHIP_URLS:
        yield reverse(name, args=[partnership.slug]), method
    for name, method in MEMBERSHIP_URLS:
        yield reverse(name, args=[partnership.slug, membership.pk]), method


@pytest.mark.django_db
def test_outsider_gets_404_for_every_url_of_another_partnership(client, partnership, business_manager, outsider):
    client.force_login(outsider)
    membership = Membership.objects.get(user=business_manager)
    for url, method in all_urls(partnership, membership):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    assert Membership.objects.filter(partnership=partnership).count() == 1


@pytest.mark.django_db
def test_signed_out_visitor_is_sent_to_sign_in(client, partnership, business_manager):
    membership = Membership.objects.get(user=business_manager)
    for url, method in all_urls(partnership, membership):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.django_db
def test_reviewer_sees_the_partnership_but_cannot_manage_it(client, partnership, business_manager, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("overview:partnership_overview", args=[partnership.slug])).status_code == 200
    membership = Membership.objects.get(user=business_manager)
    for name, method in [
        ("partnerships:partnership_edit", "get"),
        ("partnerships:staff_list", "get"),
        ("partnerships:staff_add", "get"),
        ("partnerships:staff_add", "post"),
    ]:
        assert getattr(client, method)(reverse(name, args=[partnership.slug])).status_code == 403
    for name, method in MEMBERSHIP_URLS:
        assert getattr(client, method)(reverse(name, args=[partnership.slug, membership.pk])).status_code == 403


@pytest.mark.django_db
def test_home_lists_only_the_users_partnerships(client, partnership, other_partnership, business_manager):
    Membership.objects.create(user=business_manager, partnership=other_partnership, role=Membership.Role.REVIEWER)
    client.force_login(business_manager)
    response = client.get(reverse("overview:home"))
    assert [p.slug for p in response.context["partnerships"]] == ["eastmere", "northvale"]


@pytest.mark.django_db
def test_member_of_one_partnership_goes_straight_to_it(bm_client, partnership, other_partnership):
    response = bm_client.get(reverse("overview:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("overview:partnership_overview", args=[partnership.slug])
    page = bm_client.get(response["Location"])
    assert escape(partnership.name) in page.content.decode()
    assert escape(other_partnership.name) not in page.content.decode()
