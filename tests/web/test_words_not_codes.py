"""Pages say things in words: no stored code (`ps`, `brother_62x29`, `read`, `error`) where people read."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inventory import services as inventory_services
from tests.factories import (
    BatchFactory,
    BeneficiaryFactory,
    DeviceFactory,
    LineItemFactory,
    OfferFactory,
    ReferralFactory,
    UserFactory,
    valid_imei,
)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """What a person reads: the page without its tags, attributes and scripts."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_referral_page_names_the_language_and_the_social_worker(client):
    social = UserFactory(social_worker=True, first_name="Sophie", last_name="Durand")
    referral = ReferralFactory(
        social_worker=social, beneficiary=BeneficiaryFactory(consent_recorded_by=social, language="ps")
    )
    text = text_of(signed_in(client, UserFactory(mediator=True)).get(f"/referrals/{referral.pk}/"))
    assert "Langue parlée pachto" in text
    assert " ps " not in text
    assert "(Sophie Durand)" in text


def test_the_access_log_says_who_by_name_and_what_in_words(client):
    mediator = UserFactory(mediator=True, username="lea", first_name="Léa", last_name="Martin")
    referral = ReferralFactory()
    signed_in(client, mediator).get(f"/referrals/{referral.pk}/")
    text = text_of(signed_in(client, UserFactory(coordinator=True)).get("/access-log/"))
    assert "Léa Martin" in text
    assert "Lecture de la fiche" in text
    assert " read " not in text and " lea " not in text


def test_the_device_history_names_the_label_stock_and_the_erasure_in_words(client):
    warehouse = UserFactory(warehouse=True, first_name="Karim", last_name="Benali")
    device = DeviceFactory(laptop=True)
    inventory_services.device_labels_printed(user=warehouse, devices=[device], stock="brother_62x29")
    inventory_services.erasure_record(
        user=warehouse,
        device=device,
        method="nist_purge",
        tool="Blancco",
        result="passed",
        finished_at=timezone.now(),
        certificate_ref="CERT-42",
    )
    text = text_of(signed_in(client, warehouse).get(f"/devices/{device.asset_tag}/"))
    assert "Étiquette imprimée sur Brother DK-11209" in text
    assert "NIST 800-88 Purge avec Blancco : réussi (CERT-42)" in text
    for code in ("brother_62x29", "nist_purge", "passed"):
        assert code not in text
    assert "Karim Benali" in text


