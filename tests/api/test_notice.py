import copy

import pypdfium2 as pdfium
import pytest

from referrals.models import NoticeVersion
from referrals.notice_texts import DEFAULT_TEXTS
from tests.conftest import ApiClient
from tests.factories import UserFactory

# The referral fixtures: two organisations' social workers, each with a signed-in API client.
from tests.referrals.conftest import api_a, api_b, org_a, org_b, referral_payload, sw_a, sw_b  # noqa: F401

pytestmark = pytest.mark.django_db


def page_texts(content: bytes) -> list[str]:
    document = pdfium.PdfDocument(content)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def flat(text: str) -> str:
    """The page's text with its line breaks made spaces, as wrapped lines read back."""
    return " ".join(text.split())


def test_any_signed_in_user_reads_the_current_notice_in_french(users_by_role):
    for user in users_by_role.values():
        response = ApiClient(user).get("notice", {"lang": "fr"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["version"], body["current"], body["language"], body["fallback"]) == ("2026-01", True, "fr", False)
        assert body["languages"] == ["en", "fr"]
        headings = [section["heading"] for section in body["sections"]]
        assert headings == ["Qui garde vos données", "Pourquoi", "Combien de temps", "Qui voit quoi", "Les SMS",
                            "Vos droits", "Nous contacter"]  # fmt: skip
        assert body["charity"] == "Bagage Solidaire" and "dpo@bagage.example.org" in body["contact"]
        assert body["retention"]["receipts_years"] == 10


def test_the_notice_needs_a_signed_in_user(anon_api):
    assert anon_api.get("notice").status_code == 401
    assert anon_api.get("notice.pdf").status_code == 401


def test_the_notice_in_english_and_a_language_without_translation(social_worker_api):
    english = social_worker_api.get("notice", {"lang": "en"}).json()
    assert (english["language"], english["fallback"]) == ("en", False)
    assert english["title"] == "Your data at Bagage Solidaire"
    assert english["sections"][4]["heading"] == "Text messages" and "agree" in english["sections"][4]["text"]
    assert english["sections"][5]["heading"] == "Your rights" and "CNIL" in english["sections"][5]["text"]

    tigrinya = social_worker_api.get("notice", {"lang": "ti"}).json()
    assert (tigrinya["language"], tigrinya["requested_language"], tigrinya["fallback"]) == ("fr", "ti", True)
    assert tigrinya["title"] == "Vos données chez Bagage Solidaire"


def test_an_unknown_version_answers_404(social_worker_api):
    response = social_worker_api.get("notice", {"version": "1999-01"})
    assert response.status_code == 404 and response.json()["code"] == "unknown_notice_version"
    response = social_worker_api.get("notice.pdf", {"version": "1999-01"})
    assert response.status_code == 404 and response.json()["code"] == "unknown_notice_version"


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fr", ["Vos données chez Bagage Solidaire", "Version 2026-01 du", "Combien de temps", "24 mois après la "
                "dernière remise", "Qui voit quoi", "plaindre à la CNIL", "dpo@bagage.example.org"]),
        ("en", ["Your data at Bagage Solidaire", "Version 2026-01 of", "For how long", "24 months after the last "
                "handover", "Who sees what", "complain to the CNIL", "dpo@bagage.example.org"]),
    ],
)  # fmt: skip
def test_the_printed_notice_is_one_page_that_reads_back_in_its_language(social_worker_api, lang, expected):
    response = social_worker_api.get("notice.pdf", {"lang": lang})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["Content-Language"] == lang
    (text,) = page_texts(response.content)
    for words in expected:
        assert words in flat(text), words
    assert "Votre orientation" not in text and "Your referral" not in text


def test_the_printed_notice_in_a_language_without_translation_is_french(social_worker_api):
    response = social_worker_api.get("notice.pdf", {"lang": "uk"})
    assert response.status_code == 200 and response["Content-Language"] == "fr"
    assert "Vos données chez Bagage Solidaire" in page_texts(response.content)[0]


