"""Pages people can trust: confirmations, conflicts that keep the text, defaults that fit the job."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import User
from distribution.models import Allocation
from inventory.models import Device, Offer
from referrals import services as referral_services
from referrals.models import Organisation, ReferralEvent
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    BatchFactory,
    DeviceFactory,
    LineItemFactory,
    OrganisationFactory,
    ReferralFactory,
    SiteFactory,
    UserFactory,
    valid_imei,
)

pytestmark = pytest.mark.django_db


# --- referral decisions: confirmation, conflict, Enter -----------------------------------------------


def test_the_decision_form_has_a_disabled_default_button_so_enter_sends_nothing(mediator_user):
    referral = ReferralFactory()
    html = client_for(mediator_user).get(f"/referrals/{referral.pk}/").content.decode()
    form = html[html.index('<textarea id="note"') - 400 : html.index('value="reject"')]
    first_submit = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_submit and "disabled" in first_submit and "hidden" in first_submit


def test_a_rejection_asks_first_and_says_it_cannot_be_undone(mediator_user):
    referral = ReferralFactory()
    client = client_for(mediator_user)
    asked = client.post(f"/referrals/{referral.pk}/", {"action": "reject", "note": "Déjà équipée"})
    html = asked.content.decode()
    referral.refresh_from_db()
    assert referral.status == "submitted"
    assert 'data-testid="confirmation"' in html and "un refus ne peut pas être annulé" in html
    # The box sends the same fields again, with confirm=1; the text stays in its textarea meanwhile.
    assert '<input type="hidden" name="note" value="Déjà équipée">' in html
    assert '<input type="hidden" name="confirm" value="1">' in html
    assert ">Déjà équipée</textarea>" in html
    client.post(f"/referrals/{referral.pk}/", {"action": "reject", "note": "Déjà équipée", "confirm": "1"})
    referral.refresh_from_db()
    assert referral.status == "rejected"


def test_accepting_needs_no_confirmation(mediator_user):
    referral = ReferralFactory()
    client_for(mediator_user).post(f"/referrals/{referral.pk}/", {"action": "accept", "note": ""})
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_a_decision_too_late_says_who_decided_when_and_keeps_the_text(mediator_user):
    referral = ReferralFactory()
    lea = UserFactory(mediator=True, first_name="Léa", last_name="Martin")
    referral_services.referral_decide(user=lea, referral=referral, decision="accept")
    at = timezone.localtime(ReferralEvent.objects.filter(referral=referral).latest("at").at)
    response = client_for(mediator_user).post(
        f"/referrals/{referral.pk}/", {"action": "reject", "note": "Pas de place ce mois-ci", "confirm": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert f"Cette orientation est déjà « Acceptée » : Léa Martin l’a changée le {at:%d/%m/%Y} à {at:%H:%M}." in html
    assert "Pas de place ce mois-ci</textarea>" in html
    assert "n’est pas possible" not in html
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_an_answer_too_late_keeps_the_text_apart_when_its_form_is_gone(social_worker_user, mediator_user):
    organisation = Organisation.objects.get(memberships__user=social_worker_user)
    referral = ReferralFactory(social_worker=social_worker_user, organisation=organisation)
    referral_services.referral_decide(user=mediator_user, referral=referral, decision="needs_info", reason="Quand ?")
    referral_services.referral_cancel(user=social_worker_user, referral=referral, reason="")
    response = client_for(social_worker_user).post(
        f"/referrals/{referral.pk}/", {"action": "answer", "note": "Le mardi matin"}
    )
    html = response.content.decode()
    assert response.status_code == 409 and "« Annulée »" in html
    assert 'id="kept-note"' in html and "Le mardi matin</textarea>" in html


def test_a_missing_reason_is_said_next_to_the_note_without_a_confirmation(mediator_user):
    referral = ReferralFactory()
    response = client_for(mediator_user).post(f"/referrals/{referral.pk}/", {"action": "reject", "note": " "})
    html = response.content.decode()
    assert 'data-testid="confirmation"' not in html
    assert 'aria-invalid="true" aria-describedby="note-error"' in html and 'id="note-error"' in html


def test_cancelling_a_referral_asks_first(social_worker_user):
    organisation = Organisation.objects.get(memberships__user=social_worker_user)
    referral = ReferralFactory(social_worker=social_worker_user, organisation=organisation)
    client = client_for(social_worker_user)
    asked = client.post(f"/referrals/{referral.pk}/", {"action": "cancel", "note": ""})
    referral.refresh_from_db()
    assert referral.status == "submitted" and "ne peut pas être rouverte" in asked.content.decode()
    client.post(f"/referrals/{referral.pk}/", {"action": "cancel", "note": "", "confirm": "1"})
    referral.refresh_from_db()
    assert referral.status == "cancelled"


# --- partners -----------------------------------------------------------------------------------------


def test_refusing_or_revoking_a_partner_asks_first(coordinator_user):
    organisation = OrganisationFactory(name="CADA Nord")
    client = client_for(coordinator_user)
    html = client.get(f"/partners/{organisation.pk}/").content.decode()
    form = html[html.index('<input id="note"') - 300 : html.index('<input id="note"')]
    assert '<button type="submit" disabled hidden aria-hidden="true"' in form
    asked = client.post(f"/partners/{organisation.pk}/", {"action": "refused", "note": "Convention non signée"})
    organisation.refresh_from_db()
    assert organisation.authorisation == "validated"
    assert "Retirer la validation de CADA Nord" in asked.content.decode()
    assert 'value="Convention non signée"' in asked.content.decode()
    client.post(f"/partners/{organisation.pk}/", {"action": "refused", "note": "Convention non signée", "confirm": "1"})
    organisation.refresh_from_db()
    assert organisation.authorisation == "refused"


def test_a_deactivated_account_is_reactivated_and_a_pending_invitation_resent(coordinator_user, settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    organisation = OrganisationFactory()
    member = UserFactory(social_worker=True, organisation=organisation, first_name="Nadia", last_name="Roux")
    client = client_for(coordinator_user)
    client.post(f"/partners/{organisation.pk}/", {"action": "deactivate", "user": member.pk, "confirm": "1"})
    member.refresh_from_db()
    assert not member.is_active
    assert 'value="reactivate"' in client.get(f"/partners/{organisation.pk}/").content.decode()
    client.post(f"/partners/{organisation.pk}/", {"action": "reactivate", "user": member.pk})
    member.refresh_from_db()
    assert member.is_active

    client.post(
        f"/partners/{organisation.pk}/",
        {"action": "invite", "first_name": "Paul", "last_name": "Dubois", "email": "paul@example.org"},
    )
    invited = User.objects.get(email="paul@example.org")
    html = client.get(f"/partners/{organisation.pk}/").content.decode()
    assert 'value="resend"' in html
    sent = len(mail.outbox)
    client.post(f"/partners/{organisation.pk}/", {"action": "resend", "user": invited.pk})
    assert len(mail.outbox) == sent + 1
    asked = client.post(f"/partners/{organisation.pk}/", {"action": "deactivate", "user": invited.pk})
    assert "Annuler l’invitation de Paul Dubois" in asked.content.decode()


# --- devices --------------------------------------------------------------------------------------------


def test_recycling_a_device_asks_first(warehouse_user):
    device = DeviceFactory(status="diagnosed")
    client = client_for(warehouse_user)
    action = f"/devices/{device.asset_tag}/action/"
    asked = client.post(action, {"action": "transition", "to": "recycled", "note": "Écran cassé"})
    device.refresh_from_db()
    assert device.status == "diagnosed"
    assert "Envoyer " + device.asset_tag + " au recyclage" in asked.content.decode()
    client.post(action, {"action": "transition", "to": "recycled", "note": "Écran cassé", "confirm": "1"})
    device.refresh_from_db()
    assert device.status == "recycled"


def test_a_refused_status_change_keeps_the_note(warehouse_user):
    device = DeviceFactory(status="diagnosed")
    response = client_for(warehouse_user).post(
        f"/devices/{device.asset_tag}/action/", {"action": "transition", "to": "wiped", "note": "Effacé à la main"}
    )
    html = response.content.decode()
    assert response.status_code in (409, 422) and 'data-testid="action-error"' in html
    assert 'value="Effacé à la main" aria-invalid="true"' in html
    device.refresh_from_db()
    assert device.status == "diagnosed"


def test_the_device_page_shows_and_edits_cpu_battery_and_notes(warehouse_user):
    device = DeviceFactory(status="diagnosed")
    client = client_for(warehouse_user)
    client.post(
        f"/devices/{device.asset_tag}/action/",
        {
            "action": "update",
            "grade": "B",
            "location": "A-01",
            "cpu": "Intel Core i5-8250U",
            "cpu_mark": "6100",
            "battery_health_pct": "87",
            "notes": "Rayure au dos",
        },
    )
    device.refresh_from_db()
    assert (device.cpu, device.cpu_mark, device.battery_health_pct, device.notes) == (
        "Intel Core i5-8250U",
        6100,
        87,
        "Rayure au dos",
    )
    html = client.get(f"/devices/{device.asset_tag}/").content.decode()
    assert "Intel Core i5-8250U" in html and "87 %" in html and "Rayure au dos" in html


def test_a_wrong_battery_value_is_told_next_to_it_and_the_values_stay(warehouse_user):
    device = DeviceFactory(status="diagnosed")
    response = client_for(warehouse_user).post(
        f"/devices/{device.asset_tag}/action/",
        {"action": "update", "cpu": "Ryzen 5", "battery_health_pct": "140", "notes": "à revoir"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'name="battery_health_pct" inputmode="numeric" value="140" aria-invalid="true"' in html
    assert 'value="Ryzen 5"' in html and "à revoir</textarea>" in html
    device.refresh_from_db()
    assert device.cpu == "" and device.battery_health_pct is None


# --- defaults ------------------------------------------------------------------------------------------


def test_the_mediator_queue_opens_on_what_waits_for_a_decision(mediator_user):
    waiting = ReferralFactory()
    accepted = ReferralFactory(status="accepted")
    client = client_for(mediator_user)
    html = client.get("/referrals/").content.decode()
    assert f"#{waiting.pk}<" in html and f"#{accepted.pk}<" not in html
    assert f"#{accepted.pk}<" in client.get("/referrals/?status=").content.decode()
    assert '<a href="?status=accepted"' in html


def test_the_mediator_home_counts_referrals_answers_kits_and_ready_devices(mediator_user, warehouse_user):
    ReferralFactory()
    answered = ReferralFactory()
    referral_services.referral_decide(user=mediator_user, referral=answered, decision="needs_info", reason="?")
    referral_services.referral_answer(user=answered.social_worker, referral=answered, answer="Oui")
    DeviceFactory(ready=True)
    DeviceFactory(ready=True, site=SiteFactory(code="PA"))
    html = client_for(mediator_user).get("/home/").content.decode()
    assert re.search(
        r'<strong class="count">2</strong> <a href="/referrals/\?status=submitted">Orientations à décider', html
    )
    assert re.search(r'<strong class="count">1</strong> <a href="[^"]*">Réponses reçues', html)
    assert re.search(r'<strong class="count">0</strong> [^<]*(<a [^>]*>)?Kits en attente de retrait', html)
    assert re.search(
        r'<strong class="count">1</strong> <a href="/devices/\?status=ready&amp;site=SD">Appareils prêts', html
    )
    assert Allocation.objects.count() == 0


def test_the_warehouse_home_counts_each_step_and_expiring_sims_and_has_the_scan_box(warehouse_user):
    DeviceFactory(status="received")
    DeviceFactory(status="received")
    DeviceFactory(status="wiped")
    LineItemFactory(expires_on=timezone.localdate() + dt.timedelta(days=10))
    LineItemFactory(expires_on=timezone.localdate() + dt.timedelta(days=90))
    html = client_for(warehouse_user).get("/home/").content.decode()
    assert re.search(r'<strong class="count">2</strong> <a href="/devices/\?status=received&amp;site=SD">', html)
    assert re.search(r'<strong class="count">1</strong> <a href="/devices/\?status=wiped&amp;site=SD">', html)
    assert re.search(r'<strong class="count">1</strong> <a href="/offers/">Cartes SIM', html)
    assert 'id="home-scan" name="code" type="search" autofocus' in html


def test_a_scan_from_the_home_opens_the_device(warehouse_user):
    device = DeviceFactory()
    response = client_for(warehouse_user).get("/scan/", {"code": device.imei})
    assert response.status_code == 302 and response["Location"] == f"/devices/{device.asset_tag}/"


def test_the_social_worker_home_says_a_question_waits(social_worker_user, mediator_user):
    organisation = Organisation.objects.get(memberships__user=social_worker_user)
    referral = ReferralFactory(social_worker=social_worker_user, organisation=organisation)
    html = client_for(social_worker_user).get("/home/").content.decode()
    assert re.search(r'<strong class="count">0</strong> <a href="/referrals/\?status=needs_info">Questions', html)
    referral_services.referral_decide(user=mediator_user, referral=referral, decision="needs_info", reason="?")
    html = client_for(social_worker_user).get("/home/").content.decode()
    assert 'class="card warn" data-testid="work" role="status"' in html
    assert re.search(r'<strong class="count">1</strong> <a href="/referrals/\?status=needs_info">Questions', html)


def test_the_home_counts_take_few_queries(mediator_user, django_assert_max_num_queries):
    for _ in range(5):
        ReferralFactory()
    client = client_for(mediator_user)
    client.get("/home/")
    with django_assert_max_num_queries(14):
        client.get("/home/")


def test_the_reception_point_defaults_to_the_organisations_departement(db):
    SiteFactory(code="PA", postal_code="75011")
    SiteFactory(code="SD", postal_code="93200")
    organisation = OrganisationFactory(postal_code="93100")
    worker = UserFactory(social_worker=True, organisation=organisation)
    html = client_for(worker).get("/referrals/new/").content.decode()
    assert '<option value="SD" selected>' in html
    far = UserFactory(social_worker=True, organisation=OrganisationFactory(postal_code="13001"))
    assert '<option value="PA" selected>' in client_for(far).get("/referrals/new/").content.decode()


def test_the_batch_form_receives_today_by_default(warehouse_user):
    html = client_for(warehouse_user).get("/batches/").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_after_registering_a_device_kind_brand_and_model_stay(warehouse_user):
    batch = BatchFactory()
    client = client_for(warehouse_user)
    response = client.post(
        f"/batches/{batch.pk}/",
        {"imei": "PF1ABCDE", "kind": "laptop", "brand": "Lenovo", "model": "ThinkPad T480", "register": ""},
        follow=True,
    )
    device = Device.objects.get()
    assert device.serial_number == "PF1ABCDE" and device.imei is None  # a serial scanned into the scan box
    html = response.content.decode()
    assert '<option value="laptop" selected>' in html
    assert 'value="Lenovo"' in html and 'value="ThinkPad T480"' in html
    client.post(
        f"/batches/{batch.pk}/", {"imei": valid_imei(7), "kind": "smartphone", "brand": "Samsung", "register": ""}
    )
    assert Device.objects.filter(imei=valid_imei(7)).exists()


def test_the_batch_count_is_right_after_an_import(warehouse_user):
    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\nsmartphone,Apple,{valid_imei(2)}\n".encode()
    response = client_for(warehouse_user).post(
        f"/batches/{batch.pk}/", {"import": "", "file": SimpleUploadedFile("d.csv", content)}
    )
    assert "2 équipements enregistrés" in response.content.decode()


def test_an_xlsx_upload_asks_for_a_csv_file(warehouse_user):
    batch = BatchFactory()
    response = client_for(warehouse_user).post(
        f"/batches/{batch.pk}/",
        {"import": "", "file": SimpleUploadedFile("devices.xlsx", b"PK\x03\x04rest-of-a-zip")},
    )
    assert "Enregistrez le fichier au format CSV (séparateur point-virgule)" in response.content.decode()
    assert not Device.objects.exists()


# --- what is stored can be seen and changed ------------------------------------------------------------------


def test_a_social_worker_corrects_a_waiting_referral(social_worker_user):
    SiteFactory(code="PA")
    organisation = Organisation.objects.get(memberships__user=social_worker_user)
    referral = ReferralFactory(social_worker=social_worker_user, organisation=organisation)
    client = client_for(social_worker_user)
    assert f"/referrals/{referral.pk}/edit/" in client.get(f"/referrals/{referral.pk}/").content.decode()
    form = client.get(f"/referrals/{referral.pk}/edit/").content.decode()
    assert f'value="{referral.beneficiary.last_name}"' in form and "La personne accepte" not in form
    data = {
        "first_name": "Amina",
        "last_name": "Diallo-Ba",
        "phone": "06 12 34 56 78",
        "postal_code": "93200",
        "birth_year": "1985",
        "language": "fr",
        "eligibility": ["rsa"],
        "device_kinds": ["laptop"],
        "connectivity": "sim",
        "reason": "administrative",
        "urgency": "normal",
        "site": "PA",
        "notes": "Préfère le matin",
    }
    response = client.post(f"/referrals/{referral.pk}/edit/", data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.beneficiary.last_name, referral.device_kinds, referral.site.code, referral.notes) == (
        "Diallo-Ba",
        ["laptop"],
        "PA",
        "Préfère le matin",
    )


def test_an_accepted_referral_cannot_be_corrected_and_mediators_never_correct(social_worker_user, mediator_user):
    organisation = Organisation.objects.get(memberships__user=social_worker_user)
    referral = ReferralFactory(social_worker=social_worker_user, organisation=organisation, status="accepted")
    assert client_for(social_worker_user).get(f"/referrals/{referral.pk}/edit/").status_code == 403
    waiting = ReferralFactory()
    assert client_for(mediator_user).get(f"/referrals/{waiting.pk}/edit/").status_code == 403


def test_an_offer_is_created_from_the_page(warehouse_user, mediator_user):
    client = client_for(warehouse_user)
    response = client.post(
        "/offers/",
        {"operator": "Free", "name": "Forfait 2 €", "kind": "sim", "validity_days": "30", "price": "2.00"},
    )
    offer = Offer.objects.get()
    assert response["Location"] == f"/offers/{offer.pk}/" and offer.created_by == warehouse_user
    assert "Nouvelle offre" not in client_for(mediator_user).get("/offers/").content.decode()
    assert client_for(mediator_user).post("/offers/", {"operator": "X"}).status_code == 403


def test_ticked_sim_cards_print_as_one_pdf(warehouse_user):
    first, second = LineItemFactory(), LineItemFactory()
    LineItemFactory()
    response = client_for(warehouse_user).post(
        f"/offers/{first.offer.pk}/labels/", {"items": [first.pk, second.pk], "stock": "avery_l7163"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_shelf_labels_print_from_a_form_and_a_wrong_line_is_told(warehouse_user):
    client = client_for(warehouse_user)
    assert "Emplacements, un par ligne" in client.get("/labels/shelves/").content.decode()
    response = client.post(
        "/labels/shelves/", {"locations": "A-01\nA-02\n", "site": "SD", "stock": "avery_l7163", "start": "1"}
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    wrong = client.post("/labels/shelves/", {"locations": "A-01\nÉtagère", "site": "SD", "stock": "avery_l7163"})
    assert wrong.status_code == 400 and "Pas un emplacement : Étagère." in wrong.content.decode()


# --- password reset and next ----------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_an_emailed_link(db, settings):
    settings.BAGAGE_PUBLIC_URL = "http://testserver"
    user = UserFactory(email="karim@example.org", username="karim2")
    client = Client()
    assert "/password-reset/" in client.get("/").content.decode()
    response = client.post("/password-reset/", {"email": "karim@example.org"})
    assert response["Location"] == "/password-reset/sent/"
    assert 'data-testid="reset-sent"' in client.get("/password-reset/sent/").content.decode()
    body = mail.outbox[-1].body
    assert "Bonjour" in body
    link = re.search(r"http://testserver(/password-reset/\S+/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-mot-2-passe", "new_password2": "Un-nouveau-mot-2-passe"},
    )
    assert done["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password("Un-nouveau-mot-2-passe")
    assert (
        client.get(link).status_code == 200 and "ne fonctionne plus" in client.get(link, follow=True).content.decode()
    )


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(warehouse_user):
    device = DeviceFactory()
    client = Client()
    asked = client.get(f"/devices/{device.asset_tag}/")
    assert asked["Location"] == f"/?next=/devices/{device.asset_tag}/"
    back = client.post(
        f"/?next=/devices/{device.asset_tag}/",
        {"username": "karim", "password": PASSWORD, "next": f"/devices/{device.asset_tag}/"},
    )
    assert back["Location"] == f"/devices/{device.asset_tag}/"
    away = Client().post("/", {"username": "karim", "password": PASSWORD, "next": "https://evil.example/steal"})
    assert away["Location"] == "/home/"
