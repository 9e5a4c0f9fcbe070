"""One request of a signed-in user does a bounded amount of work (issue 19, items 4 and 5).

The attacks: a chart over 0001-01-01…9999-11-30 (11.6 MB of SVG, then a killed worker), an impact report to
9999-12-31 (OverflowError), `POST /labels` with one tag 5,000 times (11 s), an 800,000-row import with dry_run
(26 s), `/kits/labels.pdf?id=²` (ValueError).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from common.exceptions import ValidationFailed
from common.parsing import check_period, parse_day
from inventory.imports import MAX_BYTES, MAX_ROWS
from inventory.labelling import MAX_LABELS_PER_PRINT, check_label_count
from inventory.models import Device, DeviceEvent
from tests.factories import BatchFactory, DeviceFactory, LineItemFactory, valid_iccid, valid_imei

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# --- periods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "1999-12-31", "to": "2000-12-31"},
        {"from": "2010-01-01", "to": "2020-12-31"},  # eleven years
        {"from": "2026-02-30"},
    ],
)
def test_an_impact_report_over_a_wild_period_is_422_invalid_period(coordinator_api, params):
    response = coordinator_api.get("reports/impact", params)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_period"


def test_an_impact_report_over_ten_years_is_answered(coordinator_api):
    response = coordinator_api.get("reports/impact", {"from": "2011-01-01", "to": "2020-12-31"})
    assert response.status_code == 200
    assert response.json()["period"] == {"from": "2011-01-01", "to": "2020-12-31"}


@pytest.mark.parametrize("name", ["handovers", "waiting", "stock", "sims"])
@pytest.mark.parametrize(
    "params",
    [{"date_from": "0001-01-01"}, {"date_to": "9999-11-30"}, {"date_from": "2000-01-01", "date_to": "2026-01-01"}],
)
def test_a_chart_over_a_wild_period_is_refused_in_words(mediator_user, name, params):
    response = signed_in(mediator_user).get(f"/dashboard/charts/{name}.svg", params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
    assert 0 < len(response.content) < 1000


@pytest.mark.parametrize(
    "params",
    [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "2001-01-01", "date_to": "2026-01-01"}],
)
def test_the_dashboard_over_a_wild_period_says_so_and_shows_this_year(mediator_user, params):
    response = signed_in(mediator_user).get("/dashboard/", params)
    assert response.status_code == 200
    errors = [str(e) for field_errors in response.context["form"].errors.values() for e in field_errors]
    assert errors and all(error in response.content.decode() for error in errors)
    assert response.context["filters"].date_from.year == dt.date.today().year


@pytest.mark.parametrize(
    "params",
    [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "2000-01-01", "to": "2026-01-01"}],
)
def test_a_handovers_export_over_a_wild_period_is_422_invalid_period(mediator_api, params):
    response = mediator_api.get("exports/handovers.csv", params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_period"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("allocations", {"hold_before": "9999-12-31"}),
        ("audit", {"from": "9999-12-31T23:00:00"}),
        ("audit", {"to": "0001-01-01T00:00:00+01:00"}),
    ],
)
def test_a_day_out_of_range_in_the_api_is_422_invalid_day(coordinator_api, path, params):
    response = coordinator_api.get(path, params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_day"


def test_the_audit_page_refuses_a_day_out_of_range_in_words(coordinator_user):
    answer = signed_in(coordinator_user).get("/audit/", {"to": "9999-12-31"})
    assert answer.status_code == 400 and "2000-01-01" in answer.content.decode()


def test_a_batch_received_out_of_range_is_refused(warehouse_api):
    batch = BatchFactory()
    response = warehouse_api.post("batches", {"donor": batch.donor_id, "received_on": "0001-01-01"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_day"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", dt.date(2026, 3, 1)),
        (" 2000-01-01 ", dt.date(2000, 1, 1)),
        ("2100-12-31", dt.date(2100, 12, 31)),
        ("1999-12-31", None),
        ("2101-01-01", None),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("²⁰²⁶-01-01", None),
        ("2026-1-1", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_day_reads_iso_days_of_this_century_and_the_next_only(text, expected):
    assert parse_day(text) == expected


def test_a_period_of_exactly_ten_years_passes_and_one_day_more_does_not():
    check_period(dt.date(2016, 3, 1), dt.date(2026, 2, 28))
    with pytest.raises(ValidationFailed) as caught:
        check_period(dt.date(2016, 3, 1), dt.date(2026, 3, 1))
    assert caught.value.code == "invalid_period"


# --- ids -------------------------------------------------------------------------------------------


def test_kit_labels_with_a_superscript_id_is_no_server_error(mediator_user):
    response = signed_in(mediator_user).get("/kits/labels.pdf", {"id": "²"})
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/referrals/99999999999999999999/", "/kits/9223372036854775808/"])
def test_a_page_id_no_column_holds_is_404(coordinator_user, path):
    assert signed_in(coordinator_user).get(path).status_code == 404


@pytest.mark.parametrize("value", ["²", "-1", "99999999999999999999"])
def test_an_api_id_that_is_no_id_is_422_invalid_id(coordinator_api, value):
    response = coordinator_api.get("referrals", {"organisation": value})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_id"


# --- labels ----------------------------------------------------------------------------------------


def test_one_tag_repeated_beyond_the_limit_is_refused_before_any_work(mediator_api):
    device = DeviceFactory()
    response = mediator_api.post("labels", {"asset_tags": [device.asset_tag] * (MAX_LABELS_PER_PRINT + 1)})
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_labels"
    assert not DeviceEvent.objects.filter(kind="label_printed").exists()


def test_the_label_limit_is_500_repeats_included():
    check_label_count(500)
    with pytest.raises(ValidationFailed) as caught:
        check_label_count(501)
    assert caught.value.code == "too_many_labels"


def test_sim_and_shelf_labels_are_bounded_too(warehouse_api):
    item = LineItemFactory(iccid=valid_iccid(77))
    sims = warehouse_api.post("labels/sims", {"items": [item.pk] * 501})
    shelves = warehouse_api.post("labels/shelves", {"locations": ["A-01"] * 501})
    assert (sims.status_code, sims.json()["code"]) == (422, "too_many_labels")
    assert (shelves.status_code, shelves.json()["code"]) == (422, "too_many_labels")


def test_a_batch_of_more_than_500_devices_prints_in_parts(warehouse_api, warehouse_user):
    batch = BatchFactory(site=warehouse_user.site)
    Device.objects.bulk_create(
        Device(
            asset_tag=f"SDPC26-{n:04d}",
            kind="laptop",
            brand="Dell",
            site=batch.site,
            batch=batch,
            created_by=warehouse_user,
        )
        for n in range(1, 502)
    )
    response = warehouse_api.get(f"batches/{batch.pk}/labels.pdf")
    assert (response.status_code, response.json()["code"]) == (422, "too_many_labels")


def test_the_shelf_labels_page_refuses_more_than_500_bins(warehouse_user):
    response = signed_in(warehouse_user).post(
        "/labels/shelves/",
        {"locations": "\n".join(["A-01"] * 501), "site": warehouse_user.site.code, "stock": "avery_l7163", "start": 1},
    )
    assert response.status_code == 400
    assert "500" in response.content.decode()


def test_the_kit_labels_page_refuses_more_than_500_kits(mediator_user):
    response = signed_in(mediator_user).get("/kits/labels.pdf", {"id": [str(n) for n in range(1, 502)]})
    assert response.status_code == 422
    assert "500" in response.content.decode()


# --- imports ---------------------------------------------------------------------------------------


def csv_rows(count: int, kind: str = "smartphone") -> bytes:
    rows = "".join(f"{kind},Samsung,{valid_imei(n)}\n" for n in range(1, count + 1))
    return ("kind,brand,imei\n" + rows).encode()


def import_file(api, batch, content: bytes, dry_run: bool = True):
    upload = SimpleUploadedFile("devices.csv", content, "text/csv")
    return api.post_file(f"batches/{batch.pk}/devices/import", {"file": upload}, data={"dry_run": str(dry_run)})


def test_an_import_of_more_rows_than_the_limit_is_refused_before_any_row_is_checked(warehouse_api):
    # Every row is wrong: a refusal for the count, not a per-row report, shows the count came first.
    response = import_file(warehouse_api, BatchFactory(), csv_rows(MAX_ROWS + 1, kind="toaster"))
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_rows"
    assert not Device.objects.exists()


def test_an_import_at_the_row_limit_is_checked(warehouse_api):
    response = import_file(warehouse_api, BatchFactory(), csv_rows(MAX_ROWS))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["counts"]["valid"] == MAX_ROWS


def test_a_file_over_the_size_limit_is_413_before_it_is_read(warehouse_api):
    # Not even CSV: the size alone refuses it.
    response = import_file(warehouse_api, BatchFactory(), b"\x00" * (MAX_BYTES + 1), dry_run=False)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_the_batch_page_refuses_a_file_over_the_size_limit_in_words(warehouse_user):
    batch = BatchFactory(site=warehouse_user.site)
    upload = SimpleUploadedFile("devices.csv", b"kind,brand\n" + b"x" * MAX_BYTES, "text/csv")
    response = signed_in(warehouse_user).post(f"/batches/{batch.pk}/", {"import": "1", "file": upload})
    assert "1 MB" in response.content.decode() or "1 Mo" in response.content.decode()
    assert not Device.objects.exists()


# --- searches --------------------------------------------------------------------------------------


def test_a_referral_search_of_thousands_of_words_is_no_server_error(social_worker_api, mediator_user):
    # Each word was a condition (two for a social worker), in the count and in the page: 17,000 words went past
    # the 65,535 values PostgreSQL binds to one statement, 2,000 past SQLite's expression depth.
    from tests.referrals.factories import ReferralFactory

    mine = ReferralFactory(social_worker=social_worker_api.user, beneficiary__first_name="Awa")
    words = "awa " * 17_000
    response = social_worker_api.get("referrals", {"q": words})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["items"]] == [mine.pk]
    distinct = " ".join(f"w{n}" for n in range(17_000))
    assert social_worker_api.get("referrals", {"q": distinct}).status_code == 200
    assert signed_in(mediator_user).get("/referrals/", {"q": "a " * 2_000}).status_code == 200


def test_a_list_filter_of_thousands_of_values_is_no_server_error(warehouse_api, coordinator_api):
    # Each value was a bound value of the page and of its count: 40,000 distinct statuses went past what
    # PostgreSQL binds to one statement. The values count once each, and the first 50 are kept.
    ready = DeviceFactory(ready=True)
    many = ",".join(["ready", *(f"s{n}" for n in range(40_000))])
    response = warehouse_api.get("devices", {"status": many, "site": many, "kind": many, "grade": many})
    assert response.status_code == 200
    assert response.json()["items"] == []  # no device is of kind "ready"
    found = warehouse_api.get("devices", {"status": many})
    assert [d["asset_tag"] for d in found.json()["items"]] == [ready.asset_tag]
    assert coordinator_api.get("referrals", {"status": many, "site": many}).status_code == 200
    assert coordinator_api.get("allocations", {"status": many, "site": many}).status_code == 200
