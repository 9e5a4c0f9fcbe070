"""Every page of every role, in Chromium, at phone, tablet and workbench widths.

At each width: no horizontal scroll of the page and nothing clipped (tests.browser.clipped), the whole menu
and "Se déconnecter" within reach (after unfolding the menu on narrow screens), and no serious or critical
accessibility violation found by axe-core.
Screenshots at 390 and 1280 px go to test-artifacts/screenshots/ for a person to look at.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from distribution.services import allocation_reserve
from inventory import services as inventory_services
from referrals import services as referral_services
from tests.browser import ARGS, CHROMIUM, clipped
from tests.conftest import require_or_skip
from tests.factories import (
    PASSWORD,
    BatchFactory,
    BeneficiaryFactory,
    DeviceFactory,
    DonorFactory,
    LineItemFactory,
    OfferFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 390, 820, 1024, 1280)
SCREENSHOT_WIDTHS = (390, 1280)
# axe-core takes most of the run's time: run it once for each layout of the menu and the tables (folded menu
# and stacked rows at 390 px; inline menu at 1280 px). 820 and 1024 px show the same elements as one of them.
AXE_WIDTHS = (390, 1280)
SCREENSHOTS = Path(
    os.environ.get("BAGAGE_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts/screenshots")
)
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module; each test opens its own context (own cookies)."""
    if not os.path.exists(CHROMIUM):
        require_or_skip("BAGAGE_REQUIRE_BROWSER", f"Chromium is not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop; Django then refuses ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()
    connections.close_all()


@pytest.fixture(scope="module")
def axe_script():
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        for page in context.pages:
            page.wait_for_load_state("networkidle")
        context.close()
    # Playwright's event loop makes Django hand this thread other connections: close them all, or the
    # test database cannot be dropped at the end of the run.
    connections.close_all()


def make_world():
    """A little of everything, with long names where a page could break."""
    site = SiteFactory(code="SD", name="Saint-Denis — Maison de l'inclusion numérique")
    users = {
        "warehouse": UserFactory(warehouse=True, username="karim", first_name="Karim", last_name="Benali", site=site),
        "mediator": UserFactory(mediator=True, username="lea", first_name="Léa", last_name="Martin", site=site),
        "coordinator": UserFactory(
            coordinator=True, username="camille", first_name="Camille", last_name="Rousseau-Delacroix", site=site
        ),
        "social_worker": UserFactory(
            social_worker=True,
            username="sophie",
            first_name="Sophie",
            last_name="Durand",
            organisation__name="Centre communal d'action sociale de Saint-Denis",
        ),
    }
    warehouse = users["warehouse"]
    donor = DonorFactory(name="Fondation pour l'inclusion numérique des quartiers nord", created_by=warehouse)
    batch = BatchFactory(donor=donor, site=site, created_by=warehouse, donor_reference="BL-2026-000123456")
    phone = DeviceFactory(batch=batch, site=site, created_by=warehouse, model="Galaxy A52 5G Enterprise Edition")
    laptop = DeviceFactory(laptop=True, batch=batch, site=site, created_by=warehouse, location="Étagère B-12")
    DeviceFactory(ready=True, batch=batch, site=site, created_by=warehouse)
    inventory_services.device_labels_printed(user=warehouse, devices=[phone, laptop], stock="brother_62x29")
    inventory_services.erasure_record(
        user=warehouse,
        device=laptop,
        method="nist_purge",
        tool="Blancco Drive Eraser",
        result="passed",
        finished_at=timezone.now(),
        certificate_ref="CERT-000042",
    )
    offer = OfferFactory(created_by=users["coordinator"], name="Mobicarte 20 Go appels illimités")
    for _ in range(3):
        LineItemFactory(offer=offer, site=site, expires_on=dt.date.today() + dt.timedelta(days=20))
    social = users["social_worker"]
    referral = ReferralFactory(
        social_worker=social,
        site=site,
        beneficiary=BeneficiaryFactory(
            consent_recorded_by=social, first_name="Amina", last_name="Diallo-Nkemelu", language="ps"
        ),
        notes="Rendez-vous le mardi matin de préférence, après l'atelier d'initiation au numérique.",
    )
    partner = OrganisationFactory(pending=True, name="Association Solidarité Numérique Plaine Commune")
    # A kit on the pickup shelf, reserved through the service like any other.
    waiting = ReferralFactory(social_worker=social, site=site, status="accepted")
    kit = allocation_reserve(user=users["mediator"], referral=waiting)
    return {
        "users": users,
        "batch": batch,
        "device": laptop,
        "offer": offer,
        "referral": referral,
        "partner": partner,
        "waiting": waiting,
        "kit": kit,
    }


def pages_of(role: str, world) -> list[tuple[str, str]]:
    batch, device, offer = world["batch"], world["device"], world["offer"]
    referral, partner = world["referral"], world["partner"]
    organisation = world["users"]["social_worker"].membership.organisation
    stock = [
        ("scan", "/scan/"),
        ("batches", "/batches/"),
        ("batch", f"/batches/{batch.pk}/"),
        ("devices", "/devices/"),
        ("device", f"/devices/{device.asset_tag}/"),
        ("offers", "/offers/"),
        ("offer", f"/offers/{offer.pk}/"),
    ]
    referrals = [("referrals", "/referrals/"), ("referral", f"/referrals/{referral.pk}/")]
    kit = world["kit"]
    kits = [
        ("kits", "/kits/"),
        ("kit", f"/kits/{kit.pk}/"),
        ("kit-handover", f"/kits/{kit.pk}/handover/"),
        ("referral-kit", f"/referrals/{world['waiting'].pk}/"),
    ]
    partners = [
        ("partners", "/partners/"),
        ("partner", f"/partners/{partner.pk}/"),
        ("own-partner", f"/partners/{organisation.pk}/"),
    ]
    return {
        "warehouse": [("home", "/home/"), *stock, ("403", "/partners/"), ("404", "/devices/NOPE-0000/")],
        "mediator": [
            ("home", "/home/"),
            *referrals,
            *kits,
            *partners,
            *stock,
            ("sites", "/sites/"),
            ("dashboard", "/dashboard/"),
        ],
        # The referral page before the access log, which then lists that reading.
        "coordinator": [
            ("home", "/home/"),
            *referrals,
            *partners,
            ("access-log", "/access-log/"),
            ("notice-versions", "/notice/versions/"),
            *stock,
            ("dashboard", "/dashboard/"),
        ],
        "social_worker": [
            ("home", "/home/"),
            ("referral-new", "/referrals/new/"),
            *referrals,
            ("403", "/devices/"),
            ("404", "/referrals/999999/"),
        ],
    }[role]


def sign_in(page, live_server, username):
    page.goto(live_server.url + "/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/home/")


def axe_problems(page, axe_script) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


# Each menu link and the sign-out button: shown, and wholly inside the viewport's width.
OFF_SCREEN_MENU_ITEMS = """() => {
  const menu = document.querySelector("details[data-menu]");
  const items = [...menu.querySelectorAll("nav a"), ...menu.querySelectorAll(".who button")];
  return {
    count: items.length,
    bad: items
      .filter(item => {
        const box = item.getBoundingClientRect();
        return !item.checkVisibility() || box.width === 0 || box.left < 0 || box.right > window.innerWidth + 0.5;
      })
      .map(item => item.textContent.trim()),
  };
}"""


def check_menu_reachable(page, where: str) -> None:
    """Every menu link and the sign-out button are on screen, after unfolding the menu if it is folded."""
    summary = page.locator("details[data-menu] > summary")
    sign_out = page.get_by_role("button", name="Se déconnecter")
    unfolded = False
    if not sign_out.is_visible():
        assert summary.is_visible(), f"{where}: the menu is folded and its button is not visible"
        summary.click()
        unfolded = True
    items = page.evaluate(OFF_SCREEN_MENU_ITEMS)
    assert items["count"] >= 3, f"{where}: {items}"
    assert not items["bad"], f"{where}: out of reach in the menu: {items['bad']}"
    if unfolded:
        summary.click()
        assert not sign_out.is_visible(), f"{where}: the menu does not fold again"


def visit_every_width(page, name: str, axe_script, *, signed_in: bool, problems: list[str]) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        where = f"{name} at {width}px"
        # Nothing wider than the screen, nothing clipped in its box (the check every browser test shares).
        problems.extend(f"{where}: {problem}" for problem in clipped(page))
        if width in SCREENSHOT_WIDTHS:
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        if signed_in:
            check_menu_reachable(page, where)
        if width in AXE_WIDTHS:
            problems.extend(f"{where}: {problem}" for problem in axe_problems(page, axe_script))


@pytest.mark.parametrize("role", ["warehouse", "mediator", "coordinator", "social_worker"])
def test_every_page_of_a_role_fits_every_width_and_passes_axe(role, new_page, live_server, axe_script):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    world = make_world()
    page = new_page()
    sign_in(page, live_server, world["users"][role].username)
    problems: list[str] = []
    for name, path in pages_of(role, world):
        response = page.goto(live_server.url + path)
        expected = int(name) if name.isdigit() else 200
        assert response.status == expected, f"{role} {path}: {response.status}"
        assert page.locator("html").get_attribute("lang") == "fr"
        visit_every_width(page, f"{role}-{name}", axe_script, signed_in=True, problems=problems)
    # Pages in the state a failed form leaves them: errors beside the fields, the import report.
    for name in FAILED_FORMS.get(role, {}):
        page.set_viewport_size({"width": 1280, "height": 800})
        FAILED_FORMS[role][name](page, live_server, world)
        assert page.locator(".error").count() > 0, f"{role} {name}: no error shown"
        visit_every_width(page, f"{role}-{name}", axe_script, signed_in=True, problems=problems)
    assert not problems, "\n".join(problems)


def import_a_wrong_csv(page, live_server, world):
    page.goto(f"{live_server.url}/batches/{world['batch'].pk}/")
    rows = "kind,brand,imei,ram_gb\nsmartphone,Samsung,356938035643809,4\nsmartphone,,356938035643817,beaucoup\n"
    page.get_by_label("Fichier CSV").set_input_files(
        files=[{"name": "livraison.csv", "mimeType": "text/csv", "buffer": rows.encode()}]
    )
    page.get_by_role("button", name="Importer").click()
    page.wait_for_selector("[data-testid=import-report]")


def send_an_empty_referral(page, live_server, world):
    page.goto(f"{live_server.url}/referrals/new/")
    # The browser's own checks would stop an empty form: let the server answer, as it does without them.
    page.locator("form.form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.wait_for_load_state()


def register_a_device_without_brand(page, live_server, world):
    page.goto(f"{live_server.url}/batches/{world['batch'].pk}/")
    page.locator("form.form").first.evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()


FAILED_FORMS = {
    "warehouse": {"import-report": import_a_wrong_csv, "device-errors": register_a_device_without_brand},
    "social_worker": {"referral-errors": send_an_empty_referral},
}


def test_pages_without_an_account_fit_every_width_and_pass_axe(new_page, live_server, axe_script, settings):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    coordinator = UserFactory(coordinator=True, username="camille")
    invited = referral_services.member_invite(
        user=coordinator,
        organisation=OrganisationFactory(),
        email="nadia@example.org",
        first_name="Nadia",
        last_name="K",
    )
    settings.ROOT_URLCONF = "tests.web.boom_urls"
    page = new_page()
    problems: list[str] = []
    for name, path, status in [
        ("login", "/", 200),
        ("invitation", f"/invitation/{invited.secret}/", 200),
        ("invitation-used", "/invitation/not-a-secret/", 404),
        ("anonymous-404", "/no-such-page/", 404),
        ("500", "/boom/", 500),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == status, f"{path}: {response.status}"
        visit_every_width(page, name, axe_script, signed_in=False, problems=problems)
    assert not problems, "\n".join(problems)


def test_the_keyboard_reaches_the_content_and_the_folded_menu(new_page, live_server):
    UserFactory(mediator=True, username="lea")
    page = new_page()
    sign_in(page, live_server, "lea")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/referrals/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link stays off-screen when focused"
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "no visible focus on the skip link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"

    page.goto(live_server.url + "/referrals/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")  # the menu's button
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Accueil"
    assert page.get_by_role("link", name="Accueil").is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "no visible focus in the menu"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "mediator-menu-open-390.png", full_page=True)


def test_choosing_a_language_changes_the_page_without_an_inline_script(new_page, live_server):
    UserFactory(warehouse=True, username="karim")
    page = new_page()
    sign_in(page, live_server, "karim")
    page.set_viewport_size({"width": 390, "height": 800})
    assert not page.get_by_role("button", name="Changer").is_visible(), "the script hides the fallback button"
    with page.expect_navigation():
        page.get_by_label("Langue").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_text("Menu").click()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.locator("[onclick], [onchange], [onsubmit]").count() == 0
    assert page.locator("script:not([src])").count() == 0


def test_cancelling_a_referral_asks_first(new_page, live_server):
    social = UserFactory(social_worker=True, username="sophie")
    referral = ReferralFactory(social_worker=social, beneficiary=BeneficiaryFactory(consent_recorded_by=social))
    page = new_page()
    sign_in(page, live_server, "sophie")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    # The server asks (web.confirm): no script dialog, so it works under a strict CSP and without script.
    page.get_by_role("button", name="Annuler l'orientation").click()
    box = page.get_by_test_id("confirmation")
    assert "ne peut pas être rouverte" in box.inner_text()
    box.get_by_role("link", name="Ne pas le faire").click()
    assert page.get_by_test_id("status").inner_text() == "Envoyée"
    page.get_by_role("button", name="Annuler l'orientation").click()
    with page.expect_navigation():
        page.get_by_test_id("confirmation").get_by_role("button", name="Confirmer").click()
    assert page.get_by_test_id("status").inner_text() == "Annulée"
