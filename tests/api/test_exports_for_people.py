"""Exports a person reads and exports machines read (issue 21, items 4 and 5).

A person (signed in, or `?format=people`) gets headers and values in their language; in French a CSV that French
Excel and LibreOffice open in columns with numbers they can sum (`;`, decimal comma, dd/mm/yyyy, BOM). A script
(API token, or `?format=codes`) keeps the stable machine format: code headers and values, `,`, ISO 8601 with the
offset. Read back here with pandas and openpyxl, as an analyst would.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.conf import settings
from django.test import Client

from distribution.models import Handover
from tests.distribution.conftest import ready_phone, world  # noqa: F401 (a fixture)
from tests.factories import DeviceFactory, ReferralFactory, valid_imei

pytestmark = pytest.mark.django_db

HANDOVER = {
    "checklist": {"device_starts": True, "sim_tested": True, "email_account": False, "first_steps_session": True},
    "payment": "cash",
    "accessories": [],
    "signed_on_paper": True,
}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def person(user, language: str | None = "fr") -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def handed(world):  # noqa: F811
    """Two kits handed over at Saint-Denis, 5.00 € and 2.50 €."""
    second = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="sim"
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(4243))
    for referral, amount in ((world["referral"], "5.00"), (second, "2.50")):
        allocation = world["api"].post("allocations", {"referral": referral.pk}).json()
        answer = world["api"].post(f"allocations/{allocation['id']}/handover", {**HANDOVER, "contribution_eur": amount})
        assert answer.status_code == 201, answer.json()
    return world


def test_a_french_csv_opens_in_columns_and_its_amounts_sum(handed):
    raw = body(person(handed["mediator"]).get("/api/v1/exports/handovers.csv"))
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Reçu;Remis le;Type;Lieu;")
    table = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Reçu": str})
    assert table["Participation (€)"].dtype.kind == "f"
    assert table["Participation (€)"].sum() == pytest.approx(7.5)
    assert set(table["Paiement"]) == {"Espèces"}  # words, not `cash`
    assert set(table["Signé sur papier"]) == {"Oui"}
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", table["Remis le"][0])
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", table["Garantie jusqu’au"][0])
    assert "5,00" in text and "cash" not in text


def test_an_english_reader_gets_english_headers_and_words(handed):
    raw = body(person(handed["mediator"], "en").get("/api/v1/exports/handovers.csv"))
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(table.columns[:3]) == ["Receipt", "Handed over on", "Kind"]
    assert set(table["Payment"]) == {"Cash"}
    assert table["Contribution (€)"].sum() == pytest.approx(7.5)
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", table["Handed over on"][0])  # day first, 24 hours


def test_a_script_keeps_the_machine_format_with_iso_timestamps_and_their_offset(handed):
    response = handed["api"].get("exports/handovers.csv")  # an API token: codes unless asked
    raw = body(response)
    table = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"receipt_number": str})
    assert list(table.columns[:3]) == ["receipt_number", "handed_over_at", "kind"]
    assert set(table["payment"]) == {"cash"}
    assert table["contribution_eur"].sum() == pytest.approx(7.5)
    stamp = table["handed_over_at"][0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", stamp), stamp
    parsed = dt.datetime.fromisoformat(stamp)
    assert parsed.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))  # Europe/Paris
    # The very moment stored (to the second), whatever the zone it is written in.
    stored = Handover.objects.get(receipt__number=table["receipt_number"][0]).at
    assert parsed == stored.replace(microsecond=0)


def test_the_machine_format_is_asked_for_by_name_and_people_format_too(handed):
    session = person(handed["mediator"])
    codes = body(session.get("/api/v1/exports/handovers.csv", {"format": "codes"})).decode("utf-8-sig")
    assert codes.splitlines()[0].startswith("receipt_number,handed_over_at,")
    people = body(handed["api"].get("exports/handovers.csv", {"format": "people"})).decode("utf-8-sig")
    assert people.splitlines()[0].startswith(("Receipt,", "Reçu;"))
    wrong = handed["api"].get("exports/handovers.csv", {"format": "pretty"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_format"


def test_the_device_export_speaks_words_for_people_and_codes_for_machines(warehouse_user, warehouse_api):
    DeviceFactory(asset_tag="SDTE26-0001", ready=True, storage_type="emmc")
    people = pd.read_csv(
        io.BytesIO(body(person(warehouse_user).get("/api/v1/exports/devices.csv"))), sep=";", encoding="utf-8-sig"
    )
    assert people["N° d’inventaire"][0] == "SDTE26-0001"
    assert people["Statut"][0] == "Prêt" and people["Type"][0] == "Smartphone"
    machine = pd.read_csv(io.BytesIO(body(warehouse_api.get("exports/devices.csv"))), encoding="utf-8-sig")
    assert machine.columns[0] == "asset_tag"  # the contract: GET /exports/devices.csv has an asset_tag header
    assert (machine["status"][0], machine["kind"][0], machine["storage_type"][0]) == ("ready", "smartphone", "emmc")


def test_the_xlsx_has_widths_a_filter_dates_as_dates_and_numbers_as_numbers(handed):
    raw = body(person(handed["mediator"]).get("/api/v1/exports/handovers.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Reçu", "Remis le", "Type"]
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}3"
    assert sheet.freeze_panes == "A2"
    column = {header: openpyxl.utils.get_column_letter(i + 1) for i, header in enumerate(headers)}
    at = sheet[f"{column['Remis le']}2"]
    assert isinstance(at.value, dt.datetime) and at.number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions[column["Remis le"]].width >= 16  # no ####
    assert sheet.column_dimensions[column["Structure partenaire"]].width >= len("CCAS de Saint-Denis")
    amount = sheet[f"{column['Participation (€)']}2"]
    assert amount.data_type == "n" and Decimal(str(amount.value)) in (Decimal("5"), Decimal("2.5"))
    warranty = sheet[f"{column['Garantie jusqu’au']}2"]
    assert isinstance(warranty.value, dt.datetime) and warranty.number_format == "dd/mm/yyyy"
    table = pd.read_excel(io.BytesIO(raw))
    assert table["Participation (€)"].sum() == pytest.approx(7.5)
    assert set(table["Paiement"]) == {"Espèces"}


def test_the_machine_xlsx_keeps_codes_and_iso_dates(handed):
    raw = body(handed["api"].get("exports/handovers.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "receipt_number" and sheet.auto_filter.ref
    column = {header: openpyxl.utils.get_column_letter(i + 1) for i, header in enumerate(headers)}
    assert sheet[f"{column['payment']}2"].value == "cash"
    assert sheet[f"{column['handed_over_at']}2"].number_format == "yyyy-mm-dd hh:mm:ss"
