"""Browser protections on every answer: pages, the API, errors and static files (issue 14, item 6)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROTECTIONS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_protected(response):
    for header, value in PROTECTIONS.items():
        assert response.headers.get(header) == value, (header, response.headers.get(header))


def test_the_sign_in_page_carries_the_browser_protections():
    response = Client().get("/")
    assert response.status_code == 200
    assert_protected(response)


def test_a_signed_in_page_carries_the_browser_protections(warehouse_user):
    client = Client()
    client.force_login(warehouse_user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert_protected(response)


def test_an_api_answer_carries_the_browser_protections(warehouse_api):
    response = warehouse_api.get("me")
    assert response.status_code == 200
    assert_protected(response)


def test_an_api_error_carries_the_browser_protections(anon_api):
    response = anon_api.get("me")
    assert response.status_code == 401
    assert_protected(response)


def test_a_static_file_is_never_sniffed_into_a_script():
    """WhiteNoise answers before the frame middleware (a stylesheet is never framed), after SecurityMiddleware."""
    response = Client().get("/static/web/bagage.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    response.close()  # WhiteNoise streams the file: an unread answer left open is a ResourceWarning


def test_https_is_enforced_when_debug_is_off():
    """Production settings (DEBUG off): HSTS for a year, cookies sent over HTTPS only, HTTP redirected."""
    import importlib
    import os
    from unittest import mock

    import config.settings as production

    with mock.patch.dict(os.environ, {"SECRET_KEY": "x" * 50}, clear=False):
        os.environ.pop("DEBUG", None)
        os.environ.pop("SECURE_SSL_REDIRECT", None)
        os.environ.pop("SECURE_HSTS_SECONDS", None)
        reloaded = importlib.reload(production)
        try:
            assert reloaded.DEBUG is False
            assert reloaded.SECURE_HSTS_SECONDS == 31536000
            assert reloaded.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
            assert reloaded.SESSION_COOKIE_SECURE is True
            assert reloaded.CSRF_COOKIE_SECURE is True
            assert reloaded.SECURE_SSL_REDIRECT is True
            assert reloaded.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        finally:
            importlib.reload(production)


def test_an_https_answer_carries_hsts(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
