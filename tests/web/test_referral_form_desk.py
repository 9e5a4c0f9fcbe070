"""The referral form at the desk: every mistake told at once (page and API), duplicates checked before sending,
the right keyboards, statuses that say whose turn it is, phone numbers as people write them."""

import re

import pytest

from referrals import services
from referrals.models import Referral
from tests.conftest import ApiClient, client_for
from tests.factories import BeneficiaryFactory, ReferralFactory, SiteFactory, UserFactory
from tests.web.referral_form import FORM

pytestmark = pytest.mark.django_db

FIVE_MISTAKES = {
    "phone": "06 12",
    "postal_code": "9320",
    "birth_year": "1887",
    "urgency": "high",
    "urgency_justification": "",
    "consent": "",
}
FIVE_FIELDS = ["phone", "postal_code", "birth_year", "urgency_justification", "consent"]


def summary_targets(html: str) -> list[str]:
    summary = html[html.index("data-error-summary") :]
    summary = summary[: summary.index("</div>")]
    return re.findall(r'data-focus="id_(\w+?)(?:_0)?"', summary)


def test_one_submit_shows_all_five_mistakes_beside_their_fields_and_on_top(social_worker_user):
    SiteFactory(code="SD")
    response = client_for(social_worker_user).post("/referrals/new/", {**FORM, **FIVE_MISTAKES})
    html = response.content.decode()
    assert not Referral.objects.exists()
    assert summary_targets(html) == FIVE_FIELDS
    for field in FIVE_FIELDS:
        assert f'id="id_{field}_errors"' in html, field
    # What was typed stays.
    assert 'value="06 12"' in html and 'value="1887"' in html


def test_the_edit_form_also_tells_every_mistake_at_once(social_worker_user):
    SiteFactory(code="SD")
    referral = ReferralFactory(social_worker=social_worker_user)
    response = client_for(social_worker_user).post(
        f"/referrals/{referral.pk}/edit/", {k: v for k, v in {**FORM, **FIVE_MISTAKES}.items() if k != "consent"}
    )
    assert response.status_code == 400
    assert summary_targets(response.content.decode()) == FIVE_FIELDS[:-1]
    referral.beneficiary.refresh_from_db()
    assert referral.beneficiary.birth_year == 1985


API_REFERRAL = {
    "beneficiary": {
        "first_name": "Amina",
        "last_name": "Diallo",
        "phone": "06 12",
        "postal_code": "9320",
        "birth_year": 1887,
        "eligibility": ["rsa"],
    },
    "needs": {"device_kinds": ["smartphone"], "connectivity": "sim"},
    "reason": "administrative",
    "urgency": "high",
    "site": "SD",
    "consent": False,
}


def test_the_api_answers_the_five_mistakes_in_one_422(social_worker_user):
    SiteFactory(code="SD")
    answer = ApiClient(social_worker_user).post("referrals", API_REFERRAL)
    assert answer.status_code == 422
    body = answer.json()
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("beneficiary.phone", "invalid_phone"),
        ("beneficiary.postal_code", "invalid_postal_code"),
        ("beneficiary.birth_year", "invalid_beneficiary"),
        ("urgency_justification", "justification_required"),
        ("consent", "consent_required"),
    ]
    assert all(e["detail"] for e in body["errors"])
    # The first error stays on top, as existing clients read it.
    assert (body["field"], body["code"]) == ("beneficiary.phone", "invalid_phone")
    assert body["detail"].startswith("beneficiary.phone: ")
    assert not Referral.objects.exists()


def test_a_correction_through_the_api_lists_every_wrong_field(social_worker_user):
    SiteFactory(code="SD")
    referral = ReferralFactory(social_worker=social_worker_user)
    answer = ApiClient(social_worker_user).patch(
        f"referrals/{referral.pk}",
        {"beneficiary": {"phone": "06 12", "birth_year": 1887}, "urgency": "high", "urgency_justification": ""},
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == [
        "beneficiary.phone",
        "beneficiary.birth_year",
        "urgency_justification",
    ]


def test_pydantic_errors_come_in_the_same_shape(social_worker_user):
    body = {**API_REFERRAL, "beneficiary": {**API_REFERRAL["beneficiary"], "birth_year": "old"}, "reason": "x"}
    answer = ApiClient(social_worker_user).post("referrals", body).json()
    assert answer["code"] == "validation_error"
    assert {e["field"] for e in answer["errors"]} == {"beneficiary.birth_year", "reason"}
    assert all(e["code"] and e["detail"] for e in answer["errors"])


def test_a_possible_duplicate_is_shown_before_sending_and_sent_only_when_confirmed(social_worker_user):
    SiteFactory(code="SD")
    person = BeneficiaryFactory(last_name="Diallo", birth_year=1984, phone="+33699999999")
    earlier = ReferralFactory(social_worker=social_worker_user, beneficiary=person)
    client = client_for(social_worker_user)
    shown = client.post("/referrals/new/", FORM)
    html = shown.content.decode()
    assert Referral.objects.count() == 1
    assert 'data-testid="duplicates"' in html and f'href="/referrals/{earlier.pk}/"' in html
    # Enter in a field does not send it anyway: the form has no default button while the question stands.
    assert html.index('<button type="submit" disabled hidden') < html.index('data-testid="send-anyway"')
    sent = client.post("/referrals/new/", {**FORM, "duplicates_seen": str(earlier.pk)})
    assert sent.status_code == 302 and Referral.objects.count() == 2


def test_the_duplicate_check_stays_within_the_social_workers_scope(social_worker_user):
    SiteFactory(code="SD")
    elsewhere = UserFactory(social_worker=True)  # another organisation
    person = BeneficiaryFactory(last_name="Diallo", birth_year=1984)
    ReferralFactory(social_worker=elsewhere, beneficiary=person)
    response = client_for(social_worker_user).post("/referrals/new/", FORM)
    assert response.status_code == 302 and Referral.objects.count() == 2


def test_contact_fields_bring_the_right_keyboard_and_no_connectivity_is_chosen_beforehand(social_worker_user):
    SiteFactory(code="SD")
    html = client_for(social_worker_user).get("/referrals/new/").content.decode()

    def tag(name):
        return re.search(rf'<input[^>]*name="{name}"[^>]*>', html)[0]

    assert 'inputmode="tel"' in tag("phone") and 'autocomplete="off"' in tag("phone")
    assert 'inputmode="email"' in tag("email") and "autocomplete=" in tag("email")
    assert 'inputmode="numeric"' in tag("postal_code") and "autocomplete=" in tag("postal_code")
    assert 'inputmode="numeric"' in tag("birth_year") and "autocomplete=" in tag("birth_year")
    radios = re.findall(r'<input[^>]*name="connectivity"[^>]*>', html)
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)


