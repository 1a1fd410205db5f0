import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_every_response_has_the_security_headers(client):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    page = response.content.decode()
    # Every inline script carries this response's nonce; there is no other inline script.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline, "the layout has its body-class script"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline)


@pytest.mark.django_db
def test_not_found_is_a_styled_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "govuk-template" in response.content.decode()


@pytest.mark.django_db
def test_pages_are_not_stored_by_browsers_or_caches(bm_client, partnership):
    response = bm_client.get(reverse("overview:partnership_overview", args=[partnership.slug]))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_client_address_comes_from_the_trusted_proxy(client, settings, partnership):
    from core.middleware import ClientAddressMiddleware

    settings.TRUSTED_PROXY_COUNT = 1
    seen = {}

    def view(request):
        seen["ip"] = request.META["REMOTE_ADDR"]
        return None

    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    ClientAddressMiddleware(view)(request)
    assert seen["ip"] == "203.0.113.9"


@pytest.mark.django_db
def test_a_download_is_an_attachment_the_browser_must_not_sniff_run_or_keep(bm_client, partnership):
    """Every file Convene serves to staff or practitioners comes through the same response (here, a factsheet)."""
    from reviews.models import Review

    response = bm_client.get(reverse("reviews:factsheet_download", args=[partnership.slug, Review.Type.CSPR]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]
