"""The reservation page offers the next free slots, none chosen; the keyboard picks one (Chromium, 820 px)."""

import datetime as dt

import pytest
from django.utils import timezone

from distribution.models import Allocation
from tests.browser import page  # noqa: F401  (fixture)
from tests.distribution.conftest import ready_phone
from tests.factories import LineItemFactory, OfferFactory, ReferralFactory, SiteFactory, UserFactory, valid_imei
from tests.web.test_browser_kit import shot
from tests.web.test_browser_referral import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reservation_page_offers_slots_and_the_keyboard_books_one(page, live_server):  # noqa: F811
    sd = SiteFactory(code="SD", name="Saint-Denis", opening_hours="Mo-Su 09:00-12:00", address="3 rue du Landy")
    UserFactory(mediator=True, site=sd, username="lea")
    warehouse = UserFactory(warehouse=True, site=sd)
    referral = ReferralFactory(site=sd, status="accepted", connectivity="sim")
    ready_phone(sd, warehouse, imei=valid_imei(4343))
    LineItemFactory(offer=OfferFactory(created_by=warehouse), site=sd)

    page.set_viewport_size({"width": 820, "height": 1000})
    page.set_default_timeout(60_000)  # the shared machine is loaded
    sign_in(page, live_server, "lea")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/kit/")
    select = page.get_by_label("Rendez-vous pour retirer le kit")
    assert select.input_value() == "", "no slot is chosen for the mediator"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    wanted = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9, 30))).isoformat()
    options = select.locator("option")
    assert options.first.inner_text() == "Sans rendez-vous"
    assert select.locator(f'option[value="{wanted}"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 820, "nothing overflows the tablet"
    shot(page, "reserve-slots", 820)

    # Keyboard only: focus the select and choose the slot, then the default button.
    select.focus()
    select.select_option(wanted)
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Réserver").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/kits/*/")
    kit = Allocation.objects.get(referral=referral)
    assert timezone.localtime(kit.pickup_at).isoformat() == wanted
    assert (
        "9:30" in page.get_by_test_id("appointment").inner_text()
        or "09:30" in page.get_by_test_id("appointment").inner_text()
    )
    shot(page, "kit-appointment", 820)