def test_partner_and_site_contact_fields_bring_the_right_keyboard(coordinator_user):
    from tests.factories import OrganisationFactory

    site = SiteFactory(code="SD")
    organisation = OrganisationFactory()
    client = client_for(coordinator_user)
    site_page = client.get(f"/sites/{site.code}/").content.decode()
    assert re.search(r'<input[^>]*name="phone"[^>]*inputmode="tel"', site_page)
    assert re.search(r'<input[^>]*name="postal_code"[^>]*inputmode="numeric"', site_page)
    assert re.search(r'<input[^>]*name="email"[^>]*inputmode="email"', site_page)
    partner_page = client.get(f"/partners/{organisation.pk}/").content.decode()
    assert re.search(r'<input[^>]*name="email"[^>]*inputmode="email"', partner_page)
    partners = client.get("/partners/").content.decode()
    assert re.search(r'<input[^>]*name="postal_code"[^>]*inputmode="numeric"', partners)


def test_a_question_waiting_is_marked_as_the_social_workers_turn_with_colour_icon_and_word(
    social_worker_user, mediator_user
):
    referral = ReferralFactory(social_worker=social_worker_user)
    services.referral_decide(user=mediator_user, referral=referral, decision="needs_info", reason="Quel créneau ?")
    mine = client_for(social_worker_user).get("/referrals/").content.decode()
    badge = re.search(r'<span class="status status-needs_info">.*?</td>', mine)[0]
    assert 'aria-hidden="true">?</span>' in badge and "Complément demandé" in badge
    assert 'class="your-turn"' in badge
    theirs = client_for(mediator_user).get("/referrals/?status=needs_info").content.decode()
    assert "status-needs_info" in theirs and 'class="your-turn"' not in theirs


def test_the_whole_card_of_the_list_is_the_link(social_worker_user):
    referral = ReferralFactory(social_worker=social_worker_user)
    html = client_for(social_worker_user).get("/referrals/").content.decode()
    assert re.search(rf'<tr class="row-link">\s*<td><a href="/referrals/{referral.pk}/" class="row-target"', html)


def test_phone_numbers_show_in_national_format(social_worker_user):
    referral = ReferralFactory(social_worker=social_worker_user, beneficiary__phone="+33612345678")
    html = client_for(social_worker_user).get(f"/referrals/{referral.pk}/").content.decode()
    assert "06 12 34 56 78" in html and ">+33612345678<" not in html


def test_after_answering_the_question_no_longer_stands_open(social_worker_user, mediator_user):
    referral = ReferralFactory(social_worker=social_worker_user)
    services.referral_decide(user=mediator_user, referral=referral, decision="needs_info", reason="Quel créneau ?")
    client = client_for(social_worker_user)
    assert 'data-testid="decision-reason"' in client.get(f"/referrals/{referral.pk}/").content.decode()
    client.post(f"/referrals/{referral.pk}/", {"action": "answer", "note": "Le mardi matin"})
    html = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="decision-reason"' not in html
    assert "Quel créneau ?" in html and "Le mardi matin" in html  # in the history


def test_an_empty_answer_is_told_as_such_not_with_the_mediators_instruction(social_worker_user, mediator_user):
    referral = ReferralFactory(social_worker=social_worker_user)
    services.referral_decide(user=mediator_user, referral=referral, decision="needs_info", reason="Quel créneau ?")
    client = client_for(social_worker_user, "en")
    response = client.post(f"/referrals/{referral.pk}/", {"action": "answer", "note": " "})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Write your answer to the mediator" in html and "the social worker will read it" not in html
    api = ApiClient(social_worker_user).post(f"referrals/{referral.pk}/answer", {"answer": "  "})
    assert api.status_code == 422 and api.json()["code"] == "answer_required"
