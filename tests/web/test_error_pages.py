"""403, 404 and 500 pages: in the reader's language, with a way back; the API keeps answering JSON."""

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def boom_urls(settings):
    settings.ROOT_URLCONF = "tests.web.boom_urls"


def test_an_unknown_page_answers_a_french_404_with_a_way_home(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Il n’y a rien ici" in html
    assert 'href="/home/"' in html and "Retour à l’accueil" in html


def test_the_404_page_speaks_english_to_an_english_reader(client, db):
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()
    assert '<html lang="en">' in response.content.decode()


def test_a_role_without_access_gets_a_403_page_with_the_menu(client, db):
    client.force_login(UserFactory(warehouse=True))
    response = client.get("/partners/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Cette page n’est pas ouverte à votre rôle" in html
    assert "Se déconnecter" in html and "Retour à l’accueil" in html


def test_a_missing_object_gets_the_404_page_signed_in(client, db):
    client.force_login(UserFactory(warehouse=True))
    response = client.get("/devices/NOPE-0000/")
    assert response.status_code == 404
    assert "Il n’y a rien ici" in response.content.decode()


def test_a_bug_shows_the_500_page_without_a_request_context(db, boom_urls):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Un problème est survenu de notre côté" in html
    assert 'href="/home/"' in html
    assert "Se déconnecter" not in html


def test_a_bug_under_api_still_answers_json(db, boom_urls):
    response = Client(raise_request_exception=False).get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "server_error"}


@pytest.mark.parametrize("path", ["/api/", "/api/v2/devices", "/api/v1/nothing-here"])
def test_unknown_api_paths_answer_json_404(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) >= {"detail", "code"}
