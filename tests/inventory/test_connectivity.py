import datetime as dt

import pytest

from inventory import services
from inventory.models import LineItem, LineItemEvent
from tests.conftest import in_days
from tests.factories import LineItemFactory, OfferFactory, valid_iccid

pytestmark = pytest.mark.django_db


def test_create_an_offer(warehouse_api):
    response = warehouse_api.post(
        "offers",
        {
            "operator": "SFR",
            "name": "La Carte 10 Go",
            "kind": "sim",
            "data_gb": "10",
            "validity_days": 30,
            "price": "5.00",
            "unlimited_calls": True,
        },
    )
    assert response.status_code == 201
    assert response.json()["available"] == 0


def test_a_sim_delivery_is_added_whole(warehouse_api, warehouse_user):
    offer = OfferFactory()
    items = [{"iccid": valid_iccid(n), "expires_on": in_days(120).isoformat()} for n in range(5)]
    response = warehouse_api.post(f"offers/{offer.pk}/items", {"items": items})
    assert response.status_code == 201, response.json()
    assert LineItem.objects.filter(offer=offer, status="available", site__code="SD").count() == 5
    assert LineItemEvent.objects.filter(by=warehouse_user, to_status="available").count() == 5
    assert warehouse_api.get(f"offers/{offer.pk}").json()["available"] == 5


def test_one_wrong_iccid_adds_nothing(warehouse_api):
    offer = OfferFactory()
    wrong = valid_iccid(3)[:-1] + str((int(valid_iccid(3)[-1]) + 1) % 10)
    items = [
        {"iccid": valid_iccid(1), "expires_on": in_days(120).isoformat()},
        {"iccid": wrong, "expires_on": in_days(120).isoformat()},
    ]
    response = warehouse_api.post(f"offers/{offer.pk}/items", {"items": items})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"line": 2, "detail": "The ICCID check digit is wrong."}]
    assert response.json()["code"] == "validation_error"
    assert not LineItem.objects.exists()


def test_an_iccid_already_in_stock_adds_nothing(warehouse_api):
    LineItemFactory(iccid=valid_iccid(1))
    offer = OfferFactory()
    items = [
        {"iccid": valid_iccid(2), "expires_on": in_days(120).isoformat()},
        {"iccid": valid_iccid(1), "expires_on": in_days(120).isoformat()},
    ]
    response = warehouse_api.post(f"offers/{offer.pk}/items", {"items": items})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_line_item"
    assert LineItem.objects.count() == 1


def test_past_expiry_and_wrong_kind_of_item_are_refused(warehouse_api):
    offer = OfferFactory()
    past = warehouse_api.post(
        f"offers/{offer.pk}/items", {"items": [{"iccid": valid_iccid(1), "expires_on": "2020-01-01"}]}
    )
    voucher = warehouse_api.post(
        f"offers/{offer.pk}/items", {"items": [{"voucher_code": "1234", "expires_on": in_days(30).isoformat()}]}
    )
    assert past.status_code == voucher.status_code == 422
    assert past.json()["code"] == voucher.json()["code"] == "validation_error"
    assert past.json()["errors"] == [{"line": 1, "detail": "The expiry date is in the past."}]
    assert voucher.json()["errors"] == [{"line": 1, "detail": "This offer takes SIM cards: give an ICCID."}]
    assert not LineItem.objects.exists()


def test_voucher_codes_are_masked_in_every_answer(warehouse_api):
    offer = OfferFactory(kind="topup", name="Recharge 10 €")
    code = "7391 8820 1145 6672"
    created = warehouse_api.post(
        f"offers/{offer.pk}/items", {"items": [{"voucher_code": code, "expires_on": in_days(30).isoformat()}]}
    )
    assert created.status_code == 201
    item_id = created.json()[0]["id"]
    for response in (
        created,
        warehouse_api.get(f"offers/{offer.pk}/items"),
        warehouse_api.get(f"offers/{offer.pk}/items/{item_id}"),
    ):
        assert "7391 8820 1145" not in response.content.decode()
    assert created.json()[0]["voucher_code"] == "••••6672"


def test_items_are_listed_first_to_expire_first(warehouse_api):
    offer = OfferFactory()
    later = LineItemFactory(offer=offer, expires_on=in_days(270))
    sooner = LineItemFactory(offer=offer, expires_on=in_days(30))
    ids = [item["id"] for item in warehouse_api.get(f"offers/{offer.pk}/items").json()["items"]]
    assert ids == [sooner.pk, later.pk]


def test_items_past_their_date_expire_with_a_history_row():
    offer = OfferFactory()
    old = LineItemFactory(offer=offer, expires_on=dt.date(2026, 1, 1))
    LineItemFactory(offer=offer, expires_on=dt.date(2027, 1, 1))
    assert services.line_items_expire(today=dt.date(2026, 6, 1)) == 1
    old.refresh_from_db()
    assert old.status == "expired"
    assert LineItemEvent.objects.get(item=old).to_status == "expired"