def test_the_referral_number_is_printed_for_whoever_may_read_the_referral(api_a, api_b):  # noqa: F811
    referral = api_a.post("referrals", referral_payload(beneficiary={"postal_code": "59000"})).json()
    response = api_a.get("notice.pdf", {"lang": "fr", "referral": referral["id"]})
    assert response.status_code == 200
    (text,) = page_texts(response.content)
    assert f"Votre orientation : n° {referral['id']}" in text
    for personal in ("Amina", "Diallo", "59000", "1984", "06 12", "+336"):  # nothing else about the person
        assert personal not in text
    english = page_texts(api_a.get("notice.pdf", {"lang": "en", "referral": referral["id"]}).content)[0]
    assert f"Your referral: no. {referral['id']}" in english

    # Another organisation's social worker, a warehouse worker: as for any guessed id, 404 and no page.
    for client in (api_b, ApiClient(UserFactory(warehouse=True))):
        response = client.get("notice.pdf", {"lang": "fr", "referral": referral["id"]})
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_referral_prints_the_version_its_person_was_given(api_a, coordinator_api):  # noqa: F811
    referral = api_a.post("referrals", referral_payload()).json()
    texts = copy.deepcopy(DEFAULT_TEXTS)
    texts["fr"]["title"] = "Vos données, nouvelle version"
    assert coordinator_api.post("notices", {"version": "2026-11", "texts": texts}).status_code == 201

    (for_referral,) = page_texts(api_a.get("notice.pdf", {"referral": referral["id"]}).content)
    assert "Version 2026-01" in for_referral and "nouvelle version" not in for_referral
    (current,) = page_texts(api_a.get("notice.pdf").content)
    assert "Version 2026-11" in current and "Vos données, nouvelle version" in current


def test_a_coordinator_publishes_a_version_that_becomes_current(coordinator_api, social_worker_api):
    texts = copy.deepcopy(DEFAULT_TEXTS)
    del texts["en"]
    texts["fr"]["sections"][2][1] = "Gardé {retention_beneficiary} mois, puis effacé."
    response = coordinator_api.post("notices", {"version": "2026-11", "texts": texts})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["current"], body["languages"]) == ("2026-11", True, ["fr"])
    assert body["sections"][2]["text"] == "Gardé 24 mois, puis effacé."

    listed = social_worker_api.get("notices").json()
    assert [(v["version"], v["current"]) for v in listed] == [("2026-11", True), ("2026-01", False)]
    assert listed[0]["published_by"] and listed[1]["published_by"] is None
    # English was not written for this version: it falls back to French, plainly flagged.
    english = social_worker_api.get("notice", {"lang": "en"}).json()
    assert (english["version"], english["language"], english["fallback"]) == ("2026-11", "fr", True)
    assert social_worker_api.get("notice", {"version": "2026-01", "lang": "en"}).json()["fallback"] is False


@pytest.mark.parametrize("role", ["social_worker", "mediator", "warehouse"])
def test_only_coordinators_publish_through_the_api(role):
    client = ApiClient(UserFactory(**{role: True}))
    response = client.post("notices", {"version": "2026-11", "texts": {"fr": DEFAULT_TEXTS["fr"]}})
    assert response.status_code == 403
    assert NoticeVersion.objects.count() == 1


def test_publishing_a_bad_or_taken_version_changes_nothing(coordinator_api):
    taken = coordinator_api.post("notices", {"version": "2026-01", "texts": {"fr": DEFAULT_TEXTS["fr"]}})
    assert taken.status_code == 409 and taken.json()["code"] == "duplicate_notice_version"
    no_french = coordinator_api.post("notices", {"version": "2026-11", "texts": {"en": DEFAULT_TEXTS["en"]}})
    assert no_french.status_code == 422 and no_french.json()["code"] == "invalid_notice"
    empty = {"fr": {"title": "T", "sections": []}}
    no_sections = coordinator_api.post("notices", {"version": "2026-11", "texts": empty})
    assert no_sections.status_code == 422
    assert NoticeVersion.objects.count() == 1


def test_publishing_keeps_the_earlier_version_untouched(coordinator_api):
    before = NoticeVersion.objects.get(label="2026-01")
    texts = copy.deepcopy(DEFAULT_TEXTS)
    texts["fr"]["title"] = "Autre titre"
    coordinator_api.post("notices", {"version": "2026-11", "texts": texts})
    after = NoticeVersion.objects.get(label="2026-01")
    assert (after.texts, after.created_at, after.retention) == (before.texts, before.created_at, before.retention)
