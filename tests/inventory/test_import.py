import pytest

from inventory.models import Device, DeviceEvent
from tests.factories import BatchFactory, DeviceFactory, valid_imei

pytestmark = pytest.mark.django_db

UTF8_CSV = (
    "kind,brand,model,serial_number,imei,ram_gb,storage_gb,storage_type,cpu_mark,os,location\n"
    f"smartphone,Samsung,Galaxy A52,,{valid_imei(1)},6,128,emmc,,Android 14,A-01\n"
    f"smartphone,Apple,iPhone 11,,{valid_imei(2)},4,64,,,iOS 17,A-01\n"
    "laptop,Lenovo,ThinkPad T480,PF1AAA,,8,256,ssd,6100,Windows 11,B-03\n"
)

FRENCH_EXCEL_CSV = (
    "Type;Marque;Modèle;N° de série;IMEI;RAM (Go);Stockage (Go);Type de stockage;Remarques\r\n"
    "Ordinateur portable;Dell;Latitude 5490;7XK2Q13;;8;256;SSD;Écran rayé\r\n"
    f"Téléphone;Xiaomi;Redmi Note 9;;{valid_imei(3)};3;64;emmc;Coque fêlée\r\n"
).encode("cp1252")


def upload(api, batch, content, dry_run=False, name="devices.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"dry_run": "true"} if dry_run else {}
    return api.post_file(
        f"batches/{batch.pk}/devices/import", {"file": SimpleUploadedFile(name, content, "text/csv")}, data
    )


def test_utf8_comma_file_imports_every_row(warehouse_api):
    batch = BatchFactory()
    response = upload(warehouse_api, batch, UTF8_CSV.encode())
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["counts"]["created"] == 3
    assert [row["line"] for row in report["rows"]] == [2, 3, 4]
    assert set(Device.objects.values_list("asset_tag", flat=True)) == {row["asset_tag"] for row in report["rows"]}
    assert Device.objects.filter(batch=batch, site=batch.site).count() == 3
    assert DeviceEvent.objects.filter(kind="registered").count() == 3


def test_excel_french_export_imports_with_french_headers_and_accents(warehouse_api):
    batch = BatchFactory()
    response = upload(warehouse_api, batch, FRENCH_EXCEL_CSV)
    assert response.status_code == 200, response.json()
    laptop = Device.objects.get(serial_number="7XK2Q13")
    assert (laptop.kind, laptop.storage_type, laptop.notes) == ("laptop", "ssd", "Écran rayé")
    assert Device.objects.get(imei=valid_imei(3)).kind == "smartphone"


def test_dry_run_reports_and_writes_nothing(warehouse_api):
    response = upload(warehouse_api, BatchFactory(), UTF8_CSV.encode(), dry_run=True)
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["counts"]["valid"] == 3
    assert not Device.objects.exists()


def test_one_wrong_row_imports_nothing_and_reports_it(warehouse_api):
    bad = UTF8_CSV + "tablet,,iPad,SN9,,,,,,,\n" + f"smartphone,Nokia,3310,,{valid_imei(1)},,,,,,\n"
    response = upload(warehouse_api, BatchFactory(), bad.encode())
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_rejected"
    assert "2 of 5 rows" in body["detail"]
    rows = {row["line"]: row for row in body["report"]["rows"]}
    assert rows[5]["errors"] == {"brand": "The brand is required."}
    assert rows[6]["errors"] == {"duplicate": "Same device as line 2."}
    assert not Device.objects.exists()


def test_importing_the_same_file_twice_creates_no_duplicate(warehouse_api):
    batch = BatchFactory()
    first = upload(warehouse_api, batch, UTF8_CSV.encode()).json()
    second = upload(warehouse_api, batch, UTF8_CSV.encode())
    assert second.status_code == 200
    assert second.json()["counts"]["already_imported"] == 3
    assert [r["asset_tag"] for r in second.json()["rows"]] == [r["asset_tag"] for r in first["rows"]]
    assert Device.objects.count() == 3


def test_a_device_of_another_batch_is_an_error(warehouse_api):
    existing = DeviceFactory(imei=valid_imei(1))
    response = upload(warehouse_api, BatchFactory(), UTF8_CSV.encode())
    assert response.status_code == 422
    assert existing.asset_tag in response.json()["report"]["rows"][0]["errors"]["duplicate"]


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty_file"), (b"kind,colour\nlaptop,red\n", "unknown_columns"), (b"model\nT480\n", "missing_columns")],
)
def test_unreadable_files_are_refused(warehouse_api, content, code):
    response = upload(warehouse_api, BatchFactory(), content)
    assert response.status_code == 422
    assert response.json()["code"] == code


def test_mediators_cannot_import(mediator_api):
    assert upload(mediator_api, BatchFactory(), UTF8_CSV.encode()).status_code == 403
    assert not Device.objects.exists()
