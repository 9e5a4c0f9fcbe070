"""GET /batches/{id}/certificate.pdf: the donor's certificate of erasure and outcome, read back from the PDF."""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from inventory.certificates import certificate_data, erasure_of, outcome_of
from inventory.models import DeviceEvent, Erasure
from tests.factories import BatchFactory, DeviceFactory, DonorFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    return " ".join(" ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document)))


def erase(device, *, result="passed", method="nist_purge", ref="BL-1", day=1, tool="Blancco Drive Eraser 7"):
    at = timezone.make_aware(dt.datetime(2026, 11, day, 10, 0))
    return Erasure.objects.create(
        device=device,
        method=method,
        tool=tool,
        operator=device.created_by,
        finished_at=at,
        result=result,
        certificate_ref=ref,
        recorded_at=at,
    )


def event(device, to_status, from_status=""):
    DeviceEvent.objects.create(
        device=device,
        by=device.created_by,
        kind="transition",
        from_status=from_status,
        to_status=to_status,
        site=device.site,
    )


@pytest.fixture
def batch():
    donor = DonorFactory(name="Entreprise Exemple SAS")
    batch = BatchFactory(donor=donor, donor_reference="BL-2026-17")
    handed = DeviceFactory.create(laptop=True, batch=batch, asset_tag="SDPC26-0001", status="handed_over")
    erase(handed, result="failed", method="nist_clear", ref="BL-F", day=1)
    erase(handed, result="passed", method="nist_purge", ref="BL-OK", day=2)
    erase(handed, result="failed", method="nist_clear", ref="BL-F2", day=3)
    event(handed, "handed_over", "reserved")
    parts = DeviceFactory(batch=batch, asset_tag="SDTE26-0002", status="parts")
    erase(parts, result="failed", method="factory_reset", ref="FR-1")
    recycled = DeviceFactory(batch=batch, asset_tag="SDTE26-0003", status="recycled")
    back = DeviceFactory(batch=batch, asset_tag="SDTE26-0004", status="diagnosed")
    event(back, "handed_over", "reserved")
    event(back, "returned", "handed_over")
    waiting = DeviceFactory(batch=batch, asset_tag="SDTE26-0005", status="received")
    DeviceFactory(asset_tag="SDTE26-0099")  # another batch's
    return batch, {"handed": handed, "parts": parts, "recycled": recycled, "back": back, "waiting": waiting}


def test_outcomes_follow_the_status_and_the_history():
    assert outcome_of("handed_over", False) == "reused"
    assert outcome_of("diagnosed", True) == "reused"
    assert outcome_of("recycled", True) == "recycled"
    assert outcome_of("parts", False) == "parts"
    assert outcome_of("ready", False) == "in_progress"


def test_the_erasure_printed_is_the_latest_passed_or_else_the_latest(batch):
    _batch, devices = batch
    assert erasure_of(list(devices["handed"].erasures.order_by("recorded_at"))).certificate_ref == "BL-OK"
    assert erasure_of(list(devices["parts"].erasures.all())).certificate_ref == "FR-1"
    assert erasure_of([]) is None


def test_certificate_data_lists_each_device_of_the_batch_with_its_erasure_and_outcome(batch):
    batch, _devices = batch
    data = certificate_data(batch.pk, language="fr")
    rows = {row.asset_tag: row for row in data.devices}
    assert sorted(rows) == ["SDPC26-0001", "SDTE26-0002", "SDTE26-0003", "SDTE26-0004", "SDTE26-0005"]
    assert data.donor == "Entreprise Exemple SAS"
    assert data.batch_reference == f"#{batch.pk} (BL-2026-17)"
    handed = rows["SDPC26-0001"]
    assert (handed.erasure_method, handed.result, handed.certificate_ref) == ("NIST 800-88 Purge", "passed", "BL-OK")
    assert handed.erased_on == dt.date(2026, 11, 2)
    assert handed.erasure_tool == "Blancco Drive Eraser 7"
    assert [rows[t].outcome for t in sorted(rows)] == ["reused", "parts", "recycled", "reused", "in_progress"]
    assert rows["SDTE26-0002"].result == "failed"
    assert rows["SDTE26-0003"].result == ""


def test_an_unknown_batch_has_no_certificate():
    assert certificate_data(999_999) is None


def test_the_pdf_names_the_donor_each_device_its_erasure_and_outcome(warehouse_api, batch):
    batch, _devices = batch
    response = warehouse_api.get(f"batches/{batch.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "Entreprise Exemple SAS" in text
    for tag in ("SDPC26-0001", "SDTE26-0002", "SDTE26-0003", "SDTE26-0004", "SDTE26-0005"):
        assert tag in text
    assert "SDTE26-0099" not in text
    for words in ("NIST 800-88 Purge", "BL-OK", "Réinitialisation", "réemployé", "pièces", "recyclé", "en cours"):
        assert words.lower() in text.lower(), words


def test_a_coordinator_certifies_a_batch_of_another_site(coordinator_api):
    batch = BatchFactory(site=SiteFactory(code="LY"), donor=DonorFactory(name="Mairie de Lyon"))
    DeviceFactory(batch=batch, site=batch.site, asset_tag="LYTE26-0001")
    response = coordinator_api.get(f"batches/{batch.pk}/certificate.pdf")
    assert response.status_code == 200
    assert "LYTE26-0001" in text_of(response.content)


@pytest.mark.parametrize("role", ["mediator", "social_worker"])
def test_mediators_and_social_workers_get_403(make_api, batch, role):
    batch, _devices = batch
    response = make_api(UserFactory(**{role: True})).get(f"batches/{batch.pk}/certificate.pdf")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_an_unknown_batch_answers_404(warehouse_api):
    response = warehouse_api.get("batches/999999/certificate.pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("count", [3, 30])
def test_the_certificate_reads_a_constant_number_of_queries(django_assert_max_num_queries, count):
    batch = BatchFactory()
    for device in DeviceFactory.create_batch(count, batch=batch):
        erase(device)
        event(device, "handed_over", "reserved")
    with django_assert_max_num_queries(3):
        data = certificate_data(batch.pk)
    assert len(data.devices) == count
    assert {row.outcome for row in data.devices} == {"reused"}
