"""The mediator's kit pages: reserve from an accepted referral, the shelf, the kit, the handover desk, returns."""

import base64
import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from distribution import selectors, services
from distribution.models import Allocation, Handover, Return
from inventory.models import Device, LineItem
from referrals.models import BeneficiaryAccess, Referral
from tests.conftest import client_for
from tests.distribution.conftest import ready_phone, signature_b64, world  # noqa: F401  (fixture)
from tests.factories import BeneficiaryFactory, ReferralFactory, UserFactory, valid_imei
from tests.labels.reader import scan_pdf
from web.distribution.forms import choice_key

pytestmark = pytest.mark.django_db

SIGNATURE = "data:image/png;base64," + signature_b64()
HANDOVER = {
    "device_starts": "on",
    "sim_tested": "on",
    "first_steps_session": "on",
    "contribution_eur": "5",
    "payment": "cash",
    "accessories": ["charger"],
    "signature_png": SIGNATURE,
}


def reserve(world, referral=None):  # noqa: F811
    return services.allocation_reserve(user=world["mediator"], referral=referral or world["referral"])


def handed_over(world):  # noqa: F811
    allocation = reserve(world)
    handover = services.handover_record(
        user=world["mediator"], allocation=allocation, signature_png=signature_b64(), checklist={"device_starts": True}
    )
    return allocation, handover


def test_the_referral_page_offers_the_mediator_to_reserve_a_kit(world):  # noqa: F811
    page = client_for(world["mediator"]).get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert f'href="/referrals/{world["referral"].pk}/kit/"' in page and "Réserver un kit" in page