def test_the_import_report_says_the_result_and_the_column_in_french(client):
    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\nsmartphone,,{valid_imei(2)}\n".encode()
    response = signed_in(client, UserFactory(warehouse=True)).post(
        f"/batches/{batch.pk}/", {"import": "", "file": SimpleUploadedFile("d.csv", content)}
    )
    report = re.search(r'data-testid="import-report".*?</table>', response.content.decode(), re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", report, re.S)]
    assert "Erreur" in cells and "Valide" in cells
    assert "Marque : La marque est obligatoire." in cells
    assert "error" not in cells and "valid" not in cells


def test_offer_pages_count_days_and_sims_in_french(client):
    offer = OfferFactory(validity_days=1, name="Jour illimité")
    LineItemFactory(offer=offer)
    client = signed_in(client, UserFactory(warehouse=True))
    assert "1 jour" in text_of(client.get("/offers/"))
    text = text_of(client.get(f"/offers/{offer.pk}/"))
    assert "1 jour" in text and "1 disponible" in text and "1 jours" not in text
    OfferFactory(validity_days=30)
    assert "30 jours" in text_of(client.get("/offers/"))


def test_the_referral_form_groups_its_choices_in_fieldsets_with_legends(client):
    html = signed_in(client, UserFactory(social_worker=True)).get("/referrals/new/").content.decode()
    legends = re.findall(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>", html, re.S)
    names = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", legend)).strip() for legend in legends]
    assert names == [
        "Éligibilité",
        "Équipement (facultatif)",
        "Connexion",
        "Accessoires (facultatif)",
        "Urgence",
    ]


def test_the_erasure_result_is_a_fieldset_with_a_legend(client):
    device = DeviceFactory(laptop=True)
    html = signed_in(client, UserFactory(warehouse=True)).get(f"/devices/{device.asset_tag}/").content.decode()
    assert re.search(r"<fieldset[^>]*>\s*<legend>Résultat", html)


def test_every_input_of_the_pages_has_a_label(client):
    """Each visible input, select or textarea is named by a <label for>, a wrapping <label> or a fieldset."""
    warehouse = UserFactory(warehouse=True)
    device = DeviceFactory(laptop=True, batch=BatchFactory())
    client = signed_in(client, warehouse)
    for path in ["/devices/", f"/devices/{device.asset_tag}/", f"/batches/{device.batch_id}/", "/batches/", "/scan/"]:
        html = client.get(path).content.decode()
        label_for = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
        # Drop the controls wrapped in a label: what remains must be named by id.
        unwrapped = re.sub(r"<label\b(?:(?!</label>).)*</label>", "", html, flags=re.S)
        for control in re.findall(r"<(?:input|select|textarea)\b[^>]*>", unwrapped):
            if re.search(r'type="(hidden|submit)"', control):
                continue
            control_id = re.search(r'\bid="([^"]+)"', control)
            assert control_id and control_id.group(1) in label_for, f"{path}: {control} has no label"


def test_the_batch_form_shows_today_in_its_date_field(client):
    html = signed_in(client, UserFactory(warehouse=True)).get("/batches/").content.decode()
    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="received_on" value="{today}"', html)


def test_one_wrong_row_is_told_in_the_singular(client):
    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\nsmartphone,,{valid_imei(2)}\n".encode()
    response = signed_in(client, UserFactory(warehouse=True)).post(
        f"/batches/{batch.pk}/", {"import": "", "file": SimpleUploadedFile("d.csv", content)}
    )
    assert "1 ligne sur 2 est fausse ; rien n’a été importé." in text_of(response)


def test_one_imported_device_is_told_in_the_singular(client):
    batch = BatchFactory()
    content = f"kind,brand,imei\nsmartphone,Samsung,{valid_imei(1)}\n".encode()
    response = signed_in(client, UserFactory(warehouse=True)).post(
        f"/batches/{batch.pk}/", {"import": "", "file": SimpleUploadedFile("d.csv", content)}
    )
    assert "1 équipement importé." in text_of(response)


def test_history_notes_written_by_bagage_are_in_french(client):
    from referrals import services as referral_services

    warehouse = UserFactory(warehouse=True)
    batch = BatchFactory()
    device = inventory_services.device_register(
        user=warehouse, site=batch.site, batch=batch, kind="smartphone", brand="Fairphone", imei=valid_imei(7)
    )
    text = text_of(signed_in(client, warehouse).get(f"/devices/{device.asset_tag}/"))
    assert f"Lot n° {batch.pk}" in text and f"batch #{batch.pk}" not in text

    referral = ReferralFactory(status_changed_at=timezone.now() - timezone.timedelta(days=400))
    assert referral_services.referrals_expire() == 1
    text = text_of(signed_in(client, UserFactory(mediator=True)).get(f"/referrals/{referral.pk}/"))
    assert "Sans réponse depuis" in text and "no answer for" not in text


def test_a_field_error_is_linked_to_its_control_for_screen_readers(client):
    html = (
        signed_in(client, UserFactory(social_worker=True))
        .post("/referrals/new/", {"last_name": "Diallo"})
        .content.decode()
    )
    first_name = re.search(r'<input[^>]*name="first_name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in first_name
    assert 'aria-describedby="id_first_name_errors"' in first_name
    assert re.search(r'<div id="id_first_name_errors" class="error" role="alert"><p>Ce champ est obligatoire', html)
    # A group names its error on the fieldset; help text and error together on a field that has both.
    assert re.search(r'<fieldset aria-describedby="id_eligibility_errors">\s*<legend>Éligibilité', html)
    phone = re.search(r'<input[^>]*name="accessibility_needs"[^>]*>', html).group(0)
    assert 'aria-describedby="id_accessibility_needs_helptext"' in phone
