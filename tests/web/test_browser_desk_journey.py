"""The mediator's day at the desk on a tablet (issue 22, item 8, the mediator's part), in Chromium at 820 px:
accept, reserve, hand over, then top up, swap with the person present, and give a repaired device back.

Every page is looked at: no 5xx, no text clipped in its box, nothing wider than the screen, the expected words.
The pages are read in English: the French words of the new desk strings come with the catalogue, redone at the end.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from distribution.models import Allocation, Handover
from distribution.selectors import add_months
from inventory import services as inventory
from referrals.models import ReferralEvent
from tests.browser import TABLET, no_server_errors, page  # noqa: F401  (fixture)
from tests.browser import look as shared_look
from tests.distribution.conftest import ready_phone
from tests.factories import (
    PASSWORD,
    BeneficiaryFactory,
    LineItemFactory,
    OfferFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look(page, name: str, *words: str) -> None:  # noqa: F811
    """The page as the mediator sees it on the tablet, and on a phone (a screenshot at each width)."""
    shared_look(page, f"desk-{name}", *words, widths=(390,))


def hand_over_signed_on_paper(page, name: str, *words: str) -> str:  # noqa: F811
    page.wait_for_url(re.compile(r"/kits/\d+/handover/$"))
    look(page, name, "Check who takes the kit", "Amina Diallo", *words)
    page.get_by_label("Signed on paper").check()
    page.get_by_role("button", name="Hand over and print the receipt").click()
    page.wait_for_url(re.compile(r"/receipts/R-\d{4}-\d{6}/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def workshop_repairs(device, warehouse) -> None:
    """The workshop's part, through its own services: diagnosed, wiped again, refurbished, ready."""
    inventory.device_transition(user=warehouse, device=device.asset_tag, to="diagnosed", note="écran remplacé")
    inventory.erasure_record(
        user=warehouse,
        device=device.asset_tag,
        method="factory_reset",
        tool="Android recovery",
        result="passed",
        finished_at=timezone.now(),
    )
    for to in ("wiped", "refurbished", "ready"):
        inventory.device_transition(user=warehouse, device=device.asset_tag, to=to)


def test_a_mediator_s_day_at_the_desk_on_a_tablet(page, live_server):  # noqa: F811
    sd = SiteFactory(code="SD", name="Saint-Denis")
    UserFactory(mediator=True, site=sd, username="lea", first_name="Léa", last_name="Martin")
    warehouse = UserFactory(warehouse=True, site=sd)
    person = BeneficiaryFactory(first_name="Amina", last_name="Diallo")
    referral = ReferralFactory(
        site=sd, status="submitted", connectivity="sim", beneficiary=person, device_kinds=["smartphone"]
    )
    phone = ready_phone(sd, warehouse, imei=valid_imei(4242), grade="A")
    spare = ready_phone(sd, warehouse, imei=valid_imei(4243), grade="B")
    offer = OfferFactory(created_by=warehouse)
    today = timezone.localdate()
    for days in (300, 200, 100):
        LineItemFactory(offer=offer, site=sd, expires_on=today + dt.timedelta(days=days))

    failures = no_server_errors(page)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_viewport_size(TABLET)
    page.goto(live_server.url + "/")
    page.get_by_label("Username").fill("lea")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home/")

    # Accept, reserve, hand over.
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("link", name="Reserve a kit").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/kit/")
    page.get_by_role("button", name="Reserve").click()
    page.wait_for_url(re.compile(r"/kits/\d+/$"))
    look(page, "kit-held", "Held for pickup", phone.asset_tag)
    page.get_by_role("link", name="Hand the kit over").click()
    page.get_by_label("The device starts").check()
    first_receipt = hand_over_signed_on_paper(page, "handover-kit", "First steps", phone.asset_tag)

    # A top-up: offered on the referral page, the first to expire proposed, another one taken.
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    look(page, "referral-equipped", "After the handover", "Support period until", first_receipt)
    page.get_by_test_id("topup").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/topup/")
    choices = page.get_by_role("group", name="Connectivity").get_by_role("radio")
    assert choices.count() == 2 and choices.first.is_checked()
    look(page, "topup", "A. D.", "first to expire", "Reserve and hand over")
    choices.nth(1).check()
    page.get_by_role("button", name="Reserve and hand over").click()
    page.wait_for_url(re.compile(r"/kits/\d+/handover/$"))
    # The short handover: no device checklist, no accessories.
    assert page.locator("fieldset.checklist").count() == 0
    assert page.get_by_label("Charger").count() == 0
    hand_over_signed_on_paper(page, "handover-topup", "Top-up")
    topup = Allocation.objects.get(kind="topup")
    assert topup.line_item.expires_on == today + dt.timedelta(days=300)

    # A swap with the person at the desk: the return page says whose device it is and proposes the new one.
    page.goto(f"{live_server.url}/devices/{phone.asset_tag}/")
    page.get_by_test_id("take-back").click()
    page.wait_for_url(f"**/devices/{phone.asset_tag}/return/")
    look(page, "return-swap", "A. D.", first_receipt, "under warranty", spare.asset_tag)
    assert page.get_by_label("Replacement device (for a swap)").input_value() == spare.asset_tag
    page.get_by_label("Faulty").check()
    page.get_by_label("Swapped").check()
    page.get_by_label("The person is here: hand the new device over now").check()
    page.get_by_role("button", name="Record the return").click()
    hand_over_signed_on_paper(page, "handover-swap", "Warranty swap", spare.asset_tag)
    swap = Allocation.objects.get(kind="swap")
    assert swap.device_id == spare.pk and swap.hold_until == today

    # A repair of the new phone: back to the workshop, then given back to the same person.
    page.goto(f"{live_server.url}/devices/{spare.asset_tag}/return/")
    page.get_by_label("Faulty").check()
    page.get_by_label("Repaired").check()
    page.get_by_role("button", name="Record the return").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/")
    look(page, "referral-repair-waiting", "taken back for repair", "at the workshop for repair")
    workshop_repairs(spare, warehouse)
    page.reload()
    page.get_by_label("The person is here: hand it over now").check()
    page.get_by_role("button", name="Give the repaired device back").click()
    hand_over_signed_on_paper(page, "handover-repair", "Repair", spare.asset_tag)
    repair = Allocation.objects.get(kind="repair")
    # The swap's fresh warranty, extended by the repair: not a new warranty from today.
    assert Handover.objects.get(allocation=repair).warranty_until == add_months(add_months(today, 24), 6)

    # The referral's ledger and history tell each event.
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    ledger = page.get_by_test_id("ledger").inner_text()
    for word in ("Kit", "Top-up", "Warranty swap", "Repair", "Brought back · Swapped", "Brought back · Repaired"):
        assert word in ledger, word
    look(
        page,
        "referral-ledger",
        f"{phone.asset_tag} brought back (faulty): swapped",
        f"{spare.asset_tag} brought back (faulty): repaired",
        "Top-up handed over",
        "Repair handed over",
    )
    assert ReferralEvent.objects.filter(referral=referral, kind="aftercare").count() == 8
    assert failures == []
