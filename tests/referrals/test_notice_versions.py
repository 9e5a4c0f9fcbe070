import copy

import pytest
from django.db.models import ProtectedError

from common.exceptions import Conflict, NotAllowed, ValidationFailed
from referrals import services
from referrals.models import Beneficiary, NoticeVersion, Referral
from referrals.notice_texts import DEFAULT_TEXTS, notice_text
from referrals.notices import current_notice
from tests.factories import UserFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db


def english_and_french(marker: str = "") -> dict:
    texts = copy.deepcopy(DEFAULT_TEXTS)
    for text in texts.values():
        text["sections"][0][1] += marker
    return texts


@pytest.fixture
def coordinator(db):
    return UserFactory(coordinator=True)


def test_the_database_starts_with_the_seeded_version_built_from_the_settings(settings):
    notice = current_notice()
    assert notice.label == settings.BAGAGE_CONSENT_VERSION == "2026-01"
    french = notice_text(notice, "fr")
    assert french.title == "Vos données chez Bagage Solidaire"
    paragraphs = " ".join(paragraph for _, paragraph in french.sections)
    retention = settings.BAGAGE_RETENTION
    assert f"{retention['beneficiary_after_last_handover_months']} mois après la dernière remise" in paragraphs
    assert f"gardée {retention['receipts_years']} ans" in paragraphs
    assert "CNIL" in paragraphs and settings.BAGAGE_CHARITY_EMAIL in paragraphs
    assert "{" not in paragraphs  # every placeholder filled
    assert notice.retention == retention


def test_the_version_given_is_stored_with_each_referral(api_a):
    response = api_a.post("referrals", referral_payload())
    assert response.status_code == 201, response.json()
    assert response.json()["beneficiary"]["consent_version"] == "2026-01"
    assert Beneficiary.objects.get().consent_version == current_notice()


def test_a_new_version_leaves_earlier_referrals_pointing_at_theirs(api_a, coordinator):
    first = api_a.post("referrals", referral_payload()).json()
    newer = services.notice_publish(user=coordinator, label="2026-11", texts=english_and_french(" Nouveau."))
    assert current_notice() == newer
    second = api_a.post("referrals", referral_payload(beneficiary={"first_name": "Yusuf"})).json()

    assert api_a.get(f"referrals/{first['id']}").json()["beneficiary"]["consent_version"] == "2026-01"
    assert api_a.get(f"referrals/{second['id']}").json()["beneficiary"]["consent_version"] == "2026-11"
    old = Referral.objects.get(pk=first["id"]).beneficiary.consent_version
    assert "Nouveau." not in notice_text(old, "fr").sections[0][1]  # the words that person read, unchanged
    assert "Nouveau." in notice_text(newer, "fr").sections[0][1]


def test_a_referral_may_name_an_earlier_known_version(api_a, coordinator):
    services.notice_publish(user=coordinator, label="2026-11", texts=english_and_french())
    response = api_a.post("referrals", referral_payload(consent_version="2026-01"))
    assert response.status_code == 201, response.json()
    assert Beneficiary.objects.get().consent_version_id == "2026-01"


def test_a_referral_naming_an_unknown_version_is_refused_and_records_nothing(api_a):
    response = api_a.post("referrals", referral_payload(consent_version="1999-01"))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_notice_version"
    assert "1999-01" in response.json()["detail"]
    assert not Referral.objects.exists() and not Beneficiary.objects.exists()


def test_only_coordinators_publish_a_notice(sw_a):
    for role in ("social_worker", "mediator", "warehouse"):
        with pytest.raises(NotAllowed):
            services.notice_publish(user=UserFactory(**{role: True}), label="2026-11", texts=english_and_french())
    assert NoticeVersion.objects.count() == 1


def test_a_version_label_is_published_once(coordinator):
    with pytest.raises(Conflict) as raised:
        services.notice_publish(user=coordinator, label="2026-01", texts=english_and_french())
    assert raised.value.code == "duplicate_notice_version"


@pytest.mark.parametrize(
    "label, texts, field",
    [
        ("2026 11", english_and_french(), "label"),
        ("2026-11", {"en": DEFAULT_TEXTS["en"]}, "texts"),
        ("2026-11", {"fr": {"title": "", "sections": [["a", "b"]]}}, "texts.fr"),
        ("2026-11", {"fr": {"title": "T", "sections": [["a", ""]]}}, "texts.fr"),
        ("2026-11", {"fr": {"title": "T", "sections": [["Long", "mot " * 290]] * 10}}, "texts.fr"),
    ],
    ids=["label-with-space", "no-french", "empty-title", "empty-paragraph", "too-long-for-one-page"],
)
def test_a_bad_notice_is_refused_with_its_field(coordinator, label, texts, field):
    with pytest.raises(ValidationFailed) as raised:
        services.notice_publish(user=coordinator, label=label, texts=texts)
    assert raised.value.code == "invalid_notice" and raised.value.extra["field"] == field
    assert NoticeVersion.objects.count() == 1


def test_placeholders_are_filled_from_the_settings_of_the_day(coordinator, settings):
    settings.BAGAGE_RETENTION = {**settings.BAGAGE_RETENTION, "beneficiary_after_last_handover_months": 36}
    texts = {"fr": {"title": "Vos données", "sections": [["Durée", "{retention_beneficiary} mois, {weird} gardé."]]}}
    version = services.notice_publish(user=coordinator, label="2027-01", texts=texts)
    assert notice_text(version, "fr").sections == (("Durée", "36 mois, {weird} gardé."),)
    assert version.retention["beneficiary_after_last_handover_months"] == 36
    assert NoticeVersion.objects.get(label="2026-01").retention["beneficiary_after_last_handover_months"] == 24


def test_a_language_without_translation_falls_back_to_french():
    notice = current_notice()
    pashto = notice_text(notice, "ps")
    assert (pashto.language, pashto.requested, pashto.fallback) == ("fr", "ps", True)
    assert pashto.title == notice_text(notice, "fr").title
    english = notice_text(notice, "en-GB")
    assert (english.language, english.fallback, english.title) == ("en", False, "Your data at Bagage Solidaire")


def test_a_version_in_use_cannot_be_deleted(api_a):
    api_a.post("referrals", referral_payload())
    with pytest.raises(ProtectedError):
        NoticeVersion.objects.filter(label="2026-01").delete()


def test_the_first_version_comes_back_after_the_database_is_emptied(settings):
    NoticeVersion.objects.all().delete()  # as `manage.py flush` or a transactional test does
    assert current_notice().label == settings.BAGAGE_CONSENT_VERSION
    assert NoticeVersion.objects.count() == 1


def test_the_notice_says_what_sms_are_sent_with_consent_and_when_in_french_and_english():
    notice = current_notice()
    french = " ".join(paragraph for _, paragraph in notice_text(notice, "fr").sections)
    english = " ".join(paragraph for _, paragraph in notice_text(notice, "en").sections)
    for words in ("Seulement si vous l'acceptez", "au numéro que vous donnez", "deux jours avant", "la veille d'un"):
        assert words in french
    for words in ("Only if you agree", "to the number you give", "two days before", "the day before an appointment"):
        assert words in english
    assert "stop" in french and "stop" in english
