"""Attacks on receipts and kit numbers (issue 19, item 9), kept as tests.

A receipt carries the full name, IMEI, ICCID and voucher code: every read of it, original or duplicate,
through the API or the pages, is a logged read of that person. Scanning a kit (`A-…`) or receipt (`R-…`)
number resolves only within the reader's scope.
"""

import pytest

from distribution.models import Handover
from referrals.models import BeneficiaryAccess
from tests.conftest import ApiClient, client_for
from tests.distribution.conftest import world  # noqa: F401  (fixture)
from tests.factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(world):  # noqa: F811
    allocation = world["api"].post("allocations", {"referral": world["referral"].pk}).json()
    world["api"].post(f"allocations/{allocation['id']}/handover", {"signed_on_paper": True})
    handover = Handover.objects.select_related("receipt", "allocation").get(allocation_id=allocation["id"])
    return {"allocation": handover.allocation, "receipt": handover.receipt}


def reads(world, user, action):  # noqa: F811
    return BeneficiaryAccess.objects.filter(referral=world["referral"], user=user, action=action).count()


# --- every receipt read is logged --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "action"), [("", "receipt"), ("?copy=original", "receipt"), ("?copy=duplicate", "receipt_duplicate")]
)
def test_reading_a_receipt_through_the_api_is_logged_as_a_read_of_the_person(world, handed, query, action):  # noqa: F811
    number = handed["receipt"].number
    for expected in (1, 2):  # each read, not once per person
        response = world["api"].get(f"receipts/{number}.pdf{query}")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert reads(world, world["mediator"], action) == expected


def test_reading_a_receipt_through_the_page_is_logged(world, handed):  # noqa: F811
    client = client_for(world["mediator"])
    response = client.get(f"/receipts/{handed['receipt'].number}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert reads(world, world["mediator"], "receipt") == 1


def test_a_coordinator_s_read_of_a_receipt_is_logged_too(world, handed):  # noqa: F811
    coordinator = UserFactory(coordinator=True, site=world["sd"])
    assert ApiClient(coordinator).get(f"receipts/{handed['receipt'].number}.pdf?copy=duplicate").status_code == 200
    assert reads(world, coordinator, "receipt_duplicate") == 1


def test_a_refused_receipt_read_logs_nothing(world, handed):  # noqa: F811
    lyon = UserFactory(mediator=True, site=world["ly"])
    assert ApiClient(lyon).get(f"receipts/{handed['receipt'].number}.pdf").status_code == 404
    assert not BeneficiaryAccess.objects.filter(user=lyon).exists()


# --- scanning kit and receipt numbers stays within scope ----------------------------------------------------


@pytest.fixture
def strangers(world):  # noqa: F811
    return {
        "sd_warehouse": world["warehouse"],
        "lyon_warehouse": UserFactory(warehouse=True, site=world["ly"]),
        "lille_mediator": UserFactory(mediator=True, site=SiteFactory(code="LI")),
    }


@pytest.mark.parametrize("who", ["sd_warehouse", "lyon_warehouse", "lille_mediator"])
@pytest.mark.parametrize("what", ["allocation", "receipt"])
def test_scanning_a_kit_or_receipt_number_outside_one_s_scope_finds_nothing(world, handed, strangers, who, what):  # noqa: F811
    code = handed["allocation"].number if what == "allocation" else handed["receipt"].number
    user = strangers[who]
    response = ApiClient(user).get(f"scan/{code}")
    assert response.status_code == 404, response.json()
    assert f"#{world['referral'].pk}" not in response.content.decode()
    page = client_for(user).get("/scan/", {"code": code})
    assert page.status_code == 200  # the scan box says nothing matched; no redirect to the kit or receipt
    body = page.content.decode()
    assert f"/kits/{handed['allocation'].pk}/" not in body and f"/receipts/{handed['receipt'].number}" not in body
    assert f"#{world['referral'].pk}" not in body


def test_the_mediator_of_the_referral_still_scans_the_kit_and_the_receipt(world, handed):  # noqa: F811
    api = world["api"]
    kit = api.get(f"scan/{handed['allocation'].number}")
    assert kit.status_code == 200 and kit.json()["type"] == "allocation"
    receipt = api.get(f"scan/{handed['receipt'].number}")
    assert receipt.status_code == 200 and receipt.json()["type"] == "receipt"
    page = client_for(world["mediator"]).get("/scan/", {"code": handed["allocation"].number})
    assert page.status_code == 302 and page["Location"] == f"/kits/{handed['allocation'].pk}/"


def test_the_workshop_reads_a_given_device_s_history_without_the_referral_behind_it(world, handed):  # noqa: F811
    history = ApiClient(world["warehouse"]).get(f"devices/{world['phone'].asset_tag}/history")
    assert history.status_code == 200
    notes = " ".join(entry["note"] for entry in history.json())
    assert handed["allocation"].number in notes  # the kit number, which the workshop cannot resolve
    assert "referral" not in notes and "orientation" not in notes
    page = client_for(world["warehouse"]).get(f"/devices/{world['phone'].asset_tag}/").content.decode()
    assert handed["allocation"].number in page
    pk = world["referral"].pk
    assert f"pour l’orientation n° {pk}" not in page and f"referral #{pk}" not in page
