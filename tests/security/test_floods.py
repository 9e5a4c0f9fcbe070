"""One request cannot flood the history or the database with text (issue 9, item 9)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.exceptions import ValidationFailed
from inventory import services
from inventory.models import Batch, Device, DeviceEvent, Donor, LineItem
from tests.conftest import in_days
from tests.factories import BatchFactory, DeviceFactory, DonorFactory, OfferFactory, valid_iccid, valid_imei

pytestmark = pytest.mark.django_db

LONG = "x" * 2001
LONGEST = "y" * 2000


# --- POST /labels ---


def test_a_tag_repeated_prints_repeated_labels_but_records_one_event(mediator_api):
    device = DeviceFactory()
    response = mediator_api.post("labels", {"asset_tags": [device.asset_tag] * 50, "stock": "avery_l7163"})
    assert response.status_code == 200
    assert DeviceEvent.objects.filter(device=device, kind="label_printed").count() == 1


def test_each_device_of_a_print_gets_one_event(mediator_api):
    a, b = DeviceFactory(), DeviceFactory()
    tags = [a.asset_tag, b.asset_tag, a.asset_tag.lower(), b.asset_tag]
    assert mediator_api.post("labels", {"asset_tags": tags, "stock": "avery_l7163"}).status_code == 200
    assert DeviceEvent.objects.filter(kind="label_printed").count() == 2


def test_more_than_500_distinct_tags_answer_422_and_record_nothing(mediator_api):
    device = DeviceFactory()
    tags = [device.asset_tag] + [f"SDTE26-{n:05d}" for n in range(1, 501)]
    response = mediator_api.post("labels", {"asset_tags": tags, "stock": "avery_l7163"})
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_labels"
    assert not DeviceEvent.objects.exists()


def test_the_label_list_itself_is_bounded(mediator_api):
    response = mediator_api.post("labels", {"asset_tags": ["X"] * 5001})
    assert response.status_code == 422


# --- notes: donors, batches, devices ---


def test_donor_notes_are_bounded(warehouse_api):
    too_long = warehouse_api.post("donors", {"name": "Acme", "kind": "company", "notes": LONG})
    assert too_long.status_code == 422
    assert not Donor.objects.exists()
    assert warehouse_api.post("donors", {"name": "Acme", "kind": "company", "notes": LONGEST}).status_code == 201


def test_batch_notes_are_bounded(warehouse_api):
    donor = DonorFactory()
    payload = {"donor": donor.pk, "received_on": "2026-01-05"}
    assert warehouse_api.post("batches", {**payload, "notes": LONG}).status_code == 422
    assert not Batch.objects.exists()
    assert warehouse_api.post("batches", {**payload, "notes": LONGEST}).status_code == 201


def test_device_notes_are_bounded_at_registration_and_update(warehouse_api):
    phone = {"kind": "smartphone", "brand": "Samsung", "imei": valid_imei(1)}
    assert warehouse_api.post("devices", {**phone, "notes": LONG}).status_code == 422
    assert not Device.objects.exists()
    created = warehouse_api.post("devices", {**phone, "notes": LONGEST})
    assert created.status_code == 201
    tag = created.json()["asset_tag"]
    assert warehouse_api.patch(f"devices/{tag}", {"notes": LONG}).status_code == 422
    assert Device.objects.get().notes == LONGEST


def test_an_imported_row_with_over_long_notes_is_reported_and_nothing_imported(warehouse_api):
    batch = BatchFactory()
    content = f"kind,brand,imei,notes\nsmartphone,Samsung,{valid_imei(1)},{LONG}\n".encode()
    response = warehouse_api.post_file(
        f"batches/{batch.pk}/devices/import", {"file": SimpleUploadedFile("d.csv", content, "text/csv")}
    )
    assert response.status_code in (200, 422)
    assert not Device.objects.exists()
    assert "notes" in response.content.decode()


def test_the_services_bound_notes_whoever_calls_them(warehouse_user):
    with pytest.raises(ValidationFailed) as caught:
        services.donor_create(user=warehouse_user, name="Acme", kind="company", notes=LONG)
    assert caught.value.code == "too_long"
    donor = DonorFactory()
    with pytest.raises(ValidationFailed):
        services.batch_create(
            user=warehouse_user, donor=donor, site=warehouse_user.site, received_on=dt.date(2026, 1, 5), notes=LONG
        )


@pytest.mark.parametrize("model", [Donor, Batch, Device])
def test_the_models_carry_the_limit(model):
    field = model._meta.get_field("notes")
    assert field.max_length == 2000
    with pytest.raises(ValidationError):
        field.clean(LONG, None)


# --- MSISDN ---


def deliver(api, offer, **fields):
    return api.post(
        f"offers/{offer.pk}/items",
        {"items": [{"iccid": valid_iccid(1), "expires_on": in_days(30).isoformat(), **fields}]},
    )


@pytest.mark.parametrize("msisdn", ["not a number", "12", "+33 1", "06 12 34 56 78 9", "0000000000"])
def test_an_msisdn_that_is_no_phone_number_answers_422(warehouse_api, msisdn):
    response = deliver(warehouse_api, OfferFactory(), msisdn=msisdn)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_msisdn"
    assert not LineItem.objects.exists()


def test_an_over_long_msisdn_answers_422(warehouse_api):
    assert deliver(warehouse_api, OfferFactory(), msisdn="0" * 17).status_code == 422


@pytest.mark.parametrize(
    ("msisdn", "stored"),
    [("06 12 34 56 78", "+33612345678"), ("+33612345678", "+33612345678"), ("+32 470 12 34 56", "+32470123456")],
)
def test_an_msisdn_is_read_as_french_by_default_and_stored_in_international_form(warehouse_api, msisdn, stored):
    response = deliver(warehouse_api, OfferFactory(), msisdn=msisdn)
    assert response.status_code == 201, response.json()
    assert LineItem.objects.get().msisdn == stored


def test_no_msisdn_is_fine(warehouse_api):
    assert deliver(warehouse_api, OfferFactory()).status_code == 201
    assert LineItem.objects.get().msisdn == ""
