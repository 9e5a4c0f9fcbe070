import copy
import re

import pytest

from referrals import services
from referrals.models import NoticeVersion, Referral
from referrals.notice_texts import DEFAULT_TEXTS
from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import SiteFactory, UserFactory
from tests.web.test_browser_referral import sign_in
from tests.web.test_referral_pages import FORM, client_for


@pytest.fixture
def form_client(social_worker_user):
    SiteFactory(code="SD")
    return client_for(social_worker_user)


def publish(label: str, title: str = "Vos données, version suivante"):
    texts = copy.deepcopy(DEFAULT_TEXTS)
    texts["fr"]["title"] = title
    return services.notice_publish(user=UserFactory(coordinator=True), label=label, texts=texts)


@pytest.mark.django_db
def test_the_form_shows_the_notice_beside_the_consent_box_in_french_and_english(form_client):
    html = form_client.get("/referrals/new/").content.decode()
    notice, consent = html.index('<details class="notice"'), html.index("La personne accepte")
    assert html.index('name="language"') < notice < consent < html.index("Envoyer l'orientation")
    assert "Notice d’information à remettre à la personne (version 2026-01)" in html
    assert '<section class="notice-text" lang="fr"' in html and '<section class="notice-text" lang="en"' in html
    assert "Vos données chez Bagage Solidaire" in html and "Your data at Bagage Solidaire" in html
    assert "plaindre à la CNIL" in html and "24 mois après la dernière remise" in html
    assert '<input type="hidden" name="consent_version" value="2026-01"' in html
    assert "/api/v1/notice.pdf?lang=fr&amp;version=2026-01" in html and "Imprimer la notice (Français)" in html
    assert "/api/v1/notice.pdf?lang=en&amp;version=2026-01" in html
    # The page's script is a static file: no inline script for the coming CSP.
    assert "/static/web/notice.js" in html and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "data-notice-fallback hidden" in html  # French is the form's initial language: no fallback sentence


@pytest.mark.django_db
def test_the_referral_records_the_version_shown_even_if_a_newer_one_is_published_meanwhile(form_client):
    shown = form_client.get("/referrals/new/").content.decode()
    assert 'name="consent_version" value="2026-01"' in shown
    publish("2026-11")
    form_client.post("/referrals/new/", {**FORM, "consent_version": "2026-01"})
    assert Referral.objects.get().beneficiary.consent_version_id == "2026-01"
    # No version sent: the current one (another person: not held back as a possible duplicate).
    form_client.post("/referrals/new/", {**FORM, "first_name": "Yusuf", "phone": "06 98 76 54 32"})
    assert Referral.objects.get(beneficiary__first_name="Yusuf").beneficiary.consent_version_id == "2026-11"


@pytest.mark.django_db
def test_an_unknown_version_on_the_form_is_told_and_records_nothing(form_client):
    response = form_client.post("/referrals/new/", {**FORM, "consent_version": "1999-01"})
    assert response.status_code == 200 and not Referral.objects.exists()
    html = response.content.decode()
    assert "Aucune notice d’information n’a la version 1999-01." in html
    assert "Diallo" in html  # what was typed is kept
    assert 'name="consent_version" value="2026-01"' in html  # the current version, shown and sent next time
    again = form_client.post("/referrals/new/", {**FORM, "consent_version": "2026-01"})
    assert again.status_code == 302 and Referral.objects.get().beneficiary.consent_version_id == "2026-01"


@pytest.mark.django_db
def test_a_language_without_translation_is_said_plainly_and_french_is_shown(form_client):
    response = form_client.post("/referrals/new/", {**FORM, "language": "ps", "urgency": "high"})
    html = response.content.decode()
    fallback = re.search(r'<p class="notice-fallback" data-notice-fallback>(.*?)</p>', html, re.S)
    assert fallback, "the fallback sentence is shown"
    assert "pas de traduction en" in fallback.group(1) and "پښتو" in fallback.group(1)


