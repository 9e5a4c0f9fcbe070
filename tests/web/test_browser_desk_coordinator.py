"""The coordinator at 1280 px, in Chromium (issue 22, item 8, the coordinator's part): the audit page filtered by
an asset tag, then by a person (objects by their number, people by their name, merely opening a handover page not
shown as a change); then the referral list filtered, and its export, downloaded and read, holding what the list
shows and nothing else.

Every page is looked at: no 5xx, nothing clipped in its box, nothing wider than the screen, the expected words,
a screenshot in test-artifacts/.
"""

import csv
import datetime as dt
import io

import pytest

from distribution.services import allocation_reserve
from inventory import services as inventory
from tests.browser import DESK, look, no_server_errors, page, sign_in  # noqa: F401  (fixture)
from tests.distribution.conftest import ready_phone
from tests.factories import (
    PASSWORD,
    DeviceFactory,
    LineItemFactory,
    OfferFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rows(page) -> list[str]:  # noqa: F811
    return page.locator("main table tbody tr").all_inner_texts()


def test_the_coordinator_follows_the_audit_trail_and_exports_what_the_list_shows(page, live_server):  # noqa: F811
    page.set_viewport_size(DESK)
    failures = no_server_errors(page)
    sd = SiteFactory(code="SD", name="Saint-Denis")
    UserFactory(coordinator=True, site=sd, username="camille", first_name="Camille", last_name="Bernard")
    karim = UserFactory(warehouse=True, site=sd, username="karim", first_name="Karim", last_name="Benali")
    lea = UserFactory(mediator=True, site=sd, username="lea", first_name="Léa", last_name="Martin")
    phone = DeviceFactory(site=sd, asset_tag="SDTE26-0042", created_by=karim)
    other = DeviceFactory(site=sd, asset_tag="SDTE26-0043", created_by=karim)
    for device in (phone, other):
        inventory.device_transition(user=karim, device=device.asset_tag, to="diagnosed", note="écran rayé")
    social = UserFactory(social_worker=True)
    accepted = [ReferralFactory(social_worker=social, site=sd, status="accepted") for _ in range(3)]
    submitted = [ReferralFactory(social_worker=social, site=sd, status="submitted") for _ in range(2)]
    ready_phone(sd, karim)  # and a SIM card: a kit for the first accepted referral
    LineItemFactory(offer=OfferFactory(created_by=karim), site=sd, expires_on=dt.date.today() + dt.timedelta(days=90))
    kit = allocation_reserve(user=lea, referral=accepted[0])

    sign_in(page, live_server, "camille", PASSWORD)
    look(page, "coordinator-home", "Orientations")
    # Opening the handover page is a reading, not a handover.
    page.goto(f"{live_server.url}/kits/{kit.pk}/handover/")
    page.wait_for_load_state("networkidle")

    # The audit trail filtered by an asset tag: that phone's rows only, by its number, with a link; people by name.
    page.goto(live_server.url + "/audit/")
    look(page, "coordinator-audit", "Journal d'audit", kit.number, "Karim Benali", "Léa Martin")
    assert "Remise" not in page.locator("main table").inner_text()
    page.locator("input[name=object_id]").fill(phone.asset_tag)
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/audit/?*object_id=SDTE26-0042*")
    found = rows(page)
    assert found and all(phone.asset_tag in row for row in found), found
    assert not any(other.asset_tag in row for row in found)
    assert page.get_by_role("link", name=phone.asset_tag).first.get_attribute("href") == f"/devices/{phone.asset_tag}/"
    look(page, "coordinator-audit-asset-tag", "Karim Benali", "Réceptionné → Diagnostiqué", "écran rayé")

    # Then by a person, by name: Léa's rows only (the kit set aside), none of Karim's.
    page.locator("input[name=object_id]").fill("")
    page.locator("input[name=user]").fill("Léa Martin")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/audit/?*user=*")
    found = rows(page)
    assert found and all("Léa Martin" in row for row in found), found
    assert any(kit.number in row for row in found)
    look(page, "coordinator-audit-person", "Léa Martin", kit.number)
    # A number that is nothing is refused in words, not silently ignored.
    page.locator("input[name=user]").fill("")
    page.locator("input[name=object_id]").fill("SDTE26-9999")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_test_id("refused-filters").wait_for()
    look(page, "coordinator-audit-refused", "SDTE26-9999")

    # The referral list filtered to the submitted ones; its export follows the filter.
    page.goto(live_server.url + "/referrals/")
    page.locator("select[name=status]").select_option("accepted")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/referrals/?*status=accepted*")
    look(page, "coordinator-referrals-accepted", "Acceptée")
    shown = page.locator("main table tbody tr.row-link").count()
    assert shown == 2  # the third accepted one has its kit reserved
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter (CSV)").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(exported) == shown, text
    assert {row["Statut"] for row in exported} == {"Acceptée"}
    assert len(submitted) == 2 and all(row["Statut"] != "Envoyée" for row in exported)
    assert failures == []
