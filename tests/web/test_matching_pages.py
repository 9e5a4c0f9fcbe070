"""The allocation plan pages: propose, read the plan in words, confirm the ticked lines, print their labels."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from distribution.models import Allocation, Proposal, ProposalLine
from distribution.services import allocation_reserve
from inventory.labelling import default_stock_name
from labels.stocks import STOCKS
from referrals.models import Referral
from tests.conftest import days_ago_at_noon
from tests.distribution.conftest import ready_phone
from tests.factories import (
    BeneficiaryFactory,
    LineItemFactory,
    OfferFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)
from tests.labels.reader import code_format, scan_pdf

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def waiting(social_worker, site, kinds, days, first_name, last_name, connectivity="none", **fields):
    referral = ReferralFactory(
        social_worker=social_worker,
        site=site,
        status="accepted",
        device_kinds=kinds,
        connectivity=connectivity,
        beneficiary=BeneficiaryFactory(consent_recorded_by=social_worker, first_name=first_name, last_name=last_name),
        **fields,
    )
    Referral.objects.filter(pk=referral.pk).update(submitted_at=days_ago_at_noon(days))
    return referral


@pytest.fixture
def network(db):
    """Saint-Denis waits for a phone with a SIM and for a tablet; the only tablet is in Lyon; nobody has a desktop."""
    sd = SiteFactory(code="SD", name="Saint-Denis")
    ly = SiteFactory(code="LY", name="Lyon")
    mediator = UserFactory(mediator=True, site=sd, username="lea")
    warehouse = UserFactory(warehouse=True, site=sd)
    social = UserFactory(social_worker=True)
    amina = waiting(social, sd, ["smartphone"], 40, "Amina", "Diallo", connectivity="sim")
    jean = waiting(social, sd, ["tablet"], 10, "Jean", "Dupont")
    nora = waiting(social, sd, ["desktop"], 5, "Nora", "Benali")
    phone = ready_phone(sd, warehouse, imei=valid_imei(4242), grade="A")
    tablet = ready_phone(ly, warehouse, kind="tablet", imei=None, serial_number="TB-1", grade="B")
    offer = OfferFactory(created_by=warehouse, name="Mobicarte")
    sim = LineItemFactory(offer=offer, site=sd, expires_on=timezone.localdate() + dt.timedelta(days=300))
    return {
        "sd": sd,
        "ly": ly,
        "mediator": mediator,
        "warehouse": warehouse,
        "social": social,
        "amina": amina,
        "jean": jean,
        "nora": nora,
        "phone": phone,
        "tablet": tablet,
        "sim": sim,
    }


def propose(client, site="network") -> Proposal:
    response = client.post("/matching/", {"site": site})
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.latest("id")
    assert response.url == f"/matching/{proposal.pk}/"
    return proposal


def line_of(proposal, referral) -> ProposalLine:
    return proposal.lines.get(referral=referral)


def test_the_plan_shows_each_kit_with_french_reasons_and_only_initials(network):
    client = signed_in(network["mediator"])
    form = client.get("/matching/")
    assert form.status_code == 200
    assert "Tout le réseau" in text_of(form) and "Saint-Denis (SD)" in text_of(form)
    proposal = propose(client)
    response = client.get(f"/matching/{proposal.pk}/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Amina D." in text and "Jean D." in text and "Nora B." in text
    for last_name in ("Diallo", "Dupont", "Benali"):
        assert last_name not in text
    assert "équipement depuis Lyon" in text
    assert "attend depuis 40 jours" in text and "grade A, sur le lieu de retrait" in text
    assert "Carte SIM qui expire le" in text or "carte SIM qui expire le" in text
    assert "Aucun équipement du type demandé (ordinateur fixe) n’est prêt, sur aucun lieu" in text
    assert "Attributions proposées" in text and "Confirmer les attributions cochées" in text
    html = response.content.decode()
    boxes = re.findall(r'<input type="checkbox" name="lines" value="(\d+)"[^>]*>', html)
    assert sorted(map(int, boxes)) == sorted(proposal.lines.values_list("pk", flat=True))
    assert all("checked" in tag for tag in re.findall(r'<input type="checkbox" name="lines"[^>]*>', html))
    assert "<legend>Attributions proposées</legend>" in html
    # The English text of the planner is for the API, never the page.
    assert "same site" not in text and "waited" not in text


def test_confirming_the_ticked_lines_reserves_them_and_one_pdf_holds_their_labels(network):
    client = signed_in(network["mediator"])
    proposal = propose(client, "SD")
    amina, jean = line_of(proposal, network["amina"]), line_of(proposal, network["jean"])
    response = client.post(f"/matching/{proposal.pk}/", {"lines": [amina.pk]})
    assert response.status_code == 302 and response.url == f"/matching/{proposal.pk}/result/"
    allocation = Allocation.objects.get()
    assert allocation.referral_id == network["amina"].pk and allocation.device_id == network["phone"].pk
    assert allocation.line_item_id == network["sim"].pk
    assert Referral.objects.get(pk=network["jean"].pk).status == "accepted"
    result = client.get(response.url)
    text = text_of(result)
    assert f"réservé (kit {allocation.number})" in text
    assert "pas cochée" in text
    assert "Imprimer les étiquettes des kits réservés" in text
    labels = client.get(f"/matching/{proposal.pk}/labels.pdf")
    assert labels.status_code == 200 and labels["Content-Type"] == "application/pdf"
    stock = STOCKS[default_stock_name(network["sd"])]
    codes = [found.text for found in scan_pdf(labels.content, stock.dpi) if found.format == code_format(stock)]
    assert codes == [allocation.number]
    # Confirmed once: the plan page now shows the result.
    assert client.get(f"/matching/{proposal.pk}/").url == f"/matching/{proposal.pk}/result/"
    assert jean.pk  # left unticked, so unreserved
    assert not Allocation.objects.filter(referral=network["jean"]).exists()


def test_every_ticked_line_has_its_label_in_the_one_pdf(network):
    client = signed_in(network["mediator"])
    proposal = propose(client)
    ids = list(proposal.lines.values_list("pk", flat=True))
    assert len(ids) == 2
    client.post(f"/matching/{proposal.pk}/", {"lines": ids})
    numbers = sorted(Allocation.objects.values_list("number", flat=True))
    labels = client.get(f"/matching/{proposal.pk}/labels.pdf")
    stock = STOCKS[default_stock_name(network["sd"])]
    assert sorted(f.text for f in scan_pdf(labels.content, stock.dpi) if f.format == code_format(stock)) == numbers


def test_a_line_taken_meanwhile_is_refused_in_words(network):
    client = signed_in(network["mediator"])
    proposal = propose(client)
    # Meanwhile a colleague gives the Lyon tablet to someone else by hand.
    colleague = UserFactory(coordinator=True, site=network["ly"])
    hurry = waiting(network["social"], network["ly"], ["tablet"], 1, "Paul", "Martin")
    allocation_reserve(user=colleague, referral=hurry.pk, device=network["tablet"].asset_tag)
    ids = list(proposal.lines.values_list("pk", flat=True))
    response = client.post(f"/matching/{proposal.pk}/", {"lines": ids}, follow=True)
    text = text_of(response)
    assert "non réservé : déjà réservé entre-temps" in text
    assert "already_reserved" not in text
    amina = Allocation.objects.get(referral=network["amina"])
    assert f"réservé (kit {amina.number})" in text


def test_confirming_nothing_ticked_reserves_nothing_and_says_so(network):
    client = signed_in(network["mediator"])
    proposal = propose(client)
    response = client.post(f"/matching/{proposal.pk}/", {})
    assert response.status_code == 400
    assert "Cochez au moins une attribution" in text_of(response)
    assert not Allocation.objects.exists()
    assert Proposal.objects.get().confirmed_at is None


def test_an_expired_plan_says_so_offers_to_propose_again_and_reserves_nothing(network):
    client = signed_in(network["mediator"])
    proposal = propose(client)
    Proposal.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(f"/matching/{proposal.pk}/")
    text = text_of(page)
    assert "Ce plan n’est plus à jour" in text and "Proposer à nouveau" in text
    assert "Confirmer les attributions cochées" not in text
    assert '<input type="hidden" name="site" value="network">' in page.content.decode()
    ids = list(proposal.lines.values_list("pk", flat=True))
    stale = client.post(f"/matching/{proposal.pk}/", {"lines": ids})
    assert stale.status_code == 409 and "Ce plan n’est plus à jour" in text_of(stale)
    assert not Allocation.objects.exists()
    again = client.post("/matching/", {"site": "network"})
    assert again.status_code == 302 and Proposal.objects.count() == 2


def test_social_workers_and_warehouse_staff_get_403(network):
    proposal = propose(signed_in(network["mediator"]))
    for user in (network["social"], network["warehouse"]):
        client = signed_in(user)
        assert client.get("/matching/").status_code == 403
        assert client.post("/matching/", {"site": "network"}).status_code == 403
        assert client.get(f"/matching/{proposal.pk}/").status_code == 403
        assert client.post(f"/matching/{proposal.pk}/", {}).status_code == 403
        assert client.get(f"/matching/{proposal.pk}/labels.pdf").status_code == 403
        assert "/matching/" not in client.get("/home/").content.decode()
    assert not Allocation.objects.exists()
    assert 'href="/matching/"' in signed_in(network["mediator"]).get("/home/").content.decode()


def test_another_mediators_plan_is_not_found_and_a_mediator_plans_only_their_site(network):
    proposal = propose(signed_in(network["mediator"]))
    other = signed_in(UserFactory(mediator=True, site=network["sd"]))
    assert other.get(f"/matching/{proposal.pk}/").status_code == 404
    assert other.post(f"/matching/{proposal.pk}/", {"lines": [1]}).status_code == 404
    # Lyon is not the mediator's to plan for: the form refuses it and plans nothing.
    response = signed_in(network["mediator"]).post("/matching/", {"site": "LY"})
    assert response.status_code == 200 and Proposal.objects.count() == 1
    assert "Sélectionnez un choix valide" in text_of(response)
    nothing = signed_in(network["mediator"]).post("/matching/", {})
    assert nothing.status_code == 200 and Proposal.objects.count() == 1
    coordinator = signed_in(UserFactory(coordinator=True, site=network["sd"]))
    assert coordinator.get(f"/matching/{proposal.pk}/").status_code == 200
    assert "Lyon (LY)" in text_of(coordinator.get("/matching/"))


def test_the_plan_page_costs_a_constant_number_of_queries(network, django_assert_max_num_queries):
    client = signed_in(network["mediator"])
    for n in range(6):
        waiting(network["social"], network["sd"], ["smartphone"], 3 + n, "Zoé", f"Petit{n}")
        ready_phone(network["sd"], network["warehouse"], imei=valid_imei(5000 + n))
    proposal = propose(client)
    assert proposal.lines.count() == 8
    with django_assert_max_num_queries(12):
        assert client.get(f"/matching/{proposal.pk}/").status_code == 200
