import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_french_by_default():
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html
    assert "Se connecter" in html


def test_login_page_is_available_in_english():
    response = Client().get("/", headers={"Accept-Language": "en"})
    assert "Sign in" in response.content.decode()


def test_sign_in_leads_to_the_home_of_the_role(mediator_user):
    client = Client()
    response = client.post("/", {"username": "lea", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    html = response.content.decode()
    assert "Médiateur" in html or "Médiatrice" in html
    assert "Orientations à examiner" in html


def test_wrong_password_shows_an_error():
    response = Client().post("/", {"username": "nobody", "password": "wrong"})
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_sign_out(mediator_user):
    client = Client()
    client.login(username="lea", password=PASSWORD)
    client.post("/logout/")
    assert client.get("/home/").status_code == 302


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("warehouse", "/batches/"),
        ("mediator", "/referrals/"),
        ("social_worker", "/referrals/new/"),
        ("coordinator", "/referrals/"),
    ],
)
def test_every_role_lands_on_a_home_that_links_to_its_pages(role, page):
    from tests.factories import UserFactory

    user = UserFactory(**{role: True})
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    html = client.get("/home/").content.decode()
    assert f'href="{page}"' in html
    assert client.get(page).status_code == 200