def test_the_reserve_page_lists_the_suggestions_with_why(world):  # noqa: F811
    other = ready_phone(world["ly"], world["warehouse"], imei=valid_imei(77), grade="A")
    response = client_for(world["mediator"]).get(f"/referrals/{world['referral'].pk}/kit/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<legend>Kits proposés</legend>" in page
    assert world["phone"].asset_tag in page and other.asset_tag in page
    # The phone at the site comes first; the other one would travel.
    assert page.index(world["phone"].asset_tag) < page.index(other.asset_tag)
    assert "sur le lieu de retrait" in page and "Transféré de" in page
    assert "la première à expirer" in page
    assert page.count('type="radio" name="choice"') == 2
    assert '<button type="submit" class="primary">Réserver</button>' in page


def test_a_mediator_reserves_the_ticked_kit_and_lands_on_its_page(world):  # noqa: F811
    referral = world["referral"]
    [suggestion] = selectors.suggestions(referral)
    response = client_for(world["mediator"]).post(
        f"/referrals/{referral.pk}/kit/", {"choice": choice_key(suggestion), "accessories": ["case", "charger"]}
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kits/{allocation.pk}/"
    assert allocation.device == world["phone"] and allocation.line_item == suggestion.line_item
    assert allocation.accessories == ["case", "charger"]
    assert Referral.objects.get(pk=referral.pk).status == "allocated"
    kit_page = client_for(world["mediator"]).get(f"/kits/{allocation.pk}/").content.decode()
    assert allocation.number in kit_page and "Mis de côté" in kit_page and "Coque, Chargeur" in kit_page


def test_a_device_taken_a_second_earlier_refreshes_the_choices_and_keeps_what_was_ticked(world, monkeypatch):  # noqa: F811
    """Another mediator reserves the phone between the page's reading and the click: a 409, said in words."""
    second = ready_phone(world["sd"], world["warehouse"], imei=valid_imei(88), grade="C")
    stale = selectors.suggestions(world["referral"])
    assert stale[0].device == world["phone"]
    someone = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="none"
    )
    services.allocation_reserve(user=world["mediator"], referral=someone, device=world["phone"].asset_tag)
    real = selectors.suggestions
    calls = []

    def as_read_a_second_ago(referral, *args, **kwargs):
        calls.append(referral.pk)
        return stale if len(calls) == 1 else real(referral, *args, **kwargs)

    monkeypatch.setattr("web.distribution.views.selectors.suggestions", as_read_a_second_ago)
    response = client_for(world["mediator"]).post(
        f"/referrals/{world['referral'].pk}/kit/", {"choice": choice_key(stale[0]), "accessories": ["headset"]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{world['phone'].asset_tag} est déjà réservé pour quelqu’un d’autre." in page
    # The list is read again: the phone is gone, the other one is offered; the headset stays ticked.
    assert f'value="{world["phone"].asset_tag}|' not in page and f'value="{second.asset_tag}|' in page
    assert 'value="headset" id="id_accessories_2" checked' in page
    assert Allocation.objects.filter(referral=world["referral"]).count() == 0


def test_a_choice_no_longer_offered_is_refused_in_words_and_the_accessories_stay(world):  # noqa: F811
    response = client_for(world["mediator"]).post(
        f"/referrals/{world['referral'].pk}/kit/", {"choice": "NOPE|1", "accessories": ["bag"]}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Ce kit n’est plus disponible" in page
    assert 'value="bag" id="id_accessories_5" checked' in page
    assert not Allocation.objects.exists()


def test_the_shelf_lists_held_kits_by_hold_date_with_the_overdue_in_red(world):  # noqa: F811
    late_referral = ReferralFactory(
        social_worker=world["social_worker"],
        site=world["sd"],
        status="accepted",
        connectivity="none",
        beneficiary=BeneficiaryFactory(first_name="Zoé", last_name="Bah"),
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(99))
    first = reserve(world)
    late = reserve(world, late_referral)
    Allocation.objects.filter(pk=late.pk).update(hold_until=timezone.localdate() - dt.timedelta(days=1))
    response = client_for(world["mediator"]).get("/kits/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index(late.number) < page.index(first.number)
    assert page.count('class="overdue"') == 1 and "en retard" in page
    assert f'Z. B. · <a href="/referrals/{late_referral.pk}/">#{late_referral.pk}</a>' in page
    assert f'href="/kits/labels.pdf?id={first.pk}"' in page and f'href="/kits/{first.pk}/handover/"' in page
    assert "Imprimer toutes les étiquettes" in page
    # The filters: another site shows nothing; handed-over kits are not on the shelf.
    assert "Aucun kit ici." in client_for(world["mediator"]).get("/kits/", {"site": "LY"}).content.decode()
    assert first.number not in client_for(world["mediator"]).get("/kits/", {"status": "handed_over"}).content.decode()


def test_kit_labels_print_in_one_pdf_that_scans_back_to_the_kit_numbers(world):  # noqa: F811
    other = ReferralFactory(
        social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="none"
    )
    ready_phone(world["sd"], world["warehouse"], imei=valid_imei(55))
    kits = [reserve(world), reserve(world, other)]
    response = client_for(world["mediator"]).get(
        "/kits/labels.pdf", {"id": [k.pk for k in kits], "stock": "brother_62x29"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert sorted(hit.text for hit in scan_pdf(response.content, dpi=300)) == sorted(k.number for k in kits)


def test_releasing_a_kit_asks_first_then_puts_device_and_sim_back(world):  # noqa: F811
    allocation = reserve(world)
    client = client_for(world["mediator"])
    page = client.get(f"/kits/{allocation.pk}/").content.decode()
    assert "<summary>Libérer</summary>" in page
    assert f"L’appareil {world['phone'].asset_tag} et la carte SIM retournent en stock" in page
    response = client.post(f"/kits/{allocation.pk}/release/", {"note": "La personne a déménagé"}, follow=True)
    assert f"Kit {allocation.number} libéré" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.status == "released" and allocation.close_note == "La personne a déménagé"
    assert Device.objects.get(pk=world["phone"].pk).status == "ready"
    assert LineItem.objects.get(pk=allocation.line_item_id).status == "available"
    assert Referral.objects.get(pk=world["referral"].pk).status == "accepted"
    history = client.get(f"/kits/{allocation.pk}/").content.decode()
    assert "Mis de côté → Libéré" in history and "<summary>Libérer</summary>" not in history


def test_the_handover_page_shows_the_full_name_and_logs_the_read(world):  # noqa: F811
    allocation = reserve(world)
    person = world["referral"].beneficiary
    BeneficiaryAccess.objects.all().delete()
    page = client_for(world["mediator"]).get(f"/kits/{allocation.pk}/handover/").content.decode()
    assert f"{person.first_name} {person.last_name}" in page
    assert BeneficiaryAccess.objects.filter(referral=world["referral"], action="handover").count() == 1
    for text in (
        "L’appareil démarre",
        "Carte SIM insérée et testée",
        "Adresse e-mail créée ou vérifiée",
        "Premiers pas faits ou rendez-vous pris",
        "Gratuit",
        "Espèces",
        "Carte",
        "Effacer",
        "Signé sur papier",
    ):
        assert text in page, text
    assert '<canvas class="signature-pad"' in page and "/static/web/signature.js" in page
    assert "style=" not in page and "<script>" not in page


def test_a_signed_handover_opens_the_receipt_ready_to_print(world):  # noqa: F811
    allocation = reserve(world)
    client = client_for(world["mediator"])
    response = client.post(f"/kits/{allocation.pk}/handover/", HANDOVER)
    handover = Handover.objects.get()
    number = handover.receipt.number
    assert response.status_code == 302 and response["Location"] == f"/receipts/{number}/"
    assert handover.checklist == {
        "device_starts": True,
        "sim_tested": True,
        "email_account": False,
        "first_steps_session": True,
    }
    assert str(handover.contribution_eur) == "5.00" and handover.payment == "cash" and not handover.signed_on_paper
    page = client.get(f"/receipts/{number}/").content.decode()
    assert f'<iframe class="receipt-frame" id="receipt-frame" src="/receipts/{number}.pdf"' in page
    pdf = client.get(f"/receipts/{number}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'inline; filename="{number}.pdf"'
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert number in [hit.text for hit in scan_pdf(pdf.content, dpi=200)]
    # Back on the handover page: the kit is handed over, the receipt is shown instead.
    assert client.get(f"/kits/{allocation.pk}/handover/")["Location"] == f"/receipts/{number}/"


def test_a_failed_handover_keeps_everything_typed_and_says_every_error_beside_its_field(world):  # noqa: F811
    allocation = reserve(world)
    response = client_for(world["mediator"]).post(
        f"/kits/{allocation.pk}/handover/",
        {**HANDOVER, "contribution_eur": "", "signature_png": "", "accessories": ["case"], "email_account": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez le montant payé." in page and "La personne signe : dans le cadre, ou sur papier." in page
    assert 'name="device_starts" id="id_device_starts" checked' in page
    assert 'name="email_account" id="id_email_account" checked' in page
    assert 'value="cash" id="id_payment_1" required checked' in page
    assert 'value="case" id="id_accessories_1" checked' in page
    assert not Handover.objects.exists() and Allocation.objects.get().status == "held"


def test_a_failed_handover_keeps_the_drawn_signature(world):  # noqa: F811
    allocation = reserve(world)
    response = client_for(world["mediator"]).post(f"/kits/{allocation.pk}/handover/", {**HANDOVER, "payment": "free"})
    page = response.content.decode()
    assert "Un kit gratuit n’a pas de participation." in page
    assert f'value="{SIGNATURE}"' in page and "La signature déjà tracée est conservée" in page
    assert not Handover.objects.exists()


def test_a_blank_pad_is_refused(world):  # noqa: F811
    allocation = reserve(world)
    out = io.BytesIO()
    Image.new("RGBA", (400, 150), (0, 0, 0, 0)).save(out, format="PNG")
    blank = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    page = (
        client_for(world["mediator"])
        .post(f"/kits/{allocation.pk}/handover/", {**HANDOVER, "signature_png": blank})
        .content.decode()
    )
    assert "La signature est vide." in page and not Handover.objects.exists()


def test_the_social_worker_sees_only_the_handover_date(world):  # noqa: F811
    allocation, handover = handed_over(world)
    page = client_for(world["social_worker"]).get(f"/referrals/{world['referral'].pk}/").content.decode()
    when = timezone.localtime(handover.at).strftime("%d/%m/%Y")
    assert f"Remis le {when}" in page
    # (The referral's history names the kit number, as the referral service notes it; nothing more.)
    assert handover.receipt.number not in page and 'data-testid="kit-box"' not in page
    assert 'href="/kits/' not in page and 'href="/receipts/' not in page
    staff = client_for(world["mediator"]).get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert f"remis le {when}" in staff and f'href="/receipts/{handover.receipt.number}/"' in staff


@pytest.mark.parametrize(
    "url",
    [
        "/kits/",
        "/kits/{kit}/",
        "/kits/{kit}/handover/",
        "/kits/labels.pdf?id={kit}",
        "/receipts/{receipt}/",
        "/receipts/{receipt}.pdf",
        "/referrals/{referral}/kit/",
    ],
)
def test_a_social_worker_is_refused_the_kit_pages(world, url):  # noqa: F811
    allocation, handover = handed_over(world)
    target = url.format(kit=allocation.pk, receipt=handover.receipt.number, referral=world["referral"].pk)
    assert client_for(world["social_worker"]).get(target).status_code == 403


@pytest.mark.parametrize(
    "url", ["/kits/{kit}/", "/kits/{kit}/handover/", "/kits/labels.pdf?id={kit}", "/referrals/{referral}/kit/"]
)
def test_a_mediator_of_another_site_finds_nothing(world, url):  # noqa: F811
    allocation = reserve(world)
    lyon = UserFactory(mediator=True, site=world["ly"])
    target = url.format(kit=allocation.pk, referral=world["referral"].pk)
    assert client_for(lyon).get(target).status_code == 404
    assert client_for(lyon).post(f"/kits/{allocation.pk}/release/").status_code == 404
    assert allocation.number not in client_for(lyon).get("/kits/").content.decode()


def test_a_mediator_of_another_site_cannot_read_the_receipt(world):  # noqa: F811
    _allocation, handover = handed_over(world)
    lyon = UserFactory(mediator=True, site=world["ly"])
    assert client_for(lyon).get(f"/receipts/{handover.receipt.number}.pdf").status_code == 404
    assert client_for(lyon).get(f"/receipts/{handover.receipt.number}/").status_code == 404


def test_the_menu_offers_kits_to_mediators_only(world):  # noqa: F811
    assert 'href="/kits/"' in client_for(world["mediator"]).get("/home/").content.decode()
    assert 'href="/kits/"' not in client_for(world["social_worker"]).get("/home/").content.decode()
    assert 'href="/kits/"' not in client_for(world["warehouse"]).get("/home/").content.decode()


def test_the_workshop_takes_a_handed_over_device_back_from_its_page(world):  # noqa: F811
    handed_over(world)
    client = client_for(world["warehouse"])
    device_page = client.get(f"/devices/{world['phone'].asset_tag}/").content.decode()
    assert f'href="/devices/{world["phone"].asset_tag}/return/"' in device_page
    assert "Reprendre l’appareil" in device_page
    form = client.get(f"/devices/{world['phone'].asset_tag}/return/").content.decode()
    assert "<legend>Motif</legend>" in form and "En panne" in form and "Réparé" in form
    response = client.post(
        f"/devices/{world['phone'].asset_tag}/return/", {"reason": "faulty", "outcome": "repair", "note": "écran"}
    )
    assert response.status_code == 302 and response["Location"] == f"/devices/{world['phone'].asset_tag}/"
    returned = Return.objects.get()
    assert returned.outcome == "repair" and returned.under_warranty and returned.note == "écran"
    assert Device.objects.get(pk=world["phone"].pk).status != "handed_over"


def test_a_refused_return_says_why_and_keeps_the_note(world):  # noqa: F811
    client = client_for(world["warehouse"])
    response = client.post(
        f"/devices/{world['phone'].asset_tag}/return/", {"reason": "faulty", "outcome": "swap", "note": "tombé"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "n’a été remis à personne" in page and "tombé" in page
    assert not Return.objects.exists()


def test_a_social_worker_cannot_take_a_device_back(world):  # noqa: F811
    assert client_for(world["social_worker"]).get(f"/devices/{world['phone'].asset_tag}/return/").status_code == 403


def test_the_shelf_costs_the_same_queries_for_one_kit_or_many(world, django_assert_max_num_queries):  # noqa: F811
    client = client_for(world["mediator"])
    reserve(world)
    for number in range(6):
        referral = ReferralFactory(
            social_worker=world["social_worker"], site=world["sd"], status="accepted", connectivity="none"
        )
        ready_phone(world["sd"], world["warehouse"], imei=valid_imei(600 + number))
        reserve(world, referral)
    with django_assert_max_num_queries(12):
        page = client.get("/kits/").content.decode()
    assert page.count('data-testid="kit-row"') == 7


def test_the_referral_page_shows_the_held_kit_to_staff(world):  # noqa: F811
    allocation = reserve(world)
    page = client_for(world["mediator"]).get(f"/referrals/{world['referral'].pk}/").content.decode()
    when = allocation.hold_until.strftime("%d/%m/%Y")
    assert 'data-testid="kit-box"' in page and f'<a href="/kits/{allocation.pk}/">{allocation.number}</a>' in page
    assert f"réservé jusqu’au {when}" in page and f'href="/kits/{allocation.pk}/handover/"' in page
    # Reserved already: no second reservation offered.
    assert f'href="/referrals/{world["referral"].pk}/kit/"' not in page
    social = client_for(world["social_worker"]).get(f"/referrals/{world['referral'].pk}/").content.decode()
    assert 'data-testid="kit-box"' not in social and "/kits/" not in social.split("<main")[1].split("<h2>")[0]


def test_a_second_reservation_for_the_same_referral_is_refused_in_words(world):  # noqa: F811
    [suggestion] = selectors.suggestions(world["referral"])
    reserve(world)
    response = client_for(world["mediator"]).post(
        f"/referrals/{world['referral'].pk}/kit/", {"choice": choice_key(suggestion)}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Un kit se réserve pour une orientation acceptée." in page
    assert 'data-testid="not-accepted"' in page and 'name="choice"' not in page
    assert Allocation.objects.count() == 1
