import datetime as dt

import pytest
from django.utils import timezone

from inventory.models import DeviceEvent, Erasure
from labels.stocks import STOCKS
from tests.factories import BatchFactory, DeviceFactory, LineItemFactory, SiteFactory
from tests.labels.reader import code_format, scan_pdf, text_boxes_mm

pytestmark = pytest.mark.django_db


def test_one_device_label_scans_back_and_is_recorded(warehouse_api, warehouse_user):
    device = DeviceFactory(grade="A")
    Erasure.objects.create(
        device=device,
        method="nist_purge",
        tool="Blancco",
        operator=warehouse_user,
        result="passed",
        finished_at=timezone.make_aware(dt.datetime(2026, 11, 20, 10)),
    )
    response = warehouse_api.get(f"devices/{device.asset_tag}/label.pdf", {"stock": "dymo_99012"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    codes = [s.text for s in scan_pdf(response.content, 300) if s.format == "Code128"]
    assert codes == [device.asset_tag]
    text = "".join(box[0] for box in text_boxes_mm(response.content))
    assert "Effacéle20/11/2026" in text and "GradeA" in text
    event = DeviceEvent.objects.get(device=device)
    assert (event.kind, event.by, event.note) == ("label_printed", warehouse_user, "dymo_99012")


def test_a_sites_default_stock_is_a_setting(warehouse_api, settings):
    settings.BAGAGE_LABEL_STOCK_BY_SITE = {"SD": "avery_l7651"}
    device = DeviceFactory()
    response = warehouse_api.get(f"devices/{device.asset_tag}/label.pdf")
    assert DeviceEvent.objects.get(device=device).note == "avery_l7651"
    assert [s.text for s in scan_pdf(response.content, 300)] == [device.asset_tag]


def test_a_batch_prints_as_one_pdf_on_every_stock(warehouse_api):
    batch = BatchFactory()
    devices = DeviceFactory.create_batch(5, batch=batch)
    for name, stock in STOCKS.items():
        response = warehouse_api.get(f"batches/{batch.pk}/labels.pdf", {"stock": name})
        assert response.status_code == 200, name
        codes = sorted(s.text for s in scan_pdf(response.content, stock.dpi) if s.format == code_format(stock))
        assert codes == sorted(d.asset_tag for d in devices), name


def test_post_labels_prints_the_tags_given_from_start(warehouse_api):
    devices = DeviceFactory.create_batch(3)
    response = warehouse_api.post(
        "labels", {"asset_tags": [d.asset_tag.lower() for d in devices], "stock": "avery_l7163", "start": 3}
    )
    assert response.status_code == 200
    stock = STOCKS["avery_l7163"]
    found = {s.text: s for s in scan_pdf(response.content, stock.dpi)}
    left, top = stock.cell_origin_mm(3)
    first = found[devices[0].asset_tag]
    assert left < first.x_mm < left + stock.label_width_mm and top < first.y_mm < top + stock.label_height_mm
    assert DeviceEvent.objects.filter(kind="label_printed").count() == 3


def test_an_unknown_tag_prints_nothing_and_records_nothing(warehouse_api):
    device = DeviceFactory()
    response = warehouse_api.post("labels", {"asset_tags": [device.asset_tag, "SDTE26-9999"]})
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_asset_tags" and response.json()["missing"] == ["SDTE26-9999"]
    assert not DeviceEvent.objects.exists()


@pytest.mark.parametrize(
    ("query", "code"),
    [({"stock": "laser_a3"}, "unknown_stock"), ({"stock": "avery_l7163", "start": 15}, "invalid_start")],
)
def test_bad_stock_or_start_answers_422(warehouse_api, query, code):
    batch = BatchFactory()
    DeviceFactory(batch=batch)
    response = warehouse_api.get(f"batches/{batch.pk}/labels.pdf", query)
    assert response.status_code == 422 and response.json()["code"] == code


def test_zpl_label(warehouse_api):
    device = DeviceFactory()
    response = warehouse_api.get(f"devices/{device.asset_tag}/label.zpl")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("^XA") and f"^FD{device.asset_tag}^FS" in body and "^PW812" in body
    assert warehouse_api.get(f"devices/{device.asset_tag}/label.zpl", {"stock": "avery_l7163"}).status_code == 422


def test_sim_and_shelf_labels(warehouse_api):
    SiteFactory(code="SD")
    item = LineItemFactory()
    sims = warehouse_api.post("labels/sims", {"items": [item.pk], "stock": "brother_62x29"})
    assert [s.text for s in scan_pdf(sims.content, 300)] == [item.iccid]
    shelves = warehouse_api.post("labels/shelves", {"locations": ["a-01", "B-07"], "stock": "avery_l7651"})
    assert sorted(s.text for s in scan_pdf(shelves.content, 300)) == ["A-01", "B-07"]


def test_labels_never_carry_personal_data(warehouse_api, social_worker_user):
    device = DeviceFactory(notes="Pour Mme Dupont, 06 12 34 56 78")
    response = warehouse_api.get(f"devices/{device.asset_tag}/label.pdf")
    text = "".join(box[0] for box in text_boxes_mm(response.content))
    assert "Dupont" not in text and "0612" not in text


def test_mediators_print_and_social_workers_cannot(mediator_api, social_worker_api):
    device = DeviceFactory()
    assert mediator_api.get(f"devices/{device.asset_tag}/label.pdf").status_code == 200
    assert social_worker_api.get(f"devices/{device.asset_tag}/label.pdf").status_code == 403


@pytest.mark.parametrize("location", ["µ-01", "", "A" * 41, "B\u0301-07"])
def test_a_shelf_location_a_barcode_cannot_carry_answers_422(warehouse_api, location):
    response = warehouse_api.post("labels/shelves", {"locations": [location]})
    assert response.status_code == 422 and response.json()["code"] == "invalid_location"


def test_the_renderer_refuses_text_code_128_cannot_carry():
    from labels.data import ShelfLabel
    from labels.layout import UnencodableBarcode
    from labels.pdf import render_pdf

    with pytest.raises(UnencodableBarcode):
        render_pdf([ShelfLabel("Μ-01")], STOCKS["brother_62x29"])
