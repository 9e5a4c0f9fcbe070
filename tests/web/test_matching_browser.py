"""The allocation plan pages in Chromium: propose, untick, confirm after the question; every width, axe-clean."""

import pytest

from distribution.models import Allocation
from tests.web.test_layout_browser import SCREENSHOTS, axe_script, browser, new_page, sign_in, visit_every_width  # noqa: F401
from tests.web.test_matching_pages import network  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mediator_proposes_unticks_and_confirms_on_every_width(network, new_page, live_server, axe_script):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page()
    sign_in(page, live_server, network["mediator"].username)
    problems: list[str] = []
    page.get_by_role("link", name="Attributions").first.click()
    page.wait_for_url("**/matching/")
    visit_every_width(page, "mediator-matching-propose", axe_script, signed_in=True, problems=problems)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Saint-Denis (SD)").check()
    page.get_by_role("button", name="Proposer des attributions").click()
    page.wait_for_url("**/matching/*/")
    visit_every_width(page, "mediator-matching-plan", axe_script, signed_in=True, problems=problems)
    page.set_viewport_size({"width": 1280, "height": 800})
    jean = f"Garder le kit de l’orientation #{network['jean'].pk}"
    page.get_by_label(jean).uncheck()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer les attributions cochées").click()
    assert questions == ["Réserver les kits cochés ?"]
    assert page.url.endswith("/result/")
    allocation = Allocation.objects.get()
    assert allocation.referral_id == network["amina"].pk
    assert f"réservé (kit {allocation.number})" in page.inner_text("main")
    visit_every_width(page, "mediator-matching-result", axe_script, signed_in=True, problems=problems)
    assert not problems, "\n".join(problems)
