"""The warehouse bench at 1280 px, in Chromium (issue 22, item 8, the warehouse's part): a refused scan, then
the next scan, which replaces it (the box holds the refused code selected); a phone registered after a refused
IMEI; then one phone taken from diagnosed to ready in one form (erasure, grade, specs), a refused attempt looking
like a refusal and the success saying « … est prêt ».

Every page is looked at: no 5xx, nothing clipped in its box, nothing wider than the screen, the expected words,
a screenshot in test-artifacts/.
"""

import re

import pytest

from inventory.models import Device, DeviceEvent
from tests.browser import DESK, look, no_server_errors, page  # noqa: F401  (fixture)
from tests.factories import PASSWORD, BatchFactory, DeviceFactory, UserFactory, valid_imei

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scanned_code_is_selected(page, code: str) -> None:  # noqa: F811
    """The box has the focus and its whole text selected: the scanner's next code replaces it."""
    box = page.evaluate(
        "[document.activeElement.value, document.activeElement.selectionStart, document.activeElement.selectionEnd]"
    )
    assert box == [code, 0, len(code)], box


def test_the_warehouse_bench_from_a_refused_scan_to_a_ready_phone(page, live_server):  # noqa: F811
    page.set_viewport_size(DESK)
    failures = no_server_errors(page)
    karim = UserFactory(warehouse=True, username="karim", first_name="Karim", last_name="Benali")
    batch = BatchFactory()
    taken = DeviceFactory(site=batch.site, asset_tag="SDTE26-9001")  # clear of the tags the batch will give
    diagnosed = DeviceFactory(site=batch.site, asset_tag="SDTE26-9002", status="diagnosed", batch=batch)
    DeviceEvent.objects.create(device=diagnosed, by=karim, kind="registered", to_status="received", site=batch.site)
    fresh = valid_imei(4242)
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill("karim")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")
    look(page, "bench-home", "Scannez ou tapez un code")

    # The scan page: nothing matches, the code stays selected; the scanner's next code replaces it.
    page.goto(live_server.url + "/scan/")
    # The box takes the focus by itself (autofocus): the scanner types into whatever has it.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'code'")
    page.keyboard.type("860123456789014356938035643809\n")
    page.wait_for_url("**/scan/?code=860123456789014356938035643809")
    look(page, "bench-scan-refused", "860123456789014356938035643809")
    assert page.evaluate("document.activeElement.id") == "code"
    scanned_code_is_selected(page, "860123456789014356938035643809")
    page.keyboard.type(diagnosed.asset_tag + "\n")
    page.wait_for_url(f"**/devices/{diagnosed.asset_tag}/")

    # Registering: an IMEI registered already is refused; the next scan goes in alone.
    page.goto(f"{live_server.url}/batches/{batch.pk}/")
    page.get_by_label("Type", exact=True).select_option("smartphone")
    page.get_by_label("Marque").fill("Samsung")
    page.locator("#id_imei").focus()
    page.keyboard.type(taken.imei + "\n")
    page.get_by_test_id("error-summary").wait_for()
    assert page.evaluate("document.activeElement.id") == "id_imei"
    scanned_code_is_selected(page, taken.imei)
    look(page, "bench-imei-refused")
    page.keyboard.type(fresh + "\n")
    page.wait_for_url(f"**/batches/{batch.pk}/?*")
    registered = Device.objects.get(imei=fresh)
    assert not registered.serial_number
    look(page, "bench-registered", registered.asset_tag)

    # The diagnosed phone: the steps that cannot succeed yet are not offered, and the page says why.
    page.goto(f"{live_server.url}/devices/{diagnosed.asset_tag}/")
    look(page, "bench-diagnosed", "Diagnostiqué", "Rendre prêt en une fois")
    next_steps = page.locator("section.actions").filter(has_text="Étape suivante")
    assert next_steps.get_by_role("button", name="Effacé").count() == 0
    assert "Pas encore « Effacé »" in page.get_by_test_id("waiting-steps").inner_text()

    # A failed erasure: refused as a refusal (the alert, not a success), and nothing changes.
    ready = page.get_by_test_id("make-ready")
    ready.get_by_label("Méthode").select_option("factory_reset")
    ready.get_by_label("Outil").fill("Android recovery")
    ready.get_by_label("Échoué").check()
    ready.get_by_label("Grade").select_option("B")
    ready.get_by_role("button", name=f"Rendre {diagnosed.asset_tag} prêt").click()
    refusal = page.locator(".notice.error[role=alert]")
    refusal.wait_for()
    assert "échoué" in refusal.inner_text() and page.locator(".messages .success").count() == 0
    look(page, "bench-ready-refused")
    diagnosed.refresh_from_db()
    assert diagnosed.status == "diagnosed"

    # The same form, right: erasure, grade and specs in one submit; each step recorded.
    ready = page.get_by_test_id("make-ready")
    ready.get_by_label("Réussi").check()
    ready.get_by_label("Référence du certificat").fill("CERT-2026-0042")
    ready.get_by_label("Grade").select_option("B")
    ready.get_by_label("Santé de la batterie (%)").fill("87")
    ready.get_by_label("Emplacement").fill("B-03")
    ready.get_by_role("button", name=f"Rendre {diagnosed.asset_tag} prêt").click()
    page.wait_for_url(f"**/devices/{diagnosed.asset_tag}/")
    success = page.locator(".messages")
    success.wait_for()
    assert success.inner_text().strip() == f"{diagnosed.asset_tag} est prêt."
    look(page, "bench-ready", "Prêt", "grade B", "87 %", "B-03")
    diagnosed.refresh_from_db()
    assert (diagnosed.status, diagnosed.grade, diagnosed.battery_health_pct, diagnosed.location) == (
        "ready",
        "B",
        87,
        "B-03",
    )
    steps = list(DeviceEvent.objects.filter(device=diagnosed, kind="transition").values_list("to_status", flat=True))
    assert steps[-3:] == ["wiped", "refurbished", "ready"], steps
    assert re.search(r"Reconditionné\s*→\s*Prêt", page.locator("main").inner_text())
    assert failures == []
