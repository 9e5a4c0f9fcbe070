"""A coordinator's French CSV opened by LibreOffice Calc in French sums its amounts (issue 21, "done when").

LibreOffice (headless, Debian's libreoffice-calc-nogui) imports the file as a French user's Calc does — `;`, UTF-8,
French locale, special numbers detected — and converts it to XLSX; the amounts must come back as numbers and the
dates as dates. Skips without LibreOffice in `make test`; CI installs it and sets BAGAGE_REQUIRE_LIBREOFFICE=1.
"""

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from django.conf import settings
from django.test import Client

from tests.api.test_exports_for_people import HANDOVER
from tests.conftest import require_or_skip
from tests.distribution.conftest import ready_phone, world  # noqa: F401 (a fixture)
from tests.factories import ReferralFactory, UserFactory, valid_imei

pytestmark = pytest.mark.django_db

# Field separator ';' (59), text delimiter '"' (34), UTF-8 (76), from line 1, default column types, French (1036),
# quoted fields not forced to text, special numbers (dates, decimal commas) detected: Calc's CSV dialog in French.
FRENCH_CALC = "CSV:59,34,76,1,,1036,false,true"


def calc_reads(csv_bytes: bytes, tmp_path) -> list[tuple]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        require_or_skip(
            "BAGAGE_REQUIRE_LIBREOFFICE", "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
        )
    source = tmp_path / "export.csv"
    source.write_bytes(csv_bytes)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--norestore",
            f"--infilter={FRENCH_CALC}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sheet = openpyxl.load_workbook(tmp_path / "export.xlsx").worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_a_coordinators_french_csv_sums_its_amounts_in_libreoffice(world, tmp_path):  # noqa: F811
    second = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="sim"
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(4243))
    for referral, amount in ((world["referral"], "5.00"), (second, "2.50")):
        allocation = world["api"].post("allocations", {"referral": referral.pk}).json()
        handover = {**HANDOVER, "contribution_eur": amount}
        assert world["api"].post(f"allocations/{allocation['id']}/handover", handover).status_code == 201
    coordinator = Client()
    coordinator.force_login(UserFactory(coordinator=True))
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    raw = b"".join(coordinator.get("/api/v1/exports/handovers.csv").streaming_content)
    rows = calc_reads(raw, tmp_path)
    headers, data = rows[0], rows[1:]
    amounts = [row[headers.index("Participation (€)")] for row in data]
    assert all(isinstance(amount, int | float) for amount in amounts), amounts
    assert sum(amounts) == pytest.approx(7.5)
    assert all(isinstance(row[headers.index("Remis le")], dt.datetime) for row in data)
    assert {row[headers.index("Paiement")] for row in data} == {"Espèces"}


def test_the_machine_csv_is_not_what_french_calc_sums(world, tmp_path):  # noqa: F811
    """The check is no formality: the machine format (`,`, decimal point) lands in one column in French Calc."""
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    handover = {**HANDOVER, "contribution_eur": "5.00"}
    assert world["api"].post(f"allocations/{allocation['id']}/handover", handover).status_code == 201
    raw = b"".join(world["api"].get("exports/handovers.csv").streaming_content)
    rows = calc_reads(raw, tmp_path)
    assert "Participation (€)" not in rows[0] and len([cell for cell in rows[0] if cell]) == 1
