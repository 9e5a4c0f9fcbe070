"""The warehouse bench in Chromium: after a refused scan the box holds the code selected, so the next scan
(typed by the scanner into whatever has the focus) replaces it instead of joining it."""

import pytest

from inventory.models import Device
from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import PASSWORD, BatchFactory, DeviceFactory, UserFactory, valid_imei
from tests.web.test_browser_desk_referral import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_next_scan_replaces_a_refused_one(page, live_server):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    UserFactory(warehouse=True, username="karim")
    batch = BatchFactory()
    taken = DeviceFactory(site=batch.site, asset_tag="SDTE26-9001")  # clear of the tags the batch will give
    fresh = valid_imei(4242)
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill("karim")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")

    # The scan page: nothing matches, the code stays selected; the scanner's next code replaces it.
    page.goto(live_server.url + "/scan/")
    page.keyboard.type("NOTHING-123\n")
    page.wait_for_url("**/scan/?code=NOTHING-123")
    assert page.evaluate("document.activeElement.id") == "code"
    assert page.evaluate("getSelection().toString() || document.activeElement.selectionEnd") in ("NOTHING-123", 11)
    assert page.evaluate("document.activeElement.selectionStart") == 0
    page.keyboard.type(taken.asset_tag + "\n")
    page.wait_for_url(f"**/devices/{taken.asset_tag}/")

    # Registering: an IMEI registered already is refused; the next scan goes in alone.
    page.goto(f"{live_server.url}/batches/{batch.pk}/")
    page.get_by_label("Type", exact=True).select_option("smartphone")
    page.get_by_label("Marque").fill("Samsung")
    page.locator("#id_imei").focus()
    page.keyboard.type(taken.imei + "\n")
    page.get_by_test_id("error-summary").wait_for()
    assert page.evaluate("document.activeElement.id") == "id_imei"
    shot(page, "bench-refused-scan-1280")
    page.keyboard.type(fresh + "\n")
    page.wait_for_url(f"**/batches/{batch.pk}/?*")
    device = Device.objects.exclude(pk=taken.pk).get()
    assert device.imei == fresh and not device.serial_number
