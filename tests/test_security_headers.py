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
