import pytest

from referrals.models import Beneficiary, Referral, ReferralEvent
from tests.factories import SiteFactory
from tests.referrals.conftest import referral_payload

pytestmark = pytest.mark.django_db


def test_a_social_worker_refers_a_person(api_a, sw_a):
    response = api_a.post("referrals", referral_payload())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["site"] == "SD" and body["consent"] is True
    assert body["beneficiary"]["phone"] == "+33612345678"
    assert body["needs"] == {"device_kinds": ["smartphone"], "connectivity": "sim", "accessories": ["charger"]}
    assert body["allowed_actions"] == ["update", "cancel"]
    person = Beneficiary.objects.get()
    assert (person.consent_recorded_by, person.consent_version_id) == (sw_a, "2026-01")
    event = ReferralEvent.objects.get()
    assert (event.by, event.kind, event.to_status) == (sw_a, "submitted", "submitted")


@pytest.mark.parametrize("consent", [None, False])
def test_no_consent_answers_422_and_records_nothing(api_a, consent):
    payload = referral_payload(consent=consent)
    if consent is None:
        del payload["consent"]
    response = api_a.post("referrals", payload)
    assert response.status_code == 422
    assert response.json()["code"] == "consent_required"
    assert not Beneficiary.objects.exists() and not Referral.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"beneficiary": {"phone": "", "email": ""}}, "contact_required"),
        ({"beneficiary": {"phone": "12"}}, "invalid_phone"),
        ({"beneficiary": {"email": "not-an-address"}}, "invalid_email"),
        ({"beneficiary": {"postal_code": "9320"}}, "invalid_postal_code"),
        ({"beneficiary": {"birth_year": 2024}}, "invalid_beneficiary"),
        ({"beneficiary": {"eligibility": []}}, "invalid_beneficiary"),
        ({"beneficiary": {"eligibility": ["other"]}}, "eligibility_note_required"),
        ({"needs": {"device_kinds": [], "connectivity": "none"}}, "empty_needs"),
        ({"needs": {"device_kinds": ["toaster"]}}, "validation_error"),
        ({"urgency": "high"}, "justification_required"),
        ({"reason": "boredom"}, "validation_error"),
        ({"site": "ZZ"}, "unknown_site"),
    ],
)
def test_bad_referrals_answer_422_and_record_nothing(api_a, overrides, code):
    response = api_a.post("referrals", referral_payload(**overrides))
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert not Referral.objects.exists() and not Beneficiary.objects.exists()


def test_a_site_that_is_not_a_reception_point_is_refused(api_a):
    SiteFactory(code="XW", is_reception_point=False)
    response = api_a.post("referrals", referral_payload(site="XW"))
    assert response.status_code == 422 and response.json()["code"] == "invalid_site"


def test_high_urgency_with_a_justification_is_accepted(api_a):
    response = api_a.post("referrals", referral_payload(urgency="high", urgency_justification="Court date on Monday"))
    assert response.status_code == 201


def test_the_organisations_quota_of_open_referrals_is_enforced(api_a, org_a):
    org_a.open_referral_quota = 1
    org_a.save()
    assert api_a.post("referrals", referral_payload()).status_code == 201
    second = api_a.post("referrals", referral_payload(beneficiary={"last_name": "Other"}))
    assert second.status_code == 409 and second.json()["code"] == "quota_reached"
    assert Referral.objects.count() == 1


def test_only_social_workers_submit(mediator_api, coordinator_api, warehouse_api):
    SiteFactory(code="SD")
    for api in (mediator_api, coordinator_api, warehouse_api):
        assert api.post("referrals", referral_payload()).status_code == 403
        assert api.post("referrals", referral_payload()).json()["code"] == "forbidden"
    assert not Referral.objects.exists()


def test_the_social_worker_updates_while_submitted_and_history_hides_personal_values(api_a, referral_a):
    response = api_a.patch(
        f"referrals/{referral_a['id']}",
        {"beneficiary": {"phone": "07 56 00 00 01"}, "needs": {"connectivity": "topup"}},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["beneficiary"]["phone"] == "+33756000001"
    assert response.json()["needs"]["connectivity"] == "topup"
    event = ReferralEvent.objects.filter(kind="updated").get()
    assert event.data == {"changed": ["beneficiary.phone", "connectivity"]}
    assert "0700" not in str(event.data) and "+337" not in str(event.data)


def test_no_national_identity_number_field_exists():
    names = {field.name for field in Beneficiary._meta.get_fields()}
    assert not names & {"nir", "social_security_number", "insee", "health", "diagnosis"}


@pytest.mark.parametrize(("field", "name"), [("first_name", "小明"), ("last_name", "Diallo 🙂"), ("last_name", "ᏣᎳᎩ")])
def test_a_name_no_embedded_font_can_print_is_refused_at_entry(api_a, field, name):
    response = api_a.post("referrals", referral_payload(beneficiary={field: name}))
    assert response.status_code == 422, response.json()
    body = response.json()
    assert (body["code"], body["field"]) == ("unprintable_name", f"beneficiary.{field}")
    assert name[-1] in body["detail"]
    assert not Referral.objects.exists() and not Beneficiary.objects.exists()


def test_names_in_every_script_the_documents_print_are_accepted_and_stored_composed(api_a):
    # "Nguyễn" typed with combining accents (as some keyboards send it) is stored composed, as printed.
    response = api_a.post(
        "referrals", referral_payload(beneficiary={"first_name": "Nguye\u0302\u0303n", "last_name": "محمد الأحمد"})
    )
    assert response.status_code == 201, response.json()
    person = Beneficiary.objects.get()
    assert (person.first_name, person.last_name) == ("Nguyễn", "محمد الأحمد")
