import logging

import pytest

from core.logging import RedactTokens, redact


def test_link_tokens_are_redacted():
    assert redact("Not Found: /invitation/abcDEF123_-x/") == "Not Found: /invitation/[redacted]/"
    assert redact('"GET /nominate/s3cr3t/ HTTP/1.1" 404') == '"GET /nominate/[redacted]/ HTTP/1.1" 404'
    assert redact("/accounts/password/reset/key/1-abc-def/") == "/accounts/password/reset/key/[redacted]/"
    token = "N8IODX7tvsgtm4xTHKtHDUq8I_k7c0OLcgwYDrL9RmQ"
    assert redact(f"GET /draft-report/{token}/") == "GET /draft-report/[redacted]/"
    assert redact(f"http://127.0.0.1:8000/actions/{token}/") == "http://127.0.0.1:8000/actions/[redacted]/"
    # The pages a link's session opens, and the staff's own pages, are left as they are.
    for path in ("/draft-report/read/", "/actions/agency/3/", "/p/northvale/reviews/4/actions/recommendations/new/"):
        assert redact(path) == path
    assert redact("/invitation/new-link/") == "/invitation/new-link/"


@pytest.mark.django_db
def test_a_bad_link_leaves_no_token_in_the_log(client, caplog):
    caplog.handler.addFilter(RedactTokens())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/invitation/this-is-a-secret-token/")
    assert "this-is-a-secret-token" not in caplog.text
    assert "/invitation/[redacted]/" in caplog.text


def test_djangos_request_logger_writes_through_the_redacting_filter():
    streams = [h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler]
    assert streams
    assert all(any(isinstance(f, RedactTokens) for f in handler.filters) for handler in streams)


def test_a_written_account_link_is_redacted_and_its_pages_are_not():
    token = "N8IODX7tvsgtm4xTHKtHDUq8I_k7c0OLcgwYDrL9RmQ"
    assert redact(f"GET /written-account/{token}/ 404") == "GET /written-account/[redacted]/ 404"
    for path in (
        "/written-account/",
        "/written-account/send/",
        "/written-account/more-time/",
        "/written-account/template/",
    ):
        assert redact(path) == path
