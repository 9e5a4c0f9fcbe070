"""The admin's filters read no secret and no personal field, one character at a time (issue 9, item 4)."""

import pytest
from django.contrib import admin
from django.test import Client

from common.admin import lookup_is_forbidden
from inventory.models import LineItem, mask_secret
from tests.conftest import in_days
from tests.factories import LineItemFactory, OfferFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

CODE = "73918820114566"


@pytest.fixture
def admin_client_():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(coordinator=True, is_staff=True, is_superuser=True))
    return client


def test_a_voucher_code_cannot_be_guessed_digit_by_digit(admin_client_):
    LineItemFactory(offer=OfferFactory(kind="topup"), iccid=None, voucher_code=CODE)
    right = admin_client_.get("/admin/inventory/lineitem/", {"voucher_code__startswith": CODE[:3]})
    wrong = admin_client_.get("/admin/inventory/lineitem/", {"voucher_code__startswith": "000"})
    assert right.status_code == wrong.status_code == 400
    assert right.content == wrong.content
    assert CODE[-4:] not in right.content.decode()


@pytest.mark.parametrize(
    ("url", "lookup"),
    [
        ("/admin/inventory/lineitem/", "voucher_code__regex"),
        ("/admin/inventory/lineitem/", "msisdn__startswith"),
        ("/admin/inventory/lineitemevent/", "item__voucher_code__startswith"),
        ("/admin/accounts/apitoken/", "digest__startswith"),
        ("/admin/accounts/invitation/", "digest__startswith"),
        ("/admin/accounts/user/", "email__startswith"),
        ("/admin/accounts/user/", "password__startswith"),
        ("/admin/accounts/user/", "phone__startswith"),
        ("/admin/referrals/referral/", "beneficiary__last_name__startswith"),
        ("/admin/referrals/referral/", "beneficiary__birth_year__lt"),
        ("/admin/referrals/beneficiaryaccess/", "referral__beneficiary__postal_code__startswith"),
        ("/admin/referrals/beneficiaryaccess/", "referral__beneficiary__phone__startswith"),
        ("/admin/inventory/donor/", "contact_email__startswith"),
    ],
)
def test_lookups_on_secrets_and_personal_fields_answer_400(admin_client_, url, lookup):
    ReferralFactory()
    assert admin_client_.get(url, {lookup: "1"}).status_code == 400


def test_every_admin_page_refuses_lookups_on_its_forbidden_fields(admin_client_):
    checked = 0
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for field in model._meta.get_fields():
            if lookup_is_forbidden(field.name):
                response = admin_client_.get(url, {f"{field.name}__isnull": "0"})
                assert response.status_code == 400, (url, field.name)
                checked += 1
    assert checked >= 10


def test_ordinary_filters_still_work(admin_client_):
    item = LineItemFactory()
    response = admin_client_.get("/admin/inventory/lineitem/", {"status__exact": "available"})
    assert response.status_code == 200 and item.iccid in response.content.decode()
    assert admin_client_.get("/admin/accounts/user/", {"role__exact": "warehouse"}).status_code == 200


def test_forbidden_lookups_are_found_at_any_depth():
    assert lookup_is_forbidden("digest__startswith")
    assert lookup_is_forbidden("user__tokens__digest")
    assert lookup_is_forbidden("referral__beneficiary__id")
    assert not lookup_is_forbidden("status__exact")


# --- masking and the shortest voucher code ---


@pytest.mark.parametrize("code", ["1234", "123456", "1234567"])
def test_a_voucher_code_shorter_than_eight_is_refused_at_delivery(warehouse_api, code):
    offer = OfferFactory(kind="topup", name="Recharge 10 €")
    response = warehouse_api.post(
        f"offers/{offer.pk}/items", {"items": [{"voucher_code": code, "expires_on": in_days(30).isoformat()}]}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "voucher_code_too_short"
    assert response.json()["errors"][0]["line"] == 1
    assert not LineItem.objects.exists()


def test_a_voucher_code_of_eight_is_accepted_and_masked(warehouse_api):
    offer = OfferFactory(kind="topup", name="Recharge 10 €")
    response = warehouse_api.post(
        f"offers/{offer.pk}/items", {"items": [{"voucher_code": "12345678", "expires_on": in_days(30).isoformat()}]}
    )
    assert response.status_code == 201
    assert response.json()[0]["voucher_code"] == "••••5678"


@pytest.mark.parametrize("value", ["1", "1234", "1234567"])
def test_a_masked_short_code_reveals_nothing(value):
    assert mask_secret(value) == "••••"


def test_a_masked_code_shows_only_its_last_four():
    assert mask_secret(CODE) == "••••" + CODE[-4:]
    assert mask_secret(None) is None


def test_a_voucher_item_named_in_the_admin_shows_no_short_code_whole():
    item = LineItemFactory(offer=OfferFactory(kind="topup"), iccid=None, voucher_code="4321")
    assert "4321" not in str(item)