@pytest.mark.django_db
def test_the_referral_page_says_which_notice_was_given_with_a_print_link(form_client):
    form_client.post("/referrals/new/", {**FORM, "language": "en"})
    referral = Referral.objects.get()
    publish("2026-11")
    html = form_client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Notice d’information remise" in html and "version 2026-01" in html
    assert f"/api/v1/notice.pdf?lang=en&amp;referral={referral.pk}" in html
    pdf = form_client.get(f"/api/v1/notice.pdf?lang=en&referral={referral.pk}")  # the session signs the link in
    assert pdf.status_code == 200 and pdf["Content-Language"] == "en"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_notice_follows_the_language_select_in_a_real_browser(page, live_server):  # noqa: F811
    SiteFactory(code="SD", name="Saint-Denis")
    UserFactory(social_worker=True, username="sophie")
    sign_in(page, live_server, "sophie")
    page.goto(live_server.url + "/referrals/new/")
    french = page.locator('section.notice-text[lang="fr"]')
    english = page.locator('section.notice-text[lang="en"]')
    fallback = page.locator("[data-notice-fallback]")
    assert french.is_visible() and not english.is_visible() and not fallback.is_visible()

    page.get_by_label("Langue parlée").select_option("en")
    assert english.is_visible() and not french.is_visible() and not fallback.is_visible()
    assert "Your data at Bagage Solidaire" in english.inner_text()

    page.get_by_label("Langue parlée").select_option("ti")
    assert french.is_visible() and not english.is_visible() and fallback.is_visible()
    assert "ትግርኛ" in fallback.inner_text()

    # On a phone the notice starts folded and opens with one tap.
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert not french.is_visible()
    page.get_by_text("Notice d’information à remettre").click()
    assert french.is_visible()


@pytest.mark.django_db
def test_anyone_reads_the_notice_page_in_their_language_without_signing_in(client):
    french = client.get("/notice/").content.decode()
    assert "Vos données chez Bagage Solidaire" in french and "Version 2026-01 du" in french
    english = client.get("/notice/2026-01/?lang=en").content.decode()
    assert "Your data at Bagage Solidaire" in english and "Who sees what" in english
    pashto = client.get("/notice/?lang=ps").content.decode()
    assert "Pas de traduction en پښتو : voici le texte en français." in pashto
    assert "Vos données chez Bagage Solidaire" in pashto
    assert client.get("/notice/1999-01/").status_code == 404


@pytest.mark.django_db
def test_an_earlier_version_page_shows_its_own_words_and_links_to_the_current(client):
    publish("2026-11", title="Vos données, version suivante")
    earlier = client.get("/notice/2026-01/").content.decode()
    assert "Vos données chez Bagage Solidaire" in earlier and "Voir la version en vigueur" in earlier
    current = client.get("/notice/").content.decode()
    assert "Vos données, version suivante" in current and "Voir la version en vigueur" not in current


@pytest.mark.django_db
def test_a_coordinator_publishes_a_new_version_from_the_current_words(coordinator_user):
    client = client_for(coordinator_user)
    html = client.get("/notice/versions/").content.decode()
    assert "2026-01" in html and "## Combien de temps" in html and "## For how long" in html
    assert "version {version}" in html  # the current version's number goes back to a placeholder

    from web.referrals.forms import notice_to_plain

    current = NoticeVersion.objects.get(label="2026-01")
    french = notice_to_plain(current.texts["fr"]).replace("2026-01", "{version}")
    french = french.replace("## Pourquoi\n", "## Pourquoi nous les gardons\n")
    form = {"version": "2026-11", "text_fr": french, "text_en": "", "confirm": "on"}
    response = client.post("/notice/versions/", form, follow=True)
    assert "Version 2026-11 publiée." in response.content.decode()
    published = NoticeVersion.objects.get(label="2026-11")
    assert list(published.texts) == ["fr"] and published.created_by == coordinator_user
    assert published.texts["fr"]["sections"] == [
        [heading.replace("Pourquoi", "Pourquoi nous les gardons") if heading == "Pourquoi" else heading, paragraph]
        for heading, paragraph in current.texts["fr"]["sections"]
    ]
    assert published.texts["fr"]["footer"] == current.texts["fr"]["footer"].replace("2026-01", "2026-11")


@pytest.mark.django_db
def test_publishing_on_the_page_needs_a_confirmation_and_a_free_version(coordinator_user):
    client = client_for(coordinator_user)
    french = "Titre\n## Intitulé\nParagraphe."
    unconfirmed = client.post("/notice/versions/", {"version": "2026-11", "text_fr": french})
    assert unconfirmed.status_code == 200 and not NoticeVersion.objects.filter(label="2026-11").exists()
    taken = client.post("/notice/versions/", {"version": "2026-01", "text_fr": french, "confirm": "on"})
    assert "Une notice a déjà cette version." in taken.content.decode()
    assert NoticeVersion.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["social_worker", "mediator", "warehouse"])
def test_only_coordinators_open_the_publishing_page(role):
    assert client_for(UserFactory(**{role: True})).get("/notice/versions/").status_code == 403
