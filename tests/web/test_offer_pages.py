import pytest

from inventory.models import LineItem
from tests.conftest import client_for, in_days
from tests.factories import LineItemFactory, OfferFactory, valid_iccid

pytestmark = pytest.mark.django_db


def test_a_delivery_of_scanned_iccids_is_added_whole(warehouse_user):
    offer = OfferFactory()
    codes = "\n".join(valid_iccid(n) for n in range(3)) + "\n\n"
    response = client_for(warehouse_user).post(
        f"/offers/{offer.pk}/", {"codes": codes, "expires_on": in_days(180).isoformat(), "site": "SD"}, follow=True
    )
    assert LineItem.objects.filter(offer=offer, status="available").count() == 3
    assert "3 ajoutés au stock" in response.content.decode()


def test_one_wrong_line_adds_nothing_and_says_which(warehouse_user):
    offer = OfferFactory()
    codes = f"{valid_iccid(1)}\n8933010000000000001\n"
    html = (
        client_for(warehouse_user)
        .post(f"/offers/{offer.pk}/", {"codes": codes, "expires_on": in_days(180).isoformat(), "site": "SD"})
        .content.decode()
    )
    assert "Ligne 2" in html and "La clé de contrôle de l’ICCID est fausse" in html
    assert not LineItem.objects.exists()


def test_voucher_codes_stay_masked_on_the_page(warehouse_user):
    offer = OfferFactory(kind="topup")
    LineItemFactory(offer=offer, iccid=None, voucher_code="55512345678")
    html = client_for(warehouse_user).get(f"/offers/{offer.pk}/").content.decode()
    assert "••••5678" in html and "55512345678" not in html


def test_mediators_see_the_stock_but_receive_no_delivery(mediator_user):
    offer = OfferFactory()
    client = client_for(mediator_user)
    assert client.get("/offers/").status_code == 200
    response = client.post(
        f"/offers/{offer.pk}/", {"codes": valid_iccid(1), "expires_on": in_days(180).isoformat(), "site": "SD"}
    )
    assert response.status_code == 403 and not LineItem.objects.exists()
