"""GET /exports/{devices|referrals}.{csv|xlsx}: streamed, neutralised, pseudonymised unless a coordinator asks."""

import csv
import io

import openpyxl
import pytest

from common.exports import neutralise
from referrals.models import BeneficiaryAccess
from referrals.selectors import beneficiary_pseudonym
from tests.factories import BeneficiaryFactory, DeviceFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(response, sep=",") -> list[dict]:
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=sep))


def read_xlsx(response) -> list[dict]:
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    headers = rows[0]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


# Devices


def test_device_csv_has_asset_tag_first_and_a_bom(warehouse_api):
    DeviceFactory(asset_tag="SDTE26-0001", brand="Samsung")
    response = warehouse_api.get("exports/devices.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0])[0] == "asset_tag"
    assert rows[0]["asset_tag"] == "SDTE26-0001"
    assert rows[0]["site"] == "SD"
    assert rows[0]["brand"] == "Samsung"


def test_device_csv_with_semicolons_for_excel_in_french(warehouse_api):
    DeviceFactory(asset_tag="SDTE26-0001", model="Galaxy A52, 128 Go")
    raw = body(warehouse_api.get("exports/devices.csv", {"sep": ";"})).decode("utf-8-sig")
    header = raw.splitlines()[0]
    assert header.startswith("asset_tag;kind;brand;")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    assert rows[0]["model"] == "Galaxy A52, 128 Go"


def test_an_unknown_separator_is_refused_with_a_code(warehouse_api):
    response = warehouse_api.get("exports/devices.csv", {"sep": "|"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_separator"


def test_an_unknown_format_is_refused(warehouse_api):
    response = warehouse_api.get("exports/devices.pdf")
    assert response.status_code in (404, 422)
    assert "code" in response.json()


def test_device_export_applies_the_list_filters(warehouse_api):
    DeviceFactory(asset_tag="SDTE26-0001", ready=True)
    DeviceFactory(asset_tag="SDTE26-0002", status="received")
    DeviceFactory.create(laptop=True, asset_tag="SDPC26-0003", ready=True, grade="A")
    tags = lambda params: [r["asset_tag"] for r in read_csv(warehouse_api.get("exports/devices.csv", params))]  # noqa: E731
    assert tags({"status": "ready"}) == ["SDTE26-0001", "SDPC26-0003"]
    assert tags({"status": "ready", "kind": "laptop"}) == ["SDPC26-0003"]
    assert tags({"grade": "b"}) == ["SDTE26-0001"]
    assert tags({"q": "0002"}) == ["SDTE26-0002"]
    assert tags({"site": "LY"}) == []


def test_cells_a_spreadsheet_would_run_are_neutralised(warehouse_api):
    DeviceFactory(asset_tag="SDTE26-0001", brand='=HYPERLINK("http://evil")', model="+33 cmd|' /C calc'!A0")
    DeviceFactory(asset_tag="SDTE26-0002", brand="@SUM(A1)", model="-2+3", location="\tTAB")
    by_tag = {row["asset_tag"]: row for row in read_csv(warehouse_api.get("exports/devices.csv"))}
    assert by_tag["SDTE26-0001"]["brand"] == '\'=HYPERLINK("http://evil")'
    assert by_tag["SDTE26-0001"]["model"] == "'+33 cmd|' /C calc'!A0"
    assert by_tag["SDTE26-0002"]["brand"] == "'@SUM(A1)"
    assert by_tag["SDTE26-0002"]["model"] == "'-2+3"
    assert by_tag["SDTE26-0002"]["location"] == "'\tTAB"


def test_xlsx_writes_text_as_text_without_a_quote(warehouse_api):
    """A string cell is never run by a spreadsheet: the value is kept exactly (tests/security/test_csv_formulas.py)."""
    DeviceFactory(asset_tag="SDTE26-0001", brand='=HYPERLINK("http://evil")', model="-2+3")
    rows = read_xlsx(warehouse_api.get("exports/devices.xlsx"))
    assert (rows[0]["brand"], rows[0]["model"]) == ('=HYPERLINK("http://evil")', "-2+3")


def test_neutralise_leaves_plain_text_and_numbers_alone():
    assert neutralise("Samsung") == "Samsung"
    assert neutralise(-3) == -3
    assert neutralise("\rx") == "'\rx"
    assert neutralise(["laptop", "smartphone"]) == "laptop|smartphone"
    assert neutralise(None) is None


def test_device_xlsx_reads_back_with_typed_cells(warehouse_api):
    DeviceFactory.create(laptop=True, asset_tag="SDPC26-0001", ram_gb=16)
    response = warehouse_api.get("exports/devices.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = read_xlsx(response)
    assert rows[0]["asset_tag"] == "SDPC26-0001"
    assert rows[0]["ram_gb"] == 16
    assert rows[0]["imei"] is None
    assert rows[0]["created_at"].year >= 2026


def test_social_workers_cannot_export_devices(social_worker_api):
    response = social_worker_api.get("exports/devices.csv")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_anonymous_cannot_export(anon_api):
    assert anon_api.get("exports/devices.csv").status_code == 401


@pytest.mark.parametrize("count", [3, 30])
def test_device_export_runs_a_constant_number_of_queries(warehouse_api, django_assert_max_num_queries, count):
    DeviceFactory.create_batch(count)
    for fmt in ("csv", "xlsx"):
        # Authentication (token, user) and the export's one SELECT.
        with django_assert_max_num_queries(4):
            response = warehouse_api.get(f"exports/devices.{fmt}")
            content = body(response)
        assert len(content) > 100


# Referrals


def pseudonyms(referrals) -> list[str]:
    return [beneficiary_pseudonym(referral.beneficiary_id) for referral in referrals]


@pytest.fixture
def referrals(mediator_user):
    social_worker = UserFactory(social_worker=True)
    here = ReferralFactory.create_batch(
        2, social_worker=social_worker, beneficiary__first_name="Amina", beneficiary__email="amina@example.org"
    )
    elsewhere = ReferralFactory(social_worker=social_worker, site=SiteFactory(code="LY"))
    return here, elsewhere


def test_referral_export_is_pseudonymised_by_default(coordinator_api, referrals):
    here, elsewhere = referrals
    raw = body(coordinator_api.get("exports/referrals.csv"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["beneficiary"] for r in rows] == pseudonyms([here[0], here[1], elsewhere])
    assert "id" not in rows[0] and "referral" not in rows[0]
    assert rows[0]["beneficiary"] != rows[1]["beneficiary"]
    assert rows[0]["department"] == "93"
    text = raw.decode("utf-8-sig")
    for secret in ("Amina", "Diallo", "amina@example.org", "+3361234"):
        assert secret not in text
    assert "first_name" not in rows[0]
    assert not BeneficiaryAccess.objects.exists()


def test_the_pseudonym_is_stable_across_exports(coordinator_api, referrals):
    first = body(coordinator_api.get("exports/referrals.csv"))
    second = body(coordinator_api.get("exports/referrals.csv"))
    assert first == second


def test_a_coordinator_may_export_names_and_each_row_is_logged(coordinator_api, coordinator_user, referrals):
    here, elsewhere = referrals
    rows = read_xlsx(coordinator_api.get("exports/referrals.xlsx", {"names": "1"}))
    assert rows[0]["first_name"] == "Amina"
    assert rows[0]["last_name"] == here[0].beneficiary.last_name
    assert rows[0]["email"] == "amina@example.org"
    logged = BeneficiaryAccess.objects.filter(user=coordinator_user, action="export")
    assert sorted(logged.values_list("referral_id", flat=True)) == sorted([here[0].pk, here[1].pk, elsewhere.pk])


def test_a_mediator_exports_only_their_site_and_never_names(mediator_api, referrals):
    here, _elsewhere = referrals
    rows = read_csv(mediator_api.get("exports/referrals.csv"))
    assert [r["beneficiary"] for r in rows] == pseudonyms([here[0], here[1]])
    response = mediator_api.get("exports/referrals.csv", {"names": "1"})
    assert response.status_code == 403
    assert not BeneficiaryAccess.objects.exists()


def test_referral_export_applies_the_list_filters(coordinator_api, referrals):
    here, elsewhere = referrals
    ids = lambda params: [r["beneficiary"] for r in read_csv(coordinator_api.get("exports/referrals.csv", params))]  # noqa: E731
    assert ids({"site": "LY"}) == pseudonyms([elsewhere])
    assert ids({"status": "accepted"}) == []
    assert ids({"organisation": here[0].organisation_id}) == pseudonyms([here[0], here[1], elsewhere])
    assert ids({"urgency": "high"}) == []


def test_social_workers_cannot_export_referrals(social_worker_api, referrals):
    response = social_worker_api.get("exports/referrals.csv")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("count", [3, 30])
def test_referral_export_with_names_runs_a_constant_number_of_queries(
    coordinator_api, django_assert_max_num_queries, count
):
    social_worker = UserFactory(social_worker=True)
    for _ in range(count):
        ReferralFactory(social_worker=social_worker, beneficiary=BeneficiaryFactory(consent_recorded_by=social_worker))
    # Authentication, the ids, one INSERT of the log (and savepoints), the export's SELECT.
    with django_assert_max_num_queries(8):
        content = body(coordinator_api.get("exports/referrals.csv", {"names": "1"}))
    assert content.count(b"\r\n") == count + 1


def test_the_export_pseudonym_changes_with_the_secret_key(coordinator_user, referrals, settings):
    """Keyed (HMAC of the server's SECRET_KEY): another deployment, or a leaked export, cannot recompute it."""
    import hashlib
    import hmac

    from django.test import Client

    def pseudonyms(key: str) -> list[str]:
        settings.SECRET_KEY = key
        client = Client()
        client.force_login(coordinator_user)  # signed in under this key
        return [
            row["beneficiary"] for row in read_csv(client.get("/api/v1/exports/referrals.csv", {"format": "codes"}))
        ]

    first, second = pseudonyms("k" * 50), pseudonyms("other-key-" * 5)
    assert len(first) == 3 and all(name.startswith("B-") for name in first + second)
    assert all(a != b for a, b in zip(first, second, strict=True))
    person = referrals[0][0].beneficiary_id
    expected = hmac.new(b"k" * 50, f"beneficiary:{person}".encode(), hashlib.sha256).hexdigest()[:16]
    assert first[0] == f"B-{expected}"
