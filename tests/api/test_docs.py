import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_docs_page_references_no_external_url(warehouse_user):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls, "the page loads its assets from somewhere"
    for url in urls:
        assert not re.match(r"^(https?:)?//", url), f"{url} needs the internet"
        assert finders.find(url.removeprefix("/static/")), f"{url} is not served by this project"


def test_openapi_schema_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/auth/tokens" in schema["paths"]
