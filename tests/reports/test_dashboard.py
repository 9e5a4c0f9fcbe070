"""The dashboard page: the report's figures, charts drawn on the server as SVG, in French, for the right people."""

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHARTS = ("handovers", "waiting", "stock", "sims")


def test_a_coordinator_sees_the_figures_and_the_charts_in_french(network):
    client = client_for(network["coordinator"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tableau de bord" in html and 'href="/dashboard/"' in html
    figures = response.context["figures"]
    assert figures["handovers"] == 4 and figures["median_days_referral_to_handover"] == 15.0
    assert "Tablette" in html  # the kind without a factor, named in French
    assert "ADEME" in html
    for name in CHARTS:
        assert f'src="/dashboard/charts/{name}.svg?' in html
    assert "<script>" not in html.split("</head>", 1)[1]


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_an_svg_without_script_or_anything_from_the_internet(network, name):
    client = client_for(network["coordinator"])
    response = client.get(f"/dashboard/charts/{name}.svg")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<script" not in svg
    assert "@import" not in svg and "url(http" not in svg and 'href="http' not in svg


def test_the_charts_speak_french_and_carry_the_figures(network):
    client = client_for(network["coordinator"])
    handovers = client.get("/dashboard/charts/handovers.svg").content.decode()
    assert "Remises par mois et par site" in handovers and "SD" in handovers and "LY" in handovers
    waiting = client.get("/dashboard/charts/waiting.svg").content.decode()
    assert "Jours entre l'orientation et la remise" in waiting or "Jours entre l’orientation et la remise" in waiting
    stock = client.get("/dashboard/charts/stock.svg").content.decode()
    assert "Réservé" in stock and "Pas encore de grade" in stock  # every status and grade is named
    sims = client.get("/dashboard/charts/sims.svg").content.decode()
    assert "Expiré" in sims and "Plus tard" in sims


def test_the_site_and_period_filters_apply(network):
    client = client_for(network["coordinator"])
    lyon = client.get("/dashboard/", {"site": "LY"}).context["figures"]
    assert lyon["handovers"] == 1
    old = client.get("/dashboard/", {"date_from": "2020-01-01", "date_to": "2020-12-31"}).context["figures"]
    assert old["handovers"] == 0


def test_a_mediator_sees_their_own_site_and_cannot_choose_another(network):
    client = client_for(network["mediator"])
    response = client.get("/dashboard/", {"site": "LY"})
    assert response.status_code == 200
    assert response.context["figures"]["site"] == "SD" and response.context["figures"]["handovers"] == 3
    assert 'name="site"' not in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_said_beside_the_field(network):
    client = client_for(network["coordinator"])
    response = client.get("/dashboard/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 200
    assert "La période se termine avant de commencer." in response.content.decode()


@pytest.mark.parametrize("role", ["social_worker", "warehouse"])
def test_other_roles_get_no_dashboard_and_no_menu_line(network, role):
    client = client_for(UserFactory(**{role: True}))
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/charts/stock.svg").status_code == 403
    assert 'href="/dashboard/"' not in client.get("/home/").content.decode()


def test_an_unknown_chart_is_404(network):
    assert client_for(network["coordinator"]).get("/dashboard/charts/nope.svg").status_code == 404


@pytest.mark.parametrize("name", CHARTS)
def test_a_chart_of_an_empty_period_says_there_is_no_data(db, name):
    client = client_for(UserFactory(coordinator=True))
    response = client.get(f"/dashboard/charts/{name}.svg", {"date_from": "2020-01-01", "date_to": "2020-01-31"})
    assert response.status_code == 200
    ET.fromstring(response.content)
